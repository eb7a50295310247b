"""What differs between the task backends (``BAOSONG_TASK_BACKEND``): how deep the queue is and whether a run
of a task is already waiting. Application code only uses ``@task`` and ``.enqueue()``.

- ``immediate`` (tests): every task runs inline at ``.enqueue()``.
- ``database`` (the embedded default): django-tasks-db; ``manage.py worker`` runs its ``db_worker``.
- ``rq``: django-tasks-rq on Redis (``redisqueue.py``); ``manage.py worker`` runs an RQ worker, on as many
  machines as wanted.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django_tasks.base import Task
    from rq.queue import Queue

log = logging.getLogger(__name__)
# A queued run's marker in Redis lives this long at most: a run lost with its worker (the marker left
# behind) holds back new runs no longer than this, and the workers' safety net queues one after it.
WAITING_TTL_SECONDS = 60


def _rq_queue() -> Queue:
    import django_rq
    from django_tasks_rq.backend import Job

    return django_rq.get_queue(settings.RQ_QUEUE, job_class=Job)


def _backend() -> str:
    return str(settings.TASKS["default"]["BACKEND"])


def _marker(task: Task[Any, Any]) -> str:
    return f"baosong:waiting:{settings.RQ_QUEUE}:{task.module_path}"


def claim_run(task: Task[Any, Any]) -> bool:
    """Should the caller queue a run of ``task``? Not when one is queued and not yet started: that run will
    find what the caller committed. (A run under way does not count: it may already have read past it.)
    On Redis a marker set with NX answers in one round trip, whatever the queue's length."""
    backend = _backend()
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        return not DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=task.module_path
        ).exists()
    if backend.endswith("RQBackend"):
        queue = _rq_queue()
        return bool(queue.connection.set(_marker(task), "1", nx=True, ex=WAITING_TTL_SECONDS))
    return True  # the immediate backend runs each one at once


def release_run(task: Task[Any, Any]) -> None:
    """The queued run has started (or could not be queued): the next commit queues another."""
    if _backend().endswith("RQBackend"):
        _rq_queue().connection.delete(_marker(task))


def queue_status() -> dict[str, Any]:
    """For /healthz: the backend and how many tasks wait. Redis unreachable → not ok."""
    backend = _backend()
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
        return {"ok": True, "backend": "database", "waiting": waiting}
    if backend.endswith("RQBackend"):
        try:
            queue = _rq_queue()
            return {
                "ok": True,
                "backend": "rq",
                "queue": queue.name,
                "waiting": queue.count,
                "running": queue.started_job_registry.count,
                "failed": queue.failed_job_registry.count,
            }
        except Exception as exc:  # /healthz must answer, not fail, when Redis is down
            log.warning("task queue unreachable: %s", exc)
            return {"ok": False, "backend": "rq", "queue": settings.RQ_QUEUE}
    return {"ok": True, "backend": "immediate"}
