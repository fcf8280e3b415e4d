"""Issue 15, smaller items: the benchmarks' page is not routed in production; a refused request (403)
is logged without a traceback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[3]
RESOLVE = (
    "import django, sys; django.setup(); from django.urls import resolve, Resolver404\n"
    "try:\n    resolve('/bench/ping/'); print('routed')\nexcept Resolver404:\n    print('not routed')"
)


def resolve_ping(**env) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "OCOP_BENCH_PAGES", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-c", RESOLVE],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, "DJANGO_SETTINGS_MODULE": "ocop.settings", **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_benchmark_page_is_not_routed_in_production():
    assert resolve_ping() == "not routed"
    assert resolve_ping(OCOP_BENCH_PAGES="1") == "routed"  # what the benchmarks' gunicorn sets
    assert resolve_ping(DEBUG="1") == "routed"


@pytest.mark.django_db
def test_a_403_is_logged_without_a_traceback(client, demo_users, caplog):
    client.force_login(demo_users["chuthe.demo"])  # entity users may not read the audit trail
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("audit:entry_list")).status_code == 403
    records = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert records and all(r.exc_info is None for r in records), [r.exc_info for r in records]
    assert "Traceback" not in caplog.text and "/audit/" in caplog.text
