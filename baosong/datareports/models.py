"""Structured reports (数据报表): forms with typed, versioned fields; collections of a form from a subtree
for a period, with a chain of levels each due on its own day; returns and their fixed versions.

A unit's return holds its own rows. When it is submitted the system fixes a version: its own rows, the
versions of its children it rolls up (never retyped), and the totals computed from both. A correction
makes a new version; the old one stays for the archive and the diff."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from baosong.orgs.models import Unit, User


class Form(models.Model):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    description = models.TextField("说明", blank=True)
    # None: defined by the system administrator for everyone; a unit: an editor's form for its subtree.
    owner_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属单位"
    )
    builtin = models.BooleanField("内置模板", default=False)
    retired = models.BooleanField("已停用", default=False)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    """The fields and rules of a form from ``valid_from`` on; a return keeps the version it began with."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    valid_from = models.DateField("生效日期")
    schema = models.JSONField(default=dict)
    note = models.CharField("修订说明", max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["form", "-valid_from", "-number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="datareports_version_unique")]

    def __str__(self) -> str:
        return f"{self.form} 第{self.number}版"


class PeriodKind(models.TextChoices):
    EVENT = "event", "随时（按事件）"
    MONTHLY = "monthly", "月报"
    QUARTERLY = "quarterly", "季报"
    YEARLY = "yearly", "年报"


class Collection(models.Model):
    """A form assigned to a subtree for a period. ``levels`` lists, from the root down, each level's due
    rule: ``[{"due": {"kind": "next_month_day", "n": 20}}, …]``; level 0 is the root, the last level the
    units that fill rows. ``recipients`` are outside bodies (纪检监察机关, 审计机关) the root's final roll-up
    goes to, by name, with their own due rule."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CLOSED = "closed", "已结束"

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="collections")
    title = models.CharField("标题", max_length=200)
    root_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name="汇总单位")
    period_kind = models.CharField("周期", max_length=16, choices=PeriodKind.choices)
    period = models.CharField("统计期", max_length=10)  # 2026-03, 2026-Q1, 2026
    period_start = models.DateField()
    period_end = models.DateField()
    levels = models.JSONField(default=list)
    recipients = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "-pk"]
        indexes = [
            models.Index(fields=["form", "period"], name="datareports_coll_form"),
            models.Index(fields=["root_unit", "-period_start"], name="datareports_coll_root"),
        ]

    def __str__(self) -> str:
        return self.title


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "已上报"
    RETURNED = "returned", "退回修改"


class Return(models.Model):
    """One unit's return in one collection: its draft rows and where it stands. Fixed submissions are
    ReturnVersions."""

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="returns")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    parent_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(default=0)  # 0 = the collection's root
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    data = models.JSONField(default=dict)  # {section key: [row, …]}: the unit's own rows being edited
    due_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    late = models.BooleanField(default=False)
    late_workdays = models.PositiveIntegerField(default=0)
    version_count = models.PositiveIntegerField(default=0)
    # The latest version's totals and row count, copied here so a status page of a thousand children
    # reads one table.
    totals = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField(default=0)
    # A child corrected its return after this one was submitted: the fixed roll-up is behind.
    stale = models.BooleanField(default=False)
    comment = models.TextField(blank=True)  # the upper level's reason when it sent the return back
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "unit"], name="datareports_one_return_per_unit")
        ]
        indexes = [
            # The status page: a parent's children's returns in one collection.
            models.Index(fields=["collection", "parent_unit", "unit"], name="datareports_return_parent"),
            models.Index(fields=["unit", "status"], name="datareports_return_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}/{self.unit_id}:{self.status}"

    @property
    def state(self) -> str:
        """Where the return stands as the people above read it: missing (never submitted), correcting (a
        submitted return taken back for 更正), submitted, returned (sent back)."""
        if self.status == ReturnStatus.DRAFT:
            return "correcting" if self.version_count else "missing"
        return str(self.status)

    @property
    def state_label(self) -> str:
        return RETURN_STATE_LABELS[self.state]


RETURN_STATE_LABELS = {
    "missing": "未上报",
    "correcting": "更正中",
    "submitted": "已上报",
    "returned": "退回修改",
}


class ReturnVersion(models.Model):
    """A submitted return, fixed: the unit's own rows, the child versions it rolled up, and the totals."""

    ret = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    own = models.JSONField(default=dict)  # {section key: [row, …]}
    children = models.JSONField(default=dict)  # {unit id: child ReturnVersion id}
    totals = models.JSONField(default=dict)  # {field key: value} over own rows and all rows below
    row_count = models.PositiveIntegerField(default=0)  # rows below and own, all sections
    late = models.BooleanField(default=False)
    late_workdays = models.PositiveIntegerField(default=0)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    note = models.CharField("更正说明", max_length=200, blank=True)

    class Meta:
        ordering = ["ret", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ret", "number"], name="datareports_return_version_unique")
        ]
        indexes = [models.Index(fields=["submitted_at"], name="datareports_version_time")]


class ArchivePolicy(models.Model):
    """How long submitted versions are kept (the administrator sets it; one row)."""

    retention_years = models.PositiveSmallIntegerField("保存年限", default=10)
    allow_editor_forms = models.BooleanField("允许采编人员为本辖区定义报表", default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    @classmethod
    def current(cls) -> ArchivePolicy:
        return cls.objects.first() or cls()
