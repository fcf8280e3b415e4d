"""ReminderSent: one row per (request, unit, offset) reminder that went out.

The unique constraint is what makes reminders idempotent: a task retried after a crash finds the
row and sends nothing twice (see ocop/reporting/reminders.py). Imported at the bottom of
ocop/reporting/models.py so that Django sees it as a model of the reporting app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử và trong hệ thống")
    APP = "app", _("Chỉ trong hệ thống")


class ReminderSent(models.Model):
    request = models.ForeignKey(
        "reporting.ReportRequest", models.CASCADE, related_name="reminders_sent", verbose_name=_("yêu cầu báo cáo")
    )
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    offset_days = models.IntegerField(_("số ngày so với hạn nộp"))
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    recipients = models.TextField(
        _("địa chỉ nhận"), blank=True, help_text=_("Các địa chỉ thư điện tử, cách nhau bởi dấu phẩy.")
    )
    channel = models.CharField(_("kênh"), max_length=8, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL)

    class Meta:
        verbose_name = _("lần nhắc hạn")
        verbose_name_plural = _("các lần nhắc hạn")
        ordering = ["request", "offset_days", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit", "offset_days"], name="reporting_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.unit} · {self.offset_days:+d}"
