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
from baosong.orgs.selectors import roles_in_unit, step_names_user, unit_has_targets
from baosong.reports.categories import BUILTIN_LABELS
from baosong.reports.models import (
    Attachment,
    Channel,
    DeadlineRule,
    ExternalAdoption,
    ForwardRequest,
    ForwardStatus,
    ItemCategory,
    Report,
    ReportStatus,
    SensitiveWord,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
    VerificationRequest,
    VerificationStatus,
)

S = ReportStatus
T = SubmissionStatus


def _current_step(report: Report) -> dict[str, Any] | None:
    chain = report.review_chain or []
    return chain[report.review_step] if report.review_step < len(chain) else None


def step_is_for(step: dict[str, Any], *, user_id: int, roles: set[str]) -> bool:
    """A review step names one person or a role in the item's unit (a step naming a role in another
    unit — ``unit_id``, a reviewer outside — is matched by ``step_names_user``)."""
    if step.get("user_id"):
        return bool(step["user_id"] == user_id)
    return not step.get("unit_id") and step.get("role") in roles


def waiting_step_for(report: Report, *, user_id: int, roles: set[str]) -> bool:
    """Is the item's current review step this person's (roles: theirs in the item's unit)?"""
    step = _current_step(report)
    return step is not None and step_is_for(step, user_id=user_id, roles=roles)


def current_step(report: Report) -> dict[str, Any] | None:
    return _current_step(report)


def _report(obj: Report | Submission) -> Report:
    return obj.report if isinstance(obj, Submission) else obj


def _is_author(user: Any, obj: Report | Submission) -> bool:
    report = _report(obj)
    if report.author_id == user.pk:
        return True
    return Role.REPORTER in roles_in_unit(user, report.source_unit_id)


def _is_reviewer(user: Any, report: Report) -> bool:
    return step_names_user(_current_step(report), user, home_unit_id=report.source_unit_id)


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
        # a forward signed through the unit's 转报签发 chain (先报后签: signed after)
        "signoff": int,
        "sign_after": bool,
        # report.register (代为登记): how the item came in
        "channel": str,
        "peer": str,  # 跨系统接收: the peer deployment it came from
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
# 跨系统接收 (baosong.federation): an item a peer deployment sent arrives as sent by the mirrored unit; the
# peer's agent takes the edge, its signature having been checked by the receiving end.
PEER_AGENT = Who(
    "对方系统（跨系统报送）",
    lambda user, r: r.source_unit.external and Role.REPORTER in roles_in_unit(user, r.source_unit_id),
)
RECEIVE = REPORT.action("receive", "跨系统接收", [(S.DRAFT, S.SENT, PEER_AGENT)])
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


def _not_waiting_for_signoff(s: Submission) -> ServiceError | None:
    if s.forward_pending:
        return ServiceError(
            "该信息已提请转报签发，请等待签发或先撤回签发申请。", "forward_pending", status=409
        )
    return None


CLAIM = SUBMISSION.action("claim", "接收", [(T.RECEIVED, T.CLAIMED, EDITOR)])
ADOPT = SUBMISSION.action("adopt", "采用", [(s, T.ADOPTED, EDITOR) for s in OPEN])
DECLINE = SUBMISSION.action(
    "decline", "不采用", [(s, T.DECLINED, EDITOR, _not_waiting_for_signoff) for s in OPEN]
)
SUBMISSION_RETURN = SUBMISSION.action(
    "return", "退回", [(s, T.RETURNED, EDITOR, _not_waiting_for_signoff) for s in OPEN]
)


def _has_targets(s: Submission) -> ServiceError | None:
    if not unit_has_targets(s.target_unit_id):
        return ServiceError("本单位没有上级报送对象，不能转报。", "no_targets")
    return _not_waiting_for_signoff(s)


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

NEGATIVE = REPORT.declare("negative", "标记负面/重大", audit="report.negative", event=True)

# ---- 转报签发: the forwarding unit's sign-off chain ---------------------------------------------------

F = ForwardStatus


def _is_signer(user: Any, fr: ForwardRequest) -> bool:
    return step_names_user(fr.current_step, user, home_unit_id=fr.unit_id)


def _went_up_already(fr: ForwardRequest) -> ServiceError | None:
    if fr.sign_after:
        return ServiceError("先报后签的信息已经报出，签发申请不能撤回。", "already_forwarded", status=409)
    return None


SIGNER = Who("当前签发步骤指定的签发人", _is_signer)
FORWARD_DESK = Who("转报单位的采编人员", lambda user, fr: Role.EDITOR in roles_in_unit(user, fr.unit_id))

ForwardPayload = TypedDict(
    "ForwardPayload",
    {
        "from": str,
        "to": str,
        "by": int,
        "at": str,
        "report_id": int,
        "submission_id": int,
        "step": int,
        "step_label": str,
        "sign_after": bool,
        "targets": list[int],
        "comment": str,
    },
    total=False,
)


class ForwardWorkflow(Workflow[ForwardRequest]):
    def unit_of(self, obj: ForwardRequest) -> int | None:
        return int(obj.unit_id)

    def event_payload(self, obj: ForwardRequest, t: Transition) -> dict[str, Any]:
        return {
            **super().event_payload(obj, t),
            "report_id": obj.submission.report_id,
            "submission_id": obj.submission_id,
            "step": obj.step,
            "sign_after": obj.sign_after,
        }


