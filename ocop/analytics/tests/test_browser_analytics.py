"""Browser test (issue 18 acceptance): a central officer builds a pivot of products certified by star ×
province for 2019–2026 on the current geography, switches to the legacy geography, and downloads the
.xlsx; the chart and the map are drawn; at 390 px nothing but the table scrolls sideways."""

import pytest

from ocop.analytics.tests.world import build
from ocop.conftest import log_in
from ocop.lib.spreadsheet import read_table

pytestmark = pytest.mark.browser

# the map is SVG drawn on the server (issue 17): one <path data-code data-value> per province
MAP_VALUE_JS = """(code) => {
  const path = document.querySelector(`#analytics-map path[data-code="${code}"]`);
  return path && path.dataset.value !== undefined ? Number(path.dataset.value) : null;
}"""


def submit(page):
    """Send the form and wait for the new page (not the old one's load state)."""
    with page.expect_navigation():
        page.get_by_test_id("analytics-submit").click()


def test_star_by_province_current_then_legacy_then_xlsx(page, site, tmp_path):
    build()
    log_in(page, site, "tw.canbo")
    page.goto(f"{site}/analytics/")
    page.get_by_test_id("analytics-indicator").select_option("products_certified")
    page.get_by_test_id("analytics-from").fill("2019")
    page.get_by_test_id("analytics-to").fill("2026")
    submit(page)
    page.get_by_test_id("analytics-dimension").select_option("star")
    page.get_by_test_id("analytics-rows").select_option("unit")
    page.get_by_test_id("analytics-cols").select_option("dimension")
    submit(page)
    pivot = page.get_by_test_id("analytics-pivot")
    assert pivot.get_attribute("data-cols") == "dimension"
    header = pivot.locator("thead th").all_inner_texts()
    assert header[1:7] == ["1 sao", "2 sao", "3 sao", "4 sao", "5 sao", "Tổng"]
    # current Thái Nguyên: 3★ Tân Cương, Na Rì, Hồng (2019), Nón lá; 4★ men lá, Mơ vàng
    assert pivot.locator('tr[data-key="19"] td').all_inner_texts() == ["0", "0", "4", "2", "0", "6"]
    assert pivot.locator("tbody tr").count() == 34
    page.locator('#analytics-map[data-rendered="1"]').wait_for()
    assert page.evaluate(MAP_VALUE_JS, "19") == 6
    assert page.evaluate(MAP_VALUE_JS, "06") is None  # no Bắc Kạn on the current map
    assert page.locator('#analytics-chart[data-rendered="1"]').count() == 1

    page.get_by_test_id("analytics-geography").select_option("legacy")
    submit(page)
    pivot = page.get_by_test_id("analytics-pivot")
    assert pivot.locator('tr[data-key="06"] td').all_inner_texts() == ["0", "0", "2", "1", "0", "3"]
    assert pivot.locator('tr[data-key="19"] td').all_inner_texts() == ["0", "0", "1", "1", "0", "2"]
    assert pivot.locator('tr[data-key="unallocated"] td').all_inner_texts() == ["0", "0", "1", "0", "0", "1"]
    page.locator('#analytics-map[data-rendered="1"]').wait_for()
    assert page.evaluate(MAP_VALUE_JS, "06") == 3

    with page.expect_download() as info:
        page.get_by_test_id("analytics-xlsx").click()
    path = tmp_path / "pivot.xlsx"
    info.value.save_as(path)
    _meta, head, data = read_table(path.read_bytes())
    assert head == ["Tỉnh, thành phố", "1 sao", "2 sao", "3 sao", "4 sao", "5 sao", "Tổng"]
    rows = {r[0]: r[1:] for r in data}
    assert rows["06 Bắc Kạn"] == [0, 0, 2, 1, 0, 3]
    assert rows["Tổng"] == [0, 0, 4, 2, 1, 7]


def test_usable_at_390_px(page, site):
    build()
    log_in(page, site, "tw.canbo")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site}/analytics/?indicator=products_certified&from=2019&to=2026")
    page.locator('#analytics-chart[data-rendered="1"]').wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path="/tmp/analytics-390.png", full_page=False)
