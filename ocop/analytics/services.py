"""Any indicator by unit × period × dimension, on a chosen geography.

- `legacy`: the 63 provinces valid before 01/7/2025; records kept on units created by the reform
  cannot be split back over the old provinces and are shown on one line of their own.
- `current`: the 34 provinces from 01/7/2025; a record on a legacy unit counts for the province that
  holds its territory now, through the crosswalk (ocop/geo/services.py `all_successor_ids`): the 2020
  figure of today's Thái Nguyên is legacy Thái Nguyên plus Bắc Kạn.

The database aggregates (one GROUP BY query per part of an indicator); Python only maps provinces to
the geography and adds the cells of the pivot. Every query goes through the user's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models import IntegerField
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.scope import Scope
from ocop.analytics.definitions import DIMENSIONS, DefinitionError, Indicator, Target, get_indicator, targets_for
from ocop.analytics.measures import MEASURES, Part
from ocop.geo.models import AdminUnit, Era, Level
from ocop.geo.services import LEGACY_END, all_predecessor_ids, all_successor_ids, provinces_by_pk, unit_on
from ocop.lib.collation import vi_sorted
from ocop.lib.dates import PROGRAMME_START, format_date
from ocop.programme.models import ProvincialPlan

GEOGRAPHIES = {
    "current": _("34 tỉnh, thành phố hiện hành (số liệu cũ quy đổi theo bảng chuyển đổi)"),
    "legacy": _("63 tỉnh, thành phố trước 01/7/2025"),
}
PERIOD_KINDS = {"year": _("Năm"), "quarter": _("Quý"), "request": _("Kỳ báo cáo (theo yêu cầu báo cáo)")}
LEVELS = {"province": _("Tỉnh, thành phố"), "commune": _("Xã, phường của một tỉnh")}
ABOVE = "above"  # commune level: records kept at province or district level
SPLIT = "split"  # commune level, current geography: a legacy commune split over several new ones
AXES = {"unit": _("Tỉnh, thành phố"), "period": _("Kỳ"), "dimension": _("Chiều phân tích")}
FIRST_YEAR = PROGRAMME_START.year  # QĐ 490/QĐ-TTg (ocop/lib/data/date_bounds.json): the programme's first year
# the first year whose products were ranked (604 products ≥3★ by 12/2019, docs/domain.md §9): the default start
DEFAULT_YEAR_FROM = FIRST_YEAR + 1
MAX_YEARS = 20
UNALLOCATED = "unallocated"  # legacy geography: records on units created by the reform
ALL = ""


class DateYear(ExtractYear):
    """The year of a date column; on SQLite in SQL (strftime) rather than Django's Python function
    called once per row, which made a national pivot several times slower than the same GROUP BY
    written by hand (ocop/bench/bench_analytics.py). Every date of the measures is a DateField."""

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%%Y', {sql}) AS INTEGER)", params


class DateQuarter(ExtractQuarter):
    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"((CAST(strftime('%%m', {sql}) AS INTEGER) + 2) / 3)", params


class QueryError(ValueError):
    """A choice the service cannot answer, with a Vietnamese message for the user."""


@dataclass
class Query:
    indicator: str
    geography: str = "current"
    period: str = "year"
    year_from: int = DEFAULT_YEAR_FROM
    year_to: int = field(default_factory=lambda: timezone.localdate().year)
    dimension: str = ""
    level: str = "province"  # "commune": the communes of one province (`within`, a province id)
    within: int | None = None

    def validate(self) -> Indicator:
        try:
            ind = get_indicator(self.indicator)
        except DefinitionError as exc:
            raise QueryError(str(exc)) from None
        if self.geography not in GEOGRAPHIES:
            raise QueryError(_("Địa giới phải là “current” (34 tỉnh) hoặc “legacy” (63 tỉnh)."))
        if self.period not in PERIOD_KINDS:
            raise QueryError(_("Kỳ phải là năm, quý hoặc kỳ báo cáo."))
        if self.period == "request" and not all(p.request for p in MEASURES[ind.code].values()):
            raise QueryError(_("Chỉ các chỉ tiêu về báo cáo mới tính theo kỳ báo cáo; hãy chọn năm hoặc quý."))
        last = timezone.localdate().year + 5
        if not (FIRST_YEAR <= self.year_from <= last and FIRST_YEAR <= self.year_to <= last):
            raise QueryError(_("Năm phải từ %(a)s đến %(b)s.") % {"a": FIRST_YEAR, "b": last})
        if self.year_from > self.year_to:
            raise QueryError(
                _("Năm bắt đầu (%(a)s) sau năm kết thúc (%(b)s).") % {"a": self.year_from, "b": self.year_to}
            )
        if self.year_to - self.year_from >= MAX_YEARS:
            raise QueryError(_("Chọn tối đa %(n)s năm.") % {"n": MAX_YEARS})
        if self.level not in LEVELS:
            raise QueryError(_("Cấp phải là tỉnh hoặc xã."))
        if self.dimension and self.dimension not in ind.dimensions:
            raise QueryError(
                _("Chỉ tiêu “%(i)s” không có chiều “%(d)s”.") % {"i": ind.name_vi, "d": self.dimension[:40]}
            )
        return ind


@dataclass
class Member:
    key: object
    label: str
    code: str = ""  # province code (units) for maps and exports


@dataclass
class Cube:
    """Aggregated cells: (unit key, period key, dimension key) -> value, or [numerator, denominator]
    for ratios. `units`, `periods`, `dims` list the members of each axis in display order."""

    indicator: Indicator
    query: Query
    units: list[Member]
    periods: list[Member]
    dims: list[Member]
    cells: dict[tuple, object] = field(default_factory=dict)

    # --- combining cells ------------------------------------------------------------------------
    def _zero(self):
        return [0, 0] if self.indicator.is_ratio else 0

    def total(self, unit=None, period=None, dim=None):
        """The value over every cell matching the given keys (None: all members of that axis),
        combined as the indicator's aggregation says."""
        if self.indicator.aggregation == "stock" and period is None:
            if not self.periods:
                return None
            period = self.periods[-1].key  # a stock over several periods is its last value
        acc = self._zero()
        for (u, p, d), value in self.cells.items():
            if (
                (unit is not None and u != unit)
                or (period is not None and p != period)
                or (dim is not None and d != dim)
            ):
                continue
            if self.indicator.is_ratio:
                acc[0] += value[0]
                acc[1] += value[1]
            else:
                acc += value
        return self.display(acc)

    def display(self, value):
        if self.indicator.is_ratio:
            return round(100 * value[0] / value[1], 1) if value[1] else None
        return value

    def axis(self, name: str) -> list[Member]:
        return {"unit": self.units, "period": self.periods, "dimension": self.dims}[name]


