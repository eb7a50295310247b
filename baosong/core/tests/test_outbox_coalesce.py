"""A transaction that emits many events queues one outbox run, not one per event: a run that is queued and
not yet started serves every event committed before it starts."""

from __future__ import annotations

import uuid

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from baosong.core import outbox

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class _Counter:
    def __init__(self) -> None:
        self.calls = 0
        self.module_path = outbox.process_outbox.module_path

    def enqueue(self) -> None:
        self.calls += 1


def _queued(status: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        id=uuid.uuid4(),
        args_kwargs={"args": [], "kwargs": {}},
        priority=0,
        task_path=outbox.process_outbox.module_path,
        queue_name="default",
        backend_name="default",
        status=status,
    )


def test_a_waiting_run_takes_the_next_events_along(db, settings, monkeypatch):
    settings.TASKS = DB_BACKEND
    counter = _Counter()
    monkeypatch.setattr(outbox, "process_outbox", counter)
    outbox.enqueue_outbox()  # nothing queued yet: queue one
    assert counter.calls == 1
    _queued(TaskResultStatus.READY)
    for _ in range(1800):  # the first tick's 1,800 events
        outbox.enqueue_outbox()
    assert counter.calls == 1


def test_a_run_under_way_does_not_count(db, settings, monkeypatch):
    """It may have read past the events just committed: they need a run of their own."""
    settings.TASKS = DB_BACKEND
    counter = _Counter()
    monkeypatch.setattr(outbox, "process_outbox", counter)
    _queued(TaskResultStatus.RUNNING)
    _queued(TaskResultStatus.SUCCESSFUL)
    outbox.enqueue_outbox()
    assert counter.calls == 1


def test_the_immediate_backend_runs_every_time(db, monkeypatch):
    counter = _Counter()
    monkeypatch.setattr(outbox, "process_outbox", counter)
    _queued(TaskResultStatus.READY)
    outbox.enqueue_outbox()
    outbox.enqueue_outbox()
    assert counter.calls == 2
