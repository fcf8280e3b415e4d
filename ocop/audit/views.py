from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from ocop.accounts.scope import scope_for
from ocop.audit.models import AuditEntry
from ocop.lib.dates import DateParseError, parse_date
from ocop.lib.decorators import require_capability


def visible_entries(user):
    return scope_for(user).filter(AuditEntry.objects.select_related("unit", "actor"), "unit")


@require_capability("audit.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    qs = visible_entries(request.user)
    errors = []
    filters = {k: request.GET.get(k, "").strip() for k in ("action", "actor", "object_type", "date_from", "date_to")}
    if filters["action"]:
        qs = qs.filter(action__icontains=filters["action"])
    if filters["actor"]:
        qs = qs.filter(actor_name__icontains=filters["actor"])
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    for key, lookup in (("date_from", "created_at__date__gte"), ("date_to", "created_at__date__lte")):
        if filters[key]:
            try:
                qs = qs.filter(**{lookup: parse_date(filters[key])})
            except DateParseError as exc:
                errors.append(str(exc))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/entry_list.html", {"page": page, "filters": filters, "errors": errors})


@require_capability("audit.view")
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(visible_entries(request.user), pk=pk)
    return render(request, "audit/entry_detail.html", {"entry": entry})
