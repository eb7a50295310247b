"""The task worker: the task runner of the configured backend (django-tasks' database worker, or an RQ worker
on Redis), a heartbeat that /healthz reports, and the periodic jobs — each tick run by one worker only,
however many run (baosong/core/periodic.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import close_old_connections, connections
from django.utils import timezone

from baosong.core.models import WorkerHeartbeat

# Events whose after-commit enqueue was lost (e.g. a crash) are still delivered: one outbox run is queued
# this often, by one worker.
OUTBOX_SAFETY_NET_SECONDS = 30


def _beat(worker_id: str, pid: int, started: Any, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "hostname": socket.gethostname()[:255],
                    "pid": pid,
                    "started_at": started,
                    "beat_at": timezone.now(),
                },
            )
        except Exception as exc:  # a busy database must not kill the worker; the next beat retries
            print(f"heartbeat failed: {exc}")
        finally:
            close_old_connections()
        stop.wait(int(settings.WORKER_HEARTBEAT_SECONDS))


def _periodic(worker_id: str, stop: threading.Event) -> None:
    """A thread of its own, so that a long job (the reporting clock on a big database) delays no heartbeat:
    the lease takes a live holder's unfinished run as still running."""
    from baosong.core.outbox import Periodic, enqueue_outbox, periodic_jobs
    from baosong.core.periodic import run_due_jobs

    jobs = [*periodic_jobs(), Periodic("outbox.safety_net", enqueue_outbox, OUTBOX_SAFETY_NET_SECONDS)]
    beat = int(settings.WORKER_HEARTBEAT_SECONDS)
    while True:
        try:
            run_due_jobs(jobs, holder=worker_id, alive_seconds=beat * 4)
        except Exception as exc:  # the database went away: the next round retries
            print(f"periodic jobs failed: {exc}")
        finally:
            close_old_connections()
        if stop.wait(min(beat, 5)):
            return


class Command(BaseCommand):
    help = "运行后台任务处理进程（任务队列、心跳与定时作业）。可在多台服务器上同时运行多个。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"[:64]
        if settings.TASK_BACKEND == "rq":
            self._run_rq(worker_id)
            return
        stop = _start_threads(worker_id, os.getpid())
        try:
            call_command("db_worker", interval=options["interval"], reload=False, worker_id=worker_id)
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
            time.sleep(0)

    def _run_rq(self, worker_id: str) -> None:
        """RQ forks a child process for every job. A fork copies only the forking thread, and any lock another
        thread holds at that moment stays held for ever in the child (seen here: a job process hung on a
        futex, taken by the heartbeat thread inside SQLite). So the heartbeat and the periodic jobs run in a
        process of their own, forked now while this one has no other thread, and the RQ worker forks from a
        process that touches no database."""
        from baosong.core.redisqueue import run_rq_worker

        connections.close_all()
        worker_pid = os.getpid()
        beat_pid = os.fork()
        if beat_pid == 0:
            _beat_process(worker_id, worker_pid)
            os._exit(0)
        try:
            run_rq_worker(name=worker_id)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(beat_pid, signal.SIGTERM)
            os.waitpid(beat_pid, 0)
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _start_threads(worker_id: str, pid: int) -> threading.Event:
    stop = threading.Event()
    started = timezone.now()
    for target, params in ((_beat, (worker_id, pid, started, stop)), (_periodic, (worker_id, stop))):
        threading.Thread(target=target, args=params, daemon=True).start()
    return stop


def _beat_process(worker_id: str, worker_pid: int) -> None:
    """The heartbeat and periodic jobs of an RQ worker; ends with it (SIGTERM, or the worker's death: a
    worker killed outright must stop beating, or /healthz and the periodic lease would think it alive)."""
    stop = _start_threads(worker_id, worker_pid)
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    while not stop.wait(1) and os.getppid() == worker_pid:
        pass
    stop.set()
