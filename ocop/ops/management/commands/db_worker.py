"""`manage.py db_worker`: django-tasks-db's worker, plus a heartbeat and the recovery of tasks left
running by dead workers (ocop/ops/workers.py). Same options as the original (`--help`).

This command replaces django_tasks_db's own `db_worker` because the ocop.ops app is listed before
django_tasks_db in INSTALLED_APPS; everything else (claiming with SELECT … FOR UPDATE SKIP LOCKED,
signals, --batch, --max-tasks) is the original's."""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker, logger

from ocop.ops.workers import Heartbeat, beat, forget, requeue_orphaned_tasks


class RecoveringWorker(Worker):
    """A looping worker beats from a thread of its own; a `--batch` run (tests, cron) beats once and
    re-queues orphaned tasks once, in its own thread, before running what is due."""

    def run(self) -> None:
        heartbeat = None
        if self.batch:
            beat(self.worker_id)
            requeue_orphaned_tasks()
        else:
            heartbeat = Heartbeat(self.worker_id)
            heartbeat.start()
        try:
            super().run()
        finally:
            if heartbeat is not None:
                heartbeat.stop()
                heartbeat.join(timeout=5)
            try:
                forget(self.worker_id)
            except Exception:  # the database may be gone at shutdown
                logger.warning("Could not remove the heartbeat of worker %s", self.worker_id)


class Command(DbWorkerCommand):
    help = "Run a database background worker, with a heartbeat; tasks of dead workers are re-queued"

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            from django.core.management.base import CommandError

            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = RecoveringWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
