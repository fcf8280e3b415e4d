"""Shared fixtures: the administrative units are loaded once per test database; `demo_users`
gives one account per role (the same accounts `manage.py demo` creates)."""

from __future__ import annotations

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


@pytest.fixture
def login(client):
    def _login(user: User):
        client.force_login(user)
        return client

    return _login
