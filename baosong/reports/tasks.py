"""The reporting clock: reminders before a deadline, alarms when an urgent item is overdue at any step."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from baosong.core.events import event_emit
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus

OPEN = [SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED]


def clock_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Idempotent: each reminder and each alarm is sent once (the row is stamped in the same transaction)."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=int(settings.REMINDER_MINUTES_BEFORE_DUE))
    counts = {"reminders": 0, "alarms": 0}
    with transaction.atomic():
        due_soon = Submission.objects.select_for_update(skip_locked=True).filter(
            is_active=True,
            status__in=OPEN,
            reminded_at__isnull=True,
            due_at__gt=now,
            due_at__lte=now + window,
        )
        for sub in due_soon:
            Submission.objects.filter(pk=sub.pk).update(reminded_at=now)
            event_emit(
                "submission.due_soon",
                object_type="submission",
                object_id=sub.pk,
                unit_id=sub.target_unit_id,
                payload={"due_at": sub.due_at.isoformat() if sub.due_at else None},
            )
            counts["reminders"] += 1
        overdue = Submission.objects.select_for_update(skip_locked=True).filter(
            is_active=True, status__in=OPEN, alarmed_at__isnull=True, due_at__lt=now, urgency_rank__lt=2
        )
        for sub in overdue:
            Submission.objects.filter(pk=sub.pk).update(alarmed_at=now)
            event_emit(
                "submission.overdue",
                object_type="submission",
                object_id=sub.pk,
                unit_id=sub.target_unit_id,
                payload={"due_at": sub.due_at.isoformat() if sub.due_at else None},
            )
            counts["alarms"] += 1
        stuck = (
            Report.objects.select_for_update(skip_locked=True)
            .filter(status=ReportStatus.IN_REVIEW, alarmed_at__isnull=True, due_at__lt=now)
            .exclude(urgency="normal")
        )
        for report in stuck:
            Report.objects.filter(pk=report.pk).update(alarmed_at=now)
            event_emit(
                "report.overdue",
                object_type="report",
                object_id=report.pk,
                unit_id=report.source_unit_id,
                payload={"due_at": report.due_at.isoformat() if report.due_at else None},
            )
            counts["alarms"] += 1
    return counts
