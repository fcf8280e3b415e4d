"""Task workers that survive crashes: heartbeats and the re-queueing of orphaned tasks.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a worker
killed mid-task (SIGKILL, out of memory, a machine lost) leaves its task RUNNING for ever. Here:

- every worker (`manage.py db_worker`, ocop/ops/management/commands/db_worker.py) writes a
  heartbeat row every TASK_WORKER_HEARTBEAT_SECONDS from a thread of its own, so a long task keeps
  its worker visibly alive;
- every worker, every few heartbeats, and `manage.py requeue_stale_tasks` (cron, or by hand) put
  back in the queue each RUNNING task whose last worker has been silent for longer than
  TASK_WORKER_LEASE_SECONDS (and which started before that): the next free worker runs it again
  from the start. Tasks are therefore written to be idempotent (a re-run finishes the work and
  does nothing twice: see ocop/reporting/tasks.py).
- a task that has already lost TASK_MAX_ATTEMPTS workers is marked FAILED instead (it is probably
  what kills them), with a message in its traceback field.

On PostgreSQL the rows are locked with SKIP LOCKED, so two workers never re-queue the same task
twice; on SQLite the write transaction (IMMEDIATE) serialises them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

logger = logging.getLogger("ocop.ops.workers")

LOST_WORKER = "ocop.ops.workers.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped answering too many times."""


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TASK_WORKER_LEASE_SECONDS)


def max_attempts() -> int:
    return getattr(settings, "TASK_MAX_ATTEMPTS", 5)


def beat(worker_id: str, *, started_at: dt.datetime | None = None) -> None:
    from ocop.ops.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now, "hostname": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={
            "seen_at": now,
            "started_at": started_at or now,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def forget(worker_id: str) -> None:
    from ocop.ops.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(now: dt.datetime | None = None) -> set[str]:
    from ocop.ops.models import WorkerHeartbeat

    now = now or timezone.now()
    return set(WorkerHeartbeat.objects.filter(seen_at__gte=now - lease()).values_list("worker_id", flat=True))


def requeue_orphaned_tasks(now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Put back in the queue every RUNNING task whose worker is gone; {"requeued": [...], "failed": [...]}
    (task ids). A task is orphaned when its last worker has no fresh heartbeat and the task started
    more than a lease ago (a worker always beats before it claims)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    alive = live_worker_ids(now)
    cutoff = now - lease()
    done: dict[str, list[str]] = {"requeued": [], "failed": []}
    with transaction.atomic():
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        if connection.features.has_select_for_update_skip_locked:
            running = running.select_for_update(skip_locked=True)
        for task in running:
            last = task.worker_ids[-1] if task.worker_ids else None
            if last in alive:
                continue
            if len(task.worker_ids) >= max_attempts():
                task.status = TaskResultStatus.FAILED
                task.finished_at = now
                task.exception_class_path = LOST_WORKER
                task.traceback = (
                    f"{LOST_WORKER}: the task lost {len(task.worker_ids)} workers "
                    f"({', '.join(task.worker_ids)}); not retried again.\n"
                )
                task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                done["failed"].append(str(task.pk))
                logger.error(
                    "Task %s (%s) lost %d workers: marked failed", task.pk, task.task_path, len(task.worker_ids)
                )
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            done["requeued"].append(str(task.pk))
            logger.warning("Task %s (%s) of lost worker %s put back in the queue", task.pk, task.task_path, last)
    # forget workers silent for a day (their tasks are handled above)
    from ocop.ops.models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return done


class Heartbeat(threading.Thread):
    """The heartbeat of one worker process, in a daemon thread with its own database connection.
    Every `recover_every` beats it also re-queues the tasks of dead workers."""

    def __init__(self, worker_id: str, *, interval: float | None = None, recover_every: int = 3):
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval if interval is not None else settings.TASK_WORKER_HEARTBEAT_SECONDS
        self.recover_every = max(1, recover_every)
        self.started_at = timezone.now()
        self._stop_event = threading.Event()

    def run(self) -> None:
        beats = 0
        try:
            while not self._stop_event.is_set():
                try:
                    close_old_connections()
                    beat(self.worker_id, started_at=self.started_at)
                    if beats % self.recover_every == 0:
                        requeue_orphaned_tasks()
                except Exception:  # the database may be briefly away: keep beating
                    logger.exception("Worker heartbeat failed")
                beats += 1
                self._stop_event.wait(self.interval)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
