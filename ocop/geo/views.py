from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from ocop.geo import services
from ocop.geo.models import AdminUnit, Era, Level, SuccessionKind
from ocop.lib.dates import format_date, parse_date_or_today
from ocop.lib.decorators import require_capability
from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.lib.text import search_condition


UNIT_COLUMNS = [
    Col(_l("Mã"), "code", 8),
    Col(_l("Tên"), "name", 30),
    Col(_l("Loại"), "type", 14),
    Col(_l("Cấp"), lambda u: u.get_level_display(), 10),
    Col(_l("Thời kỳ"), lambda u: u.get_era_display(), 16),
    Col(_l("Mã đơn vị cha"), "parent.code", 10),
    Col(_l("Đơn vị cha"), "parent.name", 26),
    Col(_l("Tỉnh, thành phố"), "province.name", 22),
    Col(_l("Hiệu lực từ"), "valid_from", 12),
    Col(_l("Hiệu lực đến"), "valid_to", 12),
]


@require_capability("units.view")
def unit_list(request: HttpRequest) -> HttpResponse:
    day, date_error = parse_date_or_today(request.GET.get("date"))
    level = request.GET.get("level") or Level.PROVINCE
    errors = [date_error] if date_error else []
    if level not in Level.values:
        errors.append(_("Cấp đơn vị “%(v)s” không hợp lệ.") % {"v": level[:20]})
        level = Level.PROVINCE
    qs = services.units_valid_on(day, level).select_related("parent", "province")
    parent_code = request.GET.get("parent", "").strip()
    parent = None
    if parent_code:
        parent = AdminUnit.objects.valid_on(day).filter(code=parent_code).exclude(level=Level.COMMUNE).first()
        if parent is None:
            errors.append(
                _("Không có đơn vị cha mã “%(c)s” vào ngày %(d)s.") % {"c": parent_code[:20], "d": format_date(day)}
            )
        else:
            qs = services.within_on(qs, parent, day).exclude(pk=parent.pk)
    q = request.GET.get("q", "").strip()
    if q:  # the name ignoring case, diacritics and Unicode form (lib/text), or the exact code
        by_name = search_condition(q, "name")
        qs = qs.filter(Q(code=q) | by_name if by_name is not None else Q(code=q))
    if wants_xlsx(request):
        return export_response(
            request,
            qs,
            UNIT_COLUMNS,
            title=_("Danh mục đơn vị hành chính ngày %(d)s") % {"d": format_date(day)},
            filename="don-vi-hanh-chinh",
            filters=[(_("Cấp"), Level(level).label), (_("Đơn vị cha"), str(parent) if parent else ""), (_("Tìm"), q)],
        )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "geo/unit_list.html",
        {
            "page": page,
            "day": day,
            "level": level,
            "levels": Level.choices,
            "parent": parent,
            "parent_code": parent_code,
            "q": q,
            "errors": errors,
            "era": services.era_on(day),
        },
    )


@require_capability("units.view")
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(AdminUnit.objects.select_related("parent", "province", "district"), pk=pk)
    children = unit.children.order_by("code")
    return render(
        request,
        "geo/unit_detail.html",
        {
            "unit": unit,
            "ancestors": services.ancestors(unit),
            "successors": services.successors(unit),
            "predecessors": services.predecessors(unit),
            "children": children[:500],
            "children_count": children.count(),
            "split": unit.successions.filter(is_split=True).exists(),
            "versions": unit.versions.select_related("parent").order_by("valid_from"),
            "changes": unit.successions.exclude(kind=SuccessionKind.REFORM_2025)
            .select_related("successor")
            .order_by("effective"),
        },
    )


def map_geojson_url(day) -> str:
    name = "provinces-current.geojson" if services.era_on(day) == Era.CURRENT else "provinces-legacy.geojson"
    return static(f"geo/{name}")


@require_capability("map.view")
def province_map(request: HttpRequest) -> HttpResponse:
    """The provinces valid on a date, coloured by their number of communes (a real figure)."""
    day, date_error = parse_date_or_today(request.GET.get("date"))
    counts = dict(
        AdminUnit.objects.valid_on(day)
        .filter(level=Level.COMMUNE)
        .values("province__code")
        .annotate(n=Count("id"))
        .values_list("province__code", "n")
    )
    rows = [(p, counts.get(p.code, 0)) for p in services.provinces_on(day)]
    return render(
        request,
        "geo/map.html",
        {
            "day": day,
            "errors": [date_error] if date_error else [],
            "rows": rows,
            "values_json": json.dumps({p.code: n for p, n in rows}),
            "geojson_url": map_geojson_url(day),
            "era": services.era_on(day),
            "province_count": len(rows),
        },
    )