# --- periods ----------------------------------------------------------------------------------------


def _periods(query: Query, parts: list[Part], scope: Scope) -> list[Member]:
    if query.period == "year":
        return [Member(y, str(y)) for y in range(query.year_from, query.year_to + 1)]
    if query.period == "quarter":
        return [
            Member((y, q), _("Quý %(q)s/%(y)s") % {"q": q, "y": y})
            for y in range(query.year_from, query.year_to + 1)
            for q in range(1, 5)
        ]
    from ocop.reporting.models import ReportRequest, RequestStatus

    requests = (
        ReportRequest.objects.exclude(status=RequestStatus.DRAFT)
        .filter(cutoff__year__gte=query.year_from, cutoff__year__lte=query.year_to)
        .order_by("cutoff", "pk")
        .values_list("pk", "title", "cutoff")
    )
    return [Member(pk, f"{title} ({format_date(cutoff)})") for pk, title, cutoff in requests]


def _period_end(query: Query, key) -> dt.date:
    if query.period == "year":
        return dt.date(key, 12, 31)
    year, quarter = key
    month = quarter * 3
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


# --- dimension labels -------------------------------------------------------------------------------


def _dimension_labels(code: str) -> dict:
    from ocop.evaluation.models import CouncilLevel
    from ocop.products.models import EntityKind, Sector
    from ocop.programme.models import ActivityKind, DocumentKind, FundingSource, IssuerKind

    choices = {
        "group": Sector,
        "entity_kind": EntityKind,
        "council_level": CouncilLevel,
        "recipient_level": Level,
        "funding_source": FundingSource,
        "activity_kind": ActivityKind,
        "document_kind": DocumentKind,
        "issuer_kind": IssuerKind,
    }
    if code == "star":
        return {s: _("%(n)s sao") % {"n": s} for s in range(1, 6)}
    return {value: str(label) for value, label in choices[code].choices}


