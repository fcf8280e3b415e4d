"""The pivot's cells, row, column and grand totals, in every layout, against hand-computed figures of
tests/world.py — a stock (cumulative certified products) whose total over periods is its last period."""

from __future__ import annotations

import pytest

from ocop.accounts.scope import Scope
from ocop.analytics.services import Query, compute, pivot
from ocop.analytics.tests.world import build, province
from ocop.geo.models import Era

pytestmark = pytest.mark.django_db
NATIONAL = Scope(national=True)


def rows_by_label(table) -> dict:
    return {m.label: (values, total) for m, values, total in table.body}


def test_stock_by_province_and_year():
    build()
    cube = compute(Query("products_certified_cumulative", "current", "year", 2019, 2026), NATIONAL)
    table = pivot(cube, "unit", "period")
    # distinct products certified up to each year's end: Hồng 2019; + Tân Cương, Rượu, Na Rì 2020; Mơ vàng 2024; Nón lá 2026
    assert rows_by_label(table)["Thái Nguyên"] == ([1, 4, 4, 4, 4, 5, 5, 6], 6)  # the row total is the last year
    assert rows_by_label(table)["Hà Nội"] == ([0, 1, 1, 1, 1, 1, 1, 1], 1)
    assert table.col_totals == [1, 5, 5, 5, 5, 6, 6, 7]
    assert table.grand_total == 7


def test_stock_with_periods_as_rows():
    build()
    cube = compute(Query("products_certified_cumulative", "current", "year", 2019, 2026), NATIONAL)
    table = pivot(cube, "period", "unit")
    tn = [i for i, m in enumerate(table.col_members) if m.code == "19"][0]
    hn = [i for i, m in enumerate(table.col_members) if m.code == "01"][0]
    by_year = {m.key: (values, total) for m, values, total in table.body}
    assert (by_year[2020][0][tn], by_year[2020][0][hn], by_year[2020][1]) == (4, 1, 5)
    assert (table.col_totals[tn], table.col_totals[hn]) == (6, 1)  # a column over the years: the last year
    assert table.grand_total == 7


def test_stock_by_group_is_the_last_period():
    build()
    cube = compute(Query("products_certified_cumulative", "current", "year", 2019, 2026, "group"), NATIONAL)
    table = pivot(cube, "unit", "dimension")
    tn = {m.label: (values, total) for m, values, total in table.body}["Thái Nguyên"]
    groups = [m.key for m in table.col_members]
    assert tn[0][groups.index("thuc_pham")] == 4  # Hồng, Tân Cương, Na Rì, Mơ vàng
    assert tn[0][groups.index("do_uong")] == 1
    assert tn[0][groups.index("thu_cong")] == 1
    assert tn[1] == 6
    # fixed to one year (the third axis filtered): 2020
    in_2020 = pivot(cube, "unit", "dimension", 2020)
    assert {m.label: total for m, _v, total in in_2020.body}["Thái Nguyên"] == 4


def test_sum_by_star_filtered_to_one_province():
    build()
    cube = compute(Query("products_certified", "current", "year", 2019, 2026, "star"), NATIONAL)
    table = pivot(cube, "dimension", "period", province("19", Era.CURRENT).pk)
    stars = {m.key: (values, total) for m, values, total in table.body}
    assert stars[3] == ([1, 2, 0, 0, 0, 0, 0, 1], 4)
    assert stars[4] == ([0, 1, 0, 0, 0, 1, 0, 0], 2)
    assert stars[5] == ([0] * 8, 0)  # Bánh cốm is Hà Nội's
    assert table.grand_total == 6
