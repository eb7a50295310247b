"""Several workers on one queue: real `manage.py worker` processes on a real Redis and a shared database.

- each periodic job runs once per tick across three workers, on the Redis (rq) and on the database backend;
- a task whose worker is SIGKILLed while it runs is run again, to the end, by another worker;
- the lease itself: of two claimers of a tick, one wins.

The worker processes load the probe app (rqprobe/): a periodic job and a slow task that write to files."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from baosong.core.models import PeriodicLease, WorkerHeartbeat
from baosong.core.outbox import Periodic
from baosong.core.periodic import next_tick, periodic_claim, periodic_finish, run_due_jobs

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("BAOSONG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PERIOD = 3  # the probe job's tick, seconds: runs late by up to a second under load stay in their tick


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(REDIS_URL)


def _redis_up() -> bool:
    try:
        return bool(_redis().ping())
    except Exception:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason=f"Redis is not reachable at {REDIS_URL}")


# ---- the lease, in-process -------------------------------------------------------------------------------


def _beat(worker_id: str, at: dt.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"hostname": "h", "pid": 1, "started_at": at, "beat_at": at}
    )


def test_of_two_claimers_of_a_tick_one_wins(db):
    now = timezone.now()
    PeriodicLease.objects.create(name="job", due_at=now)
    claims = [periodic_claim(name="job", seconds=60, holder=w, alive_seconds=60, now=now) for w in ("a", "b")]
    assert claims == [True, False]
    lease = PeriodicLease.objects.get(name="job")
    assert lease.holder == "a" and lease.due_at == next_tick(now, 60) and lease.due_at > now
    periodic_finish(name="job", holder="a", ran_at=now)
    later = lease.due_at
    claims = [
        periodic_claim(name="job", seconds=60, holder=w, alive_seconds=60, now=later) for w in ("b", "a")
    ]
    assert claims == [True, False]


def test_a_run_under_way_on_a_live_worker_holds_the_next_tick_back(db):
    now = timezone.now()
    _beat("a", now)
    PeriodicLease.objects.create(name="job", due_at=now)
    assert periodic_claim(name="job", seconds=10, holder="a", alive_seconds=30, now=now)
    tick = next_tick(now, 10)
    _beat("a", tick)  # a is alive and its run has not finished
    assert not periodic_claim(name="job", seconds=10, holder="b", alive_seconds=30, now=tick)
    periodic_finish(name="job", holder="a", ran_at=now)  # finished, late: the waiting tick runs once
    assert periodic_claim(name="job", seconds=10, holder="b", alive_seconds=30, now=tick)
    assert not periodic_claim(name="job", seconds=10, holder="a", alive_seconds=30, now=tick)


def test_a_dead_holder_does_not_hold_the_tick_back(db):
    now = timezone.now()
    _beat("a", now)
    PeriodicLease.objects.create(name="job", due_at=now)
    assert periodic_claim(name="job", seconds=10, holder="a", alive_seconds=30, now=now)
    much_later = now + dt.timedelta(seconds=120)  # a's last beat is two minutes old, its run unfinished
    assert periodic_claim(name="job", seconds=10, holder="b", alive_seconds=30, now=much_later)


def test_run_due_jobs_runs_each_tick_once_among_workers(db):
    runs: list[str] = []
    jobs = [Periodic("probe", lambda: runs.append("x"), 60)]
    start = next_tick(timezone.now(), 60)
    for offset in (0, 1, 30, 59, 60, 61, 119, 120):
        at = start + dt.timedelta(seconds=offset)
        for worker in ("a", "b", "c"):
            run_due_jobs(jobs, holder=worker, alive_seconds=60, clock=functools.partial(lambda t: t, at))
    assert len(runs) == 3  # ticks at 0, 60 and 120 s


# ---- the rq backend in the web process: coalescing and /healthz, on a real Redis -------------------------


def _use_rq(settings: Any, queue: str, url: str = REDIS_URL) -> None:
    """The web process's settings for BAOSONG_TASK_BACKEND=rq (as config/settings.py builds them)."""
    settings.TASKS = {
        "default": {"BACKEND": "baosong.core.redisqueue.RQBackend", "QUEUES": ["default", queue]}
    }
    settings.RQ_QUEUES = {name: {"URL": url} for name in ("default", queue)}
    settings.RQ_QUEUE = queue
    settings.TASK_BACKEND = "rq"


