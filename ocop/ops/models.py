from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A task worker (`manage.py db_worker`) that is alive: it rewrites `seen_at` every few seconds
    (TASK_WORKER_HEARTBEAT_SECONDS) from a thread of its own, also while a long task runs. A task
    left running by a worker silent for longer than TASK_WORKER_LEASE_SECONDS is put back in the
    queue (ocop/ops/workers.py)."""

    worker_id = models.CharField(_("mã máy chạy nền"), max_length=64, primary_key=True)
    hostname = models.CharField(_("máy"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("tiến trình"), default=0)
    started_at = models.DateTimeField(_("khởi động lúc"))
    seen_at = models.DateTimeField(_("hoạt động lần cuối"), db_index=True)

    class Meta:
        verbose_name = _("máy chạy nền")
        verbose_name_plural = _("máy chạy nền")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