FORWARD_REQUEST = ForwardWorkflow(
    "forward_request",
    "转报签发",
    ForwardRequest,
    audit_type="forward_request.transition",
    audit_label="转报签发",
    payload=ForwardPayload,
    subject="此转报签发",
    state_subject="此转报签发",
)
SIGN = FORWARD_REQUEST.action("sign", "签发", [(F.PENDING, None, SIGNER)])
REFUSE = FORWARD_REQUEST.action("refuse", "不同意转报", [(F.PENDING, F.REFUSED, SIGNER)])
CANCEL = FORWARD_REQUEST.action(
    "cancel", "撤回转报申请", [(F.PENDING, F.CANCELLED, FORWARD_DESK, _went_up_already)]
)
SIGNOFF_REQUESTED = FORWARD_REQUEST.declare(
    "create", "提请转报签发", audit="forward_request.create", event=True
)

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
    negative="负面/重大",
    signed_by="签发人",
    signoff="转报签发",
    sign_after="先报后签",
    step_label="签发步骤",
    submission_id="采编记录",
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
detail_refs(report_id="report", issue_id="issue", submission_id="submission", signoff="forward_request")
detail_refs(signed_by="user")
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
audit_group("信息报送与采编", "report", "submission", "forward_request", "attachment", "external_adoption")
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
object_kind("forward_request", "转报签发", names_of(ForwardRequest, "title", "转报《{}》"))
object_kind("external_adoption", "外部采用", _adoption_names)
object_kind("deadline_rule", "时限规则", _deadline_rule_names)
object_kind("category", "信息类别", names_of(ItemCategory, "label", "“{}”"))
object_kind("sensitive_word", "敏感词", names_of(SensitiveWord, "word", "“{}”"))
object_kind("ledger", "信息台账")


# ---- 核实 (verification requests) -------------------------------------------------------------------

V = VerificationStatus


def _asks_for_unit(user: Any, v: VerificationRequest) -> bool:
    return Role.EDITOR in roles_in_unit(user, v.asking_unit_id)


def _answers_for_source(user: Any, v: VerificationRequest) -> bool:
    return v.report.author_id == user.pk or Role.REPORTER in roles_in_unit(user, v.source_unit_id)


ASKER = Who("提出核实的单位的采编人员", _asks_for_unit)
ANSWERER = Who("信息的作者或来源单位的信息员", _answers_for_source)
# Who may ask: an editor of the unit the submission came to (checked on the submission).
VERIFY_ASKER = Who("接收单位的采编人员", lambda user, s: Role.EDITOR in roles_in_unit(user, s.target_unit_id))
# The copies an editor is still deciding on, or has adopted but not yet printed: a point can be checked.
VERIFIABLE = (T.RECEIVED, T.CLAIMED, T.ADOPTED)


class VerificationPayload(TypedDict, total=False):
    by: int
    at: str
    report_id: int
    submission_id: int
    asking_unit: int
    source_unit: int
    due_at: str | None
    seconds: int  # how long the answer took
    has_file: bool
    reason: str  # withdrawn with the item (不采用, 退回, 撤回)


class VerificationWorkflow(Workflow[VerificationRequest]):
    def lock(self, pk: int) -> VerificationRequest:
        return VerificationRequest.objects.select_for_update().select_related("report").get(pk=pk)

    def unit_of(self, obj: VerificationRequest) -> int | None:
        # The actor's unit: the source unit answers, the asking unit withdraws.
        return int(obj.source_unit_id if obj.status == V.ANSWERED else obj.asking_unit_id)

    def event_payload(self, obj: VerificationRequest, t: Transition) -> dict[str, Any]:
        return {
            "by": t.by.pk,
            "at": _iso(obj.answered_at or obj.withdrawn_at),
            "report_id": obj.report_id,
            "submission_id": obj.submission_id,
            "asking_unit": obj.asking_unit_id,
            "source_unit": obj.source_unit_id,
            **t.details,
        }

    def refuse_state(self, obj: VerificationRequest, action: Any) -> ServiceError:
        label = self.status_label(obj.status)
        return ServiceError(f"该核实请求{label}，不能{action.label}。", "invalid_transition", status=409)


VERIFICATION = VerificationWorkflow(
    "verification",
    "核实",
    VerificationRequest,
    audit_type="verification.transition",
    audit_label="信息核实",
    payload=VerificationPayload,
    subject="该核实请求",
)
VERIFY_ANSWER = VERIFICATION.action("answer", "答复核实", [(V.OPEN, V.ANSWERED, ANSWERER)])
VERIFY_WITHDRAW = VERIFICATION.action("withdraw", "撤回核实请求", [(V.OPEN, V.WITHDRAWN, ASKER)])
VERIFY_ASK = VERIFICATION.declare("ask", "请求核实", audit="verification.ask", event=True, who=VERIFY_ASKER)
VERIFY_FILE = VERIFICATION.declare("file_download", "下载核实材料", audit="verification.file_download")

VERIFY_TYPES = ("verification.ask", "verification.transition", "verification.file_download")
detail_labels(
    types=VERIFY_TYPES,
    submission_id="采编记录",
    asking_unit="提出单位",
    source_unit="来源单位",
    question="核实事项",
    seconds="用时（秒）",
    has_file="附核实材料",
    due_at="答复时限",
)
detail_refs(types=VERIFY_TYPES, submission_id="submission", asking_unit="unit", source_unit="unit")
audit_group("信息报送与采编", "verification")


def _verification_names(ids: Collection[int]) -> dict[int, str]:
    rows = VerificationRequest.objects.filter(pk__in=ids).values_list(
        "pk", "report__title", "asking_unit__name"
    )
    return {pk: f"《{title}》（{unit}提出）" for pk, title, unit in rows}


object_kind("verification", "核实请求", _verification_names)
