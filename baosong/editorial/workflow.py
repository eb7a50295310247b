"""The issue workflow, declared in the action registry (see ``core.actions``).

Nothing else assigns ``Issue.status``: services take these actions through ``issue_transition``, which is
``core.actions.apply`` with the issue's change; pages and the API ask ``allowed_actions``."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypedDict

from django.utils import timezone

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
    field_labels,
    names_of,
    object_kind,
)
from baosong.editorial.models import (
    Issue,
    IssueItem,
    IssueRecipient,
    IssueStatus,
    IssueTemplate,
    Publication,
    PublicationKind,
)
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import roles_in_unit

I = IssueStatus  # noqa: E741

EDITOR = Who(
    "刊物所属单位的采编人员", lambda user, i: Role.EDITOR in roles_in_unit(user, i.publication.unit_id)
)
SIGNER = Who(
    "刊物的签发人（主编或签发领导）",
    lambda user, i: i.publication.signer_role in roles_in_unit(user, i.publication.unit_id),
)

IssuePayload = TypedDict(
    "IssuePayload",
    {
        "from": str,
        "to": str,
        "by": int,
        "at": str,
        "publication_id": int,
        "publication_kind": str,
        "level": str,
        "comment": str,
        "reason": str,
        # sign
        "number": int,
        "total_number": int,
        "year": int,
        "is_supplement": bool,
        "submissions": list[int],
        # distribute, remind
        "recipients": list[int],
        # publish
        "public_items": int,  # how many items are 主动公开
        "portal_release_id": int,
        # withdraw
        "revoked": list[int],
    },
    total=False,
)


class IssueWorkflow(Workflow[Issue]):
    def lock(self, pk: int) -> Issue:
        return Issue.objects.select_for_update(of=("self",)).select_related("publication__unit").get(pk=pk)

    def unit_of(self, obj: Issue) -> int | None:
        return int(obj.publication.unit_id)

    def before_change(self, obj: Issue, t: Transition) -> None:
        obj.updated_at = timezone.now()

    def event_payload(self, obj: Issue, t: Transition) -> dict[str, Any]:
        return {
            **super().event_payload(obj, t),
            "publication_id": obj.publication_id,
            "publication_kind": obj.publication.kind,
            "level": obj.publication.unit.level,
            **t.details,
        }


ISSUE = IssueWorkflow(
    "issue",
    "刊物",
    Issue,
    audit_type="issue.transition",
    audit_label="刊物流转",
    payload=IssuePayload,
    subject="本期",
)
SUBMIT = ISSUE.action("submit", "送签", [(I.EDITING, I.PENDING_SIGNATURE, EDITOR)])
WITHDRAW = ISSUE.action(
    "withdraw",
    "撤回",
    [
        (I.EDITING, I.WITHDRAWN, EDITOR),  # an abandoned draft issue (it has no number)
        (I.SIGNED, I.WITHDRAWN, SIGNER),
        (I.DISTRIBUTED, I.WITHDRAWN, SIGNER),
        (I.PUBLISHED, I.WITHDRAWN, SIGNER),
    ],
)
RECALL = ISSUE.action("recall", "撤回送签", [(I.PENDING_SIGNATURE, I.EDITING, EDITOR)])
RETURN = ISSUE.action("return", "退回修改", [(I.PENDING_SIGNATURE, I.EDITING, SIGNER)])
SIGN = ISSUE.action("sign", "签发", [(I.PENDING_SIGNATURE, I.SIGNED, SIGNER)])
DISTRIBUTE = ISSUE.action("distribute", "分发", [(I.SIGNED, I.DISTRIBUTED, EDITOR)])
PUBLISH = ISSUE.action("publish", "公开发布", [(I.DISTRIBUTED, I.PUBLISHED, EDITOR)])

CREATE = ISSUE.declare("create", "新建一期", audit="issue.create")
UPDATE = ISSUE.declare("update", "修改本期信息", audit="issue.update")
ITEM_ADD = ISSUE.declare("item_add", "编入信息", audit="issue.item_add")
ITEM_EDIT = ISSUE.declare("item_edit", "修改刊发稿", audit="issue.item_edit")
REORDER = ISSUE.declare("reorder", "调整顺序", audit="issue.reorder")
ITEM_REMOVE = ISSUE.declare("item_remove", "移出信息", audit="issue.item_remove")
MERGE = ISSUE.declare("merge", "合并编发", audit="issue.merge")
READ = ISSUE.declare("read", "阅读刊物", audit="issue.read")
REMIND = ISSUE.declare("remind", "催阅", audit="issue.remind", event=True)
DOWNLOAD = ISSUE.declare("download", "下载刊物", audit="issue.download")
TEMPLATE_CREATE = declare("template.create", "新建刊物模板")
TEMPLATE_UPDATE = declare("template.update", "修改刊物模板")
PUBLICATION_CREATE = declare("publication.create", "新建刊物")
PUBLICATION_UPDATE = declare("publication.update", "修改刊物")

detail_labels(
    lines="阅读份数",
    recipients="分发对象",
    items="信息条目",
    order="顺序",
    item="条目",
    sources="来源",
    publication="刊物",
    issue="期次",
    portal_release_id="上网发布申请",
    public_items="公开条目数",
    revoked="撤销采用",
    submissions="相关采编记录",
    total_number="总期号",
    year="年度",
    is_supplement="增刊",
    merged="并入的条目",
    text_changed="修改了标题或正文",
)
detail_refs(
    submissions="submission",
    revoked="submission",
    items="issue_item",
    merged="issue_item",
    recipients="issue_recipient",
    portal_release_id="portal_release",
)
detail_refs(types=("issue.reorder",), order="issue_item")
detail_values(
    kind={str(v): str(label) for v, label in PublicationKind.choices},
    fields={**field_labels(Issue, IssueTemplate, Publication), "recipients": "分发对象"},
)
audit_group("刊物编发", "issue", "template", "publication")


def _issue_names(ids: Collection[int]) -> dict[int, str]:
    return {i.pk: i.label for i in Issue.objects.filter(pk__in=ids).select_related("publication")}


object_kind("issue", "刊物", _issue_names)
object_kind("issue_item", "刊发稿", names_of(IssueItem, "title", "《{}》"))
object_kind("issue_recipient", "分发对象", names_of(IssueRecipient, "name"))
object_kind("issue_template", "刊物模板", names_of(IssueTemplate, "name", "“{}”"))
object_kind("publication", "刊物", names_of(Publication, "name", "《{}》"))


def allowed_actions(issue: Issue, user: User) -> list[str]:
    from baosong.core.actions import allowed_actions as allowed

    return allowed(issue, user)


def issue_transition(
    issue: Issue,
    action: str,
    by: User,
    change: Callable[[Issue], dict[str, Any] | None] | None = None,
    details: dict[str, Any] | None = None,
    chain_approved: bool = False,
) -> Issue:
    """``change`` may return details for the audit record and the event (the number signed, the lines
    distributed). ``chain_approved``: the caller has checked that ``by`` is the last step of an approval
    chain (上网发布审核) that stands in for the edge's actor; the edge itself is still checked."""

    def run(obj: Issue, t: Transition) -> None:
        t.details.update((change(obj) if change else None) or {})

    return apply(ISSUE.actions[action], issue, by, change=run, details=details, actor_checked=chain_approved)
