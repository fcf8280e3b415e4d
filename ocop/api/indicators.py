"""Programme indicators (issue 18): the definitions, and any indicator by unit × period × dimension on
either geography, from the same service as the /analytics/ pivot and `manage.py export_indicator`
(ocop/analytics/services.py). Same parameters as export_indicator: by, from, to, geography, period, and
the filters province (one province of the chosen geography) and level/within (the communes of one
province).

Scope, as the data beneath:
- an indicator marked public (computed from certified products only, which the public catalogue shows)
  answers anyone, without a token, for the whole country;
- with a token of an account that may read the analytics (`analytics.view`: central users and province
  officers), every indicator answers through the account's scope: a province officer sees their own province and its communes (the legacy
  provinces it absorbed on the legacy geography), never another province's figures;
- any other indicator (reports, evaluation rounds, registries) needs such a token: 401 without one,
  403 with a token of an account that may not read the analytics."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import AuthenticationError

from ocop.accounts.permissions import can
from ocop.accounts.scope import Scope, scope_for
from ocop.analytics import services
from ocop.analytics.definitions import DIMENSIONS, Indicator, indicators, targets_for
from ocop.api.auth import token_auth
from ocop.api.common import Code, Text
from ocop.api.errors import forbidden, invalid, not_found, responses

router = Router(tags=["Chỉ tiêu chương trình"])

DimensionCode = Literal[tuple(DIMENSIONS)]  # type: ignore[valid-type]
IndicatorCode = Text(64)


class DimensionOut(Schema):
    code: str
    label: str


class TargetOut(Schema):
    code: str
    scope: str = Field(description="national hoặc mã tỉnh.")
    year: int
    value: float | None = Field(description="null: chưa tìm được con số trong văn bản (xem gap).")
    value_min: float | None = None
    comparison: str
    label_vi: str
    instrument: str
    source: str
    confirmed: bool
    gap: str = ""


class IndicatorOut(Schema):
    code: str
    version: int
    name_vi: str
    name_en: str
    description_vi: str
    unit_vi: str
    source: Literal["registry", "reports", "evaluation", "catalogue"]
    aggregation: Literal["sum", "ratio", "stock"] = Field(
        description="sum: cộng được; ratio: tỷ lệ % = tổng tử số / tổng mẫu số; stock: lũy kế đến cuối kỳ."
    )
    dimensions: list[DimensionOut]
    citation: str
    public: bool = Field(description="true: công khai, không cần khóa API.")
    targets: list[TargetOut]


class IndicatorList(Schema):
    count: int
    items: list[IndicatorOut]


class ValueRow(Schema):
    unit_code: str = Field(
        description="Mã tỉnh (hoặc xã); unallocated: đơn vị sau 01/7/2025 trên địa giới 63 tỉnh; split: xã cũ "
        "đã chia cho nhiều xã mới; above: ghi ở cấp tỉnh, huyện (cấp xã)."
    )
    unit_name: str
    period: str = Field(description="Năm (2020), quý (2020-Q1) hoặc mã yêu cầu báo cáo.")
    period_label: str
    dimension: str | None = Field(None, description="Giá trị của chiều phân tích (khi by khác province).")
    dimension_label: str | None = None
    value: float | int | None = Field(description="null: tỷ lệ không tính được (không có mẫu số).")


class PeriodTotal(Schema):
    period: str
    period_label: str
    value: float | int | None


class IndicatorValues(Schema):
    indicator: IndicatorOut
    geography: Literal["current", "legacy"]
    period: Literal["year", "quarter", "request"]
    year_from: int
    year_to: int
    by: str
    level: Literal["province", "commune"]
    national: bool = Field(description="true: số liệu toàn quốc; false: chỉ các đơn vị trong phạm vi tài khoản.")
    count: int
    rows: list[ValueRow]
    totals: list[PeriodTotal] = Field(description="Tổng theo kỳ trên mọi dòng (theo cách cộng dồn của chỉ tiêu).")
    total: float | int | None = Field(description="Tổng cả khoảng thời gian (chỉ tiêu lũy kế: giá trị kỳ cuối).")


def _indicator_out(ind: Indicator) -> dict:
    return {
        "code": ind.code,
        "version": ind.version,
        "name_vi": ind.name_vi,
        "name_en": ind.name_en,
        "description_vi": ind.description_vi,
        "unit_vi": ind.unit_vi,
        "source": ind.source,
        "aggregation": ind.aggregation,
        "citation": ind.citation,
        "public": ind.public,
        "dimensions": [{"code": d, "label": str(DIMENSIONS[d])} for d in ind.dimensions],
        "targets": [t.__dict__ | {"code": t.code} for t in targets_for(ind.code)],
    }


def _viewer(request, ind: Indicator) -> Scope:
    """The scope to answer with: the token's account when it may read the analytics; the whole
    country for a public indicator otherwise; 401/403 for the rest."""
    header = request.headers.get("Authorization", "")
    user = None
    if header:
        kind, _sep, token = header.partition(" ")
        user = token_auth.authenticate(request, token) if kind.lower() == "bearer" and token.strip() else None
        if user is None:
            raise AuthenticationError()
    if user is not None and can(user, "analytics.view"):
        return scope_for(user)
    if ind.public:
        return Scope(national=True)
    if user is None:
        raise AuthenticationError()
    raise forbidden()


class DefinitionFilters(Schema):
    source: Literal["registry", "reports", "evaluation", "catalogue"] | None = Field(None, description="Nguồn số liệu.")
    public: bool | None = Field(None, description="true: chỉ các chỉ tiêu công khai (không cần khóa).")


@router.get(
    "/indicators/", response=responses({200: IndicatorList}, 422), auth=None, summary="Các chỉ tiêu chương trình"
)
def indicators_list(request, filters: Query[DefinitionFilters]):
    """Định nghĩa các chỉ tiêu theo dõi Chương trình OCOP (mã, tên, đơn vị, nguồn, cách cộng dồn, các chiều phân tích)
    và các mục tiêu kèm nguồn (QĐ 919/QĐ-TTg...). Không cần khóa; số liệu của chỉ tiêu không công khai cần khóa."""
    items = [
        _indicator_out(ind)
        for ind in indicators().values()
        if (filters.source is None or ind.source == filters.source)
        and (filters.public is None or ind.public == filters.public)
    ]
    return {"count": len(items), "items": items}


class ValueFilters(Schema):
    by: Literal[("province",) + tuple(DIMENSIONS)] = Field(  # type: ignore[valid-type]
        "province",
        description="province: một dòng mỗi đơn vị và kỳ; một chiều của chỉ tiêu (star, group...): thêm một dòng "
        "mỗi giá trị của chiều đó.",
    )
    year_from: int = Field(services.DEFAULT_YEAR_FROM, alias="from", ge=1900, le=2200, description="Năm đầu.")
    year_to: int | None = Field(None, alias="to", ge=1900, le=2200, description="Năm cuối (mặc định năm nay).")
    geography: Literal["current", "legacy"] = Field(
        "current",
        description="current: 34 tỉnh hiện hành, số liệu cũ quy đổi theo bảng chuyển đổi; legacy: 63 tỉnh trước 01/7/2025.",
    )
    period: Literal["year", "quarter", "request"] = Field(
        "year", description="Kỳ: năm, quý, hoặc kỳ báo cáo (chỉ tiêu báo cáo)."
    )
    province: Code | None = Field(None, description="Chỉ dòng của tỉnh có mã này (trong địa giới đã chọn).")
    level: Literal["province", "commune"] = Field("province", description="commune: các xã, phường của tỉnh `within`.")
    within: Code | None = Field(
        None, description="Mã tỉnh (trong địa giới đã chọn) khi level=commune; cán bộ tỉnh: mặc định tỉnh mình."
    )


def _period_param(key) -> str:
    return f"{key[0]}-Q{key[1]}" if isinstance(key, tuple) else str(key)


@router.get(
    "/indicators/{code}/",
    response=responses({200: IndicatorValues}, 401, 403, 404, 422),
    auth=None,
    summary="Số liệu một chỉ tiêu theo đơn vị, kỳ và chiều",
)
def indicator_values(request, filters: Query[ValueFilters], code: IndicatorCode = Path(...)):
    """Một chỉ tiêu theo đơn vị × kỳ × chiều, trên địa giới đã chọn — cùng số liệu với trang Phân tích chỉ tiêu
    (/analytics/) và lệnh `manage.py export_indicator`. Chỉ tiêu công khai (sản phẩm được công nhận) không cần khóa;
    với khóa của tài khoản được xem chương trình, số liệu theo phạm vi tài khoản (cán bộ tỉnh: tỉnh mình và các xã)."""
    ind = indicators().get(code)
    if ind is None:
        raise not_found()
    scope = _viewer(request, ind)
    f = filters
    if f.by != "province" and f.by not in ind.dimensions:
        message = _("Chỉ tiêu này không phân tích theo “%(by)s”; chọn province hoặc một trong: %(dims)s.") % {
            "by": f.by,
            "dims": ", ".join(ind.dimensions) or "—",
        }
        raise invalid(message, [{"field": "by", "message": message}])
    query = services.Query(
        ind.code,
        f.geography,
        f.period,
        f.year_from,
        f.year_to or timezone.localdate().year,
        "" if f.by == "province" else f.by,
        f.level,
    )
    try:
        if f.level == "commune" and f.within:
            provinces = {m.code: m.key for m in services.province_choices(query, scope)}
            if f.within not in provinces:
                raise services.QueryError(_("Chọn một tỉnh, thành phố trong phạm vi của bạn để xem theo xã."))
            query.within = provinces[f.within]
        cube = services.compute(query, scope)
    except services.QueryError as exc:
        raise invalid(str(exc), [{"message": str(exc)}]) from None
    units = cube.units
    if f.province:
        units = [u for u in units if u.code == f.province]
        if not units:
            message = _("Không có tỉnh mã “%(code)s” trong địa giới đã chọn và phạm vi của bạn.") % {"code": f.province}
            raise invalid(message, [{"field": "province", "message": message}])
    zero = [0, 0] if ind.is_ratio else 0
    rows = []
    for unit in units:
        for period in cube.periods:
            for dim in cube.dims:
                value = cube.display(cube.cells.get((unit.key, period.key, dim.key), zero))
                rows.append(
                    {
                        "unit_code": unit.code or str(unit.key),
                        "unit_name": unit.label,
                        "period": _period_param(period.key),
                        "period_label": period.label,
                        "dimension": str(dim.key) if query.dimension else None,
                        "dimension_label": dim.label if query.dimension else None,
                        "value": value,
                    }
                )
    one = units[0].key if f.province else None  # the province filter keeps one unit

    def total(period=None):
        return cube.total(unit=one, period=period)

    return {
        "indicator": _indicator_out(ind),
        "geography": query.geography,
        "period": query.period,
        "year_from": query.year_from,
        "year_to": query.year_to,
        "by": f.by,
        "level": query.level,
        "national": scope.national,
        "count": len(rows),
        "rows": rows,
        "totals": [
            {"period": _period_param(p.key), "period_label": p.label, "value": total(p.key)} for p in cube.periods
        ],
        "total": total(),
    }
