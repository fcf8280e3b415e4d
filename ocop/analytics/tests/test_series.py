"""Year series of an indicator (ocop/analytics/series.py) and the public statistics page built on them,
against the hand-built world (tests/world.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.analytics.series import year_series
from ocop.analytics.tests.world import build

pytestmark = pytest.mark.django_db


def this_year_range(start: int) -> list[int]:
    return list(range(start, timezone.localdate().year + 1))


def test_certified_by_star_from_the_first_year_with_a_figure():
    build()
    stars = year_series("products_certified", "dimension", "star", year_to=2026)
    assert stars.years == [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]
    # 1★ and 2★ are zero every year: left out, not rows of zeros
    assert [label for _k, label, _v, _t in stars.rows] == ["3 sao", "4 sao", "5 sao"]
    assert stars.hidden == 2
    by_label = {label: values for _k, label, values, _t in stars.rows}
    assert by_label["3 sao"] == [1, 2, 0, 0, 0, 0, 0, 1]  # Hồng (revoked later), Tân Cương + Na Rì, Nón lá
    assert by_label["4 sao"] == [0, 1, 0, 0, 0, 1, 0, 0]  # Rượu men lá, Mơ vàng
    assert by_label["5 sao"] == [0, 1, 0, 0, 0, 0, 0, 0]  # Bánh cốm
    assert stars.totals == [1, 4, 0, 0, 0, 1, 0, 1]
    assert stars.grand_total == 7


def test_certified_by_current_province_and_the_cumulative_line():
    build()
    provinces = year_series("products_certified", "unit", year_from=2019, year_to=2026)
    rows = {label: (values, total) for _k, label, values, total in provinces.rows}
    assert set(rows) == {"Thái Nguyên", "Hà Nội"}  # 32 provinces without a recognition are left out
    assert provinces.hidden == 32
    assert rows["Thái Nguyên"] == ([1, 3, 0, 0, 0, 1, 0, 1], 6)  # legacy Thái Nguyên + Bắc Kạn, then current
    assert provinces.by_code() == {"19": 6, "01": 1}
    cumulative = year_series("products_certified_cumulative", "total", year_from=2019, year_to=2026, trim=False)
    # distinct products with a certificate issued up to each year's end (the revoked one too: it was issued)
    assert cumulative.totals == [1, 5, 5, 5, 5, 6, 6, 7]
    assert cumulative.grand_total == 7


def test_no_data_gives_this_year_only():
    empty = year_series("products_certified", "dimension", "star")
    year = timezone.localdate().year
    assert empty.years == [year] and empty.rows == [] and empty.totals == [0]


def test_statistics_page_shows_the_indicator_figures(client):
    build()
    html = client.get(reverse("catalogue:statistics")).content.decode()
    assert 'data-testid="chart-years"' in html and "echarts" not in html
    table = re.search(r'data-testid="table-stars".*?</table>', html, re.S).group(0)
    heads = re.findall(r'<th scope="col" class="num">(\d{4})</th>', table)
    assert [int(y) for y in heads] == this_year_range(2019)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S)
    assert [label for label, _cells in rows] == ["3 sao", "4 sao", "5 sao", "Tổng"]  # the totals row last
    total = re.search(r"<tfoot>.*?</tfoot>", table, re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', total)
    assert cells[:8] == ["1", "4", "0", "0", "0", "1", "0", "1"] and cells[-1] == "7"
    province = re.search(r'data-testid="table-province-years".*?</table>', html, re.S).group(0)
    assert "Thái Nguyên" in province and "Hà Tĩnh" not in province


def test_analytics_page_draws_the_indicator_over_the_years_as_lines(client, demo_users):
    build()
    client.force_login(demo_users["tw.canbo"])
    params = {
        "indicator": "products_certified",
        "geography": "current",
        "period": "year",
        "from": "2019",
        "to": "2026",
        "dimension": "star",
        "rows": "dimension",
        "cols": "period",
    }
    html = client.get(reverse("analytics:pivot"), params).content.decode()
    figure = re.search(r'<figure[^>]*data-testid="analytics-line".*?</figure>', html, re.S).group(0)
    # the total and one line per star with a figure (1★ and 2★ have none)
    assert "Tổng" in figure and "3 sao" in figure and "5 sao" in figure and "1 sao" not in figure
    assert figure.count('fill="none" stroke=') == 4  # Tổng, 3, 4 and 5 sao
    # a province officer: one province, so one line (its own, which is the total)
    client.force_login(demo_users["tinh.thainguyen"])
    html = client.get(reverse("analytics:pivot"), {**params, "dimension": "", "rows": "unit"}).content.decode()
    figure = re.search(r'<figure[^>]*data-testid="analytics-line".*?</figure>', html, re.S).group(0)
    assert "Thái Nguyên" in figure and ">Tổng<" not in figure


def test_navigation_entry_for_central_users_and_province_officers(client, demo_users):
    from ocop.front.navigation import items_for

    def has_entry(username):
        return any(i["url_name"] == "analytics:pivot" for i in items_for(demo_users[username]))

    assert has_entry("tw.canbo") and has_entry("tinh.thainguyen")
    assert not has_entry("huyen.babe") and not has_entry("chuthe.demo")
    client.force_login(demo_users["huyen.babe"])
    assert client.get(reverse("analytics:pivot")).status_code == 403
