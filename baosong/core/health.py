"""Is the task worker alive? Read from the heartbeat the `worker` command writes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baosong.core.models import WorkerHeartbeat


def worker_status(max_age_seconds: int) -> dict[str, Any]:
    beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    if beat is None:
        return {"ok": False, "last_beat": None}
    age = (timezone.now() - beat.beat_at).total_seconds()
    return {
        "ok": age <= max_age_seconds,
        "last_beat": beat.beat_at.isoformat(),
        "age_seconds": round(age, 1),
        "worker_id": beat.worker_id,
    }
