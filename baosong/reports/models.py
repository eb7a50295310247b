"""Information items (信息, model Report), their submissions to target units, revisions and clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from baosong.orgs.models import Unit, User


class Category:
    """Codes of the seven categories every deployment starts with (the API codes of DESIGN.md). The
    categories themselves are rows of ``ItemCategory`` that the office edits; these constants remain for
    code that means one of them (the demo's generators, 突发事件 in tests)."""

    WORK_UPDATE = "work_update"
    EXPERIENCE = "experience"
    PROBLEM = "problem"
    POLICY = "policy"
    EMERGENCY = "emergency"
    RESEARCH = "research"
    PUBLIC_OPINION = "public_opinion"


# A category's code: stable, used by the API and stored on items (Report.category is 20 characters).
CATEGORY_CODE_RE = r"^[a-z][a-z0-9_]{1,19}$"
# A required element's key (the key under Report.elements). 时间 and 地点 are the item's own event time
# and place fields: an element with one of these keys reads and fills them.
ELEMENT_KEY_RE = r"^[a-z][a-z0-9_]{0,39}$"
OWN_FIELD_ELEMENTS = {"time": "时间", "place": "地点"}
MAX_ELEMENTS = 20


class ItemCategory(models.Model):
    """An information-item category (信息类别) as the office configures it: its name and place in the
    lists, whether new items may still choose it, the 要素 its items must state, and the text the editor
    offers when it is chosen. The deadline rule is a DeadlineRule row of the same code. Retired categories
    stay on the items that have them; only the writing page stops offering them."""

    code = models.CharField("代码", max_length=20, unique=True)
    label = models.CharField("名称", max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField("顺序", default=0)
    retired = models.BooleanField("已停用", default=False)
    # [{"key": "nature", "label": "事件性质"}, …] in the order offices write them
    elements = models.JSONField("必备要素", default=list, blank=True)
    template = models.TextField("写作模板", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "信息类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def element_pairs(self) -> list[tuple[str, str]]:
        return [(str(e["key"]), str(e["label"])) for e in self.elements or []]

    @property
    def text_elements(self) -> list[tuple[str, str]]:
        """The 要素 the form asks for in their own boxes: all but 时间 and 地点 (the item's own fields)."""
        return [(k, label) for k, label in self.element_pairs if k not in OWN_FIELD_ELEMENTS]


class Urgency(models.TextChoices):
    NORMAL = "normal", "普通"
    URGENT = "urgent", "紧急"
    VERY_URGENT = "very_urgent", "特急"


URGENCY_RANK: dict[str, int] = {Urgency.VERY_URGENT: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


class PublicScope(models.TextChoices):
    PUBLIC = "public", "主动公开"
    ON_REQUEST = "on_request", "依申请公开"
    INTERNAL = "internal", "不予公开"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "退回修改"
    SENT = "sent", "已报送"
    WITHDRAWN = "withdrawn", "已撤回"


class Report(models.Model):
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    category = models.CharField("类别", max_length=20, default=Category.WORK_UPDATE)  # an ItemCategory code
    urgency = models.CharField("紧急程度", max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    event_time = models.DateTimeField("事件时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    public_scope = models.CharField(
        "公开属性", max_length=16, choices=PublicScope.choices, default=PublicScope.INTERNAL
    )
    source_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="reports")
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_reports", verbose_name="合报单位")
    targets = models.ManyToManyField(
        Unit, blank=True, related_name="targeted_reports", verbose_name="报送对象"
    )
    tags = models.JSONField("标签", default=list, blank=True)
    elements = models.JSONField("要素", default=dict, blank=True)  # key → text, keys of the category's 要素
    sensitive = models.BooleanField("敏感", default=False)
    # 负面/重大: set by the author or an editor the item reached; conditional steps (宣传部审核) read it.
    negative = models.BooleanField("负面/重大", default=False)
    follow_up_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name="初报",
    )
    follow_up_no = models.PositiveSmallIntegerField(default=0)  # 0 初报, 1 续报一, …
    is_final = models.BooleanField("终报", default=False)
    solicitation_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # The review chain as it was when the item was submitted, and the step now waiting.
    review_chain = models.JSONField(default=list, blank=True)
    review_step = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField("迟报", default=False)
    alarmed_at = models.DateTimeField(null=True, blank=True)  # overdue alarm while still in review

    class Meta:
        verbose_name = "信息"
        indexes = [
            models.Index(fields=["source_unit", "status", "-updated_at"], name="reports_unit_status_upd"),
            models.Index(fields=["author", "-updated_at"], name="reports_author_upd"),
            # The search index's catch-up job reads the items changed since its watermark.
            models.Index(fields=["updated_at"], name="reports_updated"),
            models.Index(fields=["source_unit", "-updated_at"], name="reports_unit_upd"),
            # 信息台账: newest sent first, and its date-range filter
            models.Index(fields=["-sent_at", "-id"], name="reports_sent_desc"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def urgent(self) -> bool:
        return self.urgency != Urgency.NORMAL

    @property
    def chain_root_id(self) -> int:
        return self.follow_up_of_id or self.pk

    @property
    def follow_up_label(self) -> str:
        if self.is_final:
            return "终报"
        if self.follow_up_no == 0:
            return "初报"
        digits = "零一二三四五六七八九十"
        n = self.follow_up_no
        return "续报" + (digits[n] if n <= 10 else str(n))


class ReviewAction(models.Model):
    """One step of the in-unit review trail (审核), printed later on the 审核表."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交审核"
        APPROVE = "approve", "审核通过"
        RETURN = "return", "退回修改"
        WITHDRAW = "withdraw", "撤回"
        SEND = "send", "报出"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="review_actions")
    step = models.PositiveSmallIntegerField(default=0)
    step_label = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", "待接收"
    CLAIMED = "claimed", "处理中"
    ADOPTED = "adopted", "已采用"
    DECLINED = "declined", "不采用"
    RETURNED = "returned", "已退回"
    FORWARDED = "forwarded", "已转报"


class Usage(models.TextChoices):
    ISSUE = "issue", "刊物采用"
    WEBSITE = "website", "网站采用"
    SPECIAL_REPORT = "special_report", "专报采用"
    MERGED = "merged", "综合采用"


# inbox_due of every row but the open urgent ones (one constant, so the order falls to received_at), and of
# an urgent one without a deadline (after those with one). Never NULL: SQLite sorts NULL first.
INBOX_NO_DUE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
INBOX_NO_DEADLINE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


class Submission(models.Model):
    """A report at one target unit (report × target). The working copy is the editor's edit."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="submissions")
    target_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="incoming")
    sender_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="outgoing")
    forwarded_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="forwards"
    )
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    is_active = models.BooleanField(default=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    urgency_rank = models.PositiveSmallIntegerField(default=2)  # 0 特急 … 2 普通: inbox order
    category = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    usage = models.CharField(max_length=16, choices=Usage.choices, blank=True)
    issue_id = models.BigIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # reminder before the deadline sent
    alarmed_at = models.DateTimeField(null=True, blank=True)  # overdue alarm sent (urgent items)
    # The inbox's order, stored so its first page walks an index (a computed ORDER BY sorted the whole
    # inbox of a busy county on every view): see set_inbox_order().
    inbox_order = models.PositiveSmallIntegerField(default=1)
    inbox_due = models.DateTimeField(default=INBOX_NO_DUE)
    # A copy that went up through a 转报签发 chain: the request (先报后签 when it was signed after).
    signoff = models.ForeignKey(
        "ForwardRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="copies"
    )
    # This copy's forward waits for the unit's 转报签发 chain (not 先报后签): no other decision meanwhile.
    forward_pending = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target_unit"],
                condition=Q(is_active=True),
                name="reports_one_active_submission",
            ),
        ]
        indexes = [
            models.Index(
                fields=["target_unit", "status", "urgency_rank", "-received_at"], name="reports_inbox"
            ),
            # The inbox page: its first page and its count read only this partial index (is_active is
            # repeated as a column so SQLite can count from the index alone). Measured in docs/performance.md.
            models.Index(
                fields=["target_unit", "urgency_rank", "-received_at", "-id", "is_active"],
                condition=Q(is_active=True),
                name="reports_inbox_active",
            ),
            models.Index(fields=["report", "received_at"], name="reports_sub_report"),
            models.Index(
                fields=["target_unit", "inbox_order", "inbox_due", "-received_at", "-id"],
                condition=Q(is_active=True),
                name="reports_inbox_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}→{self.target_unit_id}:{self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_inbox_order()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "inbox_order", "inbox_due"}
        super().save(*args, **kwargs)

    def set_inbox_order(self) -> None:
        """The inbox lists open items first — urgent ones by the time they have left, the one due soonest
        on top, then the other open items — and decided items last, each group newest first."""
        is_open = self.status in (SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED)
        urgent = self.urgency_rank < 2
        self.inbox_order = (0 if urgent else 1) if is_open else 2
        self.inbox_due = (self.due_at or INBOX_NO_DEADLINE) if is_open and urgent else INBOX_NO_DUE

    @property
    def receive_seconds(self) -> float | None:
        if self.claimed_at is None:
            return None
        return (self.claimed_at - self.received_at).total_seconds()


class Revision(models.Model):
    """Every edit of title/body by anyone; the author's text stays as revision 1 of the report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class ExternalAdoption(models.Model):
    """补录外部采用: adoption by a publication outside the system, e.g. 国办《昨日要情》."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家"
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="external_adoptions")
    publication_name = models.CharField(max_length=100)
    level = models.CharField(max_length=16, choices=Level.choices)
    date = models.DateField()
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_stored = models.CharField(max_length=64, blank=True)  # encrypted like attachments
    evidence_type = models.CharField(max_length=100, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)


class DeadlineRule(models.Model):
    """When an item is due, per category and urgency (blank = any). The most specific rule wins."""

    class Kind(models.TextChoices):
        HOURS_FROM_EVENT = "hours_from_event", "事件发生后若干小时内"
        SAME_DAY = "same_day", "当日"
        DAYS = "days", "若干日内"
        WORKDAYS = "workdays", "若干工作日内"
        MONTH_END = "month_end", "当月月底前"
        NEXT_MONTH_DAY = "next_month_day", "次月某日前"

    category = models.CharField(max_length=20, blank=True)  # an ItemCategory code
    urgency = models.CharField(max_length=16, choices=Urgency.choices, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="reports_deadline_unique")
        ]


class SensitiveWord(models.Model):
    word = models.CharField(max_length=50, unique=True)
    blocking = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)


