"""Login throttling: after too many failures for one username or from one address in a window,
further attempts are refused with a clear message until the window passes."""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.utils import timezone

from ocop.accounts.models import LoginAttempt


def client_ip(request) -> str:
    """The client's address. Behind nginx (BEHIND_PROXY=1) every request comes from the proxy, so
    the address is the right-most entry of X-Forwarded-For: the one nginx itself appended
    (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`); entries to its left come from
    the client and could be forged."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)


def minutes_locked(username: str, ip: str) -> int:
    """0 when a login may be tried, else the minutes left before the next try is accepted."""
    since = _window_start()
    recent = LoginAttempt.objects.filter(created_at__gte=since)
    checks = [(recent.filter(ip=ip), settings.LOGIN_FAILURES_PER_IP)]
    if username:
        checks.append((recent.filter(username__iexact=username[:150]), settings.LOGIN_FAILURES_PER_USERNAME))
    for qs, limit in checks:
        times = list(qs.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            oldest_counted = times[-1]
            free_at = oldest_counted + dt.timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)
            return max(1, math.ceil((free_at - timezone.now()).total_seconds() / 60))
    return 0


def record_failure(username: str, ip: str) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=ip)
    # keep the table small: forget failures older than a day
    LoginAttempt.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=1)).delete()


def clear_failures(username: str) -> None:
    LoginAttempt.objects.filter(username__iexact=username[:150]).delete()
