"""The transition table of portal releases (上网发布审核) and the one function that applies it.

Nothing else assigns ``PortalRelease.status``. Each apply locks the release, refuses an illegal move or
a wrong actor with a Chinese error, runs the service's change, writes the state, the review trail row,
the audit event and the domain event in one transaction.
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
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import roles_in_unit
from baosong.portal.models import PortalRelease, PortalReviewAction, ReleaseStatus

R = ReleaseStatus

REQUESTER = "requester"  # an editor of the release's unit (经办人)
STEP = "step"  # whoever the current step of the frozen chain names
DESK = "desk"  # an editor, chief or leader of the release's unit (taking content off the portal)


@dataclass(frozen=True)
class Edge:
    source: str
    action: str
    target: str | None  # None: decided by the service (next step, or published after the last one)
    who: str


RELEASE_EDGES = [
    Edge(R.DRAFT, "submit", None, REQUESTER),
    Edge(R.RETURNED, "submit", None, REQUESTER),
    Edge(R.IN_REVIEW, "approve", None, STEP),
    Edge(R.IN_REVIEW, "return", R.RETURNED, STEP),
    Edge(R.IN_REVIEW, "recall", R.DRAFT, REQUESTER),
    Edge(R.DRAFT, "cancel", R.CANCELLED, REQUESTER),
    Edge(R.RETURNED, "cancel", R.CANCELLED, REQUESTER),
    Edge(R.PUBLISHED, "withdraw", R.WITHDRAWN, DESK),
]

ACTION_LABELS = {
    "submit": "提交审核", "approve": "审核通过", "return": "退回", "recall": "撤回申请", "cancel": "作废",
    "withdraw": "从门户撤下",
}  # fmt: skip


def edge_for(status: str, action: str) -> Edge | None:
    return next((e for e in RELEASE_EDGES if e.source == status and e.action == action), None)


def step_names(step: dict[str, Any] | None, *, user: User, release: PortalRelease) -> bool:
    """Whether a frozen chain step (``{"role", "user_id", "label"}``, the shape of
    ``reports.services.review_chain_for``) names this user in the release's unit."""
    if step is None:
        return False
    if step.get("user_id"):
        return bool(step["user_id"] == user.pk)
    return step.get("role") in roles_in_unit(user, release.unit)


def may_act(who: str, *, user: User, release: PortalRelease) -> bool:
    if who == REQUESTER:
        return Role.EDITOR in roles_in_unit(user, release.unit)
    if who == STEP:
        return step_names(release.current_step, user=user, release=release)
    if who == DESK:
        return bool({Role.EDITOR, Role.CHIEF, Role.LEADER} & roles_in_unit(user, release.unit))
    return False


def allowed_actions(release: PortalRelease, user: User) -> list[str]:
    return [
        e.action
        for e in RELEASE_EDGES
        if e.source == release.status and may_act(e.who, user=user, release=release)
    ]


def release_transition(
    release: PortalRelease,
    action: str,
    by: User,
    *,
    opinion: str = "",
    change: Callable[[PortalRelease], str | None] | None = None,
) -> PortalRelease:
    """Apply ``action``. ``change`` may set fields and return the target status when the edge leaves it
    to the service (submit: in review or, with no chain, published; approve: next step or published)."""
    with transaction.atomic():
        # Lock first, then check: of two reviewers acting at once, the second sees the first's result.
        obj = PortalRelease.objects.select_for_update().select_related("unit").get(pk=release.pk)
        edge = edge_for(obj.status, action)
        label = ACTION_LABELS.get(action, action)
        if edge is None:
            raise ServiceError(
                f"该发布申请当前状态为“{ReleaseStatus(obj.status).label}”，不能执行“{label}”。",
                "invalid_transition",
                status=409,
            )
        if not may_act(edge.who, user=by, release=obj):
            raise Forbidden(f"您不能对该发布申请执行“{label}”。")
        before, step_before = obj.status, obj.current_step
        step_index = obj.review_step if step_before is not None else None
        target = (change(obj) if change else None) or edge.target
        assert target is not None
        setattr(obj, "status", target)  # noqa: B010 — the one place a release status is assigned
        obj.save()
        PortalReviewAction.objects.create(
            release=obj,
            action=action,
            step=step_index,
            label=str(step_before.get("label", "")) if step_before else label,
            by=by,
            opinion=opinion,
        )
        details = {"action": action, "from": before, "to": target, "kind": obj.kind}
        if opinion:
            details["opinion"] = opinion[:200]
        audit_record(
            "portal.release",
            user=by,
            unit_id=obj.unit_id,
            object_type="portal_release",
            object_id=obj.pk,
            details=details,
        )
        event_emit(
            f"portal.{action}",
            object_type="portal_release",
            object_id=obj.pk,
            unit_id=obj.unit_id,
            # The step now waiting (if any), so the notification names its people even if delivered late.
            payload={**details, "by": by.pk, "step": obj.current_step, "at": timezone.now().isoformat()},
        )
    return obj