class Attachment(models.Model):
    """A file of an item. Bytes live outside the web root under a generated name, SM4-GCM encrypted."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16)  # detected from the content: pdf, docx, xlsx, doc, png, jpg, …
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)
    digest = models.CharField(max_length=64)  # SM3 of the plain bytes, checked on download
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["report", "created_at"], name="reports_attachment_report")]


class ForwardStatus(models.TextChoices):
    PENDING = "pending", "待签发"
    SIGNED = "signed", "已签发"
    REFUSED = "refused", "未同意"
    CANCELLED = "cancelled", "已撤回"


class ForwardRequest(models.Model):
    """转报签发: an editor's forward of a copy upward waits for the unit's sign-off chain (frozen here);
    the targets receive nothing until the last step signs. 先报后签 (``sign_after``): an urgent item went up
    at once and this chain signs it after."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="forward_requests")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")  # the forwarding unit
    status = models.CharField(max_length=12, choices=ForwardStatus.choices, default=ForwardStatus.PENDING)
    target_ids = models.JSONField(default=list)  # the units it goes (went) to
    comment = models.TextField(blank=True)  # the editor's note to the signers
    title = models.CharField(max_length=200)  # the text signed: the working copy at the request
    body = models.TextField(blank=True)
    sign_after = models.BooleanField("先报后签", default=False)
    chain = models.JSONField(default=list)
    step = models.PositiveSmallIntegerField(default=0)
    # The current step's reviewer, kept in columns for the signers' queue (an index, not JSON).
    step_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    step_role = models.CharField(max_length=16, blank=True)
    step_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    trail = models.JSONField(default=list)  # [{step, label, action, by, name, comment, at}]
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission"], condition=Q(status="pending"), name="reports_one_pending_forward"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "step_unit", "step_role"], name="reports_forward_queue"),
            models.Index(fields=["status", "step_user"], name="reports_forward_queue_user"),
            models.Index(fields=["unit", "-created_at"], name="reports_forward_unit"),
        ]

    def __str__(self) -> str:
        return f"转报签发 {self.pk}"

    @property
    def current_step(self) -> dict[str, Any] | None:
        if self.status != ForwardStatus.PENDING or self.step >= len(self.chain or []):
            return None
        step: dict[str, Any] = self.chain[self.step]
        return step


