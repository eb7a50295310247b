from __future__ import annotations

from django.test import Client, override_settings
from django.utils import timezone

from baosong.core.models import WorkerHeartbeat


def test_healthz_reports_database_and_inline_worker(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True


@override_settings(TASK_BACKEND="database", WORKER_HEARTBEAT_SECONDS=15)
def test_healthz_is_degraded_without_a_worker_heartbeat(db):
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["worker"]["ok"] is False
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=1, started_at=timezone.now(), beat_at=timezone.now()
    )
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["worker"]["ok"] is True
