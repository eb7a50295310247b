"""Scoring consumes the workflow's domain events after commit, each exactly once (core.outbox)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils import timezone

from baosong.core.models import DomainEvent
from baosong.reports.models import Report
from baosong.scoring.rollups import rebuild, rollup_apply
from baosong.scoring.services import ledger_apply


def on_event(event: DomainEvent) -> None:
    if event.event_type == "scoring.backfill":
        backfill()
        return
    rollup_apply(event, ledger_apply(event))


def backfill() -> None:
    """Recount every rollup from the first item to tomorrow (idempotent: the counts replace the tables'),
    after an upgrade added counters the earlier events never filled."""
    first = Report.objects.aggregate(first=Min("created_at"))["first"]
    if first is None:
        return
    start = timezone.localtime(first).date()
    rebuild(start, timezone.localdate() + dt.timedelta(days=1))