# --- geography --------------------------------------------------------------------------------------


def _geography(query: Query, scope: Scope) -> tuple[list[Member], dict[int, object]]:
    """The unit members of the chosen geography within `scope`, and province id -> member key for every
    province (legacy and current) whose records count."""
    provinces = provinces_by_pk()
    members: list[Member] = []
    mapping = dict(_province_mapping(query.geography, provinces))
    if query.geography == "current":
        for pk, p in provinces.items():
            if p.era == Era.CURRENT and scope.covers(p):
                members.append(Member(pk, p.name, p.code))
    else:
        for pk, p in provinces.items():
            if p.era == Era.LEGACY and scope.covers(p):
                named = unit_on(p, LEGACY_END)
                members.append(Member(pk, named.name, p.code))
    members = vi_sorted(members, key=lambda m: m.label)
    allowed = {m.key for m in members}
    mapping = {pk: key for pk, key in mapping.items() if key in allowed or key == UNALLOCATED}
    return members, mapping


_MAPPINGS: dict[str, tuple[list, dict[int, object]]] = {}


def _province_mapping(geography: str, provinces: dict) -> dict[int, object]:
    """Every province id -> the province (member key) of the geography whose figures it counts in:
    current, through the crosswalk (a legacy province whose territory went to one current province);
    legacy, itself, or UNALLOCATED for a province created by the reform. Kept while ocop/geo/services.py
    `provinces_by_pk` (cached per process, cleared when units change) gives the same unit objects."""
    units = list(provinces.values())
    cached = _MAPPINGS.get(geography)
    if cached is not None and len(cached[0]) == len(units) and all(a is b for a, b in zip(cached[0], units)):
        return cached[1]
    mapping: dict[int, object] = {}
    for pk, p in provinces.items():
        if geography == "legacy":
            mapping[pk] = pk if p.era == Era.LEGACY else UNALLOCATED
        elif p.era == Era.CURRENT:
            mapping[pk] = pk
        else:
            successors = [s for s in all_successor_ids(pk) if s in provinces and provinces[s].era == Era.CURRENT]
            if len(successors) == 1:
                mapping[pk] = successors[0]
    _MAPPINGS[geography] = (units, mapping)
    return mapping


def province_choices(query: Query, scope: Scope) -> list[Member]:
    """The provinces of the chosen geography that the scope covers (for the commune level)."""
    return _geography(query, scope)[0]


def _communes(query: Query, scope: Scope) -> list[Member]:
    """Commune members: the communes of the province `query.within` (of the chosen geography), named
    as in that geography; the province must be one the scope covers."""
    provinces = {m.key: m for m in province_choices(query, scope)}
    if query.within is None and len(provinces) == 1:
        query.within = next(iter(provinces))
    if query.within not in provinces:
        raise QueryError(_("Chọn một tỉnh, thành phố trong phạm vi của bạn để xem theo xã."))
    era = Era.CURRENT if query.geography == "current" else Era.LEGACY
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, era=era, province_id=query.within)
    if era == Era.LEGACY:
        communes = communes.as_of(LEGACY_END)
    members = [Member(c.pk, c.full_name, c.code) for c in communes if scope.covers(c)]
    return vi_sorted(members, key=lambda m: m.label)


