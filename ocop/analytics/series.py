"""Year series of an indicator for charts and compact tables (the public statistics page, the line
charts of /analytics/): the same cube as the pivot (services.compute), laid out as years × one axis
(dimension values or provinces), without the rows that are zero in every year.

The public statistics page reads certified products from here, so its figures are the pivot's, the
CSV's (export_indicator) and the API's (/api/v1/indicators/products_certified/)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from ocop.accounts.scope import Scope
from ocop.analytics import services

PUBLIC = Scope(national=True)  # certified products are public facts (the catalogue shows them)


@dataclass
class YearSeries:
    """Years as columns; `rows` as (key, label, [value per year], total), the rows that are zero in every
    year left out (`hidden` counts them); `totals` per year over every row (hidden ones are zero)."""

    years: list[int]
    rows: list[tuple[object, str, list, object]]
    totals: list
    grand_total: object
    hidden: int = 0
    codes: dict | None = None  # row key -> province code (rows by province)

    def chart(self, title: str) -> dict:
        return {
            "title": title,
            "categories": [str(y) for y in self.years],
            "series": [{"name": label, "values": values} for _key, label, values, _total in self.rows],
        }

    def line(self, title: str, name: str) -> dict:
        """One line of the totals per year."""
        return {
            "title": title,
            "categories": [str(y) for y in self.years],
            "series": [{"name": name, "values": self.totals}],
        }

    def by_code(self) -> dict[str, object]:
        """{province code: total over the years} (rows by province), for the province map."""
        return {self.codes[key]: total for key, _label, _values, total in self.rows if self.codes.get(key)}


def first_year_with_data(cube: services.Cube) -> int | None:
    years = [p for (_u, p, _d), v in cube.cells.items() if (v[1] if isinstance(v, list) else v)]
    return min(years) if years else None


def year_series(
    indicator: str,
    axis: str = "dimension",
    dimension: str = "",
    *,
    scope: Scope = PUBLIC,
    geography: str = "current",
    year_from: int | None = None,
    year_to: int | None = None,
    trim: bool = True,
) -> YearSeries:
    """The indicator by year × `axis` ("dimension": the values of `dimension`; "unit": the provinces of
    the geography; "total": one row). Years run from `year_from` (default: the first year with a
    figure, when `trim`, else the programme's first year) to `year_to` (default this year)."""
    year_to = year_to or timezone.localdate().year
    start = year_from or services.FIRST_YEAR
    cube = services.compute(
        services.Query(indicator, geography, "year", start, year_to, dimension if axis == "dimension" else ""), scope
    )
    if trim and year_from is None:
        first = first_year_with_data(cube)
        start = first if first is not None else year_to
    years = list(range(start, year_to + 1))
    members = {"dimension": cube.dims, "unit": cube.units, "total": [services.Member(None, "")]}[axis]
    # one pass over the cells: (row key, year) -> value ([num, den] for ratios)
    zero = [0, 0] if cube.indicator.is_ratio else 0
    acc: dict[tuple, object] = {}
    stock = cube.indicator.aggregation == "stock"
    for (unit, period, dim), value in cube.cells.items():
        key = (None if axis == "total" else unit if axis == "unit" else dim, period)
        if cube.indicator.is_ratio:
            cell = acc.setdefault(key, [0, 0])
            cell[0] += value[0]
            cell[1] += value[1]
        else:
            acc[key] = acc.get(key, 0) + value
    rows, hidden = [], 0
    for member in members:
        raw = [acc.get((member.key, y), zero) for y in years]
        values = [cube.display(v) for v in raw]
        if cube.indicator.is_ratio:
            total = cube.display([sum(v[0] for v in raw), sum(v[1] for v in raw)])
        else:
            total = values[-1] if stock and values else sum(values)
        if trim and not any(values):
            hidden += 1
            continue
        rows.append((member.key, member.label, values, total))
    raw_totals = [[0, 0] if cube.indicator.is_ratio else 0 for _y in years]
    for (_row, period), value in acc.items():
        if period in years:
            i = years.index(period)
            if cube.indicator.is_ratio:
                raw_totals[i] = [raw_totals[i][0] + value[0], raw_totals[i][1] + value[1]]
            else:
                raw_totals[i] += value
    totals = [cube.display(v) for v in raw_totals]
    if cube.indicator.is_ratio:
        grand = cube.display([sum(v[0] for v in raw_totals), sum(v[1] for v in raw_totals)])
    else:
        grand = (totals[-1] if totals else 0) if stock else sum(totals)
    codes = {m.key: m.code for m in cube.units} if axis == "unit" else None
    return YearSeries(years, rows, totals, grand, hidden, codes)
