"""In-app notifications (the notification centre); email and SMS go out through the task worker."""

from __future__ import annotations

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
        VERIFY = "verify", "信息核实"

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
        # The app's label is still "notices" (see apps.py), so the table keeps its name without db_table.
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notices_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_event_id", "kind"], name="notices_once_per_event"
            ),
        ]
