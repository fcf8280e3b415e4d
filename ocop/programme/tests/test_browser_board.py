"""Browser test: a province officer records a plan approval; the central board shows it in the
table and on the map on and after the decision date, not before."""

import pytest

from ocop.conftest import log_in

pytestmark = pytest.mark.browser

# the map is SVG drawn on the server (issue 17): one <path data-code data-value> per province
MAP_VALUE_JS = """(code) => {
  const path = document.querySelector(`#board-map path[data-code="${code}"]`);
  return path && path.dataset.value !== undefined ? Number(path.dataset.value) : null;
}"""


def board_status(page, site, date, code):
    page.goto(f"{site}/programme/board/?date={date}")
    page.locator('#board-map[data-rendered="1"]').wait_for()
    row = page.locator(f'[data-testid="board-table"] tr[data-province="{code}"]')
    return row.get_attribute("data-status"), page.evaluate(MAP_VALUE_JS, code)


def test_plan_approval_flows_to_the_board_table_and_map(page, site):
    log_in(page, site, "tinh.hatinh")
    page.goto(f"{site}/programme/plans/new/")
    page.get_by_label("Đơn vị").select_option(label="Tỉnh Hà Tĩnh (42)")
    page.get_by_label("Loại").select_option("de_an")
    page.get_by_label("Tên đề án, kế hoạch").fill("Đề án OCOP tỉnh Hà Tĩnh giai đoạn 2026-2030")
    page.get_by_label("Giai đoạn").fill("2026-2030")
    page.get_by_label("Trạng thái").select_option("approved")
    page.get_by_label("Bắt đầu xây dựng từ ngày").fill("02/01/2026")
    page.get_by_label("Ngày trình").fill("15/02/2026")
    page.get_by_label("Số quyết định phê duyệt").fill("1234/QĐ-UBND")
    page.get_by_label("Ngày phê duyệt").fill("20/03/2026")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert "/programme/province/" in page.url, page.content()[:2000]
    assert "Đề án OCOP tỉnh Hà Tĩnh giai đoạn 2026-2030" in page.content()
    page.get_by_test_id("logout").click()

    log_in(page, site, "tw.canbo")
    assert board_status(page, site, "19/03/2026", "42") == ("submitted", 2)
    assert board_status(page, site, "20/03/2026", "42") == ("approved", 3)
    assert board_status(page, site, "29/11/2026", "42") == ("approved", 3)
    row = page.locator('[data-testid="board-table"] tr[data-province="42"]')
    assert "1234/QĐ-UBND" in row.inner_text() and "20/03/2026" in row.inner_text()


def test_plan_with_future_decision_date_is_refused_in_the_browser(page, site):
    log_in(page, site, "tinh.hatinh")
    page.goto(f"{site}/programme/plans/new/")
    page.get_by_label("Tên đề án, kế hoạch").fill("Kế hoạch thử")
    page.get_by_label("Trạng thái").select_option("approved")
    page.get_by_label("Bắt đầu xây dựng từ ngày").fill("02/01/2026")
    page.get_by_label("Số quyết định phê duyệt").fill("1/QĐ-UBND")
    page.get_by_label("Ngày phê duyệt").fill("01/01/2099")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert "ở tương lai" in page.content()
    assert page.get_by_label("Tên đề án, kế hoạch").input_value() == "Kế hoạch thử"  # nothing lost