def _commune_mapping(query: Query, members: list[Member], unit_ids: set[int]) -> dict[int, object]:
    """Record unit id -> commune member key (or ABOVE, SPLIT, UNALLOCATED); units of other provinces
    are left out."""
    from ocop.geo.services import units_by_pk

    shown = {m.key for m in members}
    units = units_by_pk(sorted(i for i in unit_ids if i is not None))
    within = query.within
    mapping: dict[int, object] = {}
    for pk, unit in units.items():
        if unit.level != Level.COMMUNE:
            if unit.province_id == within or (
                query.geography == "current" and within in all_successor_ids(unit.province_id)
            ):
                mapping[pk] = ABOVE
            continue
        if pk in shown:
            mapping[pk] = pk
        elif query.geography == "legacy":
            if unit.era == Era.CURRENT and set(all_predecessor_ids(unit)) & shown:
                mapping[pk] = UNALLOCATED  # a new commune partly on this legacy province's territory
        elif unit.era == Era.LEGACY:
            successors = [s for s in all_successor_ids(pk) if s in shown]
            if len(successors) == 1 and len(all_successor_ids(pk)) == 1:
                mapping[pk] = successors[0]
            elif successors:
                mapping[pk] = SPLIT
    return mapping


# --- the database side ------------------------------------------------------------------------------


def _grouped(part: Part, query: Query, scope: Scope, periods: list[Member]):
    """Rows (province id, period key, dimension value, value) aggregated in the database."""
    qs = scope.filter(part.rows(), unit_field=part.unit)
    province = F(part.unit) if query.level == "commune" else F(f"{part.unit}__province_id")
    dim_field = part.dims.get(query.dimension) if query.dimension else None
    group: dict = {"g_province": province}
    if dim_field:
        group["g_dim"] = F(dim_field)
    if part.distinct:  # a stock: distinct rows up to each period's end, one conditional count per period
        ends = [_period_end(query, m.key) for m in periods]
        if not ends:
            return []
        qs = qs.filter(**{f"{part.date}__lte": ends[-1]})
        aggregates = {
            f"v{i}": Count(part.distinct, distinct=True, filter=Q(**{f"{part.date}__lte": end}))
            for i, end in enumerate(ends)
        }
        rows = qs.values(**group).annotate(**aggregates).order_by()
        out = []
        for row in rows:
            for i, m in enumerate(periods):
                out.append((row["g_province"], m.key, row.get("g_dim", ALL), row[f"v{i}"]))
        return out
    if query.period == "request":
        group["g_p1"] = F(part.request)
        qs = qs.filter(**{f"{part.request}__in": [m.key for m in periods]})
    elif query.period == "year" and part.year:
        group["g_p1"] = F(part.year)
        qs = qs.filter(**{f"{part.year}__gte": query.year_from, f"{part.year}__lte": query.year_to})
    else:
        qs = qs.filter(
            **{f"{part.date}__gte": dt.date(query.year_from, 1, 1), f"{part.date}__lte": dt.date(query.year_to, 12, 31)}
        )
        group["g_p1"] = DateYear(part.date, output_field=IntegerField())
        if query.period == "quarter":
            group["g_p2"] = DateQuarter(part.date, output_field=IntegerField())
    rows = qs.values(**group).annotate(v=part.value()).order_by()
    out = []
    for row in rows:
        period = (row["g_p1"], row["g_p2"]) if "g_p2" in row else row["g_p1"]
        out.append((row["g_province"], period, row.get("g_dim", ALL), row["v"] or 0))
    return out


