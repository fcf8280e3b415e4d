"""OCOP entities and products within the user's reach, and product registration. Scoped exactly as
the web pages (ocop/products/views.py through ocop/products/services.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router
from ninja.responses import Status

from ocop.accounts.permissions import can
from ocop.api.common import MAX_ID, Code, Page, PageParams, Query200, filtered, paginate
from ocop.api.errors import forbidden, from_django_validation, not_found, responses
from ocop.api.schemas import (
    EntityKindCode,
    EntityOut,
    ProductIn,
    ProductOut,
    ProductStatusCode,
    SectorCode,
    entity_out,
    product_out,
)
from ocop.products import services as svc
from ocop.products.filters import EntityFilterSet, ProductFilterSet
from ocop.products.forms import resolve_commune
from ocop.products.models import Product
from ocop.lib.collation import vi_order

router = Router(tags=["Chủ thể, sản phẩm"])


def _require_view(user) -> None:
    if not can(user, "products.view"):
        raise forbidden()


# The query parameters as the OpenAPI document shows and validates them (422); the filtering itself
# is ocop/products/filters.py's FilterSet, the one the web list uses.
class EntityFilters(PageParams):
    q: Query200 | None = Field(None, description="Tên, số đăng ký kinh doanh hoặc mã số thuế.")
    kind: EntityKindCode | None = None
    province: Code | None = Field(None, description="Mã tỉnh của xã nơi chủ thể đăng ký.")
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="Xã nơi chủ thể đăng ký.")


@router.get("/products/entities", response=responses({200: Page[EntityOut]}, 401, 403, 422), summary="Chủ thể OCOP")
def entities_list(request, filters: Query[EntityFilters]):
    """Chủ thể trong phạm vi: cán bộ theo địa bàn, tài khoản chủ thể chỉ các chủ thể của mình."""
    user = request.auth
    _require_view(user)
    qs = filtered(EntityFilterSet, svc.readable_entities(user), filters)
    return paginate(qs.order_by(vi_order("name"), "pk"), filters, entity_out)


@router.get(
    "/products/entities/{entity_id}", response=responses({200: EntityOut}, 401, 403, 404, 422), summary="Một chủ thể"
)
def entity_detail(request, entity_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    _require_view(user)
    entity = svc.readable_entities(user).filter(pk=entity_id).first()
    if entity is None:
        raise not_found()
    return entity_out(entity)


class ProductFilters(PageParams):  # validated here (422), filtered by ocop/products/filters.py as on the web
    q: Query200 | None = Field(None, description="Tên sản phẩm hoặc tên chủ thể.")
    status: ProductStatusCode | None = None
    sector: SectorCode | None = None
    province: Code | None = Field(None, description="Mã tỉnh của nơi sản xuất hoặc của chủ thể.")
    entity_id: int | None = Field(None, ge=1, le=MAX_ID)
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="Xã nơi sản xuất.")


@router.get("/products", response=responses({200: Page[ProductOut]}, 401, 403, 422), summary="Sản phẩm")
def products_list(request, filters: Query[ProductFilters]):
    """Sản phẩm trong phạm vi (mọi trạng thái), như danh sách sản phẩm trên web."""
    user = request.auth
    _require_view(user)
    qs = filtered(ProductFilterSet, svc.readable_products(user), filters)
    return paginate(qs.order_by(vi_order("name"), "pk"), filters, product_out)


@router.get("/products/{product_id}", response=responses({200: ProductOut}, 401, 403, 404, 422), summary="Một sản phẩm")
def product_detail(request, product_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    _require_view(user)
    product = svc.readable_products(user).filter(pk=product_id).first()
    if product is None:
        raise not_found()
    return product_out(product)


@router.post("/products", response=responses({201: ProductOut}, 400, 401, 403, 404, 422), summary="Đăng ký sản phẩm")
def product_register(request, payload: ProductIn):
    """Đăng ký một sản phẩm mới của chủ thể (trạng thái “Đã đăng ký”), như trang “Đăng ký sản phẩm” trên web: tài khoản chủ thể
    cho chủ thể của mình; cán bộ tỉnh, quản trị Trung ương cho chủ thể trong phạm vi."""
    user = request.auth
    if not (can(user, "products.manage") or can(user, "products.manage_own")):
        raise forbidden()
    entity = svc.readable_entities(user).filter(pk=payload.entity_id).first()
    if entity is None:
        raise not_found()
    if not (svc.can_edit_entity(user, entity) or svc.is_member(user, entity)):
        raise forbidden()
    unit = None
    if payload.commune_code.strip():
        try:
            unit = resolve_commune(payload.commune_code, payload.legacy)
        except ValidationError as exc:
            raise from_django_validation(ValidationError({"commune_code": exc.messages})) from exc
    product = Product(
        entity=entity,
        name=payload.name.strip(),
        sector=payload.sector,
        classification_code=payload.classification_code.strip(),
        classification_instrument=payload.classification_instrument,
        unit=unit,
        description=payload.description.strip(),
        registered_on=payload.registered_on,
    )
    if not product.name:
        raise from_django_validation(ValidationError({"name": _("Cần nhập tên sản phẩm.")}))
    try:
        svc.do_register_product(user, product, request=request)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "unit" in exc.error_dict:
            exc = ValidationError({("commune_code" if k == "unit" else k): v for k, v in exc.error_dict.items()})
        raise from_django_validation(exc) from exc
    product = svc.readable_products(user).filter(pk=product.pk).first() or product
    return Status(201, product_out(product))
