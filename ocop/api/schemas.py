"""Input and output shapes of the API (they make the OpenAPI document), and the functions that turn
model objects into them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from ocop.api.common import MAX_ID, Text
from ocop.lib.dates import PROGRAMME_REASON, PROGRAMME_START, TODAY, api_date
from ocop.geo.models import AdminUnit
from ocop.products.instruments import CLASSIFICATION_INSTRUMENTS
from ocop.products.models import EntityKind, ProductStatus, Sector

# --- shared ---------------------------------------------------------------------------------------

# Dates the API reads: only a "YYYY-MM-DD" string (a Unix number such as 0 is refused), within the
# bounds of ocop/lib/dates.py (1900–2200; a registration from QĐ 490 of 07/5/2018 to today).
ApiDate = Annotated[dt.date, BeforeValidator(api_date())]
RegistrationDate = Annotated[
    dt.date, BeforeValidator(api_date(not_before=PROGRAMME_START, not_after=TODAY, before_reason=str(PROGRAMME_REASON)))
]


class UnitRef(Schema):
    id: int
    code: str
    name: str = Field(description="Tên đầy đủ, ví dụ “Tỉnh Thái Nguyên”.")
    level: str = Field(description="province | district | commune")
    era: str = Field(description="legacy (trước 01/7/2025) | current (từ 01/7/2025)")


def unit_ref(unit: AdminUnit | None) -> dict | None:
    if unit is None:
        return None
    return {"id": unit.pk, "code": unit.code, "name": unit.full_name, "level": unit.level, "era": unit.era}


class UnitOut(UnitRef):
    short_name: str
    type: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    parent: UnitRef | None
    province: UnitRef | None


def unit_out(unit: AdminUnit) -> dict:
    return {
        **unit_ref(unit),
        "short_name": unit.name,
        "type": unit.type,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "parent": unit_ref(unit.parent),
        "province": unit_ref(unit.province),
    }


# --- public catalogue -----------------------------------------------------------------------------


class PublicCertificate(Schema):
    number: str = Field(description="Số giấy chứng nhận, ví dụ 12/2025/OCOP-19.")
    stars: int
    issued_on: dt.date
    valid_until: dt.date
    status: str = Field(description="valid (còn hiệu lực) | expired (hết hiệu lực)")
    status_label: str
    issuer: UnitRef


class PublicEntity(Schema):
    name: str
    kind: str
    kind_label: str
    address: str


class PublicProduct(Schema):
    id: int
    name: str
    sector: str
    sector_label: str
    classification_code: str
    description: str
    stars: int
    certificate: PublicCertificate
    entity: PublicEntity
    commune: UnitRef
    province: UnitRef | None
    current_province: UnitRef | None = Field(description="Tỉnh hiện hành (sau 01/7/2025) của nơi sản xuất.")


def public_product(p, cert, rollup) -> dict:
    province = p.unit.province
    return {
        "id": p.pk,
        "name": p.name,
        "sector": p.sector,
        "sector_label": str(p.get_sector_display()),
        "classification_code": p.classification_code,
        "description": p.description,
        "stars": cert.stars,
        "certificate": {
            "number": cert.number_display,
            "stars": cert.stars,
            "issued_on": cert.issued_on,
            "valid_until": cert.valid_until,
            "status": cert.status,
            "status_label": str(cert.get_status_display()),
            "issuer": unit_ref(cert.issuer_unit),
        },
        "entity": {
            "name": p.entity.name,
            "kind": p.entity.kind,
            "kind_label": str(p.entity.get_kind_display()),
            "address": p.entity.address,
        },
        "commune": unit_ref(p.unit),
        "province": unit_ref(province),
        "current_province": unit_ref(rollup.get(province.pk)) if province else None,
    }


class CountRow(Schema):
    key: str
    label: str
    count: int


class ProvinceCount(Schema):
    province: UnitRef
    count: int


class YearRow(Schema):
    year: int
    total: int
    by_stars: dict[str, int]


class StatisticsOut(Schema):
    products: int = Field(description="Số sản phẩm OCOP được công nhận (giấy chứng nhận còn hoặc đã hết hiệu lực).")
    entities: int
    by_stars: list[CountRow]
    by_sector: list[CountRow]
    by_province: list[ProvinceCount] = Field(description="Theo tỉnh hiện hành; tỉnh cũ được cộng vào tỉnh kế thừa.")
    by_year: list[YearRow] = Field(
        description="Giấy chứng nhận cấp theo năm của ngày công nhận và hạng sao (chỉ tiêu products_certified; giấy bị thu hồi sau đó vẫn tính ở năm đã công nhận)."
    )


# --- accounts -------------------------------------------------------------------------------------


class TokenRef(Schema):
    name: str
    prefix: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    national: bool
    scope_unit: UnitRef | None
    capabilities: list[str]
    token: TokenRef | None


# --- programme ------------------------------------------------------------------------------------


class PlanOut(Schema):
    kind: str
    title: str
    phase: str
    decision_number: str
    decision_date: dt.date | None


class BoardRowOut(Schema):
    province: UnitRef
    plan_status: str = Field(description="none | drafting | submitted | approved (vào ngày xem)")
    plan_status_label: str
    plan: PlanOut | None
    milestones: dict[str, dt.date] = Field(description="Mốc đã đạt đến ngày xem: mã mốc → ngày sớm nhất.")
    criteria_issued: dt.date | None
    documents: int
    activities: int
    funding: int = Field(description="Kinh phí (đồng) trong kỳ.")
    includes: list[UnitRef] = Field(description="Các tỉnh cũ được cộng vào dòng này (sau 01/7/2025).")


class BoardOut(Schema):
    date: dt.date
    period_from: dt.date
    period_to: dt.date
    count: int
    rows: list[BoardRowOut]


def board_row(row) -> dict:
    plan = row.plan if row.plan is not None and row.plan_status != "none" else None
    return {
        "province": unit_ref(row.province),
        "plan_status": row.plan_status,
        "plan_status_label": row.plan_status_label,
        "plan": {
            "kind": plan.kind,
            "title": plan.title,
            "phase": plan.phase,
            "decision_number": plan.decision_number if row.plan_status == "approved" else "",
            "decision_date": plan.decision_date if row.plan_status == "approved" else None,
        }
        if plan
        else None,
        "milestones": dict(row.milestones),
        "criteria_issued": row.criteria_issued,
        "documents": row.documents,
        "activities": row.activities,
        "funding": row.funding,
        "includes": [unit_ref(p) for p in row.includes if p.pk != row.province.pk],
    }


# --- reporting ------------------------------------------------------------------------------------


class TemplateRef(Schema):
    id: int
    code: str
    version: int
    title: str


class TemplateOut(TemplateRef):
    valid_from: dt.date | None
    valid_to: dt.date | None
    definition: dict[str, Any] = Field(
        description="Định nghĩa mẫu: các mục, trường (mã, kiểu, bắt buộc, lựa chọn, cột bảng) và quy tắc."
    )


def template_ref(t) -> dict:
    return {"id": t.pk, "code": t.code, "version": t.version, "title": t.title}


class MyUnit(Schema):
    unit: UnitRef
    submission_id: int | None
    submission_status: str | None


class RequestOut(Schema):
    id: int
    title: str
    kind: str
    period_code: str
    period_start: dt.date | None
    cutoff: dt.date
    deadline: dt.date
    status: str
    recipient_level: str
    owner_unit: UnitRef | None
    parent_id: int | None
    document_number: str
    issued_on: dt.date | None
    template: TemplateRef


class RequestDetailOut(RequestOut):
    level_deadlines: dict[str, dt.date]
    my_units: list[MyUnit] = Field(
        description="Đơn vị mà tài khoản phải nộp báo cáo cho yêu cầu này, với báo cáo hiện có."
    )


def request_out(r) -> dict:
    return {
        "id": r.pk,
        "title": r.title,
        "kind": r.kind,
        "period_code": r.period_code,
        "period_start": r.period_start,
        "cutoff": r.cutoff,
        "deadline": r.deadline,
        "status": r.status,
        "recipient_level": r.recipient_level,
        "owner_unit": unit_ref(r.owner_unit),
        "parent_id": r.parent_id,
        "document_number": r.document_number,
        "issued_on": r.issued_on,
        "template": template_ref(r.template),
    }


class SubmissionOut(Schema):
    id: int
    request_id: int
    request_title: str
    unit: UnitRef
    number: int = Field(description="Lần nộp (bản sửa đổi sau khi tiếp nhận có số lớn hơn).")
    status: str = Field(description="draft | submitted | returned | accepted")
    status_label: str
    lock_version: int = Field(description="Số phiên bản: gửi lại khi lưu hoặc nộp; sai lệch trả 409.")
    source: str
    editable: bool
    previous_id: int | None
    first_submitted_at: dt.datetime | None
    submitted_at: dt.datetime | None
    updated_at: dt.datetime


class Issue(Schema):
    field: str
    message: str
    section: str
    row: int | None
    column: str


class SubmissionDetailOut(SubmissionOut):
    data: dict[str, Any]
    prefilled: dict[str, Any]
    overrides: dict[str, str]
    issues: list[Issue] = Field(description="Lỗi còn phải sửa trước khi nộp (rỗng: nộp được).")
    comments: list[dict[str, Any]]


def submission_out(s) -> dict:
    return {
        "id": s.pk,
        "request_id": s.request_id,
        "request_title": s.request.title,
        "unit": unit_ref(s.unit),
        "number": s.number,
        "status": s.status,
        "status_label": str(s.get_status_display()),
        "lock_version": s.lock_version,
        "source": s.source,
        "editable": s.editable,
        "previous_id": s.previous_id,
        "first_submitted_at": s.first_submitted_at,
        "submitted_at": s.submitted_at,
        "updated_at": s.updated_at,
    }


class OpenSubmissionIn(Schema):
    request_id: int = Field(ge=1, le=MAX_ID)
    unit_id: int = Field(ge=1, le=MAX_ID, description="Đơn vị nộp (id trong /units), thuộc phạm vi tài khoản.")


class DraftIn(Schema):
    lock_version: int = Field(ge=1, le=MAX_ID, description="Số phiên bản đã đọc (lock_version).")
    values: dict[Text(64), Any] = Field(
        default_factory=dict,
        max_length=500,
        description='Mã trường → giá trị. Số nguyên: 1250000 hoặc "1.250.000"; tỉ lệ: 12.5 hoặc "12,5"; '
        'ngày: "2018-12-31" hoặc "31/12/2018"; lựa chọn: giá trị hoặc nhãn; bảng: danh sách dòng {mã cột: giá trị}. '
        "Chỉ các trường gửi lên được thay; null xóa giá trị.",
    )
    reasons: dict[Text(64), Text(1000)] = Field(
        default_factory=dict, max_length=500, description="Mã trường → lý do sửa số liệu được điền sẵn từ sổ theo dõi."
    )


class SubmitIn(Schema):
    lock_version: int = Field(ge=1, le=MAX_ID)


# --- products -------------------------------------------------------------------------------------


class EntityOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    registration_number: str
    tax_code: str
    address: str
    unit: UnitRef
    province: UnitRef | None
    representative_name: str
    representative_title: str
    phone: str
    email: str
    version: int


def entity_out(e) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": str(e.get_kind_display()),
        "name": e.name,
        "registration_number": e.registration_number,
        "tax_code": e.tax_code,
        "address": e.address,
        "unit": unit_ref(e.unit),
        "province": unit_ref(e.unit.province),
        "representative_name": e.representative_name,
        "representative_title": e.representative_title,
        "phone": e.phone,
        "email": e.email,
        "version": e.version,
    }


class EntityRef(Schema):
    id: int
    name: str


class ProductOut(Schema):
    id: int
    name: str
    entity: EntityRef
    sector: str
    sector_label: str
    classification_code: str
    classification_instrument: str
    unit: UnitRef
    province: UnitRef | None
    description: str
    registered_on: dt.date | None
    status: str
    status_label: str
    version: int


def product_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "entity": {"id": p.entity_id, "name": p.entity.name},
        "sector": p.sector,
        "sector_label": str(p.get_sector_display()),
        "classification_code": p.classification_code,
        "classification_instrument": p.classification_instrument,
        "unit": unit_ref(p.unit),
        "province": unit_ref(p.unit.province),
        "description": p.description,
        "registered_on": p.registered_on,
        "status": p.status,
        "status_label": str(p.get_status_display()),
        "version": p.version,
    }


SectorCode = Literal[tuple(Sector.values)]  # type: ignore[valid-type]
InstrumentName = Literal[("",) + tuple(i.label for i in CLASSIFICATION_INSTRUMENTS)]  # type: ignore[valid-type]
EntityKindCode = Literal[tuple(EntityKind.values)]  # type: ignore[valid-type]
ProductStatusCode = Literal[tuple(ProductStatus.values)]  # type: ignore[valid-type]


class ProductIn(Schema):
    entity_id: int = Field(ge=1, le=MAX_ID)
    name: Text(255, 1)
    sector: SectorCode = "thuc_pham"
    classification_code: Text(50) = Field("", description="Mã phân nhóm theo bộ tiêu chí, ví dụ 148-1.1.1 hoặc 1.1.1.")
    classification_instrument: InstrumentName = Field(
        "", description="Để trống: bộ tiêu chí có hiệu lực vào ngày đăng ký."
    )
    commune_code: Text(5) = Field("", description="Mã xã nơi sản xuất (5 chữ số); để trống: xã nơi chủ thể đăng ký.")
    legacy: bool = Field(False, description="Mã xã là xã trước 01/7/2025.")
    description: Text(5000) = ""
    registered_on: RegistrationDate | None = Field(
        None, description="Ngày đăng ký (YYYY-MM-DD), từ 07/5/2018 (QĐ 490/QĐ-TTg) đến hôm nay; để trống: hôm nay."
    )


# --- evaluation -----------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    name: str
    level: str
    unit: UnitRef
    held_on: dt.date
    status: str
    instrument: str


class RoundEntryOut(Schema):
    product: EntityRef
    score: str | None
    stars: int | None
    certified: bool
    forwarded: bool


class RoundDetailOut(RoundOut):
    entries: list[RoundEntryOut]


def round_out(r) -> dict:
    return {
        "id": r.pk,
        "name": r.name,
        "level": r.level,
        "unit": unit_ref(r.unit),
        "held_on": r.held_on,
        "status": r.status,
        "instrument": f"QĐ {r.instrument.number}" if r.instrument_id else "",
    }


class CertificateOut(Schema):
    id: int
    number: str
    product: EntityRef
    entity: EntityRef
    issuer_unit: UnitRef
    year: int
    issued_on: dt.date
    valid_until: dt.date
    stars: int
    status: str
    status_label: str
    round_id: int


def certificate_out(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number_display,
        "product": {"id": c.product_id, "name": c.product.name},
        "entity": {"id": c.product.entity_id, "name": c.product.entity.name},
        "issuer_unit": unit_ref(c.issuer_unit),
        "year": c.year,
        "issued_on": c.issued_on,
        "valid_until": c.valid_until,
        "stars": c.stars,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "round_id": c.round_product.round_id,
    }
