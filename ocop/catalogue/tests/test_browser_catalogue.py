"""Browser tests of the public catalogue (no login): search with and without diacritics, the
filters (answered by htmx without a page load, the address kept in the URL), the product page with
its map, the map of products by province, and the statistics charts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ocop.catalogue.tests.factories import certified_product, commune, current_commune_from
from ocop.evaluation.models_rounds import CertificateStatus
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import EntityKind, Sector
from ocop.products.tests.factories import make_photo

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(site):
    ha_tinh = (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").order_by("code").first()
    )
    tea = certified_product(
        current_commune_from("19"), "Chè Thái Nguyên búp xanh", entity_name="HTX Chè Đức Xuân", stars=4
    )
    make_photo(tea)
    certified_product(
        commune("01888", Era.LEGACY),
        "Mật ong hoa rừng Ba Bể",
        entity_name="Hộ kinh doanh Đinh Văn Đức",
        kind=EntityKind.HO_KINH_DOANH,
        issued_on=dt.date(2020, 5, 4),
        valid_until=dt.date(2023, 5, 4),
        status=CertificateStatus.EXPIRED,
    )
    certified_product(ha_tinh, "Rượu men lá Hà Tĩnh", sector=Sector.DO_UONG, stars=5, issued_on=dt.date(2024, 3, 1))
    return {"site": site, "tea": tea}


def results(page) -> list[str]:
    return page.get_by_test_id("catalogue-item").locator("h2").all_inner_texts()


def swapped(page, action) -> None:
    """Run `action` and wait until htmx has replaced the results with the answer."""
    old = page.get_by_test_id("catalogue-results").element_handle()
    action()
    page.wait_for_function("el => !el.isConnected", arg=old)


def search_for(page, text: str) -> None:
    page.get_by_test_id("catalogue-q").fill(text)
    swapped(page, lambda: page.get_by_test_id("catalogue-submit").click())
    assert page.get_by_test_id("catalogue-q").input_value() == text


def test_search_with_and_without_diacritics(page, catalogue):
    site = catalogue["site"]
    page.goto(f"{site}/san-pham-ocop/")
    assert page.get_by_test_id("results-count").get_attribute("data-count") == "3"
    assert page.get_by_test_id("public-nav").is_visible()  # anonymous: the public links, no account box
    for query in ("che thai nguyen", "Chè Thái Nguyên", "CHE thai"):
        search_for(page, query)
        assert results(page) == ["Chè Thái Nguyên búp xanh"], query
    search_for(page, "dinh van duc")  # đ typed as d, an entity's name
    assert results(page) == ["Mật ong hoa rừng Ba Bể"]
    search_for(page, "bac kan")  # the pre-2025 province name
    assert results(page) == ["Mật ong hoa rừng Ba Bể"]
    search_for(page, "khong co san pham nay")
    assert results(page) == [] and page.get_by_test_id("no-results").is_visible()


def test_filters_update_the_results_and_the_address(page, catalogue):
    site = catalogue["site"]
    page.goto(f"{site}/san-pham-ocop/")
    swapped(page, lambda: page.get_by_test_id("filter-stars").select_option("5"))  # htmx: no submit needed
    assert results(page) == ["Rượu men lá Hà Tĩnh"]
    assert page.url.endswith("/san-pham-ocop/?sao=5")  # the address of the results, without empty fields
    page.goto(f"{site}/san-pham-ocop/")
    swapped(page, lambda: page.get_by_test_id("filter-province").select_option("19"))
    assert page.get_by_test_id("results-count").get_attribute("data-count") == "2"
    assert sorted(results(page)) == ["Chè Thái Nguyên búp xanh", "Mật ong hoa rừng Ba Bể"]
    swapped(page, lambda: page.get_by_test_id("filter-state").select_option("het_hieu_luc"))
    assert results(page) == ["Mật ong hoa rừng Ba Bể"]
    assert "tinh=19" in page.url and "hieu_luc=het_hieu_luc" in page.url
    # the historical province, and the address works on its own (bookmark, slow connection without JS)
    page.goto(f"{site}/san-pham-ocop/?tinh_cu=06&loai=ho_kinh_doanh")
    assert results(page) == ["Mật ong hoa rừng Ba Bể"]
    assert page.get_by_test_id("filter-legacy-province").input_value() == "06"
    page.get_by_test_id("filter-reset").click()
    page.wait_for_load_state()
    assert len(results(page)) == 3


def _map_state(page, testid: str) -> dict:
    page.wait_for_selector(f"[data-testid={testid}][data-rendered='1']")
    return page.evaluate(
        """(testid) => {
            const el = document.querySelector(`[data-testid=${testid}]`);
            const paths = Array.from(el.querySelectorAll('path[data-code][data-value]'));
            return {svg: !!el.querySelector('svg'), provinces: Number(el.dataset.provinceCount),
                    values: Object.fromEntries(paths.map(p => [p.dataset.code, Number(p.dataset.value)]))};
        }""",
        testid,
    )


def test_product_page_with_its_province_on_the_map(page, catalogue):
    site, tea = catalogue["site"], catalogue["tea"]
    page.goto(f"{site}/san-pham-ocop/")
    page.get_by_role("link", name="Chè Thái Nguyên búp xanh").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/san-pham-ocop/{tea.pk}/")
    assert page.get_by_test_id("product-name").inner_text() == "Chè Thái Nguyên búp xanh"
    assert page.get_by_test_id("product-stars").get_by_role("img", name="4 sao").is_visible()
    assert page.get_by_test_id("certificate-number").inner_text() == tea.certificates.get().number_display
    assert "Còn hiệu lực" in page.get_by_test_id("certificate-validity").inner_text()
    assert "HTX Chè Đức Xuân" in page.get_by_test_id("product-entity").inner_text()
    photo = page.get_by_test_id("product-photos").locator("img").first
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    state = _map_state(page, "product-map")
    assert state["svg"] and state["provinces"] == 34
    assert state["values"] == {"19": 1}


def test_map_of_products_by_province_in_both_eras(page, catalogue):
    site = catalogue["site"]
    page.goto(f"{site}/san-pham-ocop/ban-do/")
    state = _map_state(page, "catalogue-map")
    assert state["svg"] and state["provinces"] == 34
    assert state["values"]["19"] == 2 and state["values"]["42"] == 1 and state["values"]["01"] == 0
    assert page.get_by_test_id("map-table").locator("tr[data-code='19'] td").nth(2).inner_text() == "2"
    page.get_by_test_id("map-era").select_option("truoc_2025")
    page.locator("[data-testid=map-filters] button[type=submit]").click()
    page.wait_for_url(re.compile(r"thoi_ky=truoc_2025"))
    state = _map_state(page, "catalogue-map")
    assert state["provinces"] == 63 and state["values"]["06"] == 1 and state["values"]["19"] == 1
    # the interactive map is loaded only on demand (issue 17): no ECharts until the button is pressed
    assert page.evaluate("typeof window.echarts") == "undefined"
    page.get_by_test_id("map-interactive").click()
    page.wait_for_selector("#catalogue-map-interactive[data-rendered='1']")
    values = page.evaluate("""() => Object.fromEntries(window.echarts
        .getInstanceByDom(document.getElementById('catalogue-map-interactive'))
        .getOption().series[0].data.map(d => [d.name, d.value]))""")
    assert values["06"] == 1 and values["19"] == 1
    assert page.get_by_test_id("catalogue-map").is_hidden()


def test_statistics_charts_and_tables(page, catalogue):
    site = catalogue["site"]
    page.goto(f"{site}/san-pham-ocop/thong-ke/")
    for testid in ("chart-stars", "chart-sector", "chart-province"):
        page.wait_for_selector(f"[data-testid={testid}][data-rendered='1']")
        assert page.locator(f"[data-testid={testid}] svg.svg-chart-svg").count() == 1
    # each bar's tooltip is "year — series: value" (SVG drawn on the server, issue 17)
    tips = page.locator("[data-testid=chart-stars] rect[data-value] title").all_text_contents()
    sums = {}
    for tip in tips:
        name, value = tip.split(" — ", 1)[1].rsplit(": ", 1)
        sums[name] = sums.get(name, 0) + int(value)
    assert {k: v for k, v in sums.items() if v} == {"3 sao": 1, "4 sao": 1, "5 sao": 1}
    # the years from the first recognition to this year, without gaps (issue 18); the table folded under
    # "Bảng số liệu"; the recognitions over the years as lines
    table = page.get_by_test_id("table-stars")
    page.locator("details", has=table).locator("summary").click()
    years = [str(y) for y in range(2020, dt.date.today().year + 1)]
    assert table.locator("thead th").all_inner_texts()[1:-1] == years
    assert table.locator("tfoot td").last.inner_text() == "3"
    assert page.locator("[data-testid=chart-years] path[stroke]").count() >= 2
