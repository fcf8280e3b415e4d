from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.geo import services as geo
from ocop.geo.models import Level
from ocop.geo.views import map_geojson_url
from ocop.lib import spreadsheet
from ocop.lib.dates import DateParseError, format_date, parse_date, parse_date_or_today
from ocop.lib.decorators import require_capability
from ocop.lib.forms import apply_validation_error
from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.programme import board as board_service
from ocop.programme.forms import DeleteForm, record_form_class
from ocop.programme.services import (
    REGISTRIES,
    VersionConflict,
    do_delete_record,
    do_save_record,
    readable,
    writable_units,
)


def _registry(slug: str):
    registry = REGISTRIES.get(slug)
    if registry is None:
        raise Http404
    return registry


@require_capability("programme.view")
def index(request: HttpRequest) -> HttpResponse:
    """National users get the list of provinces and registries; others go to their province's page."""
    if scope_for(request.user).national:
        from django.utils import timezone

        return render(
            request,
            "programme/index.html",
            {
                "current": geo.provinces_on(timezone.localdate()),
                "legacy": geo.provinces_on(geo.LEGACY_END),
                "registries": REGISTRIES.values(),
            },
        )
    unit = request.user.scope_unit
    if unit is not None and unit.level == Level.PROVINCE:
        return redirect("programme:province", pk=unit.pk)
    # district and commune officers: the registries, filtered to their scope
    return render(request, "programme/index.html", {"registries": REGISTRIES.values(), "scope_unit": unit})


def _board_params(request: HttpRequest):
    errors = []
    day, err = parse_date_or_today(request.GET.get("date"))
    if err:
        errors.append(err)
    start, end = board_service.default_period(day)
    for key in ("from", "to"):
        value = request.GET.get(key, "").strip()
        if value:
            try:
                parsed = parse_date(value)
            except DateParseError as exc:
                errors.append(str(exc))
                continue
            if key == "from":
                start = parsed
            else:
                end = parsed
    if start > end:
        errors.append(_("Ngày đầu kỳ sau ngày cuối kỳ; đã dùng kỳ mặc định."))
        start, end = board_service.default_period(day)
    status = request.GET.get("status", "")
    if status and status not in board_service.STATUS_LABELS:
        errors.append(_("Trạng thái lọc không hợp lệ."))
        status = ""
    return day, (start, end), status, errors


BOARD_CACHE_SECONDS = 300  # also bounds how long a change of the administrative units takes to show


@require_capability("board.view")
def board(request: HttpRequest) -> HttpResponse:
    """The board's figures, map and table are the same for every reader (no scope): rendered once per
    data version, day, period, filter and language, then kept BOARD_CACHE_SECONDS (issue 17: the page
    was 2.3-4.4× the trivial page, most of it building the board and rendering its table)."""
    day, period, status, errors = _board_params(request)
    key = "board:" + "|".join(
        [
            board_service.data_version(),
            day.isoformat(),
            period[0].isoformat(),
            period[1].isoformat(),
            status,
            get_language() or "",
        ]
    )
    body = cache.get(key)
    if body is None:
        body = render_to_string("programme/_board_body.html", _board_context(day, period, status), request)
        cache.set(key, body, BOARD_CACHE_SECONDS)
    return render(
        request,
        "programme/board.html",
        {
            "day": day,
            "period": period,
            "status": status,
            "statuses": list(board_service.STATUS_LABELS.items()),
            "errors": errors,
            "query": request.GET.urlencode(),
            "body": body,
        },
    )


def _board_context(day, period, status) -> dict:
    rows = board_service.build_board(day, period)
    all_rows = rows
    if status:
        rows = [r for r in rows if r.plan_status == status]
    totals = {
        "approved": sum(1 for r in all_rows if r.plan_status == "approved"),
        "documents": sum(r.documents for r in rows),
        "activities": sum(r.activities for r in rows),
        "funding": sum(r.funding for r in rows),
    }
    return {
        "day": day,
        "period": period,
        "rows": rows,
        "province_count": len(all_rows),
        "totals": totals,
        "era": geo.era_on(day),
        "map_values": json.dumps({r.province.code: r.status_value for r in all_rows}),
        "map_pieces": json.dumps(
            [
                {
                    "value": board_service.STATUS_VALUE[key],
                    "label": str(label),
                    "color": board_service.STATUS_COLOURS[key],
                }
                for key, label in board_service.STATUS_LABELS.items()
            ]
        ),
        "geojson_url": map_geojson_url(day),
        "map_link": reverse("programme:province_by_code", args=["CODE"]).replace("CODE", "{code}")
        + f"?date={format_date(day)}",
    }


