"""The intake mailbox (邮件报送): every message that reached the configured address, once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from baosong.orgs.models import Unit, User
from baosong.reports.models import Report


class IntakeStatus(models.TextChoices):
    DRAFTED = "drafted", "已生成草稿"
    QUARANTINED = "quarantined", "待处理"
    RELEASED = "released", "已放行"
    DISCARDED = "discarded", "已丢弃"


class Transport(models.TextChoices):
    SMTP = "smtp", "SMTP 接收"
    IMAP = "imap", "IMAP 收取"


class IntakeMessage(models.Model):
    """One received message. ``key`` is its Message-ID, or the SM3 of its bytes when it has none, so the
    same message fetched twice (IMAP re-poll, a sender's retry) makes one draft. The raw bytes are kept
    encrypted like attachments: a quarantined message is released from them, and they are the evidence."""

    key = models.CharField(max_length=300, unique=True)
    message_id = models.CharField(max_length=255, blank=True)
    digest = models.CharField(max_length=64)  # SM3 of the raw bytes
    sender = models.CharField("发件地址", max_length=254, blank=True)  # lower-cased From address
    sender_name = models.CharField("发件人", max_length=100, blank=True)
    subject = models.CharField("主题", max_length=200, blank=True)
    transport = models.CharField(max_length=8, choices=Transport.choices)
    size = models.PositiveIntegerField(default=0)
    stored_name = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=IntakeStatus.choices)
    reason = models.CharField("原因", max_length=200, blank=True)  # why it was quarantined
    notes = models.JSONField(default=list, blank=True)  # what the import could not carry
    # The unit whose editors (and the system administrators above it) handle its quarantine.
    mailbox_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "邮件来稿"
        indexes = [
            models.Index(fields=["mailbox_unit", "status", "-received_at"], name="intake_mailbox_status"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}:{self.subject}"
