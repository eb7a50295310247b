"""What differs between the task backends (``BAOSONG_TASK_BACKEND``): how deep the queue is and whether a run
of a task is already waiting. Application code only uses ``@task`` and ``.enqueue()``.

- ``immediate`` (tests): every task runs inline at ``.enqueue()``.
- ``database`` (the embedded default): django-tasks-db; ``manage.py worker`` runs its ``db_worker``.
- ``rq``: django-tasks-rq on Redis (``redisqueue.py``); ``manage.py worker`` runs an RQ worker, on as many
  machines as wanted.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings

if TYPE_CHECKING:
    from django_tasks.base import Task
    from rq.queue import Queue

log = logging.getLogger(__name__)
# How far back in the queue ``task_waiting`` looks: a burst of enqueues sees its own first run there.
WAITING_SCAN = 200


def _rq_queue() -> Queue:
    import django_rq
    from django_tasks_rq.backend import Job

    return django_rq.get_queue(settings.RQ_QUEUE, job_class=Job)


def _backend() -> str:
    return str(settings.TASKS["default"]["BACKEND"])


def task_waiting(task: Task[Any, Any]) -> bool:
    """Is a run of ``task`` queued and not yet started? (A run under way does not count: it may already
    have read past what the caller just committed.)"""
    backend = _backend()
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task.module_path).exists()
    if backend.endswith("RQBackend"):
        queue = _rq_queue()
        newest = cast(list[bytes], queue.connection.lrange(queue.key, -WAITING_SCAN, -1))
        ids = [job_id.decode() for job_id in newest]
        jobs = queue.job_class.fetch_many(ids, connection=queue.connection)
        return any(job is not None and job.func_name == task.module_path for job in jobs)
    return False  # the immediate backend runs each one at once


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
