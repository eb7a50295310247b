"""The task worker: django-tasks' database worker plus a heartbeat that /healthz reports."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import close_old_connections
from django.utils import timezone

from baosong.core.models import WorkerHeartbeat


def _run_periodic(last_run: dict[str, float]) -> None:
    from baosong.core.outbox import periodic_jobs, process_outbox

    now = time.monotonic()
    for job in periodic_jobs():
        if now - last_run.get(job.name, 0.0) >= job.seconds:
            last_run[job.name] = now
            try:
                job.fn()
            except Exception as exc:  # a failing job is retried at its next interval
                print(f"periodic job {job.name} failed: {exc}")
    if now - last_run.get("outbox", 0.0) >= 30:
        # Safety net: events whose after-commit enqueue was lost (e.g. a crash) are still delivered.
        last_run["outbox"] = now
        process_outbox.enqueue()


def _beat(worker_id: str, started: Any, stop: threading.Event) -> None:
    last_run: dict[str, float] = {}
    while not stop.is_set():
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": os.getpid(),
                    "started_at": started,
                    "beat_at": timezone.now(),
                },
            )
        except Exception as exc:  # a busy database must not kill the worker; the next beat retries
            print(f"heartbeat failed: {exc}")
        try:
            _run_periodic(last_run)
        finally:
            close_old_connections()
        stop.wait(int(settings.WORKER_HEARTBEAT_SECONDS))


class Command(BaseCommand):
    help = "运行后台任务处理进程（含心跳）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"[:64]
        stop = threading.Event()
        thread = threading.Thread(target=_beat, args=(worker_id, timezone.now(), stop), daemon=True)
        thread.start()
        try:
            call_command("db_worker", interval=options["interval"], reload=False, worker_id=worker_id[:64])
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            time.sleep(0)
