"""The public portal: columns (栏目) and releases (上网发布) with their approval trail
(上网信息发布审核表)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from baosong.editorial.models import Issue
from baosong.orgs.models import Unit, User
from baosong.reports.models import Report, Submission


class PortalColumn(models.Model):
    """A column of the public site (工作动态, 经验交流, 通知公告…), configured by the system administrator."""

    name = models.CharField("栏目名称", max_length=30, unique=True)
    slug = models.SlugField("英文标识", max_length=40, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=10)
    description = models.CharField("栏目说明", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "门户栏目"
        indexes = [models.Index(fields=["is_active", "order"], name="portal_column_active_order")]

    def __str__(self) -> str:
        return self.name


class ReleaseKind(models.TextChoices):
    ISSUE = "issue", "刊物"
    ITEM = "item", "信息"


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", "待提交"
    IN_REVIEW = "in_review", "审核中"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤下"
    CANCELLED = "cancelled", "已作废"


LIVE_STATUSES = [
    ReleaseStatus.DRAFT,
    ReleaseStatus.IN_REVIEW,
    ReleaseStatus.RETURNED,
    ReleaseStatus.PUBLISHED,
]


class PortalRelease(models.Model):
    """One request to put an issue or an item on the portal, reviewed along the unit's frozen
    上网发布审核 chain. An item release keeps the text that was reviewed (what the public reads)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="portal_releases")
    kind = models.CharField(max_length=8, choices=ReleaseKind.choices)
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    column = models.ForeignKey(
        PortalColumn, null=True, blank=True, on_delete=models.PROTECT, related_name="releases"
    )
    title = models.CharField("信息标题", max_length=200)
    body = models.TextField("信息内容", blank=True)
    provider = models.CharField("提供单位", max_length=100)
    contact = models.CharField("联系电话", max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT)
    review_chain = models.JSONField(default=list, blank=True)  # frozen at submission
    review_step = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "上网发布"
        constraints = [
            models.UniqueConstraint(
                fields=["issue"], condition=Q(status__in=LIVE_STATUSES), name="portal_release_one_live_issue"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status__in=LIVE_STATUSES),
                name="portal_release_one_live_report",
            ),
            models.CheckConstraint(
                condition=Q(kind="issue", issue__isnull=False) | Q(kind="item", report__isnull=False),
                name="portal_release_target",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="portal_release_published"),
            models.Index(fields=["column", "status", "-published_at"], name="portal_release_column"),
            models.Index(fields=["unit", "status", "-created_at"], name="portal_release_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def current_step(self) -> dict[str, object] | None:
        chain = self.review_chain or []
        return (
            chain[self.review_step]
            if self.status == ReleaseStatus.IN_REVIEW and self.review_step < len(chain)
            else None
        )


class PortalReviewAction(models.Model):
    """The trail of a release: who submitted, approved, returned, withdrew — with opinion and time."""

    release = models.ForeignKey(PortalRelease, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=12)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    label = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["release", "at"], name="portal_action_release_at")]


class PortalSite(models.Model):
    """The site's masthead and footer (one row), edited by the system administrator."""

    name = models.CharField("网站名称", max_length=60, blank=True)
    host = models.CharField("主办单位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("通讯地址", max_length=120, blank=True)
    email = models.CharField("电子邮箱", max_length=80, blank=True)
    icp = models.CharField("备案号", max_length=60, blank=True)
    # 国办发〔2017〕47号: the footer shows the 网站标识码 and the 公安机关备案号 beside the ICP number.
    site_code = models.CharField("网站标识码", max_length=10, blank=True)
    police_record = models.CharField("公安机关备案号", max_length=60, blank=True)
    # 政府信息公开 pages: blank means the page shows the default text built from the fields above.
    xxgk_guide = models.TextField("信息公开指南", blank=True)
    xxgk_rules = models.TextField("信息公开制度", blank=True)
    xxgk_apply = models.TextField("依申请公开说明", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "门户网站信息"
