"""The domain-event outbox: written beside a business change, consumed by apps above it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baosong.core.models import DomainEvent


def event_emit(
    event_type: str,
    *,
    object_type: str,
    object_id: int,
    unit_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> DomainEvent:
    """Call inside the transaction of the change it describes. The type and the payload's keys must be
    declared in the action registry (``core.actions``); tests refuse anything else."""
    from django.conf import settings

    if settings.TESTING:
        from baosong.core.actions import check_event

        check_event(event_type, payload or {})
    from baosong.core.outbox import schedule_outbox_after_commit

    schedule_outbox_after_commit()
    return DomainEvent.objects.create(
        event_type=event_type,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit_id,
        payload=payload or {},
        created_at=timezone.now(),
    )
