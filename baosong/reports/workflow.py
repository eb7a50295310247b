"""The transition tables of the reporting workflow and the one function that applies a transition.

Nothing else assigns ``status``. Each apply locks the row, refuses an illegal move or a wrong actor with
a clear Chinese error, writes the new state, the audit event and the domain event in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from baosong.core.audit import audit_record
from baosong.core.errors import Forbidden, ServiceError
from baosong.core.events import event_emit
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import roles_in_unit
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus

S = ReportStatus
T = SubmissionStatus

AUTHOR = "author"  # the item's author (or a reporter of the source unit)
REVIEWER = "reviewer"  # whoever the current review step names
EDITOR = "editor"  # an editor of the submission's target unit
DESK = "desk"  # an editor, chief or leader of the target unit (the signer withdrawing a signed issue)


@dataclass(frozen=True)
class Edge:
    source: str
    action: str
    target: str | None  # None: decided by the service (e.g. next review step or sent)
    who: str


REPORT_EDGES = [
    Edge(S.DRAFT, "submit", None, AUTHOR),
    Edge(S.RETURNED, "submit", None, AUTHOR),
    Edge(S.IN_REVIEW, "approve", None, REVIEWER),
    Edge(S.IN_REVIEW, "return", S.RETURNED, REVIEWER),
    Edge(S.IN_REVIEW, "withdraw", S.WITHDRAWN, AUTHOR),
    Edge(S.SENT, "withdraw", S.WITHDRAWN, AUTHOR),
    Edge(S.WITHDRAWN, "reopen", S.DRAFT, AUTHOR),
]

SUBMISSION_EDGES = [
    Edge(T.RECEIVED, "claim", T.CLAIMED, EDITOR),
    Edge(T.RECEIVED, "adopt", T.ADOPTED, EDITOR),
    Edge(T.CLAIMED, "adopt", T.ADOPTED, EDITOR),
    Edge(T.RECEIVED, "decline", T.DECLINED, EDITOR),
    Edge(T.CLAIMED, "decline", T.DECLINED, EDITOR),
    Edge(T.RECEIVED, "return", T.RETURNED, EDITOR),
    Edge(T.CLAIMED, "return", T.RETURNED, EDITOR),
    Edge(T.RECEIVED, "forward", T.FORWARDED, EDITOR),
    Edge(T.CLAIMED, "forward", T.FORWARDED, EDITOR),
    Edge(T.ADOPTED, "forward", T.ADOPTED, EDITOR),  # 县采用并转报: the adoption stands, a copy goes up
    Edge(T.RETURNED, "resubmit", T.CLAIMED, AUTHOR),  # back to the same editor
    # The issue that printed it was withdrawn: the adoption is reversed and the editor decides again.
    Edge(T.ADOPTED, "revoke", T.CLAIMED, DESK),
]

ACTION_LABELS = {
    "submit": "提交", "approve": "审核通过", "return": "退回", "withdraw": "撤回", "reopen": "重新编辑",
    "resubmit": "修改后重报", "claim": "接收", "adopt": "采用", "decline": "不采用", "forward": "转报",
    "revoke": "撤销采用",
}  # fmt: skip

M = TypeVar("M", bound=models.Model)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def edge_for(edges: list[Edge], status: str, action: str) -> Edge | None:
    return next((e for e in edges if e.source == status and e.action == action), None)


def _current_step(report: Report) -> dict[str, Any] | None:
    chain = report.review_chain or []
    return chain[report.review_step] if report.review_step < len(chain) else None


def step_is_for(step: dict[str, Any], *, user_id: int, roles: set[str]) -> bool:
    """A review step names one person or a role in the item's unit."""
    if step.get("user_id"):
        return bool(step["user_id"] == user_id)
    return step.get("role") in roles


def waiting_step_for(report: Report, *, user_id: int, roles: set[str]) -> bool:
    """Is the item's current review step this person's (roles: theirs in the item's unit)?"""
    step = _current_step(report)
    return step is not None and step_is_for(step, user_id=user_id, roles=roles)


