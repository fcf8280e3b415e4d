"""Provincial programme registries: the first section of the seed's report outline kept as data.

Every record belongs to a province (or one of its legacy districts) through `unit`, carries the
date that places it in time, a `version` for optimistic locking, and is soft-deleted so the audit
trail keeps pointing at something. Records made for a legacy province stay with it; views after
01/7/2025 roll them up into the current province (ocop/geo/services.province_rollup).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.lib.dates import format_date
from ocop.lib.files import validate_document
from ocop.lib.records import VersionedRecord


class ProgrammeRecord(VersionedRecord):
    unit = models.ForeignKey(
        "geo.AdminUnit",
        models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị"),
        help_text=_("Tỉnh, thành phố (hoặc huyện trước 01/7/2025) mà hồ sơ thuộc về."),
    )

    # the field that places the record in time (board "as of" and period filters)
    DATE_FIELD = "date"
    # fields never offered in forms nor compared in the audit trail
    SYSTEM_FIELDS = {"id", "unit", "version", "is_demo", "created_by", "created_at", "updated_at", "deleted_at"}

    class Meta:
        abstract = True

    def audit_fields(self) -> list[str]:
        return ["unit"] + [f.name for f in self._meta.concrete_fields if f.name not in self.SYSTEM_FIELDS]

    def record_date(self) -> dt.date | None:
        return getattr(self, self.DATE_FIELD)

    def clean(self):
        today = timezone.localdate()
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname, None)
            if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and value:
                if value > today and field.name not in getattr(self, "FUTURE_ALLOWED", ()):
                    raise ValidationError(
                        {
                            field.name: _("Ngày %(d)s ở tương lai; chỉ ghi nhận sự việc đã diễn ra.")
                            % {"d": format_date(value)}
                        }
                    )


class PlanKind(models.TextChoices):
    DE_AN = "de_an", _("Đề án")
    KE_HOACH = "ke_hoach", _("Kế hoạch")


class PlanStatus(models.TextChoices):
    DRAFTING = "drafting", _("Đang xây dựng")
    SUBMITTED = "submitted", _("Đã trình")
    APPROVED = "approved", _("Đã phê duyệt")


PLAN_STATUS_RANK = {None: 0, PlanStatus.DRAFTING: 1, PlanStatus.SUBMITTED: 2, PlanStatus.APPROVED: 3}


class ProvincialPlan(ProgrammeRecord):
    """The province's OCOP Đề án or Kế hoạch, approved by a UBND decision."""

    kind = models.CharField(_("loại"), max_length=16, choices=PlanKind.choices, default=PlanKind.DE_AN)
    title = models.CharField(_("tên đề án, kế hoạch"), max_length=300)
    phase = models.CharField(_("giai đoạn"), max_length=100, blank=True, help_text=_("Ví dụ: 2018-2020, giai đoạn II."))
    status = models.CharField(_("trạng thái"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFTING)
    drafting_since = models.DateField(_("bắt đầu xây dựng từ ngày"))
    submitted_on = models.DateField(_("ngày trình"), null=True, blank=True)
    decision_number = models.CharField(
        _("số quyết định phê duyệt"), max_length=50, blank=True, help_text=_("Ví dụ: 851/QĐ-UBND")
    )
    decision_date = models.DateField(_("ngày phê duyệt"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan phê duyệt"), max_length=200, blank=True, default="UBND tỉnh")
    # the plan's own target, shown against the indicator products_certified_cumulative (ocop/analytics)
    target_products = models.PositiveIntegerField(
        _("mục tiêu: số sản phẩm OCOP"),
        null=True,
        blank=True,
        help_text=_("Số sản phẩm được công nhận OCOP (lũy kế) mà đề án, kế hoạch đặt ra đến hết năm mục tiêu."),
    )
    target_year = models.PositiveSmallIntegerField(
        _("năm đạt mục tiêu"), null=True, blank=True, help_text=_("Ví dụ: 2025.")
    )
    attachment = models.FileField(
        _("tệp đính kèm"), upload_to="programme/plans/%Y/", blank=True, validators=[validate_document]
    )
    note = models.TextField(_("ghi chú"), blank=True)

    DATE_FIELD = "drafting_since"

    class Meta:
        verbose_name = _("đề án, kế hoạch OCOP")
        verbose_name_plural = _("đề án, kế hoạch OCOP")
        ordering = ["-drafting_since", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}".strip()

    def clean(self):
        super().clean()
        errors = {}
        if self.status == PlanStatus.SUBMITTED and not self.submitted_on:
            errors["submitted_on"] = _("Đề án đã trình cần có ngày trình.")
        if self.status == PlanStatus.APPROVED:
            if not self.decision_number:
                errors["decision_number"] = _("Đề án đã phê duyệt cần có số quyết định.")
            if not self.decision_date:
                errors["decision_date"] = _("Đề án đã phê duyệt cần có ngày phê duyệt.")
        if self.submitted_on and self.drafting_since and self.submitted_on < self.drafting_since:
            errors["submitted_on"] = _("Ngày trình không thể trước ngày bắt đầu xây dựng.")
        if self.decision_date and self.drafting_since and self.decision_date < self.drafting_since:
            errors["decision_date"] = _("Ngày phê duyệt không thể trước ngày bắt đầu xây dựng.")
        if self.decision_date and self.submitted_on and self.decision_date < self.submitted_on:
            errors["decision_date"] = _("Ngày phê duyệt không thể trước ngày trình.")
        if (self.target_products is None) != (self.target_year is None):
            field = "target_year" if self.target_year is None else "target_products"
            errors[field] = _("Mục tiêu cần cả số sản phẩm và năm đạt mục tiêu.")
        if self.target_year is not None and not 2018 <= self.target_year <= 2100:
            errors["target_year"] = _("Năm đạt mục tiêu phải từ 2018 đến 2100.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day: dt.date) -> str | None:
        """The plan's status on `day` (None if work had not started)."""
        return self.status_from(self.status, self.drafting_since, self.submitted_on, self.decision_date, day)

    @staticmethod
    def status_from(status, drafting_since, submitted_on, decision_date, day: dt.date) -> str | None:
        if status == PlanStatus.APPROVED and decision_date and decision_date <= day:
            return PlanStatus.APPROVED
        if status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED) and submitted_on and submitted_on <= day:
            return PlanStatus.SUBMITTED
        if drafting_since <= day:
            return PlanStatus.DRAFTING
        return None


class OrganisationKind(models.TextChoices):
    STEERING_PROVINCE = "steering_province", _("Ban Chỉ đạo cấp tỉnh")
    SPECIALISED_PROVINCE = "specialised_province", _("Đơn vị chuyên trách cấp tỉnh")
    STEERING_DISTRICT = "steering_district", _("Ban Chỉ đạo cấp huyện")
    SPECIALISED_DISTRICT = "specialised_district", _("Đơn vị chuyên trách cấp huyện")
    ADVISORY = "advisory", _("Tổ tư vấn, giúp việc")
    OTHER = "other", _("Khác")


class OrganisationUnit(ProgrammeRecord):
    """Who runs OCOP in the province: steering committee, specialised unit, at province or district level."""

    kind = models.CharField(_("loại bộ máy"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("tên cơ quan, bộ phận"), max_length=300)
    decision_number = models.CharField(_("số quyết định thành lập, giao nhiệm vụ"), max_length=50, blank=True)
    date = models.DateField(_("ngày quyết định"))
    issuer = models.CharField(_("cơ quan ban hành quyết định"), max_length=200, blank=True)
    contact_name = models.CharField(_("người liên hệ"), max_length=150, blank=True)
    contact_phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    contact_email = models.EmailField(_("thư điện tử"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ máy tổ chức")
        verbose_name_plural = _("bộ máy tổ chức")
        ordering = ["kind", "-date"]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    NGHI_QUYET = "nghi_quyet", _("Nghị quyết")
    QUYET_DINH = "quyet_dinh", _("Quyết định")
    CHI_THI = "chi_thi", _("Chỉ thị")
    KE_HOACH = "ke_hoach", _("Kế hoạch")
    CONG_VAN = "cong_van", _("Công văn")
    HUONG_DAN = "huong_dan", _("Hướng dẫn")
    THONG_BAO = "thong_bao", _("Thông báo")
    OTHER = "other", _("Khác")


class IssuerKind(models.TextChoices):
    TINH_UY = "tinh_uy", _("Tỉnh ủy, Thành ủy")
    HDND = "hdnd", _("HĐND tỉnh")
    UBND = "ubnd", _("UBND tỉnh")
    BCD = "bcd", _("Ban Chỉ đạo")
    SO = "so", _("Sở, ban, ngành")
    DISTRICT = "district", _("Cấp huyện")
    OTHER = "other", _("Khác")


class DirectiveDocument(ProgrammeRecord):
    """A directive document (văn bản chỉ đạo) issued in the province about OCOP."""

    kind = models.CharField(_("loại văn bản"), max_length=16, choices=DocumentKind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=50, help_text=_("Ví dụ: 851/QĐ-UBND"))
    date = models.DateField(_("ngày ban hành"))
    issuer_kind = models.CharField(_("cơ quan ban hành"), max_length=16, choices=IssuerKind.choices)
    issuer_name = models.CharField(
        _("tên cơ quan ban hành"), max_length=200, blank=True, help_text=_("Ví dụ: Sở Nông nghiệp và PTNT")
    )
    summary = models.TextField(_("trích yếu"))
    attachment = models.FileField(
        _("tệp đính kèm"), upload_to="programme/documents/%Y/", blank=True, validators=[validate_document]
    )

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-date", "-id"]
        indexes = [  # the board's period counts; its data version (latest change)
            models.Index(fields=["date"], name="programme_document_date"),
            models.Index(fields=["updated_at"], name="programme_document_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class ActivityKind(models.TextChoices):
    CONFERENCE = "conference", _("Hội nghị")
    TRAINING = "training", _("Tập huấn, đào tạo")
    WORKSHOP = "workshop", _("Hội thảo")
    COMMUNICATION = "communication", _("Truyền thông")
    FAIR_IN = "fair_in", _("Hội chợ, xúc tiến thương mại trong tỉnh")
    FAIR_OUT = "fair_out", _("Hội chợ, xúc tiến thương mại ngoài tỉnh")
    SURVEY = "survey", _("Khảo sát, rà soát sản phẩm")
    OTHER = "other", _("Khác")


class Activity(ProgrammeRecord):
    kind = models.CharField(_("loại hoạt động"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("tên hoạt động"), max_length=300)
    date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    cost = models.PositiveBigIntegerField(_("kinh phí (đồng)"), null=True, blank=True)
    needs = models.TextField(_("đánh giá nhu cầu"), blank=True)
    results = models.TextField(_("kết quả"), blank=True)

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["-date", "-id"]
        indexes = [  # the board's period counts; its data version (latest change)
            models.Index(fields=["date"], name="programme_activity_date"),
            models.Index(fields=["updated_at"], name="programme_activity_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.end_date and self.date and self.end_date < self.date:
            raise ValidationError({"end_date": _("Ngày kết thúc không thể trước ngày bắt đầu.")})


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương")
    LOCAL = "local", _("Ngân sách địa phương")
    NTM = "ntm", _("Lồng ghép Chương trình MTQG xây dựng nông thôn mới")
    OTHER_PROGRAMMES = "other_programmes", _("Lồng ghép chương trình, dự án khác")
    SOCIETY = "society", _("Doanh nghiệp, xã hội hóa")
    CREDIT = "credit", _("Vốn tín dụng")
    OTHER = "other", _("Nguồn khác")


class Funding(ProgrammeRecord):
    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    purpose = models.CharField(_("nội dung sử dụng"), max_length=300, blank=True)
    date = models.DateField(_("ngày ghi nhận"), help_text=_("Ngày quyết định giao hoặc ghi nhận kinh phí."))

    class Meta:
        verbose_name = _("kinh phí")
        verbose_name_plural = _("kinh phí")
        ordering = ["-year", "source"]
        indexes = [
            models.Index(fields=["updated_at"], name="programme_funding_updated"),  # the board's data version
            models.Index(fields=["year"], name="programme_funding_year"),  # the board's and indicators' year range
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.year}"

    def clean(self):
        super().clean()
        if self.year and self.year > timezone.localdate().year + 1:
            raise ValidationError({"year": _("Năm kinh phí quá xa trong tương lai.")})


class MilestoneKind(models.TextChoices):
    CYCLE_STARTED = "cycle_started", _("Bắt đầu triển khai Chu trình OCOP")
    CRITERIA_PROVISIONAL = "criteria_provisional", _("Ban hành tiêu chí tạm thời cấp tỉnh")
    CRITERIA_OFFICIAL = "criteria_official", _("Ban hành tiêu chí chính thức cấp tỉnh")
    EVALUATION_HELD = "evaluation_held", _("Tổ chức đánh giá cấp tỉnh")
    PRODUCTS_RANKED = "products_ranked", _("Công nhận, xếp hạng sản phẩm")


class CycleMilestone(ProgrammeRecord):
    kind = models.CharField(_("mốc"), max_length=24, choices=MilestoneKind.choices)
    date = models.DateField(_("ngày"))
    reference = models.CharField(_("văn bản, quyết định"), max_length=100, blank=True)
    products_count = models.PositiveIntegerField(_("số sản phẩm"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("mốc Chu trình OCOP")
        verbose_name_plural = _("mốc Chu trình OCOP")
        ordering = ["-date", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({format_date(self.date)})"
