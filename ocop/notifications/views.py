from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ocop.notifications.models import Notification
from ocop.notifications.services import mark_all_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own notifications (no capability: everybody has an inbox)."""
    qs = Notification.objects.filter(user=request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    unread = qs.filter(read_at__isnull=True).count()
    return render(request, "notifications/list.html", {"page": page, "unread": unread})


@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    """POST: mark all of the user's notifications read. GET just goes back to the list."""
    if request.method == "POST":
        count = mark_all_read(request.user)
        if count:
            messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": count})
    return redirect("notifications:list")
