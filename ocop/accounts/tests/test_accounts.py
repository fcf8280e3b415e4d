import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from ocop.accounts.models import LoginAttempt, Role, User
from ocop.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_login_and_logout(client, demo_users, demo_password):
    response = client.post(reverse("accounts:login"), {"username": "tinh.thainguyen", "password": demo_password})
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEntry.objects.filter(action="ocop.auth.login", object_id=str(demo_users["tinh.thainguyen"].pk)).exists()
    home = client.get("/")
    assert "Cán bộ OCOP Thái Nguyên" in home.content.decode()
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


def test_wrong_password_gives_a_vietnamese_message(client, demo_users):
    response = client.post(reverse("accounts:login"), {"username": "tinh.thainguyen", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@override_settings(LOGIN_FAILURES_PER_USERNAME=3, LOGIN_FAILURES_PER_IP=10)
def test_login_flood_is_throttled_even_with_the_right_password(client, demo_users, demo_password):
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "tw.canbo", "password": "wrong-password"})
    response = client.post(reverse("accounts:login"), {"username": "tw.canbo", "password": demo_password})
    assert response.status_code == 200
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account from another address is not affected
    other = client.post(
        reverse("accounts:login"), {"username": "tinh.hatinh", "password": demo_password}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


@override_settings(LOGIN_FAILURES_PER_USERNAME=100, LOGIN_FAILURES_PER_IP=5)
def test_flood_from_one_address_over_many_usernames_is_throttled(client, demo_users, demo_password):
    for i in range(5):
        client.post(reverse("accounts:login"), {"username": f"guess{i}", "password": "x"})
    response = client.post(reverse("accounts:login"), {"username": "tinh.hatinh", "password": demo_password})
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert LoginAttempt.objects.count() == 5


def test_password_change(client, demo_users, demo_password):
    user = demo_users["xa.ducxuan"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": demo_password, "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2026")
    assert AuditEntry.objects.filter(action="ocop.user.password_changed").exists()


def test_password_reset_by_email(client, demo_users):
    response = client.post(reverse("accounts:password_reset"), {"email": "tinh.hatinh@demo.ocop.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Dat-lai-2026!", "new_password2": "Dat-lai-2026!"})
    assert done.status_code == 302
    assert User.objects.get(username="tinh.hatinh").check_password("Dat-lai-2026!")


def test_province_officer_creates_a_commune_officer_in_their_province(client, demo_users):
    client.force_login(demo_users["tinh.thainguyen"])
    response = client.post(
        reverse("accounts:user_new"),
        {
            "username": "xa.moi",
            "full_name": "Cán bộ xã mới",
            "role": Role.COMMUNE_OFFICER,
            "scope_code": "01843",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    created = User.objects.get(username="xa.moi")
    assert created.scope_unit.code == "01843" and created.scope_unit.province.code == "19"
    entry = AuditEntry.objects.get(action="ocop.user.created", object_id=str(created.pk))
    assert entry.actor == demo_users["tinh.thainguyen"] and entry.after["role"] == Role.COMMUNE_OFFICER


@pytest.mark.parametrize(
    "data,message",
    [
        ({"role": Role.COMMUNE_OFFICER, "scope_code": "42"}, "cần đơn vị cấp"),  # wrong level
        ({"role": Role.PROVINCE_OFFICER, "scope_code": "42"}, None),  # another province: refused
        ({"role": Role.CENTRAL_ADMIN, "scope_code": ""}, "Hãy chọn một lựa chọn hợp lệ"),  # role above theirs
        ({"role": Role.COMMUNE_OFFICER, "scope_code": "abc"}, "Mã đơn vị “abc” không hợp lệ"),
        ({"role": Role.COMMUNE_OFFICER, "scope_code": "99999"}, "Không có đơn vị hành chính mã “99999”"),
        ({"role": Role.COMMUNE_OFFICER, "scope_code": ""}, "cần chọn đơn vị hành chính"),
    ],
)
def test_province_officer_cannot_grant_outside_their_scope(client, demo_users, data, message):
    client.force_login(demo_users["tinh.thainguyen"])
    response = client.post(reverse("accounts:user_new"), {"username": "xa.sai", "full_name": "x", **data})
    assert response.status_code in (200, 403)
    assert not User.objects.filter(username="xa.sai").exists()
    if message:
        assert message in response.content.decode()


def test_central_admin_manages_every_role_and_edits_are_audited(client, demo_users):
    admin = demo_users["tw.quantri"]
    client.force_login(admin)
    target = demo_users["tinh.hatinh"]
    response = client.post(
        reverse("accounts:user_edit", args=[target.pk]),
        {
            "username": target.username,
            "full_name": "Tên mới",
            "role": Role.PROVINCE_OFFICER,
            "scope_code": "42",
            "email": target.email,
            "organisation": target.organisation,
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.full_name == "Tên mới" and not target.is_active  # checkbox unticked deactivates
    entry = AuditEntry.objects.filter(action="ocop.user.changed", object_id=str(target.pk)).get()
    changed = {name for name, _b, _a in entry.changes()}
    assert changed == {"full_name", "is_active"}


def test_central_admin_cannot_demote_themself(client, demo_users):
    admin = demo_users["tw.quantri"]
    client.force_login(admin)
    response = client.post(
        reverse("accounts:user_edit", args=[admin.pk]),
        {"username": admin.username, "role": Role.CENTRAL_OFFICER, "scope_code": "", "is_active": "on"},
    )
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.role == Role.CENTRAL_ADMIN


def test_createsuperuser_makes_a_central_administrator():
    user = User.objects.create_superuser("root.admin", "a@b.vn", "Mat-khau-2026!")
    assert user.role == Role.CENTRAL_ADMIN and user.is_national
