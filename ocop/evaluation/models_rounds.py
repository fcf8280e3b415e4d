"""Evaluation rounds (kỳ đánh giá, phân hạng), council seats, the members' score sheets, recusals,
results and OCOP certificates. The law applied (instrument, procedure, criteria sets, star scale) is
resolved from the round's date (ocop/evaluation/models_law.py); services in ocop/evaluation/rounds.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ocop.evaluation.models_law import CouncilLevel, CriteriaSet, Instrument, ProcedureRule


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Đang đánh giá")
    CLOSED = "closed", _("Đã kết thúc")


class Round(models.Model):
    name = models.CharField(_("tên kỳ đánh giá"), max_length=255)
    level = models.CharField(_("cấp hội đồng"), max_length=10, choices=CouncilLevel.choices)
    unit = models.ForeignKey("geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("đơn vị tổ chức"))
    held_on = models.DateField(_("ngày họp hội đồng"))
    instrument = models.ForeignKey(
        Instrument, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("văn bản áp dụng")
    )
    procedure = models.ForeignKey(
        ProcedureRule, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("quy trình")
    )
    status = models.CharField(_("trạng thái"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    decision = models.ForeignKey(
        "documents.OutgoingDocument",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quyết định công nhận"),
    )
    minutes = models.ForeignKey(
        "documents.OutgoingDocument",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("biên bản họp hội đồng"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kỳ đánh giá, phân hạng")
        verbose_name_plural = _("kỳ đánh giá, phân hạng")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class SeatRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch hội đồng")
    SECRETARY = "secretary", _("Thư ký")
    MEMBER = "member", _("Thành viên")
    # Tổ tư vấn/giúp việc: reads the round and its products, does not score
    ADVISOR = "advisor", _("Tổ tư vấn/giúp việc")


class CouncilSeat(models.Model):
    round = models.ForeignKey(Round, models.CASCADE, related_name="seats", verbose_name=_("kỳ đánh giá"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="council_seats", verbose_name=_("thành viên")
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=SeatRole.choices, default=SeatRole.MEMBER)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["round", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="evaluation_seat_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class RoundProduct(models.Model):
    round = models.ForeignKey(Round, models.CASCADE, related_name="entries", verbose_name=_("kỳ đánh giá"))
    product = models.ForeignKey(
        "products.Product", models.PROTECT, related_name="round_entries", verbose_name=_("sản phẩm")
    )
    dossier = models.ForeignKey("products.Dossier", models.PROTECT, related_name="+", verbose_name=_("hồ sơ"))
    criteria_set = models.ForeignKey(CriteriaSet, models.PROTECT, related_name="+", verbose_name=_("bộ tiêu chí"))
    score = models.DecimalField(_("điểm trung bình"), max_digits=6, decimal_places=2, null=True, blank=True)
    stars = models.PositiveSmallIntegerField(_("hạng sao"), null=True, blank=True)
    certified = models.BooleanField(_("được công nhận"), default=False)
    forwarded = models.BooleanField(_("chuyển cấp trên"), default=False)
    forwarded_to = models.CharField(_("chuyển lên cấp"), max_length=10, choices=CouncilLevel.choices, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sản phẩm trong kỳ đánh giá")
        verbose_name_plural = _("sản phẩm trong kỳ đánh giá")
        ordering = ["round", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "product"], name="evaluation_round_product_once")]

    def __str__(self) -> str:
        return f"{self.product} – {self.round}"

    @property
    def unit(self):
        return self.round.unit


class Recusal(models.Model):
    round_product = models.ForeignKey(RoundProduct, models.CASCADE, related_name="recusals", verbose_name=_("sản phẩm"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("thành viên"))
    reason = models.TextField(_("lý do"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("không tham gia chấm")
        verbose_name_plural = _("không tham gia chấm")
        constraints = [models.UniqueConstraint(fields=["round_product", "user"], name="evaluation_recusal_once")]

    def __str__(self) -> str:
        return f"{self.user} – {self.round_product}"


class MemberScore(models.Model):
    round_product = models.ForeignKey(RoundProduct, models.CASCADE, related_name="scores", verbose_name=_("sản phẩm"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("thành viên"))
    choices = models.JSONField(_("phương án đã chọn"), default=dict, blank=True)
    comments = models.JSONField(_("nhận xét"), default=dict, blank=True)
    total = models.DecimalField(_("tổng điểm"), max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("thời điểm nộp phiếu"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu chấm của thành viên")
        verbose_name_plural = _("phiếu chấm của thành viên")
        constraints = [models.UniqueConstraint(fields=["round_product", "user"], name="evaluation_score_once")]

    def __str__(self) -> str:
        return f"{self.user} – {self.round_product}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Còn hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")
    REVOKED = "revoked", _("Bị thu hồi")
    SUPERSEDED = "superseded", _("Được thay thế")


class Certificate(models.Model):
    product = models.ForeignKey(
        "products.Product", models.PROTECT, related_name="certificates", verbose_name=_("sản phẩm")
    )
    round_product = models.OneToOneField(
        RoundProduct, models.PROTECT, related_name="certificate", verbose_name=_("kết quả đánh giá")
    )
    issuer_unit = models.ForeignKey(
        "geo.AdminUnit", models.PROTECT, related_name="+", verbose_name=_("đơn vị công nhận")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    issued_on = models.DateField(_("ngày công nhận"))
    valid_until = models.DateField(_("hết hiệu lực từ ngày"))
    stars = models.PositiveSmallIntegerField(_("hạng sao"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy chứng nhận OCOP")
        verbose_name_plural = _("giấy chứng nhận OCOP")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer_unit", "year", "number"], name="evaluation_certificate_number")
        ]

    def __str__(self) -> str:
        return f"{self.number_display} – {self.product}"

    @property
    def number_display(self) -> str:
        return f"{self.number}/{self.year}/OCOP-{self.issuer_unit.code}"

    @property
    def unit(self):
        return self.product.unit


class NoticeKind(models.TextChoices):
    EXPIRY_NOTICE = "expiry_notice", _("Thông báo sắp hết hiệu lực")


class CertificateNotice(models.Model):
    """A notice sent about a certificate, once per (certificate, kind) (ocop/evaluation/certificates.py)."""

    certificate = models.ForeignKey(
        Certificate, models.CASCADE, related_name="notices", verbose_name=_("giấy chứng nhận")
    )
    kind = models.CharField(_("loại thông báo"), max_length=20, choices=NoticeKind.choices)
    sent_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)
    recipients = models.TextField(_("người nhận"), blank=True)

    class Meta:
        verbose_name = _("thông báo về giấy chứng nhận")
        verbose_name_plural = _("thông báo về giấy chứng nhận")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "kind"], name="evaluation_certificate_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.certificate}"


class ApplicationKind(models.TextChoices):
    RENEWAL = "renewal", _("Đánh giá lại khi hết hiệu lực")
    UPGRADE = "upgrade", _("Đánh giá nâng hạng sao")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã gửi, chờ xét")
    ACCEPTED = "accepted_into_round", _("Đã đưa vào kỳ đánh giá")
    REJECTED = "rejected", _("Không chấp nhận")


class Application(models.Model):
    """An entity's request to have a certified product evaluated again (renewal or upgrade)."""

    product = models.ForeignKey(
        "products.Product", models.PROTECT, related_name="applications", verbose_name=_("sản phẩm")
    )
    kind = models.CharField(_("loại đề nghị"), max_length=10, choices=ApplicationKind.choices)
    certificate = models.ForeignKey(
        Certificate,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("giấy chứng nhận"),
    )
    requested_stars = models.PositiveSmallIntegerField(_("hạng sao đề nghị"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    round = models.ForeignKey(
        Round, models.SET_NULL, null=True, blank=True, related_name="applications", verbose_name=_("kỳ đánh giá")
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decision_reason = models.TextField(_("lý do không chấp nhận"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người xét")
    )
    decided_at = models.DateTimeField(_("thời điểm xét"), null=True, blank=True)

    class Meta:
        verbose_name = _("đề nghị đánh giá lại, nâng hạng")
        verbose_name_plural = _("đề nghị đánh giá lại, nâng hạng")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.product}"

    @property
    def unit(self):
        return self.product.unit


class VerificationLookup(models.Model):
    """One look-up on the public certificate verification page, kept a day to rate-limit it per
    address (ocop/evaluation/certificates.py: verification_allowed); no user, no number stored."""

    ip = models.CharField(max_length=45, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lượt tra cứu giấy chứng nhận")
        verbose_name_plural = _("lượt tra cứu giấy chứng nhận")
