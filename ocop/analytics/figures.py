"""The indicator service as the figure source of the apps below analytics (ocop/programme/figures.py) and
the raw yearly rows the open-data file and the API statistics read (issue 18: one source of numbers).

Every figure here is computed from the indicator's own definition in measures.py (its rows, unit, date,
value), as the pivot computes it (services.py `compute`); only the grouping differs: by the province of
the record's unit, for a range of days or one report request, without the geography mapping, which the
caller applies (the board rolls provinces up as on its day).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db.models import F, IntegerField

from ocop.analytics.measures import MEASURES, Part
from ocop.analytics.services import DateYear
from ocop.lib.prepared import Prepared


def _part(code: str, part: str = "value") -> Part:
    try:
        return MEASURES[code][part]
    except KeyError:
        raise KeyError(f"indicator {code!r} has no part {part!r}") from None


@functools.cache
def _by_province_query(code: str) -> Prepared:
    """The grouped query of `by_province`, compiled once per process (the board asks it three times
    for every day it shows; building the SQL cost as much as running it, issue 17)."""
    part = _part(code)
    if part.distinct or part.request:
        raise ValueError(f"indicator {code!r} is not a sum over days")

    def build(start, end):
        if part.year:  # whole years, integers
            qs = part.rows().filter(**{f"{part.year}__gte": start, f"{part.year}__lte": end})
        else:
            qs = part.rows().filter(**{f"{part.date}__gte": start, f"{part.date}__lte": end})
        return qs.values(g=F(f"{part.unit}__province_id")).annotate(v=part.value()).order_by().values_list("g", "v")

    return Prepared(build, dates=() if part.year else ("start", "end"))


def by_province(code: str, start: dt.date, end: dt.date) -> dict[int, int]:
    """Indicator `code` over the days start..end, per province id of the record's unit. Records that carry
    a year of their own (funding) count by that year, start.year..end.year, as a yearly pivot counts them."""
    query = _by_province_query(code)
    bounds = (start.year, end.year) if _part(code).year else (start, end)
    result: dict[int, int] = {}
    for province_id, value in query.list(start=bounds[0], end=bounds[1]):
        result[province_id] = result.get(province_id, 0) + (value or 0)
    return result


def of_request(code: str, request_id: int, part: str = "value") -> int:
    """Indicator `code` (or the numerator "num" / denominator "den" of a ratio) for one report request,
    over all its units."""
    p = _part(code, part)
    if not p.request:
        raise ValueError(f"indicator {code!r} is not counted by report request")
    return p.rows().filter(**{p.request: request_id}).aggregate(v=p.value())["v"] or 0


def by_year(
    code: str, dims: tuple[str, ...] = (), *, year: int | None = None, filters: dict | None = None
) -> list[tuple[int, int, tuple, int]]:
    """Rows (year of the indicator's date, province id of the record's unit, dimension values, value) of
    a sum indicator, grouped in the database by any number of its dimensions at once; `filters` are
    field lookups on the indicator's rows (e.g. a province or a product group)."""
    p = _part(code)
    if p.distinct or p.request:
        raise ValueError(f"indicator {code!r} is not a sum by year")
    qs = p.rows().filter(**(filters or {}))
    year_expr = F(p.year) if p.year else DateYear(p.date, output_field=IntegerField())
    if year is not None:
        qs = qs.filter(
            **(
                {p.year: year}
                if p.year
                else {f"{p.date}__gte": dt.date(year, 1, 1), f"{p.date}__lte": dt.date(year, 12, 31)}
            )
        )
    group = {"g_year": year_expr, "g_province": F(f"{p.unit}__province_id")}
    group.update({f"g_{d}": F(p.dims[d]) for d in dims})
    rows = qs.values(**group).annotate(v=p.value()).order_by()
    return [(r["g_year"], r["g_province"], tuple(r[f"g_{d}"] for d in dims), r["v"] or 0) for r in rows]


def province_columns() -> dict[int, tuple[int | None, int | None]]:
    """Province id of a record's unit -> (its province on the current geography, on the legacy one): the
    mapping of the pivot (services.py); a record on a unit created by the 2025 reform has no legacy
    province (it cannot be split back), a legacy province with no single successor no current one."""
    from ocop.geo.models import Era
    from ocop.geo.services import provinces_by_pk

    from ocop.analytics.services import _province_mapping

    provinces = provinces_by_pk()
    current = _province_mapping("current", provinces)
    return {pk: (current.get(pk), pk if p.era == Era.LEGACY else None) for pk, p in provinces.items()}
