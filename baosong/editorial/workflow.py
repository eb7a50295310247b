"""The issue transition table and the one function that applies a transition.

Nothing else assigns ``Issue.status``. Each apply locks the issue, refuses an illegal move or a wrong
actor with a clear Chinese error, runs the service's change, writes the state, the audit event and the
domain event in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from baosong.core.audit import audit_record
from baosong.core.errors import Forbidden, ServiceError
from baosong.core.events import event_emit
from baosong.editorial.models import Issue, IssueStatus
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import roles_in_unit

I = IssueStatus  # noqa: E741

EDITOR = "editor"  # an editor of the publication's unit
SIGNER = "signer"  # the publication's signer role (主编/签发领导) in its unit


@dataclass(frozen=True)
class Edge:
    source: str
    action: str
    target: str
    who: str


ISSUE_EDGES = [
    Edge(I.EDITING, "submit", I.PENDING_SIGNATURE, EDITOR),
    Edge(I.EDITING, "withdraw", I.WITHDRAWN, EDITOR),  # an abandoned draft issue (it has no number)
    Edge(I.PENDING_SIGNATURE, "recall", I.EDITING, EDITOR),
    Edge(I.PENDING_SIGNATURE, "return", I.EDITING, SIGNER),
    Edge(I.PENDING_SIGNATURE, "sign", I.SIGNED, SIGNER),
    Edge(I.SIGNED, "distribute", I.DISTRIBUTED, EDITOR),
    Edge(I.DISTRIBUTED, "publish", I.PUBLISHED, EDITOR),
    Edge(I.SIGNED, "withdraw", I.WITHDRAWN, SIGNER),
    Edge(I.DISTRIBUTED, "withdraw", I.WITHDRAWN, SIGNER),
    Edge(I.PUBLISHED, "withdraw", I.WITHDRAWN, SIGNER),
]

ACTION_LABELS = {
    "submit": "送签", "withdraw": "撤回", "recall": "撤回送签", "return": "退回修改", "sign": "签发",
    "distribute": "分发", "publish": "公开发布",
}  # fmt: skip


def edge_for(status: str, action: str) -> Edge | None:
    return next((e for e in ISSUE_EDGES if e.source == status and e.action == action), None)


def may_act(who: str, *, user: User, issue: Issue) -> bool:
    roles = roles_in_unit(user, issue.publication.unit)
    if who == EDITOR:
        return Role.EDITOR in roles
    return issue.publication.signer_role in roles


def allowed_actions(issue: Issue, user: User) -> list[str]:
    return [
        e.action for e in ISSUE_EDGES if e.source == issue.status and may_act(e.who, user=user, issue=issue)
    ]


def issue_transition(
    issue: Issue,
    action: str,
    by: User,
    change: Callable[[Issue], dict[str, Any] | None] | None = None,
    details: dict[str, Any] | None = None,
    chain_approved: bool = False,
) -> Issue:
    """``chain_approved``: the caller has checked that ``by`` is the last step of an approval chain
    (上网发布审核) that stands in for the edge's actor; the edge itself is still checked."""
    with transaction.atomic():
        # Lock first, then check: of two people acting at once, the second sees the first's result.
        obj = Issue.objects.select_for_update().select_related("publication__unit").get(pk=issue.pk)
        edge = edge_for(obj.status, action)
        label = ACTION_LABELS.get(action, action)
        if edge is None:
            raise ServiceError(
                f"本期当前状态为“{IssueStatus(obj.status).label}”，不能执行“{label}”。",
                "invalid_transition",
                status=409,
            )
        if not chain_approved and not may_act(edge.who, user=by, issue=obj):
            raise Forbidden(f"您不能对本期执行“{label}”。")
        before = obj.status
        extra = (change(obj) if change else None) or {}
        setattr(obj, "status", edge.target)  # noqa: B010 — the one place an issue status is assigned
        obj.updated_at = timezone.now()
        obj.save()
        payload = {**(details or {}), **extra}
        audit_record(
            "issue.transition",
            user=by,
            unit_id=obj.publication.unit_id,
            object_type="issue",
            object_id=obj.pk,
            details={"action": action, "from": before, "to": edge.target, **payload},
        )
        event_emit(
            f"issue.{action}",
            object_type="issue",
            object_id=obj.pk,
            unit_id=obj.publication.unit_id,
            payload={
                "from": before,
                "to": edge.target,
                "by": by.pk,
                "publication_id": obj.publication_id,
                "publication_kind": obj.publication.kind,
                "level": obj.publication.unit.level,
                "at": timezone.now().isoformat(),
                **payload,
            },
        )
    return obj
