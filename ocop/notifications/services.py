"""notify(users, text, url): the one way to put a notification in users' in-app inboxes.

    notify(officers, "Nhắc hạn: ...", "/reports/requests/12/")

Inactive users are skipped. `url` must be a path inside this site ("/..."); anything else is dropped
so that a notification can never link off-site.
"""

from __future__ import annotations

from typing import Iterable

from django.db import connection
from django.utils import timezone

from ocop.notifications.models import Notification


def _safe_path(url: str) -> str:
    url = (url or "").strip()
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url[:500]
    return ""


def notify(users: Iterable, text: str, url: str = "") -> list[Notification]:
    """Create one unread notification per (distinct, active) user. Returns the notifications."""
    seen: set[int] = set()
    rows = []
    path = _safe_path(url)
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, text=text, url=path))
    return Notification.objects.bulk_create(rows)


def unread_count(user) -> int:
    """The user's unread notifications (the menu's badge on every signed-in page): one plain COUNT,
    which Django took 0.3 ms to build against 0.03 ms to run (issue 17)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    sql = (
        f"SELECT COUNT(*) FROM {connection.ops.quote_name(Notification._meta.db_table)}"
        " WHERE user_id = %s AND read_at IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        return cursor.fetchone()[0]


def mark_all_read(user) -> int:
    """Mark the user's unread notifications read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
