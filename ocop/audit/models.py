import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


# Every action code the application records, as words (codes never reach a user; a code without a
# label here is shown from its last word, e.g. "… created" -> "Tạo <object>", or as "Thao tác khác").
ACTION_LABELS = {
    "ocop.auth.login": _("Đăng nhập"),
    "ocop.auth.logout": _("Đăng xuất"),
    "ocop.user.created": _("Tạo tài khoản người dùng"),
    "ocop.user.changed": _("Sửa tài khoản người dùng"),
    "ocop.user.password_changed": _("Đổi mật khẩu"),
    "ocop.user.password_reset": _("Đặt lại mật khẩu"),
    "ocop.api.token.created": _("Tạo khóa API"),
    "ocop.api.token.revoked": _("Thu hồi khóa API"),
    "ocop.document.created": _("Soạn văn bản đi"),
    "ocop.document.changed": _("Sửa văn bản đi"),
    "ocop.document.issued": _("Ban hành văn bản đi"),
    "ocop.document.signed": _("Ký số văn bản đi"),
    "ocop.document.attachment_signed": _("Ký số phụ lục gửi kèm văn bản đi"),
    "ocop.certificate.signed": _("Ký số giấy chứng nhận sản phẩm OCOP"),
    "ocop.signing.image_added": _("Thêm ảnh chữ ký hoặc con dấu"),
    "ocop.issuer.version_added": _("Thêm phiên bản cơ quan ban hành"),
    "ocop.issuer.version_closed": _("Kết thúc phiên bản cơ quan ban hành"),
    "ocop.report.template_versioned": _("Tạo phiên bản mẫu báo cáo"),
    "ocop.report.request_created": _("Tạo yêu cầu báo cáo"),
    "ocop.report.request_opened": _("Mở yêu cầu báo cáo"),
    "ocop.report.request_closed": _("Đóng yêu cầu báo cáo"),
    "ocop.report.reminder_sent": _("Gửi nhắc nộp báo cáo"),
    "ocop.report.opened": _("Mở báo cáo để điền"),
    "ocop.report.autosaved": _("Tự động lưu bản nháp báo cáo"),
    "ocop.report.draft_saved": _("Lưu bản nháp báo cáo"),
    "ocop.report.attachment_added": _("Đính kèm tệp vào báo cáo"),
    "ocop.report.submitted": _("Nộp báo cáo"),
    "ocop.report.returned": _("Trả lại báo cáo"),
    "ocop.report.accepted": _("Tiếp nhận báo cáo"),
    "ocop.report.correction_started": _("Bắt đầu đính chính báo cáo"),
    "ocop.products.entity.created": _("Tạo chủ thể OCOP"),
    "ocop.products.entity.changed": _("Sửa chủ thể OCOP"),
    "ocop.products.entity.deleted": _("Xóa chủ thể OCOP"),
    "ocop.products.member.added": _("Thêm tài khoản vào chủ thể"),
    "ocop.products.product.created": _("Tạo sản phẩm"),
    "ocop.products.product.changed": _("Sửa sản phẩm"),
    "ocop.products.product.deleted": _("Xóa sản phẩm"),
    "ocop.products.product.status_changed": _("Đổi trạng thái sản phẩm"),
    "ocop.products.photo.created": _("Thêm ảnh sản phẩm"),
    "ocop.products.photo.deleted": _("Xóa ảnh sản phẩm"),
    "ocop.products.dossier.created": _("Tạo hồ sơ sản phẩm"),
    "ocop.products.dossier.file_added": _("Thêm tệp vào hồ sơ"),
    "ocop.products.dossier.file_removed": _("Gỡ tệp khỏi hồ sơ"),
    "ocop.products.dossier.submitted": _("Nộp hồ sơ sản phẩm"),
    "ocop.products.dossier.reviewed": _("Kiểm tra hồ sơ sản phẩm"),
    "ocop.products.self_assessment.created": _("Tự đánh giá sản phẩm"),
    "ocop.products.import.uploaded": _("Tải lên tệp nhập từ Excel"),
    "ocop.products.import.committed": _("Nhập dữ liệu từ Excel"),
    "ocop.evaluation.data.versioned": _("Tạo phiên bản dữ liệu bộ tiêu chí"),
    "ocop.evaluation.round.created": _("Mở kỳ đánh giá"),
    "ocop.evaluation.round.closed": _("Kết thúc kỳ đánh giá"),
    "ocop.evaluation.seat.added": _("Thêm thành viên hội đồng"),
    "ocop.evaluation.product.added": _("Đưa sản phẩm vào kỳ đánh giá"),
    "ocop.evaluation.product.ranked": _("Xếp hạng sản phẩm"),
    "ocop.evaluation.member.recused": _("Thành viên xin không chấm (tránh xung đột lợi ích)"),
    "ocop.evaluation.score.draft_saved": _("Lưu nháp phiếu chấm"),
    "ocop.evaluation.score.submitted": _("Nộp phiếu chấm"),
    "ocop.evaluation.certificate.issued": _("Cấp giấy chứng nhận OCOP"),
    "ocop.evaluation.certificate.revoked": _("Thu hồi giấy chứng nhận OCOP"),
    "ocop.evaluation.certificate.expired": _("Giấy chứng nhận OCOP hết hiệu lực"),
    "ocop.evaluation.certificate.expiry_notice_sent": _("Báo giấy chứng nhận sắp hết hạn"),
    "ocop.evaluation.application.submitted": _("Nộp đề nghị đánh giá lại"),
    "ocop.evaluation.application.accepted": _("Nhận đề nghị đánh giá lại vào kỳ"),
    "ocop.evaluation.application.rejected": _("Từ chối đề nghị đánh giá lại"),
}
VERB_LABELS = {
    "created": pgettext_lazy("audit", "Tạo"),
    "changed": pgettext_lazy("audit", "Sửa"),
    "deleted": pgettext_lazy("audit", "Xóa"),
}
OTHER_ACTION = _("Thao tác khác")


