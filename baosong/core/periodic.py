"""Periodic jobs run once per tick across every worker, through a lease row per job in the database.

Ticks are aligned on the epoch (a 60-second job's ticks start at :00 of each minute), so "once per tick"
has a meaning that does not depend on when each worker started. A worker claims a due tick with one
conditional UPDATE; the database serialises the claimers (a row lock on PostgreSQL, the write lock on
SQLite) and only the one whose UPDATE changed a row runs the job. A run still under way on a live worker
keeps the next tick from starting beside it: the tick waits and runs once, late, when that run ends.
Workers' clocks are compared with each other (NTP-synchronised machines, as TOTP already requires).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from baosong.core.models import PeriodicLease, WorkerHeartbeat
from baosong.core.outbox import Periodic

log = logging.getLogger(__name__)


def next_tick(now: dt.datetime, seconds: int) -> dt.datetime:
    """The start of the tick after the one ``now`` falls in."""
    start = int(now.timestamp()) // seconds * seconds
    return dt.datetime.fromtimestamp(start + seconds, tz=dt.UTC)


def periodic_claim(*, name: str, seconds: int, holder: str, alive_seconds: int, now: dt.datetime) -> bool:
    """Claim the current tick of job ``name`` for ``holder``; True if this caller is to run it.

    ``alive_seconds``: a holder whose heartbeat is older than this is dead, and its unfinished run no
    longer holds the next tick back."""
    holder_alive = WorkerHeartbeat.objects.filter(
        worker_id=OuterRef("holder"), beat_at__gte=now - dt.timedelta(seconds=alive_seconds)
    )
    running = Q(ran_at__isnull=False) & (Q(finished_at__isnull=True) | Q(finished_at__lt=F("ran_at")))
    claimed = (
        PeriodicLease.objects.filter(name=name, due_at__lte=now)
        .exclude(running & Exists(holder_alive))
        .update(due_at=next_tick(now, seconds), holder=holder, ran_at=now, finished_at=None)
    )
    return claimed == 1


def periodic_finish(*, name: str, holder: str, ran_at: dt.datetime) -> None:
    PeriodicLease.objects.filter(name=name, holder=holder, ran_at=ran_at).update(finished_at=timezone.now())


def _ensure_leases(jobs: Iterable[Periodic], now: dt.datetime) -> None:
    """A job seen for the first time is due at once (as when a single worker started)."""
    known = set(PeriodicLease.objects.values_list("name", flat=True))
    for job in jobs:
        if job.name not in known:
            try:
                with transaction.atomic():
                    PeriodicLease.objects.create(name=job.name, due_at=now)
            except IntegrityError:
                pass  # another worker created it first


def run_due_jobs(
    jobs: list[Periodic],
    *,
    holder: str,
    alive_seconds: int,
    clock: Callable[[], dt.datetime] = timezone.now,
) -> list[str]:
    """Run every job whose tick is due and that this worker wins; returns the names it ran."""
    now = clock()
    _ensure_leases(jobs, now)
    due = set(PeriodicLease.objects.filter(due_at__lte=now).values_list("name", flat=True))
    ran: list[str] = []
    for job in jobs:
        if job.name not in due:
            continue
        now = clock()
        if not periodic_claim(
            name=job.name, seconds=job.seconds, holder=holder, alive_seconds=alive_seconds, now=now
        ):
            continue
        ran.append(job.name)
        try:
            job.fn()
        except Exception:  # a failing job is retried at its next tick
            log.exception("periodic job %s failed", job.name)
        finally:
            periodic_finish(name=job.name, holder=holder, ran_at=now)
    return ran
