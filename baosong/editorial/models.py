"""Publications (刊物), their issues (刊物一期), composition, templates and distribution (传阅)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from baosong.editorial.document import FONT_BODY, FONT_HEADING, FONT_KAI, FONT_TITLE
from baosong.orgs.models import Role, Unit, User
from baosong.reports.models import Submission


class IssueTemplate(models.Model):
    """模板管理: the look of an issue, editable by the administrator without code."""

    class Variant(models.TextChoices):
        REGULAR = "regular", "普刊/简报"
        SPECIAL = "special", "专报"
        SUPPLEMENT = "supplement", "增刊"

    name = models.CharField("模板名称", max_length=50, unique=True)
    variant = models.CharField("版式", max_length=16, choices=Variant.choices, default=Variant.REGULAR)
    masthead_text = models.CharField("版头文字", max_length=40, blank=True, help_text="留空则使用刊物名称")
    masthead_color = models.CharField("版头颜色", max_length=7, default="#C00000")
    masthead_font = models.CharField("版头字体", max_length=20, default=FONT_TITLE)
    masthead_size_pt = models.DecimalField("版头字号（磅）", max_digits=4, decimal_places=1, default=42)
    title_font = models.CharField("标题字体", max_length=20, default=FONT_TITLE)
    heading_font = models.CharField("信息标题字体", max_length=20, default=FONT_HEADING)
    body_font = models.CharField("正文字体", max_length=20, default=FONT_BODY)
    kai_font = models.CharField("编者按字体", max_length=20, default=FONT_KAI)
    show_closing_block = models.BooleanField("显示版记（报送发）", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "刊物模板"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PublicationKind(models.TextChoices):
    REGULAR = "regular", "普刊"
    SPECIAL = "special_report", "专报"
    BRIEFING = "briefing", "简报"
    SUPPLEMENT = "supplement", "增刊"


class Publication(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="publications")
    name = models.CharField("刊物名称", max_length=50)
    kind = models.CharField(
        "类型", max_length=16, choices=PublicationKind.choices, default=PublicationKind.REGULAR
    )
    columns = models.JSONField("默认栏目", default=list, blank=True)
    print_count = models.PositiveIntegerField("印数", default=0)
    signer_role = models.CharField(
        "签发角色",
        max_length=16,
        choices=[(Role.CHIEF.value, Role.CHIEF.label), (Role.LEADER.value, Role.LEADER.label)],
        default=Role.CHIEF,
    )
    template = models.ForeignKey(
        IssueTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplement_template = models.ForeignKey(
        IssueTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marking = models.CharField("密级/标注", max_length=20, blank=True, default="内部资料")
    # Offices move to the system mid-run: the numbers already used before it.
    total_base = models.PositiveIntegerField("启用前已出总期数", default=0)
    base_year = models.PositiveIntegerField("启用年度", null=True, blank=True)
    base_number = models.PositiveIntegerField("启用年度已出期数", default=0)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "刊物"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="editorial_publication_unique")]

    def __str__(self) -> str:
        return self.name


class RecipientGroup(models.TextChoices):
    UP = "up", "报"
    PEER = "peer", "送"
    DOWN = "down", "发"


class PublicationRecipient(models.Model):
    """The default distribution list: a unit or a named leader in the system, or a name outside it."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="recipients")
    group = models.CharField(max_length=8, choices=RecipientGroup.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["group", "position", "id"]


class IssueStatus(models.TextChoices):
    EDITING = "editing", "编辑中"
    PENDING_SIGNATURE = "pending_signature", "待签发"
    SIGNED = "signed", "已签发"
    DISTRIBUTED = "distributed", "已分发"
    PUBLISHED = "published", "已公开发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Issue(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="issues")
    is_supplement = models.BooleanField("增刊", default=False)
    status = models.CharField(max_length=20, choices=IssueStatus.choices, default=IssueStatus.EDITING)
    # Numbers are given at signing, never before, and kept by a withdrawn issue.
    year = models.PositiveIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    total_number = models.PositiveIntegerField(null=True, blank=True)
    headline = models.CharField("本期标题", max_length=100, blank=True)
    marking = models.CharField("密级/标注", max_length=20, blank=True)
    print_count = models.PositiveIntegerField("印数", default=0)
    columns = models.JSONField("栏目", default=list, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    distributed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)
    return_comment = models.TextField(blank=True)

    class Meta:
        verbose_name = "期"
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "is_supplement", "year", "number"],
                condition=Q(number__isnull=False),
                name="editorial_issue_number_unique",
            ),
            models.UniqueConstraint(
                fields=["publication", "is_supplement", "total_number"],
                condition=Q(total_number__isnull=False),
                name="editorial_issue_total_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["publication", "status", "-created_at"], name="editorial_issue_pub_status"),
            models.Index(fields=["status", "-published_at"], name="editorial_issue_published"),
        ]

    def __str__(self) -> str:
        return f"{self.publication.name} {self.number_text}"

    @property
    def number_text(self) -> str:
        prefix = "增刊" if self.is_supplement else ""
        if self.number is None:
            return f"{prefix}（待签发）" if prefix else "（待签发）"
        return f"{prefix}第{self.number}期（总第{self.total_number}期）"

    @property
    def label(self) -> str:
        return f"《{self.publication.name}》{self.number_text if self.number else '（未编号）'}"


class IssueItem(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "正文信息"
        BRIEF = "brief", "简讯"

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ARTICLE)
    column = models.CharField("栏目", max_length=30, blank=True)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    editor_note = models.TextField("编者按", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["issue", "position"], name="editorial_item_issue_pos")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_merged(self) -> bool:
        return len(self.sources.all()) > 1

    @property
    def source_unit_names(self) -> list[str]:
        """Each source unit once, in source order: a 综合 of two items from one town names the town once."""
        return list(dict.fromkeys(s.submission.report.source_unit.name for s in self.sources.all()))


class IssueItemSource(models.Model):
    """A submission credited by an item: a 综合 item has several. Inactive once the issue is withdrawn."""

    item = models.ForeignKey(IssueItem, on_delete=models.CASCADE, related_name="sources")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="issue_sources")
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    credited_at = models.DateTimeField(null=True, blank=True)  # set at signing: the adoption is final

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # One submission is printed in at most one live issue.
            models.UniqueConstraint(
                fields=["submission"], condition=Q(active=True), name="editorial_source_once"
            ),
        ]


class IssueRecipient(models.Model):
    """One line of the issue's distribution; in-system recipients get it in their reading list (传阅)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="recipients")
    group = models.CharField(max_length=8, choices=RecipientGroup.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "position", "id"]
        indexes = [
            models.Index(fields=["unit", "-delivered_at"], name="editorial_rcpt_unit"),
            models.Index(fields=["user", "-delivered_at"], name="editorial_rcpt_user"),
        ]

    @property
    def in_system(self) -> bool:
        return self.unit_id is not None or self.user_id is not None
