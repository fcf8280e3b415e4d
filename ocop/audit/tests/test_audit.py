import pytest
from django.urls import reverse

from ocop.accounts.models import User
from ocop.audit.models import AuditEntry
from ocop.audit.services import log_action, snapshot
from ocop.geo.models import AdminUnit, Era, Level

pytestmark = pytest.mark.django_db


def test_log_action_records_who_what_when_before_after(demo_users):
    actor = demo_users["tw.quantri"]
    target = demo_users["tinh.hatinh"]
    before = snapshot(target, ["full_name", "scope_unit", "is_active"])
    target.full_name = "Người mới"
    after = snapshot(target, ["full_name", "scope_unit", "is_active"])
    entry = log_action(
        actor, "ocop.user.changed", target, before=before, after=after, unit=target.scope_unit, reason="đổi người"
    )
    entry.refresh_from_db()
    assert entry.actor == actor and entry.actor_name == "tw.quantri"
    assert entry.object_type == "accounts.user" and entry.object_id == str(target.pk)
    assert entry.before["scope_unit"] == "Tỉnh Hà Tĩnh"
    assert entry.changes() == [("full_name", "Cán bộ OCOP Hà Tĩnh (demo)", "Người mới")]
    assert entry.created_at is not None and entry.reason == "đổi người"


def test_central_users_browse_everything_others_their_scope(client, demo_users):
    ha_tinh = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="42")
    ba_be_commune = AdminUnit.objects.get(era=Era.LEGACY, level=Level.COMMUNE, code="01888")
    e1 = log_action(None, "test.ha_tinh", None, unit=ha_tinh)
    e2 = log_action(None, "test.ba_be", None, unit=ba_be_commune)
    e3 = log_action(None, "test.national", None, unit=None)
    expectations = {
        "tw.canbo": {e1, e2, e3},
        "tinh.hatinh": {e1},
        "tinh.thainguyen": {e2},  # a legacy Bắc Kạn commune is read by its successor province
        "huyen.babe": {e2},
        "xa.ducxuan": set(),
    }
    for username, visible in expectations.items():
        client.force_login(demo_users[username])
        html = client.get(reverse("audit:entry_list"), {"action": "test."}).content.decode()
        shown = {e for e in (e1, e2, e3) if f'href="/audit/{e.pk}/"' in html}
        assert shown == visible, username
        for entry in (e1, e2, e3):
            status = client.get(reverse("audit:entry_detail", args=[entry.pk])).status_code
            assert status == (200 if entry in visible else 404), (username, entry.action)


def test_entity_users_cannot_browse_the_audit_trail(client, demo_users):
    client.force_login(demo_users["chuthe.demo"])
    assert client.get(reverse("audit:entry_list")).status_code == 403


@pytest.mark.parametrize("bad", ["32/01/2024", "2024-02-30", "abc"])
def test_malformed_filter_dates_get_a_message(client, demo_users, bad):
    client.force_login(demo_users["tw.canbo"])
    response = client.get(reverse("audit:entry_list"), {"date_from": bad})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()


def test_date_filters_accept_both_formats(client, demo_users):
    client.force_login(demo_users["tw.canbo"])
    log_action(None, "test.today", None)
    from django.utils import timezone

    today = timezone.localdate()
    for value in (today.strftime("%d/%m/%Y"), today.isoformat()):
        html = client.get(reverse("audit:entry_list"), {"date_from": value, "action": "test.today"}).content.decode()
        assert "test.today" in html
    html = client.get(reverse("audit:entry_list"), {"date_to": "01/01/2000", "action": "test.today"}).content.decode()
    assert "test.today" not in html.split("<tbody>")[1]


def test_user_changes_through_the_ui_are_in_the_trail(client, demo_users):
    client.force_login(demo_users["tw.quantri"])
    client.post(
        reverse("accounts:user_new"),
        {"username": "moi", "full_name": "Mới", "role": "central_officer", "scope_code": "", "is_active": "on"},
    )
    user = User.objects.get(username="moi")
    entry = AuditEntry.objects.get(action="ocop.user.created", object_id=str(user.pk))
    assert entry.after["role"] == "central_officer" and entry.before is None


def test_actions_have_readable_labels(demo_users):
    user = demo_users["tw.canbo"]
    assert log_action(user, "ocop.auth.login", user).action_label == "Đăng nhập"
    assert log_action(user, "ocop.user.changed", user).action_label == "Sửa tài khoản người dùng"
    assert log_action(None, "something.unknown", None).action_label == "Thao tác khác"  # never the raw code


def test_actor_filter_ignores_case_and_diacritics(client, demo_users):
    """The actor filter searches as every search does (lib/text): "tran thi anh" finds "Trần Thị Ánh"."""
    author = demo_users["tinh.hatinh"]
    author.full_name = "Trần Thị Ánh"
    author.save(update_fields=["full_name"])
    mine = log_action(author, "test.actor_search", None)
    other = log_action(demo_users["tw.quantri"], "test.actor_search", None)
    client.force_login(demo_users["tw.canbo"])
    for typed in ("tran thi anh", "TRẦN THỊ", "ánh"):
        html = client.get(reverse("audit:entry_list"), {"actor": typed, "action": "test.actor_search"}).content.decode()
        assert f'href="/audit/{mine.pk}/"' in html and f'href="/audit/{other.pk}/"' not in html, typed
    html = client.get(reverse("audit:entry_list"), {"actor": "!!!"}).content.decode()
    assert "không có chữ hoặc số để tìm" in html
