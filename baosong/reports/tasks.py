"""The reporting clock: reminders before a deadline, alarms when an urgent item is overdue at any step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from baosong.core.events import event_emit
from baosong.reports import workflow as wf
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus

OPEN = [SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED]


def _stamp_once(qs: QuerySet[Any], field: str, event_type: str, now: dt.datetime) -> int:
    """Stamp each row and emit its event in one transaction, so every reminder or alarm goes out once."""
    object_type = qs.model.__name__.lower()
    count = 0
    for row in qs.select_for_update(skip_locked=True):
        qs.model.objects.filter(pk=row.pk).update(**{field: now})
        unit_id = getattr(row, "target_unit_id", None) or getattr(row, "source_unit_id", None)
        event_emit(
            event_type,
            object_type=object_type,
            object_id=row.pk,
            unit_id=unit_id,
            payload={"due_at": row.due_at.isoformat() if row.due_at else None},
        )
        count += 1
    return count


def clock_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Idempotent: each reminder and each alarm is sent once (the row is stamped in the same transaction)."""
    now = now or timezone.now()
    window = dt.timedelta(minutes=int(settings.REMINDER_MINUTES_BEFORE_DUE))
    counts = {"reminders": 0, "alarms": 0}
    with transaction.atomic():
        due_soon = Submission.objects.filter(
            is_active=True,
            status__in=OPEN,
            reminded_at__isnull=True,
            due_at__gt=now,
            due_at__lte=now + window,
        )
        counts["reminders"] += _stamp_once(due_soon, "reminded_at", wf.DUE_SOON.code, now)
        overdue = Submission.objects.filter(
            is_active=True, status__in=OPEN, alarmed_at__isnull=True, due_at__lt=now, urgency_rank__lt=2
        )
        counts["alarms"] += _stamp_once(overdue, "alarmed_at", wf.SUBMISSION_OVERDUE.code, now)
        stuck = Report.objects.filter(
            status=ReportStatus.IN_REVIEW, alarmed_at__isnull=True, due_at__lt=now
        ).exclude(urgency="normal")
        counts["alarms"] += _stamp_once(stuck, "alarmed_at", wf.REPORT_OVERDUE.code, now)
    return counts
