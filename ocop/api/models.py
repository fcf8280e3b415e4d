"""API tokens: a user's key for the REST API (/api/v1/). Only a SHA-256 hash of the token is kept;
the token itself is shown once, when it is created. A token acts as its user: same role, same scope."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    name = models.CharField(
        _("tên khóa"), max_length=100, help_text=_("Để nhận ra khóa, ví dụ “Phần mềm báo cáo của Sở”.")
    )
    prefix = models.CharField(
        _("tiền tố"), max_length=16, help_text=_("Những ký tự đầu của khóa, để nhận ra khóa mà không lộ khóa.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    last_used_ip = models.CharField(_("địa chỉ IP dùng lần cuối"), max_length=45, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def unit(self):
        return self.user.scope_unit
