"""RenderJob: a national synthesis report (.docx, .pdf, .xlsx) rendered in the background.

The page starts a job and polls it (htmx) for its progress; the worker (`manage.py db_worker`) runs
`ocop.reporting.tasks.render_consolidation`, which updates `progress` and `message` and stores the
file in the default storage (local disk, or S3-compatible storage in production). A job that is run
again (a retry after a crash, or a task delivered twice) starts from scratch and overwrites its own
file: one job, one file. Imported at the bottom of ocop/reporting/models.py so that Django sees it as
a model of the reporting app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RenderFormat(models.TextChoices):
    DOCX = "docx", _("Word (.docx)")
    PDF = "pdf", _("PDF (.pdf)")
    XLSX = "xlsx", _("Excel (.xlsx)")


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")


class RenderJob(models.Model):
    request = models.ForeignKey(
        "reporting.ReportRequest", models.CASCADE, related_name="render_jobs", verbose_name=_("yêu cầu báo cáo")
    )
    format = models.CharField(_("định dạng"), max_length=8, choices=RenderFormat.choices)
    include_submitted = models.BooleanField(_("gồm cả báo cáo chưa tiếp nhận"), default=False)
    status = models.CharField(_("trạng thái"), max_length=16, choices=RenderStatus.choices, default=RenderStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to="reporting/consolidation/", max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp tổng hợp")
        verbose_name_plural = _("tệp tổng hợp")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["request", "format", "status"])]

    def __str__(self) -> str:
        return f"{self.request} · {self.format} · {self.status}"

    @property
    def active(self) -> bool:
        return self.status in (RenderStatus.QUEUED, RenderStatus.RUNNING)

    @property
    def download_name(self) -> str:
        return f"tong-hop-bao-cao-{self.request_id}.{self.format}"
