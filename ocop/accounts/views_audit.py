from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.accounts.audit_visibility import may_see_ip, may_see_values, with_visible_values
from ocop.accounts.audit_visibility import visible_entries as _visible_entries
from ocop.audit.models import action_choices
from ocop.lib.dates import DateParseError, parse_date
from ocop.lib.decorators import require_capability
from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.lib.text import fold, search_condition


def visible_entries(user):
    """The entries `user` may see: those about objects they may read (ocop/accounts/audit_visibility.py)."""
    return _visible_entries(user)


def audit_columns(user, qs) -> list:
    shown = set(with_visible_values(user, qs).values_list("pk", flat=True))  # entries whose reason may be shown
    return [
        Col(_l("Thời điểm"), "created_at", 17),
        Col(_l("Người thực hiện"), lambda e: e.actor_label, 20),
        Col(_l("Thao tác"), lambda e: e.action_label, 28),
        Col(_l("Loại đối tượng"), lambda e: e.object_type_label, 22),
        Col(_l("Mã đối tượng"), "object_id", 10),
        Col(_l("Đối tượng"), lambda e: e.object_label, 34),
        Col(_l("Đơn vị"), lambda e: str(e.unit) if e.unit_id else "", 24),
        Col(_l("Lý do"), lambda e: e.reason if e.pk in shown else "", 30),
        Col(_l("Địa chỉ IP"), lambda e: e.ip if may_see_ip(user, e) else "", 14),
    ]


@require_capability("audit.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    qs = visible_entries(request.user)
    errors = []
    filters = {k: request.GET.get(k, "").strip() for k in ("action", "actor", "object_type", "date_from", "date_to")}
    if filters["action"]:
        # a code chosen from the list, or words of its label
        wanted = fold(filters["action"])  # ignoring case, diacritics and Unicode form, as every search
        codes = [code for code, label in action_choices() if wanted in fold(code) or wanted in fold(str(label))]
        qs = qs.filter(action__in=codes) if codes else qs.filter(action__icontains=filters["action"])
    if filters["actor"]:
        by_name = search_condition(filters["actor"], "actor_name", "actor__full_name")
        if by_name is None:
            errors.append(_("Tên người thực hiện “%(v)s” không có chữ hoặc số để tìm.") % {"v": filters["actor"][:50]})
        else:
            qs = qs.filter(by_name)
    if filters["object_type"]:
        qs = qs.filter(object_type=filters["object_type"])
    for key, lookup in (("date_from", "created_at__date__gte"), ("date_to", "created_at__date__lte")):
        if filters[key]:
            try:
                qs = qs.filter(**{lookup: parse_date(filters[key])})
            except DateParseError as exc:
                errors.append(str(exc))
    if wants_xlsx(request) and not errors:
        labels = {
            "action": _("Thao tác"),
            "actor": _("Người thực hiện"),
            "object_type": _("Loại đối tượng"),
            "date_from": _("Từ ngày"),
            "date_to": _("Đến ngày"),
        }
        return export_response(
            request,
            qs,
            audit_columns(request.user, qs),
            title=_("Nhật ký thao tác"),
            filename="nhat-ky-thao-tac",
            filters=[(labels[k], v) for k, v in filters.items()],
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/entry_list.html",
        {"page": page, "filters": filters, "errors": errors, "actions": action_choices()},
    )


@require_capability("audit.view")
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(visible_entries(request.user), pk=pk)
    return render(
        request,
        "audit/entry_detail.html",
        {
            "entry": entry,
            "show_values": may_see_values(request.user, entry),
            "show_ip": may_see_ip(request.user, entry),
        },
    )