@pytest.fixture
def rq_queue(settings) -> Iterator[str]:
    queue = f"bs-test-{uuid.uuid4().hex[:10]}"
    _use_rq(settings, queue)
    yield queue
    r = _redis()
    ids = [i.decode() for i in r.lrange(f"rq:queue:{queue}", 0, -1)]
    r.delete(f"rq:queue:{queue}", *(f"rq:job:{i}" for i in ids))


@needs_redis
def test_rq_an_outbox_run_waiting_in_redis_takes_the_next_events_along(db, rq_queue):
    from baosong.core.outbox import enqueue_outbox

    for _ in range(50):
        enqueue_outbox()
    assert _redis().llen(f"rq:queue:{rq_queue}") == 1


@needs_redis
def test_rq_healthz_reports_the_redis_queue(db, rq_queue):
    from django.test import Client

    from baosong.core.outbox import enqueue_outbox

    enqueue_outbox()
    _beat("w1", timezone.now())
    body = Client().get("/healthz").json()
    assert body["queue"] == {
        "ok": True,
        "backend": "rq",
        "queue": rq_queue,
        "waiting": 1,
        "running": 0,
        "failed": 0,
    }
    assert body["status"] == "ok" and body["worker"]["alive"] == 1


def test_rq_healthz_is_degraded_when_redis_is_down(db, settings):
    _use_rq(settings, "q", url="redis://127.0.0.1:1/0")  # nothing listens there
    _beat("w1", timezone.now())
    from django.test import Client

    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["queue"]["ok"] is False


def test_rq_a_change_commits_when_redis_is_down(transactional_db, settings):
    """The outbox run is queued after commit; Redis refusing it must not turn the committed change into an
    error page: the workers' safety net delivers the events later."""
    from django.db import transaction

    from baosong.core.outbox import schedule_outbox_after_commit

    _use_rq(settings, "q", url="redis://127.0.0.1:1/0")  # nothing listens there
    with transaction.atomic():
        PeriodicLease.objects.create(name="a change", due_at=timezone.now())
        schedule_outbox_after_commit()
    assert PeriodicLease.objects.filter(name="a change").exists()


# ---- real worker processes -------------------------------------------------------------------------------


