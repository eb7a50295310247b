"""The 信息员 register (信息员基本情况登记表): who reports for each unit, how to reach them, and the rounds in
which an upper office asks its units to confirm or update their entries.

«各行政村、机关中心(所)至少配备1名…专(兼)职信息员…将《信息员登记表》…报乡党政办…信息员更换时,应及时报送变动后
人员情况» (seed 003). The seed names the form but its attachment is not in the text; the fields are those
the notice itself asks of a contact (姓名、单位、电话、邮箱) and the usual layout of such a form:
性别、科室、职务、专职或兼职、办公电话、手机、传真、电子邮箱、备注. An entry may name the person's
account; people without one (a village clerk who sends paper) are listed too.

A unit "has a 信息员" when it has an active entry here or an active account holding the 信息员 role in it
(``selectors.units_without_reporter``): the accounts already do the work, the entries cover the rest.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from baosong.orgs.models import User


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Duty(models.TextChoices):
    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"


class EntryStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    REVOKED = "revoked", "已撤销"


class RosterEntry(models.Model):
    """One 信息员 of one unit: a row of the unit's 登记表."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="roster_entries")
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="roster_entries",
        verbose_name="平台账号",
    )  # fmt: skip
    name = models.CharField("姓名", max_length=32)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True)
    department = models.CharField("科室", max_length=64, blank=True)
    job_title = models.CharField("职务", max_length=64, blank=True)
    duty = models.CharField("专兼职", max_length=16, choices=Duty.choices, default=Duty.PART_TIME)
    office_phone = models.CharField("办公电话", max_length=32, blank=True)
    mobile = models.CharField("手机", max_length=32, blank=True)
    fax = models.CharField("传真", max_length=32, blank=True)
    email = models.EmailField("电子邮箱", max_length=128, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=EntryStatus.choices, default=EntryStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "信息员登记"
        indexes = [models.Index(fields=["unit", "status"], name="roster_entry_unit_status")]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="roster_entry_name_not_empty"),
            # One active entry per account and unit: a person is registered once.
            models.UniqueConstraint(
                fields=["unit", "user"],
                condition=Q(status="active", user__isnull=False),
                name="roster_entry_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# The fields of the 登记表, in its column order (the form, the history and the export use it).
ENTRY_FIELDS = [
    "name", "gender", "department", "job_title", "duty", "office_phone", "mobile", "fax", "email", "note",
]  # fmt: skip


def field_label(name: str) -> str:
    """The 登记表 column name of a field (姓名, 手机…)."""
    return str(getattr(RosterEntry._meta.get_field(name), "verbose_name", name))


class RosterChange(models.Model):
    """The history of a unit's register: who added, changed or revoked which 信息员, when, and what changed
    (``changes``: field → [old, new]). Also written to the audit log, without the values."""

    class Kind(models.TextChoices):
        ADDED = "added", "新增"
        CHANGED = "changed", "变更"
        REVOKED = "revoked", "撤销"

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(RosterEntry, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["unit", "-at"], name="roster_change_unit_at")]


class RosterRound(models.Model):
    """登记轮次: an upper office asks the units below it to confirm or update their register by a deadline."""

    class Scope(models.TextChoices):
        CHILDREN = "children", "直属下级单位"
        SUBTREE = "subtree", "全部下级单位"

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="roster_rounds")
    title = models.CharField("标题", max_length=200)
    note = models.TextField("说明", blank=True)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.SUBTREE)
    deadline = models.DateTimeField("截止时间")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="roster_round_unit"),
            models.Index(fields=["deadline"], name="roster_round_deadline"),
        ]

    def __str__(self) -> str:
        return self.title


class RosterReturn(models.Model):
    """One unit's answer to a round: when it confirmed its register, and the entries as it confirmed them."""

    round = models.ForeignKey(RosterRound, on_delete=models.CASCADE, related_name="returns")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="roster_returns")
    submitted_at = models.DateTimeField(null=True, blank=True)  # the first submission decides on-time
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resubmitted_at = models.DateTimeField(null=True, blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    snapshot = models.JSONField(default=list, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="roster_return_unique")]
        indexes = [models.Index(fields=["unit", "submitted_at"], name="roster_return_unit")]

    def state(self, deadline: dt.datetime, now: dt.datetime) -> str:
        if self.submitted_at is not None:
            return "late" if self.submitted_at > deadline else "submitted"
        return "missing" if now > deadline else "pending"


RETURN_STATES = {"submitted": "已按时报送", "late": "逾期报送", "missing": "逾期未报", "pending": "待报送"}
