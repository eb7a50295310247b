"""督查 (oversight): units that have gone silent, and events a unit seems to have left unreported (疑似漏报).

Both are derived from the items' history by the periodic scan (services.scan); the rows here remember what
was already announced, so that each silence spell and each (event, unit) is announced once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

DEFAULT_SILENT_WEEKS = 2
DEFAULT_MIN_REPORTERS = 2


class OversightSetting(models.Model):
    """The thresholds of the scan. ``unit`` empty: the system-wide values (系统管理员); a unit's row applies
    to the units reporting to it (set by its 采编人员)."""

    unit = models.OneToOneField(
        "orgs.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="oversight_setting"
    )
    is_global = models.BooleanField(default=False)  # the row without a unit (unique among globals)
    silent_weeks = models.PositiveSmallIntegerField("连续未报送周数", default=DEFAULT_SILENT_WEEKS)
    min_reporters = models.PositiveSmallIntegerField("疑似漏报的报送单位数", default=DEFAULT_MIN_REPORTERS)
    updated_by = models.ForeignKey(
        "orgs.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "督查设置"
        constraints = [
            models.UniqueConstraint(
                fields=["is_global"], condition=Q(is_global=True), name="oversight_one_global_setting"
            ),
            models.CheckConstraint(
                condition=Q(is_global=True, unit__isnull=True) | Q(is_global=False, unit__isnull=False),
                name="oversight_global_has_no_unit",
            ),
            models.CheckConstraint(
                condition=Q(silent_weeks__gte=1, silent_weeks__lte=52), name="oversight_silent_weeks_range"
            ),
            models.CheckConstraint(
                condition=Q(min_reporters__gte=2, min_reporters__lte=20), name="oversight_min_reporters_range"
            ),
        ]


class SilentSpell(models.Model):
    """One spell of silence of a unit: opened when it has sent nothing for the threshold's weeks (the
    alert goes out then, once), closed when it sends again or is disabled."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="silent_spells")
    last_sent_at = models.DateTimeField(null=True, blank=True)  # None: nothing within the scanned weeks
    weeks = models.PositiveSmallIntegerField()  # the threshold in force when it was detected
    detected_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "连续未报送"
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(ended_at__isnull=True), name="oversight_one_open_spell"
            ),
        ]


class OmissionAlert(models.Model):
    """疑似漏报: several units reported an event located in ``unit``'s area and ``unit`` sent nothing about
    it by the event's deadline. One per (event, unit); the upper unit's 采编人员 marks it handled."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        HANDLED = "handled", "已处理"

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="omission_alerts")
    upper_unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    # Where the event was grouped: the inbox of this unit (usually ``upper_unit``).
    target_unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    anchor_report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="+")
    report_ids = models.JSONField(default=list)  # the group's items when detected (later scans dedupe)
    title = models.CharField("事件", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    category = models.CharField(max_length=20, blank=True)
    event_time = models.DateTimeField("事件时间")
    due_at = models.DateTimeField("报送时限")
    reporter_count = models.PositiveSmallIntegerField("已报送单位数")
    reporter_names = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        "orgs.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField("处理说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "疑似漏报"
        constraints = [
            models.UniqueConstraint(fields=["unit", "anchor_report"], name="oversight_one_alert_per_event"),
        ]
        indexes = [
            models.Index(fields=["upper_unit", "status", "-created_at"], name="oversight_alert_upper"),
            models.Index(fields=["unit", "status", "-created_at"], name="oversight_alert_unit"),
        ]

    def __str__(self) -> str:
        return self.title
