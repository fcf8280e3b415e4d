"""Browser tests: the real UI in headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import os

import pytest

from ocop.demo.accounts import DEMO_USERS
from ocop.conftest import log_in

pytestmark = pytest.mark.browser


BASE_NAV = {"home", "geo:map", "geo:unit_list", "catalogue:list"}
LOCAL = BASE_NAV | {
    "programme:index",
    "audit:entry_list",
    "reporting:request_list",
    "products:index",
    "evaluation:application_list",
}
CENTRAL = LOCAL | {"programme:board", "accounts:user_list", "documents:list"}
EXPECTED_NAV = {
    "tw.quantri": CENTRAL | {"evaluation:round_list", "evaluation:criteria_index", "analytics:pivot"},
    "tw.canbo": CENTRAL | {"evaluation:round_list", "evaluation:criteria_index", "analytics:pivot"},
    "tinh.thainguyen": LOCAL | {"accounts:user_list", "evaluation:round_list", "analytics:pivot"},
    "tinh.hatinh": LOCAL | {"accounts:user_list", "evaluation:round_list", "analytics:pivot"},
    "huyen.babe": LOCAL | {"evaluation:round_list"},
    "xa.ducxuan": LOCAL,
    "hoidong.thainguyen": BASE_NAV | {"audit:entry_list", "evaluation:round_list"},
    "chuthe.demo": BASE_NAV | {"products:index", "evaluation:application_list"},
}


def test_every_demo_account_logs_in_and_sees_its_own_navigation(page, site):
    assert {u[0] for u in DEMO_USERS} == set(EXPECTED_NAV)
    for username, expected in EXPECTED_NAV.items():
        log_in(page, site, username)
        assert page.get_by_test_id("current-user").is_visible(), username
        nav = set(page.locator("nav.mainnav a").evaluate_all("els => els.map(e => e.dataset.nav)"))
        assert nav == expected, username
        assert page.get_by_test_id("demo-banner").is_visible()
        page.get_by_test_id("logout").click()
        page.wait_for_url(f"{site}/accounts/login/")


def test_grouped_navigation_menus(page, site):
    log_in(page, site, "tw.quantri")
    menu = page.locator('[data-navgroup="ocop"]')
    criteria = page.locator('[data-nav="evaluation:criteria_index"]')
    assert not criteria.is_visible()
    menu.locator("summary").click()
    assert criteria.is_visible()
    page.keyboard.press("Escape")
    assert not criteria.is_visible()
    menu.locator("summary").click()
    criteria.click()
    page.wait_for_url(f"{site}/evaluation/criteria/")
    # the group of the current page is marked, its menu closed; a click elsewhere closes an open menu
    assert "active" in (page.locator('[data-navgroup="ocop"] summary').get_attribute("class") or "")
    page.locator('[data-navgroup="admin"] summary').click()
    assert page.locator('[data-nav="audit:entry_list"]').is_visible()
    page.locator("h1").click()
    assert not page.locator('[data-nav="audit:entry_list"]').is_visible()
    # a group with one visible item is shown as that item (an entity user's administrative units)
    page.get_by_test_id("logout").click()
    log_in(page, site, "chuthe.demo")
    assert page.locator('[data-navgroup="ocop"]').count() == 1
    assert page.locator('[data-navgroup="admin"]').count() == 0
    assert page.locator('nav.mainnav > ul > li > a[data-nav="geo:unit_list"]').count() == 1


def test_wrong_password_shows_a_vietnamese_message(page, site):
    log_in(page, site, "tw.canbo", "khong-dung")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.get_by_test_id("form-errors").inner_text()


def test_language_switch(page, site):
    log_in(page, site, "tinh.thainguyen")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator('[data-nav="home"]').inner_text() == "Tổng quan"
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('[data-nav="home"]').inner_text() == "Overview"
    assert page.locator('[data-nav="geo:map"]').inner_text() == "Province map"
    page.goto(f"{site}/units/")  # the choice sticks across pages
    assert page.locator("h1").inner_text() == "Administrative units"
    page.get_by_test_id("lang-vi").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Đơn vị hành chính"


def test_vietnamese_is_the_default_whatever_the_browser_language(browser, site):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Đăng nhập"
    context.close()


def test_map_renders_the_provinces_of_the_chosen_date(page, site):
    log_in(page, site, "tw.canbo")
    page.goto(f"{site}/units/map/?date=31/12/2018")
    chart = page.locator("#province-map")
    chart.and_(page.locator('[data-rendered="1"]')).wait_for()
    assert chart.get_attribute("data-province-count") == "63"
    assert page.locator('[data-testid="map-table"] tbody tr').count() == 63
    assert chart.locator("svg path[data-code]").count() == 63  # SVG drawn on the server (issue 17)
    page.get_by_test_id("map-date").fill("01/07/2025")
    page.get_by_test_id("map-date").press("Enter")
    page.wait_for_url("**date=01%2F07%2F2025**")
    page.locator('#province-map[data-rendered="1"]').wait_for()
    assert page.locator("#province-map").get_attribute("data-province-count") == "34"
    assert page.locator('[data-testid="map-table"] tbody tr').count() == 34
    if os.environ.get("OCOP_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["OCOP_SCREENSHOTS"], "map-34.png"), full_page=True)


def test_malformed_date_on_the_map_gets_a_message_not_an_error(page, site):
    log_in(page, site, "tw.canbo")
    response = page.goto(f"{site}/units/map/?date=32/13/2018")
    assert response.status == 200
    assert "không hợp lệ" in page.get_by_test_id("errors").inner_text()
