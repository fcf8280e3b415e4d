"""OCOP entities (chủ thể), their products, product dossiers (hồ sơ) and self-assessments.

- An `Entity` is registered at the commune its address resolves to (`unit`, a current or a legacy
  commune): officers see it through the scoping service like any unit-bound record.
- Entity users reach their entities through `EntityMember`, never through their scope unit: two
  entities in one commune do not see each other.
- A `Product` belongs to one entity, has a unit of origin (a commune) and a status whose every
  change is kept in `ProductStatusChange`.
- A `Dossier` is one numbered version of a product's application file; its `DossierFile`s are filed
  by category (the dossier list of QĐ 1048 / QĐ 148) and checked by `completeness_check`.

Entities and products are soft-deleted (`deleted_at`) and carry a `version` for optimistic locking.
Uploaded files are never served from a public media URL: views stream them after a scope check.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ocop.lib.dates import registration_date_error
from ocop.lib.files import SIGNATURES, validate_document
from ocop.lib.records import AliveQuerySet, VersionedRecord
from ocop.products.instruments import QD_148


# --- entities ----------------------------------------------------------------------------------


class EntityKind(models.TextChoices):
    HTX = "htx", _("Hợp tác xã")
    TO_HOP_TAC = "to_hop_tac", _("Tổ hợp tác")
    DOANH_NGHIEP = "doanh_nghiep", _("Doanh nghiệp")
    HO_KINH_DOANH = "ho_kinh_doanh", _("Hộ sản xuất có đăng ký kinh doanh")


class Entity(VersionedRecord):
    """An OCOP subject (chủ thể): cooperative, cooperative group, enterprise or registered household."""

    kind = models.CharField(_("loại hình chủ thể"), max_length=16, choices=EntityKind.choices)
    name = models.CharField(_("tên chủ thể"), max_length=255)
    registration_number = models.CharField(
        _("số đăng ký kinh doanh"),
        max_length=50,
        help_text=_("Số giấy chứng nhận đăng ký hợp tác xã, doanh nghiệp hoặc hộ kinh doanh."),
    )
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, help_text=_("Số nhà, thôn, xóm…"))
    unit = models.ForeignKey(
        "geo.AdminUnit",
        models.PROTECT,
        related_name="+",
        verbose_name=_("xã, phường"),
        help_text=_("Đơn vị hành chính cấp xã nơi chủ thể đăng ký (xã hiện hành hoặc xã trước 01/7/2025)."),
    )
    representative_name = models.CharField(_("người đại diện"), max_length=150)
    representative_title = models.CharField(_("chức vụ người đại diện"), max_length=100, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    AUDIT_FIELDS = [
        "kind",
        "name",
        "registration_number",
        "tax_code",
        "address",
        "unit",
        "representative_name",
        "representative_title",
        "phone",
        "email",
    ]

    class Meta:
        verbose_name = _("chủ thể OCOP")
        verbose_name_plural = _("chủ thể OCOP")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "registration_number"],
                condition=Q(deleted_at__isnull=True),
                name="products_entity_unique_registration",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.unit_id and self.unit.level != "commune":
            errors["unit"] = _g("Địa chỉ chủ thể phải thuộc một xã, phường (đơn vị cấp xã).")
        self.registration_number = (self.registration_number or "").strip()
        if self.registration_number and self.kind:
            dup = Entity.objects.alive().filter(kind=self.kind, registration_number__iexact=self.registration_number)
            if self.pk:
                dup = dup.exclude(pk=self.pk)
            if dup.exists():
                errors["registration_number"] = _g("Số đăng ký “%(n)s” đã có trong hệ thống cho một %(kind)s khác.") % {
                    "n": self.registration_number,
                    "kind": self.get_kind_display().lower(),
                }
        if errors:
            raise ValidationError(errors)


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Chủ sở hữu, người đại diện")
    STAFF = "staff", _("Nhân viên")


class EntityMember(models.Model):
    """An entity user's link to an entity: the only way an entity user reaches entity data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="entity_memberships", verbose_name=_("tài khoản")
    )
    entity = models.ForeignKey(Entity, models.CASCADE, related_name="members", verbose_name=_("chủ thể"))
    role = models.CharField(_("vai trò"), max_length=8, choices=MemberRole.choices, default=MemberRole.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên chủ thể")
        verbose_name_plural = _("thành viên chủ thể")
        constraints = [models.UniqueConstraint(fields=["user", "entity"], name="products_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.entity}"


# --- products ----------------------------------------------------------------------------------


class Sector(models.TextChoices):
    """The six product groups of QĐ 148/QĐ-TTg (and QĐ 919). Products registered under QĐ 490/1048
    map onto them: Thảo dược → dược liệu; Vải và may mặc, Lưu niệm - nội thất - trang trí → thủ công
    mỹ nghệ; Dịch vụ du lịch nông thôn → du lịch. The exact sheet (phân nhóm) is `classification_code`."""

    THUC_PHAM = "thuc_pham", _("Thực phẩm")
    DO_UONG = "do_uong", _("Đồ uống")
    DUOC_LIEU = "duoc_lieu", _("Dược liệu và sản phẩm từ dược liệu")
    THU_CONG = "thu_cong", _("Thủ công mỹ nghệ")
    SINH_VAT_CANH = "sinh_vat_canh", _("Sinh vật cảnh")
    DU_LICH = "du_lich", _("Du lịch cộng đồng, du lịch sinh thái và điểm du lịch")


# Law as data: the product groups and the required dossier categories come from
# ocop/products/data/product_groups.json, each with its source; the instruments and their dates from
# ocop/products/instruments.py (over evaluation/data/instruments.json).
PRODUCT_GROUPS_FILE = Path(__file__).resolve().parent / "data" / "product_groups.json"
_PRODUCT_GROUPS = json.loads(PRODUCT_GROUPS_FILE.read_text(encoding="utf-8"))

# the product group (first number of a classification position) → Sector, per instrument prefix
# of the evaluation app's classification codes ("148-1.5.1": group 1 of QĐ 148)
SECTOR_BY_GROUP: dict[str, dict[str, str]] = _PRODUCT_GROUPS["sector_by_group"]["groups"]


def sector_of_code(code: str) -> str | None:
    """The Sector of an evaluation classification code such as "148-1.5.1" (None if unknown)."""
    prefix, _sep, position = (code or "").partition("-")
    return SECTOR_BY_GROUP.get(prefix, {}).get(position.split(".")[0]) if position else None


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    REGISTERED = "registered", _("Đã đăng ký")
    IN_EVALUATION = "in_evaluation", _("Đang đánh giá")
    CERTIFIED = "certified", _("Đã công nhận OCOP")
    EXPIRED = "expired", _("Hết hiệu lực công nhận")
    REVOKED = "revoked", _("Bị thu hồi công nhận")
    NOT_CERTIFIED = "not_certified", _("Không đạt")


# Allowed status changes. Re-evaluation (re-recognition, upgrade) goes back to in_evaluation.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    ProductStatus.DRAFT: {ProductStatus.REGISTERED},
    ProductStatus.REGISTERED: {ProductStatus.IN_EVALUATION, ProductStatus.DRAFT},
    ProductStatus.IN_EVALUATION: {ProductStatus.CERTIFIED, ProductStatus.NOT_CERTIFIED, ProductStatus.REGISTERED},
    ProductStatus.CERTIFIED: {ProductStatus.EXPIRED, ProductStatus.REVOKED, ProductStatus.IN_EVALUATION},
    ProductStatus.EXPIRED: {ProductStatus.IN_EVALUATION, ProductStatus.REGISTERED},
    ProductStatus.REVOKED: {ProductStatus.IN_EVALUATION, ProductStatus.REGISTERED},
    ProductStatus.NOT_CERTIFIED: {ProductStatus.IN_EVALUATION, ProductStatus.REGISTERED},
}
# statuses in which the entity may still change the product's description and dossier
ENTITY_EDITABLE_STATUSES = {
    ProductStatus.DRAFT,
    ProductStatus.REGISTERED,
    ProductStatus.EXPIRED,
    ProductStatus.NOT_CERTIFIED,
    ProductStatus.REVOKED,
}


class Product(VersionedRecord):
    entity = models.ForeignKey(Entity, models.PROTECT, related_name="products", verbose_name=_("chủ thể"))
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    sector = models.CharField(_("nhóm sản phẩm"), max_length=16, choices=Sector.choices, default=Sector.THUC_PHAM)
    classification_code = models.CharField(
        _("mã phân loại (bộ tiêu chí)"),
        max_length=50,
        blank=True,
        help_text=_("Nhóm, phân nhóm theo bộ tiêu chí áp dụng, ví dụ 1.1.1 (Rau, củ, quả, hạt tươi)."),
    )
    classification_instrument = models.CharField(
        _("văn bản phân loại áp dụng"),
        max_length=50,
        blank=True,
        help_text=_("Bộ tiêu chí có hiệu lực khi đăng ký, ví dụ QĐ 148/QĐ-TTg."),
    )
    classification = models.ForeignKey(
        "evaluation.Classification",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("bộ sản phẩm (phân nhóm)"),
        help_text=_("Phân nhóm sản phẩm theo bộ tiêu chí áp dụng; khi có, mã và văn bản phân loại lấy theo đây."),
    )
    unit = models.ForeignKey(
        "geo.AdminUnit",
        models.PROTECT,
        related_name="+",
        verbose_name=_("xã nơi sản xuất"),
        help_text=_("Đơn vị hành chính cấp xã nơi sản phẩm được sản xuất (nguồn gốc)."),
    )
    description = models.TextField(_("mô tả sản phẩm"), blank=True)
    registered_on = models.DateField(_("ngày đăng ký"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT, editable=False
    )

    AUDIT_FIELDS = [
        "entity",
        "name",
        "sector",
        "classification",
        "classification_code",
        "classification_instrument",
        "unit",
        "description",
        "registered_on",
        "status",
    ]

    class Meta:
        verbose_name = _("sản phẩm OCOP")
        verbose_name_plural = _("sản phẩm OCOP")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.unit_id and self.unit.level != "commune":
            errors["unit"] = _g("Nơi sản xuất phải là một xã, phường (đơn vị cấp xã).")
        date_error = registration_date_error(self.registered_on)  # from QĐ 490 (07/5/2018) to today
        if date_error:
            errors["registered_on"] = date_error
        if errors:
            raise ValidationError(errors)

    @property
    def is_services(self) -> bool:
        return self.sector == Sector.DU_LICH

    def latest_dossier(self):
        return self.dossiers.order_by("-number").first()


class ProductStatusChange(models.Model):
    product = models.ForeignKey(Product, models.CASCADE, related_name="status_changes", verbose_name=_("sản phẩm"))
    from_status = models.CharField(_("từ trạng thái"), max_length=16, choices=ProductStatus.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=16, choices=ProductStatus.choices)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    reason = models.TextField(_("lý do, căn cứ"), blank=True)

    class Meta:
        verbose_name = _("thay đổi trạng thái sản phẩm")
        verbose_name_plural = _("lịch sử trạng thái sản phẩm")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.product}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


# --- photos ------------------------------------------------------------------------------------

PHOTO_EXTENSIONS = [".jpg", ".jpeg", ".png"]


def max_photo_bytes() -> int:
    return getattr(settings, "OCOP_MAX_PHOTO_MB", 5) * 1024 * 1024


def validate_photo(upload) -> None:
    """A JPEG or PNG photo (checked by its first bytes, as ocop/lib/files.py does), within the size limit."""
    name = Path(getattr(upload, "name", "") or "").name
    ext = Path(name).suffix.lower()
    if ext not in PHOTO_EXTENSIONS:
        raise ValidationError(
            _g("Ảnh “%(name)s” có định dạng không được chấp nhận. Chỉ nhận ảnh JPG hoặc PNG."),
            params={"name": name},
            code="extension",
        )
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError(_g("Ảnh “%(name)s” rỗng."), params={"name": name}, code="empty")
    if size > max_photo_bytes():
        raise ValidationError(
            _g("Ảnh “%(name)s” quá lớn (%(mb)s MB); tối đa %(max)s MB."),
            params={"name": name, "mb": round(size / 1048576, 1), "max": max_photo_bytes() // 1048576},
            code="size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]):
        raise ValidationError(
            _g("Không đọc được ảnh “%(name)s”: nội dung không phải ảnh %(ext)s hợp lệ (tệp hỏng hoặc đổi đuôi)."),
            params={"name": name, "ext": ext.lstrip(".").upper()},
            code="unreadable",
        )


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, models.CASCADE, related_name="photos", verbose_name=_("sản phẩm"))
    image = models.FileField(_("ảnh"), upload_to="products/photos/%Y/", validators=[validate_photo])
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AliveQuerySet.as_manager()

    class Meta:
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or Path(self.image.name).name

    @property
    def content_type(self) -> str:
        return "image/png" if self.image.name.lower().endswith(".png") else "image/jpeg"


# --- dossiers ----------------------------------------------------------------------------------


class DossierCategory(models.TextChoices):
    """What a dossier file is. Forms 01-04 are the registration form (01 new product, 02 existing
    product), the business plan (03) and the organisation chart (04) in QĐ 1048 terms."""

    REGISTRATION_FORM = "registration_form", _("Phiếu đăng ký sản phẩm tham gia đánh giá, phân hạng (biểu 01/02)")
    BUSINESS_PLAN = "business_plan", _("Phương án, dự án sản xuất kinh doanh (biểu 03)")
    ORG_CHART = "org_chart", _("Sơ đồ tổ chức bộ máy (biểu 04)")
    BUSINESS_REGISTRATION = "business_registration", _("Giấy chứng nhận đăng ký kinh doanh")
    FOOD_SAFETY = "food_safety", _("Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm")
    QUALITY_DECLARATION = "quality_declaration", _("Bản công bố chất lượng, tiêu chuẩn sản phẩm")
    TEST_REPORT = "test_report", _("Phiếu kết quả kiểm nghiệm")
    BARCODE = "barcode", _("Mã số, mã vạch")
    TRACEABILITY = "traceability", _("Truy xuất nguồn gốc")
    TRADEMARK = "trademark", _("Nhãn hiệu, chỉ dẫn địa lý")
    RAW_MATERIAL = "raw_material", _("Nguồn gốc nguyên liệu")
    ENVIRONMENT = "environment", _("Bảo vệ môi trường")
    ACCOUNTING = "accounting", _("Kế toán")
    PROMOTION = "promotion", _("Quảng bá, xúc tiến thương mại")
    PRODUCT_STORY = "product_story", _("Câu chuyện sản phẩm")
    AWARDS = "awards", _("Giải thưởng, chứng nhận")
    SELF_ASSESSMENT = "self_assessment", _("Phiếu tự đánh giá, phân hạng sản phẩm (QĐ 148)")
    OTHER = "other", _("Tài liệu khác")


# Required dossier categories by product group: data with its source and its gaps [?]
# (ocop/products/data/product_groups.json). "*" applies to every group; a group's entry is added to it.
_REQUIRED = _PRODUCT_GROUPS["required_dossier_categories"]
REQUIRED_CATEGORIES: dict[str, tuple[str, ...]] = {
    group: tuple(DossierCategory(c) for c in cats) for group, cats in _REQUIRED["required"].items()
}
BASE_REQUIRED = REQUIRED_CATEGORIES["*"]
NOT_REQUIRED: dict[str, tuple[str, ...]] = {
    group: tuple(DossierCategory(c) for c in cats)
    for group, cats in _REQUIRED["not_required"].items()
    if group != "note"
}


def required_categories(product: Product) -> list[str]:
    skip = set(NOT_REQUIRED.get(product.sector, ()))
    cats = [c for c in REQUIRED_CATEGORIES["*"] if c not in skip]
    cats += [c for c in REQUIRED_CATEGORIES.get(product.sector, ()) if c not in cats]
    return cats


def requires_self_assessment(product: Product) -> bool:
    """QĐ 148 introduced the applicant's self-assessment: required for products evaluated under it."""
    return product.classification_instrument == QD_148 or not product.classification_instrument


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    SUBMITTED = "submitted", _("Đã nộp, chờ kiểm tra")
    COMPLETE = "complete", _("Hợp lệ, đủ thành phần")
    INCOMPLETE = "incomplete", _("Chưa đủ, trả lại bổ sung")


# the entity may add and remove files while the dossier is in one of these
DOSSIER_EDITABLE = {DossierStatus.DRAFT, DossierStatus.INCOMPLETE}


class Dossier(models.Model):
    """One numbered version of a product's application file."""

    product = models.ForeignKey(Product, models.PROTECT, related_name="dossiers", verbose_name=_("sản phẩm"))
    number = models.PositiveIntegerField(_("lần nộp"), default=1)
    status = models.CharField(
        _("trạng thái hồ sơ"), max_length=16, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(_("ngày kiểm tra"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    review_note = models.TextField(_("ý kiến kiểm tra"), blank=True)
    is_demo = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ sản phẩm")
        verbose_name_plural = _("hồ sơ sản phẩm")
        ordering = ["product_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["product", "number"], name="products_dossier_unique_number")]

    def __str__(self) -> str:
        return _g("Hồ sơ %(product)s (lần %(n)s)") % {"product": self.product, "n": self.number}

    @property
    def unit(self):
        return self.product.unit

    @property
    def editable(self) -> bool:
        return self.status in DOSSIER_EDITABLE

    def live_files(self):
        return self.files.filter(deleted_at__isnull=True)


def dossier_upload_to(instance, filename: str) -> str:
    return f"products/dossiers/{timezone.now():%Y}/{Path(filename).name}"


class DossierFile(models.Model):
    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="files", verbose_name=_("hồ sơ"))
    category = models.CharField(_("thành phần hồ sơ"), max_length=32, choices=DossierCategory.choices)
    file = models.FileField(_("tệp"), upload_to=dossier_upload_to, validators=[validate_document])
    name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["category", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class SelfAssessment(models.Model):
    """The applicant's self-assessment (QĐ 148): the option chosen for each criterion of a criteria set.

    `choices` maps criterion code → option code. `total` is computed by the evaluation app's scoring
    when the criteria set is available there; `declared_total` is the total written on the signed
    paper form, when the entity gives it."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="self_assessments", verbose_name=_("hồ sơ"))
    criteria_set_code = models.CharField(_("mã bộ tiêu chí"), max_length=64)
    criteria_set_version = models.CharField(_("phiên bản bộ tiêu chí"), max_length=50, blank=True)
    choices = models.JSONField(_("phương án đã chọn"), default=dict, blank=True)
    total = models.DecimalField(_("tổng điểm tự đánh giá"), max_digits=6, decimal_places=2, null=True, blank=True)
    declared_total = models.DecimalField(
        _("tổng điểm ghi trên phiếu"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("ngày nộp"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("phiếu tự đánh giá")
        verbose_name_plural = _("phiếu tự đánh giá")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return _g("Tự đánh giá %(set)s") % {"set": self.criteria_set_code}


from ocop.products.models_import import ImportBatch, ImportStatus  # noqa: E402,F401
