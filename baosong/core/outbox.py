"""Delivering the domain-event outbox to the apps above, each event exactly once per consumer.

Apps register a consumer in their AppConfig.ready(); core knows none of them. A consumer's effects and
its delivery row commit together, so a crash between them re-delivers nothing twice and loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_tasks import task

from baosong.core.models import DomainEvent, EventCursor, EventDelivery

if TYPE_CHECKING:
    from baosong.core.actions import Subscribable

log = logging.getLogger(__name__)
Consumer = Callable[[DomainEvent], None]
_consumers: dict[str, Consumer] = {}
_subscriptions: dict[str, frozenset[str]] = {}


@dataclass(frozen=True)
class Periodic:
    name: str
    fn: Callable[[], object]
    seconds: int


_periodic: dict[str, Periodic] = {}
# A transaction that started before a later-committed event cannot run longer than this; the cursor
# only moves past events older than it, so no late-committing event is ever skipped.
SAFETY_WINDOW = dt.timedelta(minutes=10)


def register_consumer(name: str, fn: Consumer, events: Iterable[Subscribable]) -> None:
    """``events``: what the consumer hears — event types, actions or whole workflows from the action
    registry (``core.actions``), never strings, so a renamed or undeclared type fails at start-up."""
    from baosong.core.actions import event_codes

    _consumers[name] = fn
    _subscriptions[name] = event_codes(events)


def subscriptions(name: str) -> frozenset[str]:
    return _subscriptions[name]


def register_periodic(name: str, fn: Callable[[], object], seconds: int) -> None:
    _periodic[name] = Periodic(name, fn, seconds)


def periodic_jobs() -> list[Periodic]:
    return list(_periodic.values())


def schedule_outbox_after_commit() -> None:
    """Called by event_emit: the outbox runs after the change commits (never for a rolled-back one). If the
    queue cannot take it (Redis down), the change stands and the workers' safety net delivers its events."""
    if _consumers:
        transaction.on_commit(enqueue_outbox, robust=True)


def enqueue_outbox() -> None:
    """Queue a run unless one is already queued and not yet started: that run will find every event
    committed before it starts. (The reporting clock's first tick on a big database stamped 1,800 overdue
    items in one transaction and queued 1,800 runs, 1,799 of them empty: 30% of a core for minutes.) A run
    already under way does not count — it may have read past the events just committed."""
    from baosong.core.taskqueue import claim_run, release_run

    if not claim_run(process_outbox):
        return
    try:
        process_outbox.enqueue()
    except Exception:
        release_run(process_outbox)
        raise


def deliver(consumer: str, *, limit: int = 1000) -> int:
    """Hand pending events to one consumer; returns how many were delivered."""
    fn = _consumers[consumer]
    heard = _subscriptions[consumer]
    cursor, _ = EventCursor.objects.get_or_create(consumer=consumer)
    delivered = EventDelivery.objects.filter(consumer=consumer, event_id=OuterRef("pk"))
    pending = list(
        DomainEvent.objects.filter(pk__gt=cursor.last_event_id, event_type__in=heard)
        .exclude(Exists(delivered))
        .order_by("pk")[:limit]
    )
    count = 0
    for event in pending:
        with transaction.atomic():
            # The unique delivery row makes a second worker's attempt fail instead of repeating the effects.
            _, created = EventDelivery.objects.get_or_create(consumer=consumer, event_id=event.pk)
            if not created:
                continue
            fn(event)
            count += 1
    horizon = timezone.now() - SAFETY_WINDOW
    settled = (
        DomainEvent.objects.filter(pk__gt=cursor.last_event_id, created_at__lt=horizon, event_type__in=heard)
        .exclude(Exists(delivered))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    newest_old = (
        DomainEvent.objects.filter(pk__gt=cursor.last_event_id, created_at__lt=horizon)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if newest_old and settled is None:
        EventCursor.objects.filter(pk=cursor.pk).update(last_event_id=newest_old, updated_at=timezone.now())
    return count


@task()
def process_outbox() -> int:
    from baosong.core.taskqueue import release_run

    release_run(process_outbox)  # first: what commits from now on queues the next run
    total = 0
    for name in list(_consumers):
        try:
            total += deliver(name)
        except Exception:  # one consumer's failure must not block the others; the events stay pending
            log.exception("outbox consumer %s failed", name)
    return total
