"""Evaluation rounds and OCOP certificates in the user's reach, read-only (ocop/evaluation/rounds.py)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Path, Query, Router

from ocop.accounts.permissions import can
from ocop.api.common import MAX_ID, Code, Page, PageParams, filtered, paginate
from ocop.api.errors import forbidden, not_found, responses
from ocop.api.schemas import CertificateOut, RoundDetailOut, RoundOut, certificate_out, round_out
from ocop.evaluation import rounds as svc
from ocop.evaluation.filters import CertificateFilterSet, RoundFilterSet

router = Router(tags=["Đánh giá, chứng nhận"])


class RoundFilters(PageParams):  # validated here (422), filtered by ocop/evaluation/filters.py as on the web
    status: Literal["open", "closed"] | None = None
    year: int | None = Field(None, ge=1900, le=2200, description="Năm họp hội đồng.")
    level: Literal["commune", "district", "province", "central"] | None = None


@router.get(
    "/evaluation/rounds", response=responses({200: Page[RoundOut]}, 401, 403, 422), summary="Kỳ đánh giá, phân hạng"
)
def rounds_list(request, filters: Query[RoundFilters]):
    """Kỳ đánh giá trong phạm vi; thành viên hội đồng chỉ thấy các kỳ mình tham gia."""
    user = request.auth
    if not can(user, "evaluation.view"):
        raise forbidden()
    qs = filtered(RoundFilterSet, svc.readable_rounds(user), filters)
    return paginate(qs.order_by("-held_on", "-pk"), filters, round_out)


@router.get(
    "/evaluation/rounds/{round_id}",
    response=responses({200: RoundDetailOut}, 401, 403, 404, 422),
    summary="Một kỳ đánh giá",
)
def round_detail(request, round_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    if not can(user, "evaluation.view"):
        raise forbidden()
    round_ = svc.readable_rounds(user).filter(pk=round_id).first()
    if round_ is None:
        raise not_found()
    entries = [
        {
            "product": {"id": e.product_id, "name": e.product.name},
            "score": str(e.score) if e.score is not None else None,
            "stars": e.stars,
            "certified": e.certified,
            "forwarded": e.forwarded,
        }
        for e in round_.entries.select_related("product").order_by("pk")
    ]
    return {**round_out(round_), "entries": entries}


class CertificateFilters(PageParams):  # validated here (422), filtered by ocop/evaluation/filters.py as on the web
    stars: int | None = Field(None, ge=1, le=5)
    status: Literal["valid", "expired", "revoked", "superseded"] | None = None
    year: int | None = Field(None, ge=1900, le=2200, description="Năm cấp.")
    province: Code | None = Field(None, description="Mã tỉnh của đơn vị công nhận.")


@router.get(
    "/evaluation/certificates",
    response=responses({200: Page[CertificateOut]}, 401, 422),
    summary="Giấy chứng nhận OCOP",
)
def certificates_list(request, filters: Query[CertificateFilters]):
    """Giấy chứng nhận của các sản phẩm tài khoản được xem (như trang Giấy chứng nhận trên web)."""
    qs = filtered(CertificateFilterSet, svc.readable_certificates(request.auth), filters)
    return paginate(qs.order_by("-issued_on", "-pk"), filters, certificate_out)


@router.get(
    "/evaluation/certificates/{certificate_id}",
    response=responses({200: CertificateOut}, 401, 404, 422),
    summary="Một giấy chứng nhận",
)
def certificate_detail(request, certificate_id: int = Path(..., ge=1, le=MAX_ID)):
    cert = svc.readable_certificates(request.auth).filter(pk=certificate_id).first()
    if cert is None:
        raise not_found()
    return certificate_out(cert)
