"""Browser tests: the real UI in headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import os
import shutil

import pytest

from ocop.accounts.demo import DEMO_PASSWORD, DEMO_USERS, create_demo_users
from ocop.geo.loader import load_units

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(transactional_db, live_server):
    load_units()
    create_demo_users()
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in(page, site, username, password=DEMO_PASSWORD):
    page.goto(f"{site}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


EXPECTED_NAV = {
    "tw.quantri": {"home", "geo:map", "geo:unit_list", "accounts:user_list", "audit:entry_list"},
    "tw.canbo": {"home", "geo:map", "geo:unit_list", "accounts:user_list", "audit:entry_list"},
    "tinh.thainguyen": {"home", "geo:map", "geo:unit_list", "accounts:user_list", "audit:entry_list"},
    "tinh.hatinh": {"home", "geo:map", "geo:unit_list", "accounts:user_list", "audit:entry_list"},
    "huyen.babe": {"home", "geo:map", "geo:unit_list", "audit:entry_list"},
    "xa.ducxuan": {"home", "geo:map", "geo:unit_list", "audit:entry_list"},
    "hoidong.thainguyen": {"home", "geo:map", "geo:unit_list", "audit:entry_list"},
    "chuthe.demo": {"home", "geo:map", "geo:unit_list"},
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


def test_map_renders_the_provinces_of_the_chosen_date(page, site):
    log_in(page, site, "tw.canbo")
    page.goto(f"{site}/units/map/?date=31/12/2018")
    chart = page.locator("#province-map")
    chart.and_(page.locator('[data-rendered="1"]')).wait_for()
    assert chart.get_attribute("data-province-count") == "63"
    assert page.locator('[data-testid="map-table"] tbody tr').count() == 63
    assert chart.locator("canvas, svg").count() >= 1
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
