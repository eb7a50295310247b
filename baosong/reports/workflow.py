"""The reporting workflow, declared in the action registry: the item (Report) at its own unit, and each
copy (Submission) at a target unit. Nothing else assigns ``status``; services take these actions with
``core.actions.apply``, pages and the API ask ``allowed_actions``."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypedDict

from baosong.core.actions import (
    Transition,
    Who,
    Workflow,
    audit_group,
    declare,
    detail_labels,
    detail_refs,
    detail_values,
    field_labels,
    names_of,
    object_kind,
)
from baosong.core.errors import ServiceError
from baosong.orgs.models import Role
from baosong.orgs.selectors import roles_in_unit, unit_has_targets
from baosong.reports.categories import BUILTIN_LABELS
from baosong.reports.models import (
    Attachment,
    Channel,
    DeadlineRule,
    ExternalAdoption,
    ItemCategory,
    Report,
    ReportStatus,
    SensitiveWord,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
)

S = ReportStatus
T = SubmissionStatus


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


def _report(obj: Report | Submission) -> Report:
    return obj.report if isinstance(obj, Submission) else obj


def _is_author(user: Any, obj: Report | Submission) -> bool:
    report = _report(obj)
    if report.author_id == user.pk:
        return True
    return Role.REPORTER in roles_in_unit(user, report.source_unit_id)


def _is_reviewer(user: Any, report: Report) -> bool:
    step = _current_step(report)
    if step is None:
        return False
    # A named person needs no membership lookup.
    roles = set() if step.get("user_id") else roles_in_unit(user, report.source_unit_id)
    return step_is_for(step, user_id=user.pk, roles=roles)


def _not_yet_handled(report: Report) -> ServiceError | None:
    """A sent item is withdrawn while no target unit has started on it (the service re-checks under a
    lock of the copies)."""
    from baosong.reports.selectors import targets_have_acted

    if targets_have_acted(report):
        return ServiceError("已有接收单位开始处理，不能撤回。", "already_handled", status=409)
    return None


AUTHOR = Who("作者或本单位信息员", _is_author)
REVIEWER = Who("当前审核步骤指定的审核人", _is_reviewer)
EDITOR = Who(
    "接收单位的采编人员", lambda user, s: Role.EDITOR in roles_in_unit(user, s.target_unit_id)
)  # fmt: skip
DESK = Who(
    "接收单位的采编人员、主编或领导",
    lambda user, s: bool({Role.EDITOR, Role.CHIEF, Role.LEADER} & roles_in_unit(user, s.target_unit_id)),
)


# What every report and submission event may carry; apply adds from/to/by/at.
ItemPayload = TypedDict(
    "ItemPayload",
    {
        "from": str,
        "to": str,
        "by": int,
        "at": str,
        "report_id": int,
        "review_step": int | None,  # the step reached: the right reviewer is notified even if late
        "received_at": str | None,  # 接收时效 as it was at this step (a resubmission moves it)
        "claimed_at": str | None,
        "comment": str,
        "usage": str,
        "issue_id": int | None,
        "targets": list[int],
        # report.sent
        "urgent": bool,
        "late": bool,
        "category": str,
        "follow_up_of": int | None,
        # report.external_adoption
        "level": str,
        "publication_name": str,
        "date": str,
        "adoption_id": int,
        # reminders and alarms
        "due_at": str | None,
        # report.register (代为登记): how the item came in
        "channel": str,
    },
    total=False,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class ItemWorkflow(Workflow[Any]):
    def lock(self, pk: int) -> Any:
        return self.model._default_manager.select_for_update().get(pk=pk)

    def unit_of(self, obj: Any) -> int | None:
        return int(_report(obj).source_unit_id)

    def event_unit_of(self, obj: Any) -> int | None:
        return getattr(obj, "target_unit_id", None) or _report(obj).source_unit_id

    def event_payload(self, obj: Any, t: Transition) -> dict[str, Any]:
        return {
            **super().event_payload(obj, t),
            "report_id": _report(obj).pk,
            "review_step": getattr(obj, "review_step", None),
            "received_at": _iso(getattr(obj, "received_at", None)),
            "claimed_at": _iso(getattr(obj, "claimed_at", None)),
            **t.details,
        }


REPORT = ItemWorkflow(
    "report",
    "信息",
    Report,
    audit_type="report.transition",
    audit_label="信息流转",
    payload=ItemPayload,
    subject="此信息",
    state_subject="",
)
SUBMIT = REPORT.action("submit", "提交", [(S.DRAFT, None, AUTHOR), (S.RETURNED, None, AUTHOR)])
APPROVE = REPORT.action("approve", "审核通过", [(S.IN_REVIEW, None, REVIEWER)])
RETURN = REPORT.action("return", "退回", [(S.IN_REVIEW, S.RETURNED, REVIEWER)])
WITHDRAW = REPORT.action(
    "withdraw", "撤回", [(S.IN_REVIEW, S.WITHDRAWN, AUTHOR), (S.SENT, S.WITHDRAWN, AUTHOR, _not_yet_handled)]
)
REOPEN = REPORT.action("reopen", "重新编辑", [(S.WITHDRAWN, S.DRAFT, AUTHOR)])


def _is_registrar(user: Any, report: Report) -> bool:
    """代为登记: the editor who entered the draft for the source unit, still an editor of that desk."""
    from baosong.reports.models import BehalfRegistration

    row = BehalfRegistration.objects.filter(report_id=report.pk).values_list("registered_by_id", "unit_id")
    found = row.first()
    return found is not None and found[0] == user.pk and Role.EDITOR in roles_in_unit(user, found[1])


REGISTRAR = Who("代为登记的上级单位采编人员", _is_registrar)
# An item that came on paper, USB, fax, phone or mail goes out as the unit had sent it (the unit signed
# it off on paper before sending: no in-system review chain).
REGISTER = REPORT.action("register", "代为登记", [(S.DRAFT, S.SENT, REGISTRAR)])
CREATE = REPORT.declare("create", "新建信息", audit="report.create", event=True)
UPDATE = REPORT.declare("update", "修改信息", audit="report.update")
SENT = REPORT.declare("sent", "信息报送至接收单位", event=True)
REPORT_OVERDUE = REPORT.declare("overdue", "审核超时", event=True)

SUBMISSION = ItemWorkflow(
    "submission",
    "采编",
    Submission,
    audit_type="submission.transition",
    audit_label="采编处理",
    payload=ItemPayload,
    subject="此信息",
    state_subject="",
)
OPEN = (T.RECEIVED, T.CLAIMED)
CLAIM = SUBMISSION.action("claim", "接收", [(T.RECEIVED, T.CLAIMED, EDITOR)])
ADOPT = SUBMISSION.action("adopt", "采用", [(s, T.ADOPTED, EDITOR) for s in OPEN])
DECLINE = SUBMISSION.action("decline", "不采用", [(s, T.DECLINED, EDITOR) for s in OPEN])
SUBMISSION_RETURN = SUBMISSION.action("return", "退回", [(s, T.RETURNED, EDITOR) for s in OPEN])


def _has_targets(s: Submission) -> ServiceError | None:
    if unit_has_targets(s.target_unit_id):
        return None
    return ServiceError("本单位没有上级报送对象，不能转报。", "no_targets")


FORWARD = SUBMISSION.action(
    "forward",
    "转报",
    # 县采用并转报: the adoption stands, a copy goes up.
    [
        (s, t, EDITOR, _has_targets)
        for s, t in ((T.RECEIVED, T.FORWARDED), (T.CLAIMED, T.FORWARDED), (T.ADOPTED, T.ADOPTED))
    ],
)
RESUBMIT = SUBMISSION.action("resubmit", "修改后重报", [(T.RETURNED, T.CLAIMED, AUTHOR)])  # same editor
# The issue that printed it was withdrawn: the adoption is reversed and the editor decides again.
REVOKE = SUBMISSION.action("revoke", "撤销采用", [(T.ADOPTED, T.CLAIMED, DESK)])
EDIT = SUBMISSION.declare("edit", "编辑工作稿", audit="submission.edit", event=True)
DUE_SOON = SUBMISSION.declare("due_soon", "处理时限将到", event=True)
SUBMISSION_OVERDUE = SUBMISSION.declare("overdue", "处理超时", event=True)
REVIEW_SHEET = SUBMISSION.declare("review_sheet", "下载信息审核表", audit="report.review_sheet")

EXTERNAL_ADOPTION = declare(
    "external_adoption.create",
    "补录外部采用",
    event="report.external_adoption",
    event_label="外部采用",
    payload=ItemPayload,
)
DEADLINE_RULE = declare("config.deadline_rule", "修改时限规则")
SENSITIVE_WORD = declare("config.sensitive_word", "修改敏感词")
CATEGORY_SET = declare("config.category", "修改信息类别")
ATTACHMENT_UPLOAD = declare("attachment.upload", "上传附件")
ATTACHMENT_REMOVE = declare("attachment.remove", "删除附件")
ATTACHMENT_DOWNLOAD = declare("attachment.download", "下载附件")
EXPORT_LEDGER = declare("export.ledger", "导出信息台账")

detail_labels(
    usage="采用方式",
    issue_id="刊物期号",
    targets="报送对象",
    attachment="附件",
    size="大小",
    report="信息",
    submission="采编记录",
    word="敏感词",
    category="类别",
    urgency="紧急程度",
    hours="时限（小时）",
    report_id="信息",
    amount="时限数值",
    blocking="禁止提交",
    source="来源单位",
    adopted_level="采用级别",
    q="关键词",
    fields="修改项",
    channel="渠道",
    writer_name="执笔人",
)
detail_labels(
    types=("config.category",),
    code="代码",
    label="名称",
    retired="停用",
    sort_order="顺序",
    elements="必备要素",
    template="写作模板",
    moved="调整顺序",
)
detail_refs(report_id="report", issue_id="issue")
detail_refs(types=("report.transition",), targets="unit")
detail_refs(types=("export.ledger",), source="unit")
detail_values(
    usage={str(v): str(label) for v, label in Usage.choices},
    # The codes of the categories every deployment starts with, named as shipped (a record of a category
    # added later shows its code; the category records themselves carry the name too).
    category=BUILTIN_LABELS,
    moved={"up": "上移", "down": "下移"},
    urgency={str(v): str(label) for v, label in Urgency.choices},
    status={str(v): str(label) for v, label in ReportStatus.choices},
    kind={str(v): str(label) for v, label in DeadlineRule.Kind.choices},
    level={str(v): str(label) for v, label in ExternalAdoption.Level.choices},
    adopted_level={str(v): str(label) for v, label in ExternalAdoption.Level.choices},
    fields=field_labels(Report),
    channel={str(v): str(label) for v, label in Channel.choices},
)
audit_group("信息报送与采编", "report", "submission", "attachment", "external_adoption")
audit_group("系统配置", "config")


def _submission_names(ids: Collection[int]) -> dict[int, str]:
    rows = Submission.objects.filter(pk__in=ids).values_list("pk", "report__title", "target_unit__name")
    return {pk: f"《{title}》（报{unit}）" for pk, title, unit in rows}


def _attachment_names(ids: Collection[int]) -> dict[int, str]:
    rows = Attachment.objects.filter(pk__in=ids).values_list("pk", "original_name", "report__title")
    return {pk: f"“{name}”（信息《{title}》）" for pk, name, title in rows}


def _adoption_names(ids: Collection[int]) -> dict[int, str]:
    rows = ExternalAdoption.objects.filter(pk__in=ids).values_list("pk", "publication_name", "report__title")
    return {pk: f"《{title}》（{publication}）" for pk, publication, title in rows}


def _deadline_rule_names(ids: Collection[int]) -> dict[int, str]:
    rows = list(DeadlineRule.objects.filter(pk__in=ids).values_list("pk", "category", "urgency"))
    labels = dict(ItemCategory.objects.filter(code__in={c for _, c, _ in rows}).values_list("code", "label"))
    return {
        pk: f"（{labels.get(c, c) if c else '任何类别'}、{Urgency(u).label if u else '任何紧急程度'}）"
        for pk, c, u in rows
    }


object_kind("report", "信息", names_of(Report, "title", "《{}》"))
object_kind("submission", "采编", _submission_names)
object_kind("attachment", "附件", _attachment_names)
object_kind("external_adoption", "外部采用", _adoption_names)
object_kind("deadline_rule", "时限规则", _deadline_rule_names)
object_kind("category", "信息类别", names_of(ItemCategory, "label", "“{}”"))
object_kind("sensitive_word", "敏感词", names_of(SensitiveWord, "word", "“{}”"))
object_kind("ledger", "信息台账")
