"""Tests marked `postgres` start real processes (gunicorn, task workers, pg_dump) against the test
database: they need PostgreSQL (an in-memory SQLite test database cannot be shared between
processes) and are skipped on SQLite. `make test` runs them in its PostgreSQL phase."""

from __future__ import annotations

import pytest
from django.db import connection


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only (processes share the test database): run in the PostgreSQL phase of scripts/test.sh"
        )
