"""The pivot page and its exports: the same numbers in the page, the CSV and the .xlsx; scope; messages."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from ocop.analytics.tests.world import build
from ocop.lib.spreadsheet import read_table

pytestmark = pytest.mark.django_db
QUERY = {
    "indicator": "products_certified",
    "geography": "current",
    "period": "year",
    "from": "2019",
    "to": "2026",
    "rows": "unit",
    "cols": "period",
}


def row_of(html: str, key: str) -> list[str]:
    match = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S)
    assert match, key
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(1), re.S)]


def test_pivot_page_csv_and_xlsx_agree(client, demo_users):
    build()
    client.force_login(demo_users["tw.canbo"])
    html = client.get(reverse("analytics:pivot"), QUERY).content.decode()
    assert row_of(html, "19")[1:] == ["1", "3", "0", "0", "0", "1", "0", "1", "6"]
    assert row_of(html, "total")[1:] == ["1", "4", "0", "0", "0", "1", "0", "1", "7"]
    assert "Bắc Kạn" not in re.search(r'data-testid="analytics-pivot".*?</table>', html, re.S).group(0)
    assert re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) is None  # no inline script
    body = client.get(reverse("analytics:export", args=["csv"]), QUERY).content.decode("utf-8-sig")
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(body))}
    assert rows["19 Thái Nguyên"] == ["1", "3", "0", "0", "0", "1", "0", "1", "6"]
    assert rows["Tổng"][-1] == "7"
    response = client.get(reverse("analytics:export", args=["xlsx"]), QUERY)
    meta, header, data = read_table(b"".join(response.streaming_content))
    assert header[:3] == ["Tỉnh, thành phố", "2019", "2020"]
    by_label = {r[0]: r[1:] for r in data}
    assert by_label["19 Thái Nguyên"] == [1, 3, 0, 0, 0, 1, 0, 1, 6]
    assert by_label["Tổng"][-1] == 7
    assert len(data) == 35  # 34 provinces and the totals


def test_legacy_geography_and_other_layouts(client, demo_users):
    build()
    client.force_login(demo_users["tw.canbo"])
    html = client.get(reverse("analytics:pivot"), {**QUERY, "geography": "legacy"}).content.decode()
    assert row_of(html, "06")[1:3] == ["1", "1"]  # Bắc Kạn 2019 (revoked later), 2020
    assert row_of(html, "19")[2] == "2"
    stars = client.get(
        reverse("analytics:pivot"), {**QUERY, "dimension": "star", "rows": "dimension", "cols": "period", "filter": ""}
    ).content.decode()
    assert row_of(stars, "3")[1:3] == ["1", "2"]  # 3★: 2019 Bắc Kạn; 2020 Tân Cương, Na Rì


def test_province_user_sees_only_its_province(client, demo_users):
    build()
    client.force_login(demo_users["tinh.thainguyen"])
    html = client.get(reverse("analytics:pivot"), QUERY).content.decode()
    table = re.search(r'data-testid="analytics-pivot".*?</table>', html, re.S).group(0)
    assert re.findall(r'<tr data-key="(\w+)">', table) == [demo_users["tinh.thainguyen"].scope_unit.code, "total"]
    assert "Hà Nội" not in table
    assert 'data-testid="analytics-targets"' not in html  # national targets only for central users


def test_bad_input_is_a_message_never_a_500(client, demo_users):
    client.force_login(demo_users["tw.canbo"])
    html = client.get(reverse("analytics:pivot"), {**QUERY, "from": "hai nghìn"}).content.decode()
    assert "Năm phải là số" in html
    response = client.get(reverse("analytics:pivot"), {**QUERY, "from": "2026", "to": "2019"})
    assert response.status_code == 200 and "Năm bắt đầu" in response.content.decode()
    assert client.get(reverse("analytics:export", args=["csv"]), {**QUERY, "indicator": "x"}).status_code == 400
    assert client.get(reverse("analytics:export", args=["pdf"]), QUERY).status_code == 404
    html = client.get(reverse("analytics:pivot"), {**QUERY, "rows": "unit", "cols": "unit"}).content.decode()
    assert "hai trong ba" in html


def test_the_page_costs_a_fixed_number_of_queries(client, demo_users, django_assert_max_num_queries):
    build()
    client.force_login(demo_users["tw.canbo"])
    url = reverse("analytics:pivot")
    client.get(url, QUERY)  # warm the unit caches
    with django_assert_max_num_queries(8):  # session, user, the indicator, the QĐ 919 progress
        assert client.get(url, {**QUERY, "period": "quarter", "dimension": "star"}).status_code == 200


def test_province_user_sees_its_communes(client, demo_users):
    made = build()
    client.force_login(demo_users["tinh.thainguyen"])
    html = client.get(reverse("analytics:pivot"), {**QUERY, "level": "commune"}).content.decode()
    table = re.search(r'data-testid="analytics-pivot".*?</table>', html, re.S).group(0)
    now = made["tn3"].unit
    assert row_of(table, now.code)[-1] == "4"  # its own 2026 product + the three of the Bắc Kạn commune it took over
    assert row_of(table, "total")[-1] == "6"
    assert 'id="analytics-map"' not in html
    other = client.get(
        reverse("analytics:pivot"), {**QUERY, "level": "commune", "within": made["hn1"].unit.province_id}
    ).content.decode()
    assert (
        "Chọn một tỉnh, thành phố trong phạm vi" in other
        and "Hà Nội" not in other.split("analytics-form")[-1].split("</form>")[-1]
    )
