"""The analytics pivot against raw SQL (issue 18: "a pivot of any indicator by province × year answers
within 2× the raw SQL doing the same aggregation").

Measured: the indicator service as the /analytics/ page runs it — `compute` (products certified,
current geography, every year of the programme, national scope) and `pivot` (provinces × years with
row, column and grand totals). Baseline: one hand-written GROUP BY over certificates joined to the
product's commune, its province and (legacy provinces) the current province that took it over, with the
totals added in Python. The check compares every cell, so a fast wrong answer never passes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from ocop.accounts.scope import Scope
from ocop.analytics.services import FIRST_YEAR, Query, compute, pivot
from ocop.bench.harness import Result, run


def _raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def bench_analytics_pivot(indicator: str = "products_certified") -> Result:
    year_to = timezone.localdate().year
    years = list(range(FIRST_YEAR, year_to + 1))
    year_sql = (
        "CAST(strftime('%%Y', c.issued_on) AS INTEGER)"
        if connection.vendor == "sqlite"
        else "CAST(EXTRACT(YEAR FROM c.issued_on) AS INTEGER)"
    )
    key = "CASE WHEN p.era = 'legacy' THEN cp.code ELSE p.code END"
    sql = (
        f"SELECT {key}, {year_sql}, COUNT(*) FROM evaluation_certificate c "
        "JOIN products_product pr ON pr.id = c.product_id "
        "JOIN geo_adminunit u ON u.id = pr.unit_id JOIN geo_adminunit p ON p.id = u.province_id "
        "LEFT JOIN geo_unitsuccession us ON us.predecessor_id = p.id "
        "LEFT JOIN geo_adminunit cp ON cp.id = us.successor_id AND cp.level = 'province' AND cp.era = 'current' "
        "WHERE pr.deleted_at IS NULL AND c.issued_on >= %s AND c.issued_on <= %s "
        f"GROUP BY {key}, {year_sql}"
    )
    params = (dt.date(FIRST_YEAR, 1, 1), dt.date(year_to, 12, 31))
    national = Scope(national=True)

    def measured():
        cube = compute(Query(indicator, "current", "year", FIRST_YEAR, year_to), national)
        table = pivot(cube, "unit", "period")
        return (
            {m.code: (list(values), total) for m, values, total in table.body},
            list(table.col_totals),
            table.grand_total,
        )

    def baseline():
        cells: dict[str, dict[int, int]] = defaultdict(dict)
        for code, year, n in _raw(sql, params):
            if code is not None:
                cells[code][int(year)] = n
        provinces = [
            code for (code,) in _raw("SELECT code FROM geo_adminunit WHERE level = 'province' AND era = 'current'")
        ]
        body = {}
        for code in provinces:
            values = [cells[code].get(y, 0) for y in years]
            body[code] = (values, sum(values))
        col_totals = [sum(body[c][0][i] for c in provinces) for i in range(len(years))]
        return body, col_totals, sum(col_totals)

    def check(a, b):
        assert a == b, "the analytics pivot differs from the raw SQL"

    return run(f"analytics pivot {indicator} 34 provinces × {len(years)} years vs raw SQL", measured, baseline, check)