def compute(query: Query, scope: Scope) -> Cube:
    """The indicator's cube for `query`, seen through `scope`. Raises QueryError for bad choices."""
    indicator = query.validate()
    parts = MEASURES[indicator.code]
    if query.level == "commune":
        units, mapping = _communes(query, scope), None
    else:
        units, mapping = _geography(query, scope)
    periods = _periods(query, list(parts.values()), scope)
    period_keys = {m.key for m in periods}
    cells: dict[tuple, object] = {}
    seen_dims: set = set()
    unallocated = False
    grouped = {role: _grouped(part, query, scope, periods) for role, part in parts.items()}
    if mapping is None:
        mapping = _commune_mapping(query, units, {row[0] for rows in grouped.values() for row in rows})
    extra = set()
    for role, rows in grouped.items():
        for province_id, period, dim, value in rows:
            unit_key = mapping.get(province_id)
            if unit_key is None or period not in period_keys:
                continue
            unallocated = unallocated or unit_key == UNALLOCATED
            if unit_key in (ABOVE, SPLIT):
                extra.add(unit_key)
            seen_dims.add(dim)
            key = (unit_key, period, dim)
            if indicator.is_ratio:
                cell = cells.setdefault(key, [0, 0])
                cell[0 if role == "num" else 1] += value
            else:
                cells[key] = cells.get(key, 0) + value
    if unallocated:
        units.append(Member(UNALLOCATED, _("Đơn vị sau 01/7/2025 (không chia lại được cho 63 tỉnh)")))
    if SPLIT in extra:
        units.append(Member(SPLIT, _("Xã cũ đã chia cho nhiều xã mới (không chia được số liệu)")))
    if ABOVE in extra:
        units.append(Member(ABOVE, _("Ghi ở cấp tỉnh, huyện (không thuộc xã nào)")))
    if query.dimension:
        labels = _dimension_labels(query.dimension)
        keys = list(labels) + [k for k in seen_dims if k not in labels]
        dims = [Member(k, labels.get(k, _("Không xác định"))) for k in keys if k in labels or k in seen_dims]
    else:
        dims = [Member(ALL, _("Tất cả"))]
    return Cube(indicator, query, units, periods, dims, cells)


# --- pivot ------------------------------------------------------------------------------------------


@dataclass
class Pivot:
    cube: Cube
    rows: str
    cols: str
    filter_axis: str
    filter_key: object
    row_members: list[Member]
    col_members: list[Member]
    body: list[tuple[Member, list, object]]  # (row member, values per column, row total)
    col_totals: list
    grand_total: object


def pivot(cube: Cube, rows: str = "unit", cols: str = "period", filter_key=None) -> Pivot:
    """Rows and columns among unit, period, dimension; the third axis is summed (or fixed to one member)."""
    if rows not in AXES or cols not in AXES or rows == cols:
        raise QueryError(_("Dòng và cột phải là hai trong ba: tỉnh, kỳ, chiều phân tích."))
    third = next(a for a in AXES if a not in (rows, cols))
    if filter_key is not None and filter_key not in {m.key for m in cube.axis(third)}:
        filter_key = None

    row_members, col_members = cube.axis(rows), cube.axis(cols)
    sums = _pivot_sums(cube, rows, cols, third, filter_key)
    zero = cube._zero()

    def value(r, c):
        return cube.display(sums.get((r, c), zero))

    body = [(r, [value(r.key, c.key) for c in col_members], value(r.key, NONE)) for r in row_members]
    col_totals = [value(NONE, c.key) for c in col_members]
    return Pivot(cube, rows, cols, third, filter_key, row_members, col_members, body, col_totals, value(NONE, NONE))


NONE = object()  # "every member of this axis" in the sums of a pivot


