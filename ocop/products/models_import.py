"""ImportBatch: one upload of the entities-and-products workbook, from dry run to commit.

The uploaded file is kept in the default storage (local folder shared by the nodes, or S3-compatible
storage) under `file`, and the batch row holds the state, the counts and every error found, so the
dry run and the commit may be served by different gunicorn nodes or run by a background worker.
Imported at the bottom of ocop/products/models.py so that Django sees it as a products model."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Đang kiểm tra")
    INVALID = "invalid", _("Có lỗi, chưa nhập")
    READY = "ready", _("Kiểm tra xong, chờ xác nhận")
    QUEUED = "queued", _("Đang chờ nhập")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Đã nhập")
    FAILED = "failed", _("Nhập không thành công")


class ImportBatch(models.Model):
    token = models.UUIDField(_("mã lô"), default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("tệp"), upload_to="products/imports/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.CHECKING
    )
    # commit requested: the worker commits right after a clean check (large files)
    commit_requested = models.BooleanField(default=False)
    entity_rows = models.PositiveIntegerField(_("số dòng chủ thể"), default=0)
    product_rows = models.PositiveIntegerField(_("số dòng sản phẩm"), default=0)
    entities_created = models.PositiveIntegerField(_("chủ thể đã nhập"), default=0)
    products_created = models.PositiveIntegerField(_("sản phẩm đã nhập"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    errors = models.JSONField(_("danh sách lỗi"), default=list, blank=True)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("người nhập")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lô nhập Excel")
        verbose_name_plural = _("lô nhập Excel")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%d/%m/%Y %H:%M})" if self.created_at else self.original_name

    @property
    def active(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def unit(self):
        return getattr(self.created_by, "scope_unit", None)
