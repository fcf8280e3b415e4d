"""The indicator service against hand-computed figures (tests/world.py), on both geographies."""

from __future__ import annotations

import pytest

from ocop.accounts.scope import Scope
from ocop.analytics.services import UNALLOCATED, Query, QueryError, compute, pivot
from ocop.analytics.tests.world import build, province
from ocop.geo.models import Era
from ocop.geo.services import all_predecessor_ids

pytestmark = pytest.mark.django_db
NATIONAL = Scope(national=True)


def by_code(cube, period, dim=""):
    """{province code: value} of one period (and dimension)."""
    return {m.code: cube.total(unit=m.key, period=period, dim=dim or None) for m in cube.units}


def test_2020_current_thai_nguyen_is_legacy_thai_nguyen_plus_bac_kan():
    build()
    cube = compute(Query("products_certified", "current", "year", 2019, 2026), NATIONAL)
    figures = by_code(cube, 2020)
    assert figures["19"] == 3  # legacy Thái Nguyên 2 + Bắc Kạn 1
    assert figures["01"] == 1
    assert "06" not in figures  # Bắc Kạn is no province of the current geography
    legacy = compute(Query("products_certified", "legacy", "year", 2019, 2026), NATIONAL)
    assert by_code(legacy, 2020)["19"] == 2
    assert by_code(legacy, 2020)["06"] == 1


def test_time_series_across_the_reform_never_shows_a_province_twice():
    build()
    cube = compute(Query("products_certified", "current", "year", 2019, 2026), NATIONAL)
    assert len(cube.units) == 34
    assert len({m.code for m in cube.units}) == 34
    assert len({m.label for m in cube.units}) == 34
    assert [m.label for m in cube.units].count("Hà Nội") == 1
    tn = province("19", Era.CURRENT).pk
    assert [cube.total(unit=tn, period=y) for y in range(2019, 2027)] == [1, 3, 0, 0, 0, 1, 0, 1]
    table = pivot(cube, "unit", "period")
    assert len(table.body) == 34
    assert table.col_totals == [1, 4, 0, 0, 0, 1, 0, 1]  # 2019: the revoked certificate still counts as issued
    assert table.grand_total == 7


def test_legacy_geography_keeps_records_of_new_units_apart():
    build()
    cube = compute(Query("products_certified", "legacy", "year", 2025, 2026), NATIONAL)
    assert len([m for m in cube.units if m.key != UNALLOCATED]) == 63
    assert cube.units[-1].key == UNALLOCATED
    assert cube.total(unit=UNALLOCATED, period=2026) == 1


def test_by_star_and_group():
    build()
    tn = province("19", Era.CURRENT).pk
    stars = compute(Query("products_certified", "current", "year", 2020, 2020, "star"), NATIONAL)
    assert {d.key: stars.total(unit=tn, dim=d.key) for d in stars.dims} == {1: 0, 2: 0, 3: 2, 4: 1, 5: 0}
    groups = compute(Query("products_certified", "current", "year", 2020, 2026, "group"), NATIONAL)
    assert groups.total(unit=tn, dim="thuc_pham") == 3  # Tân Cương, Na Rì, Mơ vàng
    assert groups.total(unit=tn, dim="do_uong") == 1
    assert groups.total(unit=tn, dim="thu_cong") == 1


def test_quarters():
    build()
    tn = province("19", Era.CURRENT).pk
    cube = compute(Query("products_certified", "current", "quarter", 2020, 2020), NATIONAL)
    assert [cube.total(unit=tn, period=(2020, q)) for q in (1, 2, 3, 4)] == [1, 1, 0, 1]


def test_cumulative_products_is_a_stock():
    build()
    tn = province("19", Era.CURRENT).pk
    cube = compute(Query("products_certified_cumulative", "current", "year", 2019, 2026), NATIONAL)
    assert [cube.total(unit=tn, period=y) for y in range(2019, 2027)] == [1, 4, 4, 4, 4, 5, 5, 6]
    assert cube.total(unit=tn) == 6  # over the years: the last year's value, not a sum
    assert cube.total() == 7


def test_entities_first_certified():
    build()
    tn = province("19", Era.CURRENT).pk
    cube = compute(Query("entities_certified", "current", "year", 2019, 2026, "entity_kind"), NATIONAL)
    assert cube.total(unit=tn, period=2020) == 3
    assert cube.total(unit=tn, dim="doanh_nghiep") == 1
    assert cube.total(unit=tn, dim="ho_kinh_doanh") == 1
    assert cube.total(unit=tn) == 6


def test_certificates_expiring_leave_out_revoked():
    build()
    cube = compute(Query("certificates_expiring", "current", "year", 2022, 2029), NATIONAL)
    # valid 3 years: 2020 → 2023 (4 certificates), 2024 → 2027, 2026 → 2029; the revoked one (2022) is left out
    assert [cube.total(period=y) for y in range(2022, 2030)] == [0, 4, 0, 0, 0, 1, 0, 1]


