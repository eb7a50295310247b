"""The Redis side of the task backend ``rq`` (django-tasks-rq on django-rq and RQ): imported only when
``BAOSONG_TASK_BACKEND=rq``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connections
from django_tasks_rq.backend import Job as TaskJob
from django_tasks_rq.backend import RQBackend as BaseRQBackend
from rq import Worker
from rq.exceptions import AbandonedJobError

if TYPE_CHECKING:
    from django_tasks.base import Task, TaskResult
    from rq.job import Job
    from rq.queue import Queue

log = logging.getLogger(__name__)
# A job whose worker died is run again, at most this many times: a job that kills every worker it lands
# on (memory, a crash in a library) must not go round for ever.
MAX_REQUEUES = 3


class RQBackend(BaseRQBackend):
    """django-tasks-rq, with every task sent to the one Redis queue ``BAOSONG_RQ_QUEUE``: the tasks are
    declared with django-tasks' queue name "default", and deployments sharing a Redis must not share it."""

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        return super().enqueue(task.using(queue_name=settings.RQ_QUEUE), args, kwargs)


def requeue_abandoned(job: Job, exc_type: type[BaseException], exc_value: BaseException, tb: Any) -> bool:
    """RQ exception handler: a job whose worker died (machine lost, worker process killed) is queued again
    instead of failing. Safe because every task is idempotent: a repeated run finds its work done or redoes
    it whole (outbox deliveries are unique per consumer and event)."""
    if exc_type is AbandonedJobError:
        requeues = int(job.meta.get("baosong_requeues", 0))
        if requeues < MAX_REQUEUES:
            job.meta["baosong_requeues"] = requeues + 1
            job.save_meta()
            # StartedJobRegistry.cleanup re-enqueues a job that has retries left.
            job.retries_left = 1
            log.warning("job %s lost with its worker: queued again (%d)", job.id, requeues + 1)
    return True  # let the other handlers run


class RQWorker(Worker):
    """RQ's forking worker: each job runs in a child process (a crash or a leak ends with the job). rq keeps
    a job's claim alive for its monitoring interval plus a fixed 60 s; here the margin is twice the
    interval, so a job lost with its worker is found and re-run in about three heartbeats."""

    def get_heartbeat_ttl(self, job: Job) -> int:
        margin = 2 * int(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            remaining = job.timeout - self.current_job_working_time
            return int(min(remaining, self.job_monitoring_interval)) + margin
        return int(self.job_monitoring_interval) + margin

    def perform_job(self, job: Job, queue: Queue) -> bool:
        # In the child: its database connections are its own; close them properly before the child exits
        # with os._exit(), instead of dropping them (PostgreSQL logs an unexpected EOF).
        try:
            return super().perform_job(job, queue)
        finally:
            connections.close_all()


def rq_worker(*, name: str) -> RQWorker:
    import django_rq

    beat = max(1, int(settings.WORKER_HEARTBEAT_SECONDS))
    queue = django_rq.get_queue(settings.RQ_QUEUE, job_class=TaskJob)
    return RQWorker(
        [queue],
        name=name,
        connection=queue.connection,
        job_class=TaskJob,
        queue_class=type(queue),
        exception_handlers=[requeue_abandoned],
        job_monitoring_interval=beat,
        # Lost jobs are looked for this often (one worker at a time, under RQ's maintenance lock); an
        # idle worker blocks on Redis for worker_ttl - 15 s, so it wakes up for it.
        maintenance_interval=4 * beat,
        worker_ttl=4 * beat + 15,
    )


def run_rq_worker(*, name: str) -> None:
    from django_rq.utils import reset_db_connections

    worker = rq_worker(name=name)
    # As django-rq's rqworker: no connection of the parent may be inherited by the forked job processes.
    reset_db_connections()
    # with_scheduler: one of the workers (under a Redis lock) moves deferred tasks (run_after) to the queue.
    worker.work(with_scheduler=True, logging_level=logging.getLevelName(logging.getLogger().level))
