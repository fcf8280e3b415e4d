"""Outgoing official documents (văn bản đi) and their issuers, with the document register.

A document is drafted (no number), then issued: it gets the next number of its issuer's series for
the year (NĐ 30/2020: numbers restart each year; below 10 with a leading zero, "09/BNN-VPĐP"; a
council keeps its own series, so it is an issuer of its own), the .docx is rendered from the
template kept in the repository and stored, with its SHA-256. An issued document never changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ocop.documents.text import number_text
from ocop.lib.dates import format_date


class BodyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ (cơ quan Trung ương)")
    UBND = "ubnd", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở (cơ quan chuyên môn của UBND tỉnh)")
    COUNCIL = "council", _("Hội đồng")
    OTHER = "other", _("Khác")


class Issuer(models.Model):
    """An issuing body with its own number series. The header lines, contact and signature block
    are data: change them here, not in the templates. Facts the sources do not give (e.g. who signed
    a historical letter) are left empty and said in `note`."""

    code = models.CharField(_("ký hiệu"), max_length=40, unique=True, help_text=_("Ví dụ: BNN-VPĐP"))
    name = models.CharField(
        _("tên cơ quan"),
        max_length=300,
        help_text=_("Dùng trong câu văn, ví dụ: Bộ Nông nghiệp và Phát triển nông thôn"),
    )
    header = models.TextField(
        _("tên cơ quan trên tiêu đề"),
        help_text=_("Chữ in hoa, mỗi dòng một hàng, ví dụ: BỘ NÔNG NGHIỆP / VÀ PHÁT TRIỂN NÔNG THÔN"),
    )
    parent_name = models.TextField(
        _("tên cơ quan chủ quản"), blank=True, help_text=_("Dòng phía trên tên cơ quan (nếu có).")
    )
    place = models.CharField(_("địa danh"), max_length=100, default="Hà Nội")
    is_council = models.BooleanField(_("là hội đồng"), default=False, help_text=_("Hội đồng có dãy số văn bản riêng."))
    office = models.CharField(
        _("đơn vị tham mưu"),
        max_length=300,
        blank=True,
        help_text=_("Đơn vị nhận báo cáo thay cơ quan, ví dụ: Văn phòng Điều phối nông thôn mới Trung ương."),
    )
    contact = models.TextField(_("đầu mối liên hệ"), blank=True)
    archive = models.CharField(
        _("nơi lưu"), max_length=100, blank=True, help_text=_("Ví dụ: VT, VPĐP (dòng “Lưu: …”).")
    )
    signature_title = models.TextField(
        _("quyền hạn, chức vụ người ký"), blank=True, help_text=_("Ví dụ: KT. BỘ TRƯỞNG / THỨ TRƯỞNG")
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)
    is_demo = models.BooleanField(default=False, editable=False)
    # the body as dated data (ocop/documents/issuers.py): what kind of body, its unit, its lifetime
    body_kind = models.CharField(_("loại cơ quan"), max_length=16, choices=BodyKind.choices, default=BodyKind.OTHER)
    unit = models.ForeignKey(
        "geo.AdminUnit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đơn vị hành chính")
    )
    valid_from = models.DateField(_("tồn tại từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("tồn tại đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan ban hành")
        verbose_name_plural = _("cơ quan ban hành")
        ordering = ["is_council", "code"]

    def __str__(self) -> str:
        """The name and, for a body that did not always exist, its lifetime: what a reader needs to
        tell two bodies of one name apart (the UBND of a province before and after 01/7/2025). The
        code is the register's own key and is never shown."""
        return f"{self.name}{self.lifetime_text}"

    @property
    def lifetime_text(self) -> str:
        start, end = self.valid_from, self.valid_to
        if start and end:
            return f" ({format_date(start)}–{format_date(end)})"
        if end:
            return " " + str(_("(đến %(d)s)") % {"d": format_date(end)})
        if start:
            return " " + str(_("(từ %(d)s)") % {"d": format_date(start)})
        return ""

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    def facts_on(self, day=None):
        """The dated facts (name, header lines, symbol, signer, contact …) valid on `day`: see
        ocop.documents.issuers.facts_on."""
        from ocop.documents.issuers import facts_on

        return facts_on(self, day)