@require_capability("board.view")
def board_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    day, period, status, _errors = _board_params(request)
    rows = [r for r in board_service.build_board(day, period) if not status or r.plan_status == status]
    filename = f"bang-theo-doi-ocop-{day.isoformat()}"
    if fmt == "csv":
        return spreadsheet.csv_response(
            filename,
            board_service.CSV_HEADER,
            (row.csv_row() for row in rows),
            delimiter=";" if request.GET.get("sep") == "semicolon" else ",",
        )
    return spreadsheet.table_response(
        filename,
        board_service.EXPORT_HEADER,
        [row.export_row() for row in rows],
        title=_("Tình hình triển khai Chương trình OCOP tại ngày %(d)s") % {"d": format_date(day)},
        filters=[(_("Trạng thái"), dict(board_service.STATUS_LABELS).get(status, status))] if status else None,
        user=request.user,
        sheet_title=_("Bảng theo dõi"),
    )


@require_capability("programme.view")
def province(request: HttpRequest, pk: int) -> HttpResponse:
    """A province's page: every registry, its own records and (for a 2025 province) those of the legacy
    provinces it absorbed, marked as such."""
    unit = get_object_or_404(scope_for(request.user).units().filter(level=Level.PROVINCE), pk=pk)
    members = [unit] + [p for p in geo.predecessors(unit) if p.pk != unit.pk]
    sections = []
    for registry in REGISTRIES.values():
        records = readable(request.user, registry.model).filter(unit__province__in=members)
        sections.append({"registry": registry, "records": records[:200], "count": records.count()})
    return render(
        request,
        "programme/province.html",
        {
            "unit": unit,
            "members": members,
            "legacy_members": [m for m in members if m.era == "legacy"],
            "sections": sections,
            "can_edit": can(request.user, "programme.edit") and scope_for(request.user).covers(unit, write=True),
        },
    )


@require_capability("programme.view")
def province_by_code(request: HttpRequest, code: str) -> HttpResponse:
    """From the map: the province with this code valid on ?date= (today by default)."""
    day, _err = parse_date_or_today(request.GET.get("date"))
    unit = get_object_or_404(scope_for(request.user).units().valid_on(day).filter(level=Level.PROVINCE), code=code)
    return redirect("programme:province", pk=unit.pk)


@require_capability("programme.view")
def record_list(request: HttpRequest, slug: str) -> HttpResponse:
    registry = _registry(slug)
    qs = readable(request.user, registry.model)
    province_code = request.GET.get("province", "").strip()
    if province_code:
        qs = qs.filter(unit__province__code=province_code)
    year = request.GET.get("year", "").strip()
    errors = []
    if year:
        if year.isdigit() and 1900 < int(year) < 2200:
            date_field = "year" if slug == "funding" else registry.model.DATE_FIELD
            qs = qs.filter(**({date_field: int(year)} if slug == "funding" else {f"{date_field}__year": int(year)}))
        else:
            errors.append(_("Năm “%(y)s” không hợp lệ.") % {"y": year[:10]})
    if wants_xlsx(request) and not errors:
        fields = [registry.model._meta.get_field(c) for c in registry.columns]
        columns = [
            Col(_("Mã tỉnh"), lambda r: r.unit.province.code if r.unit.province_id else r.unit.code, 8),
            Col(_("Đơn vị"), lambda r: str(r.unit), 26),
        ] + [Col(str(f.verbose_name).capitalize(), (lambda r, f=f: _display(r, f)), 20) for f in fields]
        return export_response(
            request,
            qs.select_related("unit__province"),
            columns,
            title=str(registry.label),
            filename=slug,
            filters=[(_("Mã tỉnh"), province_code), (_("Năm"), year)],
        )
    page = Paginator(qs.select_related("unit__province"), 50).get_page(request.GET.get("page"))
    columns = [registry.model._meta.get_field(c) for c in registry.columns]
    rows = [(r, [_format(_display(r, f), f) for f in columns]) for r in page]
    return render(
        request,
        "programme/record_list.html",
        {
            "registry": registry,
            "registries": REGISTRIES.values(),
            "page": page,
            "rows": rows,
            "columns": columns,
            "errors": errors,
            "province_code": province_code,
            "year": year,
            "can_edit": can(request.user, "programme.edit"),
            "query": request.GET.urlencode(),
        },
    )