class VerificationStatus(models.TextChoices):
    OPEN = "open", "核实中"
    ANSWERED = "answered", "已答复"
    WITHDRAWN = "withdrawn", "已撤回"


class VerificationRequest(models.Model):
    """核实: an editor at a target unit asks the item's source unit to verify a point («对涉及重要数据、敏感
    信息的，要进行严格核实»). The submission is not returned: it stays in the editor's inbox, marked 待核实,
    while the source unit answers; the answer stays with the submission (and with the copies forwarded
    from it), the asked and answered times give the wait."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="verifications")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="verifications")
    asking_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    source_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    question = models.TextField("核实事项")
    passage = models.TextField("相关原文", blank=True)
    due_at = models.DateTimeField("答复时限", null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.OPEN
    )
    asked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField("核实情况", blank=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # The answer's file (证明材料), stored like attachments: SM4-GCM under a generated name.
    file_name = models.CharField(max_length=255, blank=True)
    file_stored = models.CharField(max_length=64, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    file_digest = models.CharField(max_length=64, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "核实请求"
        indexes = [
            # the submission's trail, and the inbox's 待核实 mark and filter
            models.Index(fields=["submission", "status"], name="reports_verify_sub"),
            # the source unit's requests to answer (工作台, API list)
            models.Index(fields=["source_unit", "status", "-asked_at"], name="reports_verify_source"),
            models.Index(fields=["asking_unit", "status", "-asked_at"], name="reports_verify_asking"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.status}"

    @property
    def is_open(self) -> bool:
        return self.status == VerificationStatus.OPEN

    @property
    def wait_seconds(self) -> float | None:
        """How long the answer took (None while open or withdrawn)."""
        if self.answered_at is None:
            return None
        return (self.answered_at - self.asked_at).total_seconds()


class Channel(models.TextChoices):
    """How an item registered on a unit's behalf reached the upper unit (报送渠道 outside the system)."""

    PAPER = "paper", "纸质"
    USB = "usb", "U盘"
    FAX = "fax", "传真"
    PHONE = "phone", "电话"
    EMAIL = "email", "邮件"


class BehalfRegistration(models.Model):
    """代为登记: an upper unit's editor entered this item for the source unit, which sent it on paper, a
    USB stick, by fax, phone or mail. The item itself is an ordinary Report of the source unit (it counts
    to that unit and its named author); this row says who registered it, from which desk and how it came.
    ``writer_name`` is the person who actually wrote it when that person has no account: the item's author
    is then the unit's member who answers for it (usually its 信息员)."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="behalf")
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")  # the registering desk
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    writer_name = models.CharField("执笔人", max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "代为登记"
        indexes = [models.Index(fields=["unit", "-created_at"], name="reports_behalf_unit")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.channel}"
