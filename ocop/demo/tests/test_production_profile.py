"""Issue 16: the production profile leaves out the demo and benchmark apps, and production still
starts, migrates and passes `check --deploy` without them (in a subprocess with the environment of
docs/deploy.md, on a fresh SQLite)."""

from __future__ import annotations

import json

from django.conf import settings

from ocop.ops.tests.test_security import manage, production_env

LEFT_OUT = ("ocop.demo", "ocop.bench")


def test_development_profile_installs_demo_and_bench():
    assert settings.OCOP_PROFILE == "development"
    assert all(app in settings.INSTALLED_APPS for app in LEFT_OUT)


def test_production_profile_starts_migrates_and_passes_check_deploy(tmp_path):
    env = production_env(
        tmp_path, SQLITE_PATH=str(tmp_path / "fresh.sqlite3"), OCOP_BENCH_PAGES="1"
    )  # even when asked for, the benchmarks' page is not routed

    checked = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout

    migrated = manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert (tmp_path / "fresh.sqlite3").exists()

    code = (
        "import json; from django.conf import settings; from django.test import Client; "
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/bench/ping/'); ping = 'routed'\nexcept Resolver404:\n    ping = 'not routed'\n"
        "health = Client(HTTP_HOST='ocop.example.gov.vn').get('/healthz/', secure=True)\n"
        "print(json.dumps({'profile': settings.OCOP_PROFILE, 'apps': settings.INSTALLED_APPS, 'ping': ping, "
        "'health': health.status_code, 'body': health.content.decode()}))"
    )
    started = manage(env, "shell", "-c", code)
    assert started.returncode == 0, started.stderr
    state = json.loads(started.stdout.strip().splitlines()[-1])
    assert state["profile"] == "production"
    assert not [app for app in state["apps"] if app in LEFT_OUT]
    assert state["ping"] == "not routed"
    assert state["health"] == 200 and json.loads(state["body"]) == {"status": "ok"}

    demo = manage(env, "demo")
    assert demo.returncode != 0 and "Unknown command: 'demo'" in demo.stderr
