"""In-app notifications: every signed-in user sees and marks read only their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.notifications.models import Notification
from ocop.notifications.services import notify, unread_count

pytestmark = pytest.mark.django_db


def test_notify_skips_inactive_and_duplicate_users_and_off_site_links(demo_users):
    ha_tinh, thai_nguyen = demo_users["tinh.hatinh"], demo_users["tinh.thainguyen"]
    thai_nguyen.is_active = False
    created = notify([ha_tinh, ha_tinh, thai_nguyen], "Nhắc hạn", "/reports/requests/1/")
    assert [n.user for n in created] == [ha_tinh] and created[0].url == "/reports/requests/1/"
    assert notify([ha_tinh], "x", "https://evil.example/")[0].url == ""
    assert notify([ha_tinh], "x", "//evil.example/")[0].url == ""
    assert unread_count(ha_tinh) == 3


def test_each_user_sees_only_their_own_notifications(client, demo_users):
    ha_tinh, thai_nguyen = demo_users["tinh.hatinh"], demo_users["tinh.thainguyen"]
    notify([ha_tinh], "Thông báo cho Hà Tĩnh", "/")
    notify([thai_nguyen], "Thông báo cho Thái Nguyên", "/")

    client.force_login(ha_tinh)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Thông báo cho Hà Tĩnh" in html and "Thông báo cho Thái Nguyên" not in html
    assert 'aria-label="Thông báo, 1 chưa đọc"' in html


def test_mark_all_read_marks_only_ones_own(client, demo_users):
    ha_tinh, thai_nguyen = demo_users["tinh.hatinh"], demo_users["tinh.thainguyen"]
    notify([ha_tinh, thai_nguyen], "Nhắc hạn", "/")
    client.force_login(ha_tinh)

    assert client.get(reverse("notifications:mark_read")).status_code == 302  # GET changes nothing
    assert unread_count(ha_tinh) == 1

    response = client.post(reverse("notifications:mark_read"))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    assert unread_count(ha_tinh) == 0 and unread_count(thai_nguyen) == 1
    html = client.get(reverse("notifications:list")).content.decode()
    assert 'aria-label="Thông báo, 0 chưa đọc"' in html
    assert Notification.objects.filter(user=ha_tinh, read_at__isnull=False).count() == 1


def test_anonymous_is_sent_to_login(client):
    for name in ("notifications:list", "notifications:mark_read"):
        response = client.post(reverse(name)) if name.endswith("read") else client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
