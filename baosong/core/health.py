"""Are the task workers alive? Read from the heartbeats the `worker` commands write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from baosong.core.models import WorkerHeartbeat


def worker_status(max_age_seconds: int) -> dict[str, Any]:
    beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if beat is None:
        return {"ok": False, "last_beat": None}
    now = timezone.now()
    age = (now - beat.beat_at).total_seconds()
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=now - dt.timedelta(seconds=max_age_seconds)).count()
    return {
        "ok": age <= max_age_seconds,
        "alive": alive,  # several workers, on several machines, may share the queue
        "last_beat": beat.beat_at.isoformat(),
        "age_seconds": round(age, 1),
        "worker_id": beat.worker_id,
    }
