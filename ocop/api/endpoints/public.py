"""Public data, no token: administrative units, the catalogue of certified products, statistics."""

from __future__ import annotations

from typing import Literal

from django.db.models import Q
from ninja import Field, Path, Query, Router, Schema

from ocop.api.common import MAX_ID, Code, Page, PageParams, Query200, paginate
from ocop.api.errors import not_found, responses
from ocop.api.schemas import (
    ApiDate,
    EntityKindCode,
    PublicProduct,
    SectorCode,
    StatisticsOut,
    UnitOut,
    public_product,
    unit_out,
    unit_ref,
)
from ocop.api.services import public as svc
from ocop.geo.models import AdminUnit, Level
from ocop.lib.text import text_search
from ocop.products.models import Sector

router = Router(tags=["Dữ liệu công khai"])


class UnitFilters(PageParams):
    level: Literal["province", "district", "commune"] | None = Field(None, description="Cấp đơn vị.")
    era: Literal["legacy", "current"] | None = Field(
        None, description="legacy: trước 01/7/2025; current: từ 01/7/2025."
    )
    date: ApiDate | None = Field(None, description="Chỉ các đơn vị có hiệu lực vào ngày này (YYYY-MM-DD).")
    province: Code | None = Field(None, description="Mã tỉnh: các đơn vị thuộc tỉnh có mã này.")
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, description="Các đơn vị trực thuộc đơn vị này.")
    code: Code | None = None
    q: Query200 | None = Field(None, description="Tìm theo tên (không phân biệt hoa thường).")


@router.get("/units", response=responses({200: Page[UnitOut]}, 422), auth=None, summary="Đơn vị hành chính")
def units_list(request, filters: Query[UnitFilters]):
    """Các đơn vị hành chính (63 tỉnh cũ và 34 tỉnh hiện hành, huyện đến 30/6/2025, xã), lọc theo cấp, thời kỳ, ngày hiệu lực."""
    qs = AdminUnit.objects.select_related("parent", "province").order_by("level", "era", "code")
    f = filters
    if f.level:
        qs = qs.filter(level=f.level)
    if f.era:
        qs = qs.filter(era=f.era)
    if f.date:
        qs = qs.valid_on(f.date)
    if f.province:
        qs = qs.filter(Q(province__code=f.province) | Q(level=Level.PROVINCE, code=f.province))
    if f.parent_id:
        qs = qs.filter(parent_id=f.parent_id)
    if f.code:
        qs = qs.filter(code=f.code)
    if f.q:
        qs = text_search(qs, f.q, "name")
    return paginate(qs, f, unit_out)


@router.get(
    "/units/{unit_id}", response=responses({200: UnitOut}, 404, 422), auth=None, summary="Một đơn vị hành chính"
)
def units_detail(request, unit_id: int = Path(..., ge=1, le=MAX_ID)):
    unit = AdminUnit.objects.select_related("parent", "province").filter(pk=unit_id).first()
    if unit is None:
        raise not_found()
    return unit_out(unit)


class CatalogueFilters(PageParams):
    q: Query200 | None = Field(None, description="Tìm theo tên sản phẩm hoặc tên chủ thể.")
    stars: int | None = Field(None, ge=1, le=5, description="Đúng hạng sao này.")
    min_stars: int | None = Field(None, ge=1, le=5, description="Từ hạng sao này trở lên.")
    sector: SectorCode | None = Field(None, description="Nhóm sản phẩm (QĐ 148).")
    province: Code | None = Field(
        None, description="Mã tỉnh, cũ hoặc hiện hành (mã tỉnh hiện hành gồm cả các tỉnh cũ đã sáp nhập)."
    )
    entity_kind: EntityKindCode | None = Field(None, description="Loại hình chủ thể.")
    certificate: Literal["valid", "expired"] | None = Field(
        None, description="Giấy chứng nhận còn hay đã hết hiệu lực."
    )
    year: int | None = Field(None, ge=2000, le=2200, description="Năm cấp giấy chứng nhận.")


@router.get(
    "/catalogue/products",
    response=responses({200: Page[PublicProduct]}, 422),
    auth=None,
    summary="Sản phẩm OCOP được công nhận",
)
def catalogue_products(request, filters: Query[CatalogueFilters]):
    """Danh mục công khai các sản phẩm OCOP có giấy chứng nhận (còn hoặc đã hết hiệu lực; giấy bị thu hồi không hiện)."""
    f = filters
    qs = svc.filter_products(
        svc.public_products(),
        q=(f.q or "").strip(),
        stars=f.stars,
        min_stars=f.min_stars,
        sector=f.sector or "",
        province=f.province or "",
        entity_kind=f.entity_kind or "",
        certificate=f.certificate or "",
        year=f.year,
    ).order_by("-cert_stars", "name", "pk")
    page = paginate(qs, f)
    certs = svc.certificates_by_id([p.cert_id for p in page["items"]])
    rollup = svc.current_provinces()
    page["items"] = [public_product(p, certs[p.cert_id], rollup) for p in page["items"]]
    return page


@router.get(
    "/catalogue/products/{product_id}",
    response=responses({200: PublicProduct}, 404, 422),
    auth=None,
    summary="Một sản phẩm OCOP được công nhận",
)
def catalogue_product(request, product_id: int = Path(..., ge=1, le=MAX_ID)):
    product = svc.public_products().filter(pk=product_id).first()
    if product is None:
        raise not_found()
    cert = svc.certificates_by_id([product.cert_id])[product.cert_id]
    return public_product(product, cert, svc.current_provinces())


class StatisticsFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2200, description="Năm cấp giấy chứng nhận.")
    province: Code | None = Field(None, description="Mã tỉnh, cũ hoặc hiện hành.")
    sector: SectorCode | None = None


@router.get(
    "/catalogue/statistics", response=responses({200: StatisticsOut}, 422), auth=None, summary="Thống kê sản phẩm OCOP"
)
def catalogue_statistics(request, filters: Query[StatisticsFilters]):
    """Số sản phẩm được công nhận theo hạng sao, nhóm sản phẩm và tỉnh; số giấy chứng nhận theo năm."""
    data = svc.statistics(year=filters.year, province=filters.province or "", sector=filters.sector or "")
    sector_labels = dict(Sector.choices)
    return {
        "products": data["products"],
        "entities": data["entities"],
        "by_stars": [{"key": str(s), "label": f"{s}★", "count": n} for s, n in sorted(data["by_stars"].items())],
        "by_sector": [
            {"key": k, "label": str(sector_labels.get(k, k)), "count": n} for k, n in sorted(data["by_sector"].items())
        ],
        "by_province": [{"province": unit_ref(p), "count": n} for p, n in data["by_province"]],
        "by_year": [
            {"year": y, "total": sum(stars.values()), "by_stars": {str(k): v for k, v in sorted(stars.items())}}
            for y, stars in data["by_year"]
        ],
    }