def test_province_user_sees_its_own_province_and_its_predecessors():
    build()
    tn = province("19", Era.CURRENT)
    scope = Scope(unit=tn, predecessor_ids=all_predecessor_ids(tn))
    cube = compute(Query("products_certified", "current", "year", 2019, 2026), scope)
    assert [m.code for m in cube.units] == ["19"]
    assert cube.total() == 6  # Hà Nội's certificate is out of scope
    legacy = compute(Query("products_certified", "legacy", "year", 2019, 2026), scope)
    assert sorted(m.code for m in legacy.units if m.key != UNALLOCATED) == ["06", "19"]
    assert legacy.total(period=2020) == 3


def test_bad_choices_are_clear_messages():
    with pytest.raises(QueryError, match="Năm bắt đầu"):
        compute(Query("products_certified", year_from=2025, year_to=2020), NATIONAL)
    with pytest.raises(QueryError, match="Không có chỉ tiêu"):
        compute(Query("nope"), NATIONAL)
    with pytest.raises(QueryError, match="không có chiều"):
        compute(Query("funding", dimension="star"), NATIONAL)
    with pytest.raises(QueryError, match="kỳ báo cáo"):
        compute(Query("products_certified", period="request"), NATIONAL)


def test_no_query_per_province(django_assert_max_num_queries):
    build()
    compute(Query("certification_rate", "current", "year", 2019, 2026), NATIONAL)  # warm the unit caches
    with django_assert_max_num_queries(2):
        compute(Query("certification_rate", "current", "quarter", 2019, 2026, "group"), NATIONAL)


def test_export_indicator_command_gives_the_same_figures(tmp_path):
    from django.core.management import call_command

    build()
    out = tmp_path / "out.csv"
    call_command(
        "export_indicator",
        "products_certified",
        "--by",
        "province",
        "--from",
        "2019",
        "--to",
        "2026",
        "--geography",
        "current",
        "--output",
        str(out),
    )
    import csv

    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["unit_code", "unit_name", "period", "value"]
    assert len(rows) == 1 + 34 * 8
    assert ["19", "Thái Nguyên", "2020", "3"] in rows
    assert not any(r[0] == "06" for r in rows)
    call_command(
        "export_indicator",
        "products_certified",
        "--by",
        "star",
        "--from",
        "2020",
        "--to",
        "2020",
        "--geography",
        "legacy",
        "--output",
        str(out),
    )
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert ["06", "Bắc Kạn", "2020", "3 sao", "1"] in rows


def test_communes_of_a_province():
    made = build()
    tn = province("19", Era.CURRENT)
    scope = Scope(unit=tn, predecessor_ids=all_predecessor_ids(tn))
    cube = compute(Query("products_certified", "current", "year", 2019, 2026, level="commune"), scope)
    assert cube.query.within == tn.pk  # a province user's own province by default
    assert all(m.key in ("split",) or m.code for m in cube.units)
    # the fixture's current commune (the first by code, Đức Xuân) took over the fixture's legacy Bắc Kạn
    # commune: Nón lá (2026) + Hồng (2019), Na Rì (2020), Mơ vàng (2024)
    from ocop.geo.models import UnitSuccession

    now = made["tn3"].unit
    assert UnitSuccession.objects.filter(predecessor=made["bk1"].unit, successor=now).exists()
    assert [cube.total(unit=now.pk, period=y) for y in (2019, 2020, 2024, 2026)] == [1, 1, 1, 1]
    successor = UnitSuccession.objects.get(predecessor=made["tn1"].unit).successor
    assert cube.total(unit=successor.pk) == 2  # Tân Cương and men lá, on the legacy Thái Nguyên commune
    # every certificate of current Thái Nguyên lands on a commune row or on the split line
    assert cube.total() == 6
    with pytest.raises(QueryError, match="Chọn một tỉnh"):
        compute(Query("products_certified", "current", "year", 2019, 2026, level="commune"), NATIONAL)
    with pytest.raises(QueryError, match="Chọn một tỉnh"):
        hn = province("01", Era.CURRENT).pk
        compute(Query("products_certified", "current", "year", 2019, 2026, level="commune", within=hn), scope)
    legacy = compute(
        Query(
            "products_certified", "legacy", "year", 2019, 2026, level="commune", within=province("06", Era.LEGACY).pk
        ),
        scope,
    )
    assert legacy.total(unit=made["bk1"].unit_id) == 3  # the Bắc Kạn fixture commune: Hồng, Na Rì, Mơ vàng
    assert legacy.total(unit=UNALLOCATED) == 1  # Nón lá, on the new commune that took it over