def _pivot_sums(cube: Cube, rows: str, cols: str, third: str, filter_key) -> dict[tuple, object]:
    """(row key | NONE, column key | NONE) -> the raw sum (or [numerator, denominator]) in one pass over
    the cells: the same figures as Cube.total for each cell, row, column and the grand total (a stock
    summed over periods is its last period), without a pass over every cell per figure."""
    index = {"unit": 0, "period": 1, "dimension": 2}
    ri, ci, ti = index[rows], index[cols], index[third]
    stock = cube.indicator.aggregation == "stock"
    last = cube.periods[-1].key if cube.periods else None
    fixed = filter_key
    if fixed is None and stock and third == "period":
        fixed = last
    ratio = cube.indicator.is_ratio
    sums: dict[tuple, object] = {}
    for key, value in cube.cells.items():
        if fixed is not None and key[ti] != fixed:
            continue
        r, c = key[ri], key[ci]
        at_last = key[1] == last
        for target in ((r, c), (r, NONE), (NONE, c), (NONE, NONE)):
            # a stock summed over the periods (the period axis set to NONE) is its last period's value
            if stock and ((ri == 1 and target[0] is NONE) or (ci == 1 and target[1] is NONE)) and not at_last:
                continue
            if ratio:
                cell = sums.setdefault(target, [0, 0])
                cell[0] += value[0]
                cell[1] += value[1]
            else:
                sums[target] = sums.get(target, 0) + value
    return sums


# --- targets ----------------------------------------------------------------------------------------


@dataclass
class Progress:
    target: object
    actual: object
    percent: float | None


PLAN_INDICATOR = "products_certified_cumulative"  # what a provincial plan's target counts


def plan_progress(scope: Scope) -> list[Progress]:
    """The targets of the provincial plans in `scope` (ProvincialPlan.target_products by target_year,
    entered in the programme registry) against the province's certified products up to the end of that
    year: a plan of a legacy province on the legacy geography, of a current province on the current one.
    One computation per (geography, year)."""
    plans = (
        scope.filter(ProvincialPlan.objects.alive(), unit_field="unit")
        .filter(target_products__isnull=False, target_year__isnull=False)
        .select_related("unit", "unit__province")
        .order_by("target_year", "unit__code", "pk")
    )
    cubes: dict[tuple, Cube] = {}
    result = []
    for plan in plans:
        province = plan.unit if plan.unit.level == Level.PROVINCE else plan.unit.province
        geography = "legacy" if province.era == Era.LEGACY else "current"
        year = plan.target_year
        if not FIRST_YEAR <= year <= timezone.localdate().year + 5:
            continue
        key = (geography, year)
        if key not in cubes:
            cubes[key] = compute(Query(PLAN_INDICATOR, geography, "year", year, year), scope)
        cube = cubes[key]
        actual = cube.total(unit=province.pk, period=year) if any(m.key == province.pk for m in cube.units) else None
        name = unit_on(province, LEGACY_END).name if geography == "legacy" else province.name
        target = Target(
            code=f"plan-{plan.pk}",
            indicator=PLAN_INDICATOR,
            scope=province.code,
            year=year,
            value=plan.target_products,
            comparison="at_least",
            label_vi=_("%(province)s: sản phẩm OCOP được công nhận (lũy kế)") % {"province": name},
            instrument=" ".join(x for x in (str(plan), plan.decision_number) if x),
            source="registry",
            confirmed=True,
        )
        percent = round(100 * actual / plan.target_products, 1) if actual is not None and plan.target_products else None
        result.append(Progress(target, actual, percent))
    return result


def progress(indicator_code: str, scope: Scope) -> list[Progress]:
    """National targets of the indicator with the national figure of their year (central users only:
    a province's figure is not compared with a national target); for a province officer, the targets of
    its provincial plans (plan_progress) when the indicator is the one they count."""
    result = []
    if not scope.national:
        return plan_progress(scope) if indicator_code == PLAN_INDICATOR else result
    for target in targets_for(indicator_code):
        if target.value is None or target.filter:
            result.append(Progress(target, None, None))
            continue
        cube = compute(Query(indicator_code, "current", "year", target.year, target.year), scope)
        actual = cube.total()
        percent = round(100 * actual / target.value, 1) if actual is not None and target.value else None
        result.append(Progress(target, actual, percent))
    return result


def dimension_choices(indicator: Indicator) -> list[tuple[str, str]]:
    return [(d, str(DIMENSIONS[d])) for d in indicator.dimensions]
