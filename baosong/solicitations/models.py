"""约稿 (solicitations) and 报送要点: notices to units below, answered with items.

The models came from the app ``notices`` and keep its tables, index and constraint names (``db_table``):
no table was created, copied or dropped when they moved (migrations/0001_initial.py)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from baosong.orgs.models import User


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
    # 转发约稿: a unit asked by an upper unit relays the notice to the units below it, with requirements of
    # its own (``added_requirements``, also appended to ``requirements``) and a deadline no later than the
    # upper one's. Its answers, once adopted or forwarded by the relaying unit, answer the upper notice.
    relayed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="relays", verbose_name="转发自"
    )
    added_requirements = models.TextField("补充要求", blank=True)

    class Meta:
        db_table = "notices_solicitation"
        verbose_name = "约稿"
        indexes = [
            models.Index(fields=["unit", "-created_at"], name="notices_solicit_unit"),
            models.Index(fields=["kind", "deadline"], name="notices_solicit_deadline"),
        ]
        constraints = [
            # One relay per asked unit: the upper unit's page shows one relay per unit.
            models.UniqueConstraint(
                fields=["relayed_from", "unit"],
                condition=models.Q(relayed_from__isnull=False),
                name="solicit_one_relay_per_unit",
            )
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
        db_table = "notices_solicitationtarget"
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


class RelayedAnswer(models.Model):
    """An answer to a relayed notice that the relaying unit adopted or forwarded (转报): it counts as the
    relaying unit's answer to the upper notice (``solicitation``). One row per (upper notice, item), written
    by the notifications' consumer from the submission's adopt or forward event, so replaying an event
    counts nothing twice."""

    class Decision(models.TextChoices):
        ADOPTED = "adopted", "采用"
        FORWARDED = "forwarded", "转报"

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="relayed_answers")
    relay = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")  # the relaying unit
    report = models.ForeignKey("reports.Report", on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey("reports.Submission", on_delete=models.PROTECT, related_name="+")
    # The copy that arrived at the upper unit (转报), tagged to its notice; none for an adoption.
    forwarded = models.ForeignKey(
        "reports.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "转发约稿的回复"
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "report"], name="solicit_relayed_answer_once")
        ]
