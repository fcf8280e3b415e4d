from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


ACTION_LABELS = {
    "ocop.auth.login": _("Đăng nhập"),
    "ocop.auth.logout": _("Đăng xuất"),
    "ocop.user.password_changed": _("Đổi mật khẩu"),
    "ocop.document.issued": _("Ban hành văn bản đi"),
}
VERB_LABELS = {
    "created": pgettext_lazy("audit", "Tạo"),
    "changed": pgettext_lazy("audit", "Sửa"),
    "deleted": pgettext_lazy("audit", "Xóa"),
}


class AuditEntry(models.Model):
    """Who did what to which object, when, with the values before and after, and why.

    Entries are only ever added. `unit` is the administrative unit the object belongs to, so the
    trail is scoped like everything else.
    """

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người thực hiện")
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "geo.AdminUnit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đơn vị")
    )
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    ip = models.CharField(_("địa chỉ IP"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký thao tác")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """A readable Vietnamese label for the action code, e.g. "Sửa văn bản chỉ đạo"."""
        from django.apps import apps

        if self.action in ACTION_LABELS:
            return str(ACTION_LABELS[self.action])
        verb = self.action.rsplit(".", 1)[-1]
        if verb in VERB_LABELS and self.object_type:
            try:
                model = apps.get_model(self.object_type)
            except (LookupError, ValueError):
                return self.action
            return f"{VERB_LABELS[verb]} {model._meta.verbose_name}"
        return self.action

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys(list(before) + list(after)))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
