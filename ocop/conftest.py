"""Shared fixtures: the administrative units are loaded once per test database; `demo_users`
gives one account per role (the same accounts `manage.py demo` creates)."""

from __future__ import annotations

import os
import shutil

import pytest

from ocop.accounts.demo import DEMO_PASSWORD, create_demo_users
from ocop.accounts.models import User
from ocop.geo.loader import load_units


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_units()


@pytest.fixture
def demo_users(db) -> dict[str, User]:
    create_demo_users()
    return {u.username: u for u in User.objects.filter(is_demo=True).select_related("scope_unit")}


@pytest.fixture
def demo_password() -> str:
    return DEMO_PASSWORD


# --- browser tests (Playwright driving Debian's Chromium) ------------------------------------

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in fixtures are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
