"""`manage.py requeue_stale_tasks`: put back in the queue the tasks left running by dead workers.

Every worker already does this every few seconds; the command is for cron or an operator when no
worker is running (see docs/deploy.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ocop.ops.workers import requeue_orphaned_tasks


class Command(BaseCommand):
    help = "Re-queue background tasks whose worker stopped (no heartbeat for TASK_WORKER_LEASE_SECONDS)"

    def handle(self, *args, **options) -> None:
        done = requeue_orphaned_tasks()
        self.stdout.write(
            f"Đưa lại vào hàng đợi: {len(done['requeued'])} việc; đánh dấu lỗi (mất máy chạy quá nhiều lần): "
            f"{len(done['failed'])} việc."
        )
        for task_id in done["requeued"]:
            self.stdout.write(f"  requeued {task_id}")
        for task_id in done["failed"]:
            self.stdout.write(f"  failed {task_id}")
