"""API tokens do not outlive the password they were made under: a password change, a reset by
e-mail link or a manager setting a new password revokes them (as it ends the sessions); signing in
again, or an unrelated change to the account, does not."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ocop.api.models import ApiToken
from ocop.api.services.tokens import do_create_token
from ocop.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mat-khau-moi-2026!"


def test_changing_the_password_revokes_the_tokens(client, demo_users, demo_password, api):
    user = demo_users["tinh.thainguyen"]
    _token, raw = do_create_token(user, "Phần mềm của Sở")
    assert api(raw).get("/me").status_code == 200
    client.force_login(user)
    user.full_name = "Tên mới"
    user.save()  # an unrelated change keeps the token
    assert api(raw).get("/me").status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": demo_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert api(raw).get("/me").status_code == 401
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="ocop.api.token.revoked")
    assert "Mật khẩu" in entry.reason


def test_a_reset_by_e_mail_link_revokes_the_tokens(client, demo_users, api):
    user = demo_users["xa.ducxuan"]
    _token, raw = do_create_token(user, "Khóa xã")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = client.get(
        reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    )
    assert response.status_code == 302  # to the set-password form (Django hides the token from the URL)
    response = client.post(response["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    assert api(raw).get("/me").status_code == 401


def test_a_manager_setting_the_password_revokes_the_tokens_and_sign_in_does_not(client, demo_users, demo_password, api):
    user = demo_users["huyen.babe"]
    _token, raw = do_create_token(user, "Khóa huyện")
    assert client.login(username="huyen.babe", password=demo_password)  # signing in keeps the token
    assert api(raw).get("/me").status_code == 200
    user.set_password(NEW_PASSWORD)
    user.save()
    assert api(raw).get("/me").status_code == 401
