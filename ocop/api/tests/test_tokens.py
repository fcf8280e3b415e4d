"""API tokens: created on the tokens page and shown once, stored as a hash, audited, revoked; a revoked
token, a deactivated user's token and a browser session without a token are all refused."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from ocop.api.models import ApiToken
from ocop.api.services.tokens import do_create_token
from ocop.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_tokens_page_creates_a_token_shown_once_and_stored_as_a_hash(client, demo_users, api):
    user = demo_users["tinh.thainguyen"]
    client.force_login(user)
    page = client.get(reverse("api:tokens"))
    assert page.status_code == 200 and "Khóa API" in page.content.decode()
    assert 'href="/api/tokens/"' in client.get(reverse("home")).content.decode()  # linked from the user menu
    response = client.post(reverse("api:tokens"), {"name": "Phần mềm của Sở"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="token-value"' in html
    raw = html.split('data-testid="token-value">')[1].split("<")[0]
    assert raw.startswith("ocop_") and len(raw) > 40
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in {token.prefix, token.name}
    assert raw not in client.get(reverse("api:tokens")).content.decode()  # never shown again
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="ocop.api.token.created")
    assert entry.actor == user and entry.unit == user.scope_unit and raw not in str(entry.after)
    me = api(raw).get("/me")
    assert me.status_code == 200 and me.json()["username"] == "tinh.thainguyen"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_name_is_required(client, demo_users):
    client.force_login(demo_users["chuthe.demo"])
    response = client.post(reverse("api:tokens"), {"name": "  "})
    assert response.status_code == 422 and not ApiToken.objects.exists()


def test_revoked_token_is_refused_and_only_the_owner_revokes(client, demo_users, api):
    owner, other = demo_users["tinh.hatinh"], demo_users["tinh.thainguyen"]
    token, raw = do_create_token(owner, "máy chủ báo cáo")
    assert api(raw).get("/me").status_code == 200
    client.force_login(other)
    assert client.post(reverse("api:tokens"), {"revoke": token.pk}).status_code == 404
    token.refresh_from_db()
    assert token.active
    client.force_login(owner)
    response = client.post(reverse("api:tokens"), {"revoke": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert not token.active
    assert AuditEntry.objects.filter(action="ocop.api.token.revoked", actor=owner).exists()
    refused = api(raw).get("/me")
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    assert api(raw).get("/units").status_code == 200  # public data needs no token at all


def test_deactivated_users_and_bad_tokens_are_refused(demo_users, api, client):
    user = demo_users["tinh.hatinh"]
    _token, raw = do_create_token(user, "x")
    user.is_active = False
    user.save()
    assert api(raw).get("/me").status_code == 401
    for header in (
        "Bearer",
        "Bearer ",
        "Bearer ocop_nothing",
        "Basic dXNlcjpwYXNz",
        "Token " + raw,
        "Bearer " + "x" * 5000,
    ):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401, header


def test_a_browser_session_is_not_an_api_login(client, demo_users):
    """The API ignores the session cookie: without a token a signed-in browser is anonymous there, so a
    cross-site request cannot use it (no CSRF exposure)."""
    client.force_login(demo_users["tw.quantri"])
    assert client.get("/api/v1/me").status_code == 401
    assert (
        client.post("/api/v1/products", {"entity_id": 1, "name": "x"}, content_type="application/json").status_code
        == 401
    )


def test_the_tokens_page_keeps_csrf(demo_users):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo_users["chuthe.demo"])
    assert browser.post(reverse("api:tokens"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_at_most_twenty_active_tokens(demo_users):
    from django.core.exceptions import ValidationError

    user = demo_users["chuthe.demo"]
    for i in range(20):
        do_create_token(user, f"k{i}")
    with pytest.raises(ValidationError):
        do_create_token(user, "one too many")
