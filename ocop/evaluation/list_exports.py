"""Excel export of the evaluation lists (rounds, certificates, applications) through the shared
list-export helper (ocop/lib/listexport.py): the same scoped querysets as the pages, all rows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.evaluation.models import CertificateStatus, CouncilLevel, RoundStatus
from ocop.lib.filters import choice_label
from ocop.lib.listexport import Col, export_response, wants_xlsx  # noqa: F401 (wants_xlsx used by the views)

ROUND_COLUMNS = [
    Col(_l("Kỳ đánh giá"), "name", 36),
    Col(_l("Cấp hội đồng"), lambda r: r.get_level_display(), 14),
    Col(_l("Mã đơn vị"), "unit.code", 10),
    Col(_l("Đơn vị tổ chức"), lambda r: str(r.unit), 26),
    Col(_l("Ngày họp hội đồng"), "held_on", 12),
    Col(_l("Văn bản áp dụng"), lambda r: str(r.instrument) if r.instrument_id else "", 24),
    Col(_l("Trạng thái"), lambda r: r.get_status_display(), 14),
    Col(_l("Đóng lúc"), "closed_at", 17),
]
CERTIFICATE_COLUMNS = [
    Col(_l("Số giấy chứng nhận"), "number_display", 20),
    Col(_l("Năm"), "year", 8),
    Col(_l("Sản phẩm"), "product.name", 34),
    Col(_l("Chủ thể"), "product.entity.name", 30),
    Col(_l("Hạng sao"), "stars", 8),
    Col(_l("Đơn vị công nhận"), lambda c: str(c.issuer_unit), 24),
    Col(_l("Ngày công nhận"), "issued_on", 12),
    Col(_l("Hết hiệu lực từ ngày"), "valid_until", 12),
    Col(_l("Trạng thái"), lambda c: c.get_status_display(), 14),
    Col(_l("Lý do thu hồi"), "revoked_reason", 30),
]
APPLICATION_COLUMNS = [
    Col(_l("Ngày đề nghị"), "created_at", 17),
    Col(_l("Sản phẩm"), "product.name", 34),
    Col(_l("Chủ thể"), "product.entity.name", 30),
    Col(_l("Loại đề nghị"), lambda a: a.get_kind_display(), 18),
    Col(_l("Giấy chứng nhận"), lambda a: a.certificate.number_display if a.certificate_id else "", 20),
    Col(_l("Hạng sao đề nghị"), "requested_stars", 10),
    Col(_l("Trạng thái"), lambda a: a.get_status_display(), 18),
    Col(_l("Kỳ đánh giá"), "round.name", 30),
    Col(_l("Ghi chú"), "note", 30),
    Col(_l("Lý do không chấp nhận"), "decision_reason", 30),
]


def export_rounds(request, qs, filters: dict | None = None):
    """`filters`: the values of ocop/evaluation/filters.py's RoundFilterSet (`ocop.lib.filters.shown`)."""
    f = filters or {}
    return export_response(
        request,
        qs,
        ROUND_COLUMNS,
        title=_("Danh sách kỳ đánh giá, phân hạng sản phẩm OCOP"),
        filename="ky-danh-gia-ocop",
        filters=[
            (_("Trạng thái"), choice_label(RoundStatus.choices, f.get("status"))),
            (_("Năm"), f.get("year")),
            (_("Cấp hội đồng"), choice_label(CouncilLevel.choices, f.get("level"))),
        ],
    )


def export_certificates(request, qs, filters: dict | None = None):
    """`filters`: the values of CertificateFilterSet (`ocop.lib.filters.shown`)."""
    f = filters or {}
    return export_response(
        request,
        qs,
        CERTIFICATE_COLUMNS,
        title=_("Danh sách giấy chứng nhận sản phẩm OCOP"),
        filename="giay-chung-nhan-ocop",
        filters=[
            (_("Hạng sao"), f.get("stars")),
            (_("Trạng thái"), choice_label(CertificateStatus.choices, f.get("status"))),
            (_("Năm"), f.get("year")),
            (_("Mã tỉnh"), f.get("province")),
        ],
    )


def export_applications(request, qs, status_label: str = ""):
    return export_response(
        request,
        qs,
        APPLICATION_COLUMNS,
        title=_("Đề nghị đánh giá lại, nâng hạng sao"),
        filename="de-nghi-danh-gia-lai",
        filters=[(_("Trạng thái"), status_label)],
    )