class IssuerVersion(models.Model):
    """The facts of an issuer from a date (until the next version): names, header lines, the symbol of
    its numbers, the signing authority and signer, the contact line. Never edited: a change is a new
    version from its date (the previous one then ends the day before). `gaps` lists the facts the
    sources do not give (printed nowhere, shown to the clerk); `sources` says where the others come from."""

    issuer = models.ForeignKey(Issuer, models.CASCADE, related_name="versions", verbose_name=_("cơ quan ban hành"))
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    name = models.CharField(_("tên cơ quan"), max_length=300)
    parent_name = models.TextField(_("cơ quan chủ quản (tiêu đề)"), blank=True, help_text=_("Mỗi dòng một hàng."))
    header = models.TextField(_("tên cơ quan trên tiêu đề"), help_text=_("Chữ in hoa, mỗi dòng một hàng."))
    symbol = models.CharField(
        _("ký hiệu trong số văn bản"),
        max_length=60,
        help_text=_("Phần sau số và loại văn bản, ví dụ: BNNMT-VPĐP (9654/BNN-VPĐP)."),
    )
    place = models.CharField(_("địa danh"), max_length=100)
    office = models.CharField(_("đơn vị tham mưu"), max_length=300, blank=True)
    contact = models.TextField(
        _("đầu mối liên hệ"), blank=True, help_text=_("Để trống khi chưa biết: công văn không in dòng liên hệ.")
    )
    archive = models.CharField(_("nơi lưu"), max_length=100, blank=True)
    signature_title = models.TextField(
        _("quyền hạn, chức vụ người ký"),
        blank=True,
        help_text=_("Mỗi dòng một hàng, ví dụ: KT. BỘ TRƯỞNG / THỨ TRƯỞNG."),
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=200, blank=True)
    gaps = models.TextField(
        _("thông tin chưa biết [?]"), blank=True, help_text=_("Mỗi dòng một thông tin chưa có nguồn.")
    )
    sources = models.TextField(_("nguồn"), blank=True, help_text=_("Mỗi dòng một nguồn."))
    reason = models.CharField(_("lý do thay đổi"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thông tin cơ quan ban hành")
        verbose_name_plural = _("phiên bản thông tin cơ quan ban hành")
        ordering = ["issuer", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["issuer", "valid_from"], name="documents_issuer_version_from")]

    def __str__(self) -> str:
        return f"{self.name} từ {format_date(self.valid_from)}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class DocumentKind(models.TextChoices):
    CONG_VAN = "cong_van", _("Công văn")
    BAO_CAO = "bao_cao", _("Báo cáo")
    TO_TRINH = "to_trinh", _("Tờ trình")
    THONG_BAO = "thong_bao", _("Thông báo")
    KE_HOACH = "ke_hoach", _("Kế hoạch")
    QUYET_DINH = "quyet_dinh", _("Quyết định")
    BIEN_BAN = "bien_ban", _("Biên bản")


# the abbreviation in the symbol (NĐ 30, Phụ lục III); a công văn has none: "9654/BNN-VPĐP"
KIND_ABBREVIATIONS = {
    DocumentKind.CONG_VAN: "",
    DocumentKind.BAO_CAO: "BC",
    DocumentKind.TO_TRINH: "TTr",
    DocumentKind.THONG_BAO: "TB",
    DocumentKind.KE_HOACH: "KH",
    DocumentKind.QUYET_DINH: "QĐ",
    DocumentKind.BIEN_BAN: "BB",
}


class Purpose(models.TextChoices):
    REQUEST_LETTER = "request_letter", _("Công văn yêu cầu báo cáo")
    REMINDER = "reminder", _("Công văn đôn đốc báo cáo")
    FORWARDING = "forwarding", _("Công văn gửi báo cáo tổng hợp")
    OTHER = "other", _("Khác")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class ImmutableDocument(ValidationError):
    """An issued document was about to be changed or deleted."""


def document_upload_to(instance: OutgoingDocument, filename: str) -> str:
    return f"documents/{instance.year}/{filename}"


class OutgoingDocument(models.Model):
    """An outgoing document. `content` is JSON:

        {"opening": [PARA, ...],     # paragraphs before the numbered requests
         "requests": [PARA, ...],    # numbered 1., 2., … in the letter
         "closing": [PARA, ...],     # paragraphs after them (the last one ends with "./.")
         "contact": "…",             # printed in italics in parentheses: "(Thông tin chi tiết …)"
         "appendix": null | {"title": "…", "subtitle": "…",
                             "sections": [{"number": "I.2.a", "label": "a)", "title": "…", "prompt": "…", "depth": 2}]}}

    PARA is a string (plain text) or a list of runs {"text": "…", "bold": bool, "italic": bool}.
    """

    issuer = models.ForeignKey(Issuer, models.PROTECT, related_name="documents", verbose_name=_("cơ quan ban hành"))
    kind = models.CharField(
        _("loại văn bản"), max_length=16, choices=DocumentKind.choices, default=DocumentKind.CONG_VAN
    )
    purpose = models.CharField(_("mục đích"), max_length=20, choices=Purpose.choices, default=Purpose.OTHER)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, db_index=True)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=60)
    subject = models.CharField(_("trích yếu"), max_length=500, help_text=_("Với công văn, in sau “V/v”."))
    date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100)
    recipients = models.JSONField(_("kính gửi"), default=list, blank=True)
    content = models.JSONField(_("nội dung"), default=dict, blank=True)
    noi_nhan = models.JSONField(_("nơi nhận"), default=list, blank=True)
    signature_title = models.TextField(_("quyền hạn, chức vụ người ký"), blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    file = models.FileField(_("tệp đã ban hành"), upload_to=document_upload_to, blank=True, max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    request = models.ForeignKey(
        "reporting.ReportRequest",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("yêu cầu báo cáo"),
    )
    template_name = models.CharField(_("mẫu .docx"), max_length=100, default="cong_van.docx")
    is_demo = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                condition=Q(number__isnull=False),
                name="documents_number_per_issuer_year",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(number__isnull=False) & Q(year__isnull=False) & Q(date__isnull=False)),
                name="documents_issued_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number_and_symbol}: {self.subject}"[:255]

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED

    @property
    def number_and_symbol(self) -> str:
        """ "9654/BNN-VPĐP", "09/BNN-VPĐP"; a draft shows blanks for the number."""
        return f"{number_text(self.number)}/{self.symbol}"

    def _stored_status(self) -> str | None:
        if self._state.adding or self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def save(self, *args, **kwargs):
        if self._stored_status() == DocumentStatus.ISSUED:
            raise ImmutableDocument(
                _("Văn bản %(number)s đã ban hành, không được sửa.") % {"number": self.number_and_symbol}
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == DocumentStatus.ISSUED:
            raise ImmutableDocument(
                _("Văn bản %(number)s đã ban hành, không được xóa.") % {"number": self.number_and_symbol}
            )
        return super().delete(*args, **kwargs)
