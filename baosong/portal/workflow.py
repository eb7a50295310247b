"""Portal releases (上网发布审核), declared in the action registry (see ``core.actions``).

Nothing else assigns ``PortalRelease.status``: services take these actions through ``release_transition``
(``core.actions.apply`` with the review trail row); pages and the API ask ``allowed_actions``."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypedDict

from baosong.core.actions import (
    Transition,
    Who,
    Workflow,
    apply,
    audit_group,
    declare,
    detail_labels,
    detail_refs,
    detail_values,
    names_of,
    object_kind,
)
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import roles_in_unit, step_names_user
from baosong.portal.models import (
    PortalColumn,
    PortalRelease,
    PortalReviewAction,
    PortalSite,
    ReleaseKind,
    ReleaseStatus,
)

R = ReleaseStatus


def step_names(step: dict[str, Any] | None, *, user: User, release: PortalRelease) -> bool:
    """Whether a frozen chain step (``{"role", "user_id", "label"}``, the shape of
    ``reports.services.review_chain_for``) names this user in the release's unit."""
    return step_names_user(step, user, home_unit_id=release.unit_id)


REQUESTER = Who("发布单位的采编人员（经办人）", lambda user, r: Role.EDITOR in roles_in_unit(user, r.unit_id))
STEP = Who("当前审核步骤指定的审核人", lambda user, r: step_names(r.current_step, user=user, release=r))
DESK = Who(
    "发布单位的采编人员、主编或领导",
    lambda user, r: bool({Role.EDITOR, Role.CHIEF, Role.LEADER} & roles_in_unit(user, r.unit_id)),
)

ReleasePayload = TypedDict(
    "ReleasePayload",
    {
        "from": str,
        "to": str,
        "by": int,
        "at": str,
        "action": str,
        "kind": str,
        "opinion": str,
        "step": dict[str, Any] | None,  # the step now waiting: the notification names its people
    },
    total=False,
)


class ReleaseWorkflow(Workflow[PortalRelease]):
    def lock(self, pk: int) -> PortalRelease:
        return PortalRelease.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)

    def before_change(self, obj: PortalRelease, t: Transition) -> None:
        step = obj.current_step
        t.details["_step"] = (obj.review_step if step is not None else None, step)

    def after_save(self, obj: PortalRelease, t: Transition) -> None:
        index, step = t.details.pop("_step")
        opinion = t.details.pop("opinion", "")
        PortalReviewAction.objects.create(
            release=obj,
            action=t.action.name,
            step=index,
            label=str(step.get("label", "")) if step else t.action.label,
            by=t.by,
            opinion=opinion,
        )
        t.details["kind"] = obj.kind
        if opinion:
            t.details["opinion"] = opinion[:200]

    def event_payload(self, obj: PortalRelease, t: Transition) -> dict[str, Any]:
        return {
            **super().event_payload(obj, t),
            "action": t.action.name,
            "step": obj.current_step,
        }


RELEASE = ReleaseWorkflow(
    "portal_release",
    "上网发布",
    PortalRelease,
    audit_type="portal.release",
    audit_label="上网发布审核",
    event_prefix="portal",
    payload=ReleasePayload,
    subject="该发布申请",
)
SUBMIT = RELEASE.action("submit", "提交审核", [(R.DRAFT, None, REQUESTER), (R.RETURNED, None, REQUESTER)])
APPROVE = RELEASE.action("approve", "审核通过", [(R.IN_REVIEW, None, STEP)])
RETURN = RELEASE.action("return", "退回", [(R.IN_REVIEW, R.RETURNED, STEP)])
RECALL = RELEASE.action("recall", "撤回申请", [(R.IN_REVIEW, R.DRAFT, REQUESTER)])
CANCEL = RELEASE.action(
    "cancel", "作废", [(R.DRAFT, R.CANCELLED, REQUESTER), (R.RETURNED, R.CANCELLED, REQUESTER)]
)
WITHDRAW = RELEASE.action("withdraw", "从门户撤下", [(R.PUBLISHED, R.WITHDRAWN, DESK)])
CREATE = RELEASE.declare("create", "申请上网发布", audit="portal.release")
UPDATE = RELEASE.declare("update", "修改发布申请", audit="portal.release")
RECORD_DIRECT = RELEASE.declare("record_direct", "补记直接公开的刊物", audit="portal.release")
SHEET = RELEASE.declare("sheet", "下载上网信息发布审核表", audit="portal.sheet")
COLUMN = declare("portal.column", "门户栏目管理")
SITE = declare("portal.site", "门户网站信息")

detail_labels(
    column_id="栏目",
    issue_id="刊物期次",
    before="修改前",
    after="修改后",
    site_code="网站标识码",
    slug="英文标识",
    order="排序",
    description="说明",
    is_active="启用",
)
detail_refs(column_id="portal_column")
detail_values(kind={str(v): str(label) for v, label in ReleaseKind.choices})
audit_group("门户发布", "portal")


def _release_names(ids: Collection[int]) -> dict[int, str]:
    rows = PortalRelease.objects.filter(pk__in=ids).values_list("pk", "kind", "title")
    return {pk: f"（{ReleaseKind(kind).label}）《{title}》" for pk, kind, title in rows}


object_kind("portal_release", "上网发布", _release_names)
object_kind("portal_column", "门户栏目", names_of(PortalColumn, "name", "“{}”"))


def _site_names(ids: Collection[int]) -> dict[int, str]:
    rows = PortalSite.objects.filter(pk__in=ids).values_list("pk", "name")
    return {pk: f"“{name}”" if name else "（本站）" for pk, name in rows}


object_kind("portal_site", "门户网站", _site_names)


def allowed_actions(release: PortalRelease, user: User) -> list[str]:
    from baosong.core.actions import allowed_actions as allowed

    return allowed(release, user)


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

    def run(obj: PortalRelease, t: Transition) -> str | None:
        return change(obj) if change else None

    details = {"opinion": opinion} if opinion else None
    return apply(RELEASE.actions[action], release, by, change=run, details=details)
