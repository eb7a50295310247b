"""From the event history to packages: a copy sent or forwarded to a peer's unit is packaged, and a decision
on a copy that came from a peer goes back to it. Each event once (the outbox's delivery row); packaging
itself is idempotent per copy and per event."""

from __future__ import annotations

from typing import Any

from baosong.core.actions import Subscribable, event_codes
from baosong.core.models import DomainEvent
from baosong.editorial import workflow as editorial_wf
from baosong.federation import services
from baosong.federation.models import Message
from baosong.instructions import workflow as instructions_wf
from baosong.reports import workflow as reports_wf
from baosong.reports.models import Submission


def _code(item: Subscribable) -> str:
    (code,) = event_codes([item])
    return code


HEARD: list[Subscribable] = [
    reports_wf.SENT,
    reports_wf.FORWARD,
    reports_wf.ADOPT,
    reports_wf.DECLINE,
    reports_wf.SUBMISSION_RETURN,
    reports_wf.RESUBMIT,
    reports_wf.WITHDRAW,
    instructions_wf.CREATE,
    editorial_wf.SIGN,
]
SENT = _code(reports_wf.SENT)
FORWARD = _code(reports_wf.FORWARD)
DECISIONS = {
    _code(reports_wf.ADOPT): "adopt",
    _code(reports_wf.DECLINE): "decline",
    _code(reports_wf.SUBMISSION_RETURN): "return",
}
RESUBMIT = _code(reports_wf.RESUBMIT)
WITHDRAW = _code(reports_wf.WITHDRAW)
INSTRUCTION = _code(instructions_wf.CREATE)
ISSUE_SIGN = _code(editorial_wf.SIGN)


def _inbound(ids: list[int]) -> list[int]:
    """Of these copies, those that came from a peer."""
    return list(
        Message.objects.filter(
            submission_id__in=ids, direction=Message.Direction.IN, kind=Message.Kind.ITEM
        ).values_list("submission_id", flat=True)
    )


def on_event(event: DomainEvent) -> None:
    t, p = event.event_type, event.payload or {}
    if t == SENT:
        services.package_new_copies(
            list(Submission.objects.filter(report_id=event.object_id).values_list("pk", flat=True))
        )
    elif t == FORWARD:
        services.package_new_copies(
            list(Submission.objects.filter(forwarded_from_id=event.object_id).values_list("pk", flat=True))
        )
        if _inbound([event.object_id]):
            services.package_decision(submission_id=event.object_id, decision="forward")
    elif t in DECISIONS:
        if _inbound([event.object_id]):
            services.package_decision(submission_id=event.object_id, decision=DECISIONS[t])
    elif t == WITHDRAW:
        services.package_withdrawal(report_id=event.object_id)
    elif t == RESUBMIT:
        services.package_resubmit(submission_id=event.object_id)
    elif t == INSTRUCTION:
        ids = [int(i) for i in p.get("submissions") or []]
        for sid in _inbound(ids):
            services.package_decision(
                submission_id=sid, decision="instruction", extra=_instruction(event.object_id)
            )
    elif t == ISSUE_SIGN:
        ids = [int(i) for i in p.get("submissions") or []]
        for sid in _inbound(ids):
            services.package_decision(submission_id=sid, decision="publish", extra=_issue(event.object_id))


def _instruction(instruction_id: int) -> dict[str, Any]:
    from baosong.instructions.models import Instruction

    found = Instruction.objects.filter(pk=instruction_id).first()
    if found is None:
        return {}
    return {
        "leader": found.leader_name,
        "level": found.get_level_display(),
        "text": found.text[:2000],
        "instructed_on": found.instructed_on.isoformat(),
    }


def _issue(issue_id: int) -> dict[str, Any]:
    from baosong.editorial.models import Issue

    found = Issue.objects.select_related("publication").filter(pk=issue_id).first()
    return {"publication": found.label} if found else {}
