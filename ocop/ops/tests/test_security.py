"""Security settings and behaviour (docs/security.md): headers and cookies, `check --deploy` with the
production environment, secrets only from the environment, no stack trace ever shown, upload
limits, login throttling behind a proxy."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "DATABASE_URL", "DEBUG"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ocop.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ocop.example.gov.vn",
        CSRF_TRUSTED_ORIGINS="https://ocop.example.gov.vn",
        HTTPS="1",
        BEHIND_PROXY="1",
        OCOP_VAR_DIR=str(tmp_path),
    )
    env.update(extra)
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


# --- production settings -------------------------------------------------------------------------


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings(tmp_path):
    code = (
        "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k) for k in ["
        "'DEBUG','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_HTTPONLY',"
        "'SESSION_COOKIE_SAMESITE','CSRF_COOKIE_SAMESITE','LANGUAGE_COOKIE_SECURE','SECURE_SSL_REDIRECT',"
        "'SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_CONTENT_TYPE_NOSNIFF','X_FRAME_OPTIONS',"
        "'SECURE_REFERRER_POLICY','SECURE_PROXY_SSL_HEADER']}))"
    )
    result = manage(production_env(tmp_path), "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no key made up on the spot


def test_production_refuses_debug(tmp_path):
    result = manage(production_env(tmp_path, DEBUG="1"), "check")
    assert result.returncode != 0 and "DEBUG must be off in production" in result.stderr


SECRET_PATTERNS = [
    re.compile(r"""SECRET_KEY\s*[=:]\s*["'][^"'\s]{16,}["']"""),
    re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"""(?:EMAIL_HOST_PASSWORD|S3_SECRET_ACCESS_KEY|AWS_SECRET_ACCESS_KEY)\s*=\s*["'][^"']+["']"""),
    re.compile(r"postgres(?:ql)?://[^:/\s@'\"]+:[^@\s'\"…]{3,}@"),
]
SCANNED = {".py", ".sh", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".env", ".txt", ".service", ".conf", ".json"}


def test_no_secret_literal_in_the_repository():
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=BASE_DIR, capture_output=True, text=True
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    found = []
    for name in listed.stdout.splitlines():
        path = BASE_DIR / name
        if path.suffix not in SCANNED or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(errors="ignore")
        for pattern in SECRET_PATTERNS:
            for match in pattern.finditer(text):
                found.append(f"{name}: {match.group(0)[:60]}")
    assert not found, found
    ignored = (BASE_DIR / ".gitignore").read_text().split()
    assert "var/" in ignored  # the development key (var/secret_key) never reaches git


# --- headers and cookies -----------------------------------------------------------------------


@pytest.mark.django_db
def test_security_headers_on_every_page(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["style-src-elem"] == "'self'" and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["base-uri"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    # errors carry them too
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404 and missing["Content-Security-Policy"] == csp


@pytest.mark.django_db
def test_signed_in_pages_are_not_cached_by_proxies(client, demo_users):
    client.force_login(demo_users["tinh.hatinh"])
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]


@pytest.mark.django_db
@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
)
def test_cookies_and_hsts_over_https(demo_users, demo_password):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("accounts:login"),
        {"csrfmiddlewaretoken": token, "username": "tinh.hatinh", "password": demo_password},
        secure=True,
        HTTP_REFERER="https://testserver/accounts/login/",
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


@pytest.mark.django_db
def test_a_post_without_csrf_token_is_refused(demo_users, demo_password):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "tinh.hatinh", "password": demo_password})
    assert response.status_code == 403 and "_auth_user_id" not in client.session
    client.force_login(demo_users["tinh.hatinh"])
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert "CSRF" in response.content.decode() or "phiên" in response.content.decode().lower()


# --- no stack trace ------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="ocop.ops.tests.urls_failing", DEBUG=False)
def test_an_exception_in_a_view_shows_the_error_page_without_a_traceback(demo_users):
    client = Client(raise_request_exception=False)
    client.force_login(demo_users["tinh.hatinh"])
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<html" in html and "Lỗi hệ thống" in html
    for leak in (
        "Traceback",
        "ZeroDivisionError",
        "secret-value-in-the-message",
        'File "',
        "ocop/ops/tests",
        settings.SECRET_KEY,
        "DATABASES",
        "INSTALLED_APPS",
    ):
        assert leak not in html, leak
    assert response["Content-Security-Policy"]


@pytest.mark.django_db
def test_unknown_urls_do_not_list_the_url_patterns(client, demo_users):
    client.force_login(demo_users["tw.quantri"])
    html = client.get("/reports/khong-co/").content.decode()
    assert "Using the URLconf" not in html and "urlpatterns" not in html and "ocop.urls" not in html


# --- uploads ------------------------------------------------------------------------------------


def test_upload_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 5000 and settings.DATA_UPLOAD_MAX_NUMBER_FILES == 20
    assert settings.OCOP_MAX_UPLOAD_MB == 20


@pytest.mark.django_db
def test_an_oversized_form_body_is_a_400_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(reverse("accounts:login"), {"username": "x" * 5000, "password": "x"})
    assert response.status_code == 400 and "Traceback" not in response.content.decode()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post(reverse("accounts:login"), {f"f{i}": "1" for i in range(50)})
    assert response.status_code == 400


@pytest.mark.django_db
def test_uploaded_documents_are_checked_for_size_and_content(settings):
    from django.core.exceptions import ValidationError

    from ocop.lib.files import validate_document

    settings.OCOP_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(ValidationError) as err:
        validate_document(big)
    assert err.value.code == "size" and "bao-cao.pdf" in str(err.value.messages)
    with pytest.raises(ValidationError) as err:
        validate_document(SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 an executable renamed"))
    assert err.value.code == "unreadable"
    with pytest.raises(ValidationError) as err:
        validate_document(SimpleUploadedFile("script.html", b"<script>alert(1)</script>"))
    assert err.value.code == "extension"
    validate_document(SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF"))


# --- login throttling --------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_throttling_counts_the_client_behind_the_proxy(client, demo_users, settings):
    """Behind nginx every request comes from 127.0.0.1: the throttle must count the client's
    address (the right-most X-Forwarded-For entry, appended by nginx), not the proxy's."""
    settings.BEHIND_PROXY = True
    settings.LOGIN_FAILURES_PER_IP = 3
    settings.LOGIN_FAILURES_PER_USERNAME = 100
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.7"}
    for i in range(3):
        client.post(reverse("accounts:login"), {"username": f"nobody{i}", "password": "x"}, **attacker)
    refused = client.post(reverse("accounts:login"), {"username": "nobody9", "password": "x"}, **attacker)
    assert "phút" in refused.content.decode()  # "try again in N minutes"
    # a forged left-hand entry does not help the attacker, and the colleague behind the same proxy may sign in
    forged = client.post(
        reverse("accounts:login"),
        {"username": "nobody9", "password": "x"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert "phút" in forged.content.decode()
    ok = client.post(
        reverse("accounts:login"),
        {"username": "tinh.hatinh", "password": "ocop-demo-2026"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert ok.status_code == 302
