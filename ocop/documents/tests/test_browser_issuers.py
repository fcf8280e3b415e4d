"""Browser: a central administrator records a new signer from a date; the history keeps the old one."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.conftest import log_in
from ocop.documents.issuers import facts_on, load_issuers, ministry_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_records_a_new_signer(site, page):
    load_issuers()
    log_in(page, site, "tw.quantri")
    page.goto(f"{site}/documents/")
    page.get_by_test_id("issuers-link").click()
    page.wait_for_load_state()
    table = page.get_by_test_id("issuer-list").inner_text()
    assert "BNNMT-VPĐP" in table and "Bộ Nông nghiệp và Môi trường" in table and "không còn ban hành" in table
    page.get_by_role("link", name="BNNMT-VPĐP").click()
    page.wait_for_load_state()
    page.get_by_test_id("issuer-version-new").click()
    page.wait_for_load_state()
    assert page.get_by_label("Tên cơ quan (trong câu văn)").input_value() == "Bộ Nông nghiệp và Môi trường"
    page.get_by_label("Áp dụng từ ngày").fill("01/12/2026")
    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn Thử")
    page.get_by_label("Lý do thay đổi").fill("Phân công ký công văn OCOP (kiểm thử)")
    page.screenshot(path="/tmp/h12-issuer-form.png", full_page=True)
    page.get_by_test_id("issuer-version-save").click()
    page.wait_for_load_state()
    versions = page.get_by_test_id("issuer-version")
    assert versions.count() == 2
    assert "01/12/2026 – …" in versions.nth(0).inner_text() and "Nguyễn Văn Thử" in versions.nth(0).inner_text()
    assert "01/03/2025 – 30/11/2026" in versions.nth(1).inner_text()
    page.screenshot(path="/tmp/h12-issuer-detail.png", full_page=True)
    issuer = ministry_on(dt.date(2026, 12, 20))
    assert facts_on(issuer, dt.date(2026, 12, 20)).signer_name == "Nguyễn Văn Thử"
    assert facts_on(issuer, dt.date(2026, 11, 30)).signer_name == ""