class SharedDatabase:
    """The database the worker processes and the test share: on PostgreSQL the test database itself (the
    test is transactional, so its rows are committed); on SQLite, whose test database lives in this
    process's memory, a file copy of it (migrated, empty) in the workers' data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.env: dict[str, str] = {"BAOSONG_DATA_DIR": str(data_dir)}
        self.file: Path | None = None
        if connection.vendor == "sqlite":
            self.file = data_dir / "baosong.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()
        else:
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            self.env["DATABASE_URL"] = f"postgres://{auth}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"

    def scalar(self, sql: str) -> Any:
        if self.file is not None:
            with sqlite3.connect(self.file, timeout=20) as db:
                return db.execute(sql).fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]


class Workers:
    def __init__(self, tmp: Path, db: SharedDatabase) -> None:
        self.tmp = tmp
        self.db = db
        self.queue = f"bs-test-{uuid.uuid4().hex[:10]}"
        self.probe = tmp / "probe"
        self.probe.mkdir()
        self.procs: list[subprocess.Popen[bytes]] = []
        base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env = {
            **base,
            **db.env,
            "DJANGO_SETTINGS_MODULE": "baosong.core.tests.rqprobe.settings",
            "BAOSONG_TESTING": "1",
            "BAOSONG_REDIS_URL": REDIS_URL,
            "BAOSONG_RQ_QUEUE": self.queue,
            "BAOSONG_WORKER_HEARTBEAT_SECONDS": "1",
            "BAOSONG_PROBE_SECONDS": str(PERIOD),
            "BAOSONG_PROBE_DIR": str(self.probe),
            "BAOSONG_LOG_LEVEL": "INFO",
        }

    def start(self, backends: list[str]) -> None:
        for n, backend in enumerate(backends):
            log = (self.tmp / f"worker{n}.log").open("wb")
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "worker", "--interval", "0.2"],
                    cwd=ROOT,
                    env={**self.env, "BAOSONG_TASK_BACKEND": backend},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, RQ's scheduler with it
                )
            )
        count = len(backends)
        self.wait_for(lambda: self.db.scalar("SELECT COUNT(*) FROM core_workerheartbeat") >= count, 60)

    def wait_for(self, condition: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            dead = [p.pid for p in self.procs if p.poll() is not None and p.returncode not in (-9,)]
            assert not dead, f"worker exited early: {self.logs()}"
            time.sleep(0.1)
        raise AssertionError(f"timed out; worker logs:\n{self.logs()}")

    def lines(self, name: str) -> list[list[str]]:
        path = self.probe / name
        return [line.split() for line in path.read_text().splitlines()] if path.exists() else []

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp.glob("worker*.log")))

    def stop(self) -> None:
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            for proc in self.procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, sig)
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline and any(p.poll() is None for p in self.procs):
                time.sleep(0.1)
        for fields in self.lines("tasks"):  # RQ's job processes have process groups of their own
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(fields[2]), signal.SIGKILL)

    def clean_redis(self) -> None:
        r = _redis()
        ids: set[bytes] = set(r.lrange(f"rq:queue:{self.queue}", 0, -1))
        for registry in ("finished", "failed", "wip", "scheduled", "deferred", "canceled"):
            ids.update(member.split(b":")[0] for member in r.zrange(f"rq:{registry}:{self.queue}", 0, -1))
        keys = set(r.scan_iter(match=f"*{self.queue}*"))
        for job_id in ids:
            keys.update(r.scan_iter(match=f"rq:*{job_id.decode()}*"))
        if keys:
            r.delete(*keys)


@pytest.fixture
def start_workers(transactional_db, tmp_path) -> Iterator[Callable[[list[str]], Workers]]:
    started: list[Workers] = []

    def start(backends: list[str]) -> Workers:
        workers = Workers(tmp_path, SharedDatabase(tmp_path))
        started.append(workers)
        workers.start(backends)
        return workers

    yield start
    for workers in started:
        workers.stop()
        if _redis_up():
            workers.clean_redis()


def _runs_per_tick(workers: Workers, *, at_least: int) -> Counter[int]:
    """How many times the probe job ran in each of its ticks seen whole (after its first run), waiting until
    there are ``at_least`` of them."""
    workers.wait_for(lambda: len(workers.lines("ticks")) >= 1, 30)
    first = int(float(workers.lines("ticks")[0][0])) // PERIOD + 1
    workers.wait_for(lambda: time.time() >= (first + at_least) * PERIOD + 0.5, at_least * PERIOD + 5)
    last = int(time.time() - 0.5) // PERIOD - 1
    runs = Counter(int(float(t)) // PERIOD for t, _ in workers.lines("ticks"))
    return Counter({tick: runs[tick] for tick in range(first, last + 1)})


@needs_redis
def test_three_rq_workers_run_each_tick_once_and_finish_a_task_whose_worker_was_killed(
    start_workers, settings
):
    """Three RQ workers, and beside them one worker of the database backend: the lease is in the database,
    whatever runs the tasks."""
    from django_tasks import default_task_backend

    from baosong.core.tests.rqprobe.tasks import probe_sleep

    workers = start_workers(["rq", "rq", "rq", "database"])
    _use_rq(settings, workers.queue)  # this process enqueues, as a web node would
    result = probe_sleep.enqueue("k1", 3)
    workers.wait_for(lambda: any(f[0] == "start" for f in workers.lines("tasks")), 20)
    _, _, job_pid, worker_pid, _ = workers.lines("tasks")[0]
    # The machine is lost: the worker and the child process running the job die at once.
    os.killpg(int(worker_pid), signal.SIGKILL)
    os.kill(int(job_pid), signal.SIGKILL)
    workers.wait_for(lambda: any(f[0] == "done" for f in workers.lines("tasks")), 40)
    lines = workers.lines("tasks")
    starts = [f for f in lines if f[0] == "start"]
    dones = [f for f in lines if f[0] == "done"]
    assert len(starts) == 2 and len(dones) == 1, lines
    assert dones[0][3] != worker_pid  # run again, to the end, by another worker
    workers.wait_for(lambda: default_task_backend.get_result(result.id).status == "SUCCESSFUL", 10)
    assert default_task_backend.get_result(result.id).return_value == "k1"

    # No job hangs (a job process forked while another thread held a lock would) and none failed.
    r = _redis()
    workers.wait_for(lambda: r.zcard(f"rq:wip:{workers.queue}") == 0, 10)
    assert r.zcard(f"rq:failed:{workers.queue}") == 0

    # Meanwhile, before and after the kill: the periodic job ran once in every tick.
    per_tick = _runs_per_tick(workers, at_least=3)
    assert len(per_tick) >= 3 and set(per_tick.values()) == {1}, (per_tick, workers.logs())
    # The real jobs have one lease each, whoever ran them.
    names = "('reports.clock', 'outbox.safety_net', 'probe.tick')"
    assert workers.db.scalar(f"SELECT COUNT(*) FROM core_periodiclease WHERE name IN {names}") == 3
