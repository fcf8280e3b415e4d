"""notify(users, text, url): the one way to put a notification in users' in-app inboxes.

    notify(officers, "Nhắc hạn: ...", "/reports/requests/12/")

Inactive users are skipped. `url` must be a path inside this site ("/..."); anything else is dropped
so that a notification can never link off-site.
"""

from __future__ import annotations

from typing import Iterable

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
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_all_read(user) -> int:
    """Mark the user's unread notifications read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
