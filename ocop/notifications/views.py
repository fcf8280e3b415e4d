from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.notifications.models import Notification
from ocop.notifications.services import mark_all_read


NOTIFICATION_COLUMNS = [
    Col(_l("Thời điểm"), "created_at", 17),
    Col(_l("Nội dung"), "text", 80),
    Col(_l("Đường dẫn"), "url", 30),
    Col(_l("Đã đọc lúc"), "read_at", 17),
]


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own notifications (no capability: everybody has an inbox)."""
    qs = Notification.objects.filter(user=request.user)
    if wants_xlsx(request):
        return export_response(request, qs, NOTIFICATION_COLUMNS, title=_("Thông báo của tôi"), filename="thong-bao")
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
