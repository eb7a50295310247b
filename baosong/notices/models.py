"""In-app notifications (the notification centre); email and SMS go out through the task worker."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from baosong.orgs.models import User


class Notification(models.Model):
    class Kind(models.TextChoices):
        TO_REVIEW = "to_review", "待审核"
        RETURNED = "returned", "被退回"
        RECEIVED = "received", "收到信息"
        DECIDED = "decided", "处理结果"
        OVERDUE = "overdue", "超时提醒"
        REMINDER = "reminder", "到期提醒"
        TO_SIGN = "to_sign", "待签发"
        ISSUE = "issue", "刊物阅文"
        INSTRUCTION = "instruction", "领导批示"
        FEEDBACK = "feedback", "落实反馈"
        SOLICITATION = "solicitation", "约稿通知"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=255, blank=True)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Idempotence: one event gives one notification per user, however often the consumer runs.
    source_event_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notices_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_event_id", "kind"], name="notices_once_per_event"
            ),
        ]


class InstructionLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"


class Instruction(models.Model):
    """批示: a leader's instruction on an item of an issue, written in the system or recorded by an editor
    from paper. The publication's unit follows it up (督办) until it is closed."""

    class Status(models.TextChoices):
        OPEN = "open", "督办中"
        CLOSED = "closed", "已办结"

    issue = models.ForeignKey("editorial.Issue", on_delete=models.PROTECT, related_name="instructions")
    item = models.ForeignKey(
        "editorial.IssueItem", null=True, blank=True, on_delete=models.PROTECT, related_name="instructions"
    )
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # who follows it up
    leader = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    leader_name = models.CharField("批示领导", max_length=50)
    level = models.CharField("批示级别", max_length=16, choices=InstructionLevel.choices)
    instructed_on = models.DateField("批示日期")
    text = models.TextField("批示内容")
    scan_name = models.CharField(max_length=255, blank=True)
    scan_stored = models.CharField(max_length=64, blank=True)  # SM4-GCM encrypted like attachments
    scan_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    close_comment = models.TextField(blank=True)

    class Meta:
        verbose_name = "批示"
        indexes = [models.Index(fields=["unit", "status", "-created_at"], name="notices_instr_unit")]

    @property
    def in_system(self) -> bool:
        return self.leader_id is not None


class InstructionAssignment(models.Model):
    """A unit concerned by an instruction, with its feedback deadline (落实反馈时限)."""

    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="instruction_assignments")
    due_on = models.DateField("反馈时限")
    first_feedback_at = models.DateTimeField(null=True, blank=True)
    last_feedback_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)  # first feedback after the deadline
    overdue_alarmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instruction", "unit"], name="notices_assignment_unique")
        ]
        indexes = [models.Index(fields=["unit", "due_on"], name="notices_assignment_unit_due")]

    def is_overdue(self, today: dt.date) -> bool:
        return self.first_feedback_at is None and self.due_on < today


class InstructionFeedback(models.Model):
    """落实情况: one of possibly several progress reports of an assigned unit."""

    assignment = models.ForeignKey(InstructionAssignment, on_delete=models.PROTECT, related_name="feedback")
    text = models.TextField("落实情况")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class Solicitation(models.Model):
    """约稿 (a notice with a deadline, answered with items) or 报送要点 (priorities for a period)."""

    class Kind(models.TextChoices):
        SOLICITATION = "solicitation", "约稿"
        PRIORITY = "priority", "报送要点"

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="solicitations")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SOLICITATION)
    title = models.CharField("标题", max_length=200)
    topic = models.CharField("主题", max_length=100, blank=True)
    requirements = models.TextField("要求", blank=True)
    deadline = models.DateTimeField("截止时间", null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)  # 报送要点: the period it covers
    period_end = models.DateField(null=True, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_stored = models.CharField(max_length=64, blank=True)  # SM4-GCM like item attachments
    attachment_type = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "约稿"
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="notices_solicit_unit"),
            models.Index(fields=["kind", "deadline"], name="notices_solicit_deadline"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        if self.kind == self.Kind.PRIORITY:
            return self.period_end is None or self.period_end >= timezone.localdate()
        return self.deadline is None or self.deadline >= timezone.now()


class SolicitationTarget(models.Model):
    """One unit asked: its read receipt and its answers (items whose solicitation_id is the notice)."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="solicitation_targets")
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_answer_at = models.DateTimeField(null=True, blank=True)
    answer_count = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)  # deadline passed without an answer

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "unit"], name="notices_solicit_target_unique")
        ]
        indexes = [models.Index(fields=["unit", "solicitation"], name="notices_solicit_target_unit")]

    def state(self, deadline: dt.datetime | None, now: dt.datetime) -> str:
        """answered / late / missing / pending (the notice page's per-unit status)."""
        if self.first_answer_at is not None:
            return "late" if deadline is not None and self.first_answer_at > deadline else "answered"
        if deadline is not None and now > deadline:
            return "missing"
        return "pending"


SOLICITATION_STATES = {"answered": "已按时报送", "late": "逾期报送", "missing": "未报送", "pending": "待报送"}
