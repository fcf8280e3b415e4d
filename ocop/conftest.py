"""Shared fixtures: the administrative units are loaded once per test database; `demo_users`
gives one account per role (the same accounts `manage.py demo` creates)."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, settings

from ocop.demo.accounts import DEMO_PASSWORD, create_demo_users
from ocop.accounts.models import User
from ocop.geo.loader import load_units


# Property tests check behaviour, not speed: on a busy 2-core machine (make test runs the SQLite and
# PostgreSQL phases side by side) Hypothesis's timing checks failed tests that were correct.
settings.register_profile("ocop", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ocop")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        restore_units()


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


_geo_snapshot: dict | None = None


def restore_units() -> None:
    """The administrative units in the test database, quickly: a transactional test (browser tests,
    process tests) empties every table when it ends, and reloading the unit files each time costs
    seconds. The first load is done by `load_units`; its rows are kept in memory and written back
    with bulk inserts afterwards. Every model of the geo app is copied as it is (whatever its fields),
    so the snapshot follows the geo models and data without change here."""
    global _geo_snapshot
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from ocop.geo.models import DatasetLoad
    from ocop.geo.services import clear_unit_cache

    models = list(apps.get_app_config("geo").get_models(include_auto_created=True))
    if _geo_snapshot is None:
        load_units()
        _geo_snapshot = {
            model: [model(**row) for row in model.objects.values(*[f.attname for f in model._meta.concrete_fields])]
            for model in models
        }
        return
    if DatasetLoad.objects.filter(name="units").exists():
        return
    with transaction.atomic():  # foreign keys are checked at commit (deferred), so order is free
        for model in models:
            model.objects.bulk_create(_geo_snapshot[model], batch_size=2000)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    clear_unit_cache()


@pytest.fixture
def site(transactional_db, live_server):
    restore_units()
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