def may_act(edge: Edge, *, user: User, report: Report, submission: Submission | None = None) -> bool:
    if edge.who == AUTHOR:
        if report.author_id == user.pk:
            return True
        return Role.REPORTER in roles_in_unit(user, report.source_unit)
    if edge.who == REVIEWER:
        step = _current_step(report)
        if step is None:
            return False
        # A named person needs no membership lookup.
        roles = set() if step.get("user_id") else roles_in_unit(user, report.source_unit)
        return step_is_for(step, user_id=user.pk, roles=roles)
    if edge.who == EDITOR and submission is not None:
        return Role.EDITOR in roles_in_unit(user, submission.target_unit)
    if edge.who == DESK and submission is not None:
        return bool({Role.EDITOR, Role.CHIEF, Role.LEADER} & roles_in_unit(user, submission.target_unit))
    return False


def _apply(
    model: type[M],
    pk: int,
    edges: list[Edge],
    action: str,
    by: User,
    *,
    status_of: Callable[[M], str],
    report_of: Callable[[M], Report],
    submission_of: Callable[[M], Submission | None],
    change: Callable[[M, Edge], str],
    audit_type: str,
    details: dict[str, Any] | None = None,
) -> M:
    with transaction.atomic():
        # Lock first, then check: of two editors acting at once, the second sees the first's result.
        obj = model._default_manager.select_for_update().get(pk=pk)
        status = status_of(obj)
        edge = edge_for(edges, status, action)
        report = report_of(obj)
        if edge is None:
            label = dict(ReportStatus.choices + SubmissionStatus.choices).get(status, status)
            raise ServiceError(
                f"当前状态为“{label}”，不能执行“{ACTION_LABELS.get(action, action)}”。",
                "invalid_transition",
                status=409,
            )
        if not may_act(edge, user=by, report=report, submission=submission_of(obj)):
            raise Forbidden(f"您不能对此信息执行“{ACTION_LABELS.get(action, action)}”。")
        new_status = change(obj, edge)
        setattr(obj, "status", new_status)  # noqa: B010 — the one place a status is assigned
        obj.save()
        object_type = model.__name__.lower()
        audit_record(
            audit_type,
            user=by,
            unit_id=report.source_unit_id,
            object_type=object_type,
            object_id=obj.pk,
            details={"action": action, "from": status, "to": new_status, **(details or {})},
        )
        event_emit(
            f"{object_type}.{action}",
            object_type=object_type,
            object_id=obj.pk,
            unit_id=getattr(obj, "target_unit_id", None) or report.source_unit_id,
            payload={
                "from": status,
                "to": new_status,
                "by": by.pk,
                "report_id": report.pk,
                "at": timezone.now().isoformat(),
                # The review step reached, so consumers notify the right reviewer even if delivered late.
                "review_step": getattr(obj, "review_step", None),
                # Receive time (接收时效) as it was at this step: a later resubmission moves received_at.
                "received_at": _iso(getattr(obj, "received_at", None)),
                "claimed_at": _iso(getattr(obj, "claimed_at", None)),
                **(details or {}),
            },
        )
    return obj


def report_transition(
    report: Report,
    action: str,
    by: User,
    change: Callable[[Report, Edge], str],
    details: dict[str, Any] | None = None,
) -> Report:
    return _apply(
        Report,
        report.pk,
        REPORT_EDGES,
        action,
        by,
        status_of=lambda r: r.status,
        report_of=lambda r: r,
        submission_of=lambda r: None,
        change=change,
        audit_type="report.transition",
        details=details,
    )


def submission_transition(
    submission: Submission,
    action: str,
    by: User,
    change: Callable[[Submission, Edge], str],
    details: dict[str, Any] | None = None,
) -> Submission:
    return _apply(
        Submission,
        submission.pk,
        SUBMISSION_EDGES,
        action,
        by,
        status_of=lambda s: s.status,
        report_of=lambda s: s.report,
        submission_of=lambda s: s,
        change=change,
        audit_type="submission.transition",
        details=details,
    )
