"""批示: leaders' instructions on items of an issue, their assignment to units and the feedback (督办反馈).

The models came from the app ``notices`` and keep its tables, index and constraint names (``db_table``):
no table was created, copied or dropped when they moved (migrations/0001_initial.py)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from baosong.orgs.models import User


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
        db_table = "notices_instruction"
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
        db_table = "notices_instructionassignment"
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
        db_table = "notices_instructionfeedback"
        ordering = ["created_at", "id"]