# Internal codes of issuing bodies ("UBND-19-current", "HĐ-OCOP-19-legacy") were written into entries
# through the issuers' names; they are not words for a reader and are left out when an entry is shown.
INTERNAL_CODE = re.compile(r"\s*\(?(?<![\w-])[A-ZĐ][A-Za-zĐđ]*(?:-[A-Za-zĐđ]+)*-\d{1,5}-(?:current|legacy)(?![\w-])\)?")


def readable(value):
    """A recorded value as shown to a reader: internal unit codes left out."""
    if isinstance(value, str):
        return INTERNAL_CODE.sub("", value).strip()
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, dict):
        return {k: readable(v) for k, v in value.items()}
    return value


def action_label(code: str, object_type: str = "") -> str:
    """The words for an action code (never the code itself)."""
    from django.apps import apps

    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    verb = code.rsplit(".", 1)[-1]
    if verb in VERB_LABELS and object_type:
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            return str(OTHER_ACTION)
        return f"{VERB_LABELS[verb]} {model._meta.verbose_name}"
    return str(OTHER_ACTION)


def action_choices() -> list[tuple[str, str]]:
    """(code, words) of every labelled action, by words: the audit list's filter."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[1])


class AuditEntry(models.Model):
    """Who did what to which object, when, with the values before and after, and why.

    Entries are only ever added. `unit` is the administrative unit the object belongs to, so the
    trail is scoped like everything else.
    """

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
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
        return action_label(self.action, self.object_type)

    @property
    def object_type_label(self) -> str:
        """The kind of object in words ("người dùng"), never the internal model label."""
        from django.apps import apps

        if not self.object_type:
            return ""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return ""

    @property
    def actor_label(self) -> str:
        """Who acted, by name (the full name when the account has one), not by sign-in name."""
        if self.actor_id and self.actor is not None and self.actor.full_name:
            return self.actor.full_name
        return self.actor_name

    @property
    def object_label(self) -> str:
        """The object's name as recorded, without internal codes."""
        return readable(self.object_repr)

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs, as shown to a reader."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys(list(before) + list(after)))
        return [(k, readable(before.get(k)), readable(after.get(k))) for k in keys if before.get(k) != after.get(k)]