def _display(record, field):
    value = getattr(record, field.name)
    if field.choices:
        return getattr(record, f"get_{field.name}_display")()
    return value


def _format(value, field) -> str:
    """A value as shown in HTML lists: dd/mm/yyyy dates, "." thousands (not for years), short text."""
    import datetime as dt

    from django.utils.text import Truncator

    from ocop.lib.templatetags.ocop import dmy, num

    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return dmy(value)
    if isinstance(value, int) and field.name != "year":
        return num(value)
    return Truncator(str(value)).chars(80)


def _edit(request: HttpRequest, registry, record) -> HttpResponse:
    units = writable_units(request.user)
    form_class = record_form_class(registry.model)
    form = form_class(request.POST or None, request.FILES or None, instance=record, units=units)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        try:
            do_save_record(request.user, obj, expected_version=form.cleaned_data.get("version"), request=request)
        except VersionConflict:
            form.add_error(
                None,
                _(
                    "Bản ghi vừa được người khác sửa sau khi bạn mở. Nội dung bạn nhập vẫn còn dưới đây; hãy mở lại bản ghi để xem bản mới nhất rồi sửa lại."
                ),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã lưu: %(obj)s.") % {"obj": obj})
            return redirect("programme:province", pk=obj.unit.province_id or obj.unit_id)
    return render(request, "programme/record_form.html", {"form": form, "registry": registry, "record": record})


@require_capability("programme.edit")
def record_new(request: HttpRequest, slug: str) -> HttpResponse:
    registry = _registry(slug)
    record = registry.model()
    scope_unit = request.user.scope_unit
    if scope_unit is not None and writable_units(request.user).filter(pk=scope_unit.pk).exists():
        record.unit = scope_unit  # the usual case: the officer's own province
    return _edit(request, registry, record)


@require_capability("programme.view")
def record_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    registry = _registry(slug)
    record = get_object_or_404(readable(request.user, registry.model), pk=pk)
    if can(request.user, "programme.edit") and scope_for(request.user).covers(record.unit, write=True):
        return _edit(request, registry, record)
    if request.method == "POST":
        raise PermissionDenied
    fields = [f for f in registry.model._meta.concrete_fields if f.name not in record.SYSTEM_FIELDS]
    return render(
        request,
        "programme/record_detail.html",
        {"registry": registry, "record": record, "values": [(f.verbose_name, _display(record, f)) for f in fields]},
    )


@require_capability("programme.edit")
def record_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    registry = _registry(slug)
    record = get_object_or_404(
        scope_for(request.user).filter(registry.model.objects.alive(), "unit", write=True), pk=pk
    )
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do_delete_record(request.user, record, reason=form.cleaned_data["reason"], request=request)
        messages.success(request, _("Đã xóa: %(obj)s.") % {"obj": record})
        return redirect("programme:province", pk=record.unit.province_id or record.unit_id)
    return render(request, "programme/record_delete.html", {"form": form, "registry": registry, "record": record})


@require_capability("programme.view")
def record_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    registry = _registry(slug)
    record = get_object_or_404(readable(request.user, registry.model), pk=pk)
    attachment = getattr(record, "attachment", None)
    if not attachment:
        raise Http404
    try:
        handle = attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=Path(attachment.name).name)
