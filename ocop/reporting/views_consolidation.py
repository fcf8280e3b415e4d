"""The consolidation of a request on screen, and its documents (.docx, .pdf, .xlsx) rendered in the
background with their progress polled by htmx.

Who: those who manage the request (services.requests.can_manage_request): central users for national
requests, the owning province for its own collection requests. A request the user cannot see is a 404;
one they see but do not manage is a 403."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ocop.lib.decorators import require_capability
from ocop.reporting import consolidation as cons
from ocop.reporting.models import ReportRequest
from ocop.reporting.models_jobs import RenderFormat, RenderJob, RenderStatus
from ocop.reporting.services import requests as req_service
from ocop.reporting.tasks import recent_render_jobs, render_job_stale, retry_render_job, start_render_job


def _managed_request(user, pk: int) -> ReportRequest:
    try:
        req = req_service.visible_request(user, pk)
    except ReportRequest.DoesNotExist:
        raise Http404 from None
    if not req_service.can_manage_request(user, req):
        raise PermissionDenied
    return req


def _managed_job(user, pk: int) -> RenderJob:
    job = get_object_or_404(
        RenderJob.objects.select_related("request").filter(request__in=req_service.visible_requests(user)), pk=pk
    )
    if not req_service.can_manage_request(user, job.request):
        raise PermissionDenied
    return job


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else round(float(value), 2)


def chart_data(c: cons.Consolidation) -> dict:
    """Every numeric field by unit and by region (the fields offered to the chart; chart_view draws one)."""
    fields = [f for f in c.numeric_fields if c.totals[f.code].count]
    default = next(
        (f.code for f in fields if f.type != "percent" and c.totals[f.code].value), fields[0].code if fields else ""
    )
    return {
        "fields": [{"code": f.code, "label": f.label, "type": f.type} for f in fields],
        "default": default,
        "units": [r.name for r in c.rows],
        "values": {f.code: [_number(r.values.get(f.code)) for r in c.rows] for f in fields},
        "regions": [g.label for g in c.regions],
        "region_values": {f.code: [_number(g.stats[f.code].value) for g in c.regions] for f in fields},
        "labels": {"unit": _("Theo đơn vị"), "region": _("Theo vùng kinh tế - xã hội"), "average": _("bình quân")},
    }


def chart_view(data: dict, code: str) -> dict | None:
    """The two bar charts of one field (drawn on the server as SVG, issue 17): by unit, by region."""
    field = next((f for f in data["fields"] if f["code"] == code), None)
    if field is None:
        return None
    percent = field["type"] == "percent"
    labels = data["labels"]
    region_title = f"{field['label']} — {labels['region']}" + (f" ({labels['average']})" if percent else "")
    return {
        "field": field,
        "unit": {
            "categories": data["units"],
            "title": f"{field['label']} — {labels['unit']}",
            "series": [{"name": field["label"], "values": data["values"][code]}],
        },
        "region": {
            "categories": data["regions"],
            "title": region_title,
            "series": [{"name": field["label"], "values": data["region_values"][code]}],
        },
        "suffix": "%" if percent else "",
    }


def _stat_text(stat: cons.Stat) -> str:
    if stat.is_percent:
        return f"TB {stat.display}" if stat.count else ""
    return stat.display


def section_views(c: cons.Consolidation) -> list[dict]:
    """The section tables as the template shows them: a row per unit, subtotals, the total."""
    result = []
    for table in c.section_tables:
        fields = table.fields
        result.append(
            {
                "section": table.section,
                "fields": fields,
                "rows": [(row, [cons.fmt(f.type, v) for f, v in zip(fields, row.cells(fields))]) for row in c.rows],
                "regions": [(g, [_stat_text(st) for st in g.cells(fields)]) for g in c.regions],
                "provinces": [(g, [_stat_text(st) for st in g.cells(fields)]) for g in c.provinces],
                "total": [_stat_text(c.totals[f.code]) for f in fields],
                "ranges": [c.totals[f.code].range_display for f in fields],
                "has_ranges": any(f.type == "percent" for f in fields),
            }
        )
    return result


def comparison_view(c: cons.Consolidation) -> list[dict]:
    rows = []
    for row in c.comparison.rows if c.comparison else []:
        change = row.change_pct
        rows.append(
            {
                "field": row.field,
                "current": cons.fmt(row.field.type, row.current),
                "previous": cons.fmt(row.field.type, row.previous),
                "difference": cons.fmt_signed(row.field.type, row.difference),
                "change": cons.fmt_signed("percent", change) if change is not None else "",
                "trend": "" if not row.difference else ("up" if row.difference > 0 else "down"),
            }
        )
    return rows


def table_views(c: cons.Consolidation) -> list[dict]:
    from ocop.reporting.schema import display

    result = []
    for table in c.tables:
        columns = table.field.columns
        rows = [
            (
                unit,
                [
                    display(col.type, row.get(col.code), col.options) if row.get(col.code) not in (None, "") else ""
                    for col in columns
                ],
            )
            for unit, row in table.rows
        ]
        totals = [cons.fmt(col.type, table.totals[col.code]) if col.code in table.totals else "" for col in columns]
        result.append(
            {"field": table.field, "columns": columns, "rows": rows, "totals": totals if table.totals else None}
        )
    return result


# The page in parts (issue 17: a national consolidation was one 380 KB, 21,890 px page): ?phan=…
PARTS = {
    "tong-quan": gettext_lazy("Tổng quan"),
    "so-lieu": gettext_lazy("Số liệu theo đơn vị"),
    "y-kien": gettext_lazy("Tồn tại, kiến nghị"),
    "bao-cao": gettext_lazy("Báo cáo của các đơn vị"),
}


@require_capability("reporting.view")
def consolidation(request: HttpRequest, pk: int) -> HttpResponse:
    """The figures (everything but the downloads card) are template fragments cached under the
    consolidation's data version (`{% cache %}` on `data_key`: cons.consolidation_key), the part, the
    chart and the language: the consolidation and its views are computed only when a fragment is
    missing (lazy objects), and a changed report shows on the next request (issue 17, goal 3)."""
    req = _managed_request(request.user, pk)
    include_submitted = request.GET.get("include_submitted") == "1"
    part = request.GET.get("phan") or "tong-quan"
    if part not in PARTS:
        part = "tong-quan"
    key = cons.consolidation_key(req, include_submitted=include_submitted)
    c = SimpleLazyObject(lambda: cons.cached_consolidate(req, include_submitted=include_submitted, key=key))
    chart_code = request.GET.get("chart", "")[:100]
    context = {
        "req": req,
        "c": c,
        "include_submitted": include_submitted,
        "part": part,
        "data_key": key[0],
        "chart_code": chart_code,
        "parts": [
            (key, label, "?" + urlencode({"phan": key, **({"include_submitted": 1} if include_submitted else {})}))
            for key, label in PARTS.items()
        ],
    }
    if part == "tong-quan":
        data = SimpleLazyObject(lambda: chart_data(c))
        context.update(
            {
                "chart_fields": SimpleLazyObject(lambda: data["fields"]),
                "chart": SimpleLazyObject(
                    lambda: chart_view(data, chart_code or data["default"]) or chart_view(data, data["default"]) or {}
                ),
                "jobs": recent_render_jobs(req),
                "formats": RenderFormat.choices,
                "comparison": SimpleLazyObject(lambda: comparison_view(c)),
            }
        )
    elif part == "so-lieu":
        context["sections"] = SimpleLazyObject(lambda: section_views(c))
    elif part == "y-kien":
        context.update(
            {
                "shortcomings": SimpleLazyObject(lambda: c.issues_of("shortcomings")),
                "proposals": SimpleLazyObject(lambda: c.issues_of("proposals")),
            }
        )
    else:
        context["collated"] = SimpleLazyObject(lambda: table_views(c))
    return render(request, "reporting/consolidation.html", context)


@require_POST
@require_capability("reporting.view")
def consolidation_render(request: HttpRequest, pk: int) -> HttpResponse:
    """Start rendering a format (or retry a failed job); back to the page, which shows the progress."""
    req = _managed_request(request.user, pk)
    back = reverse("reporting:consolidation", args=[req.pk])
    retry = request.POST.get("retry")
    if retry:
        job = get_object_or_404(RenderJob, pk=retry if str(retry).isdigit() else 0, request=req)
        if job.status == RenderStatus.FAILED or render_job_stale(job):
            retry_render_job(job)
            messages.success(request, _("Đã đưa việc tạo tệp vào hàng đợi lại."))
        return redirect(back)
    fmt = request.POST.get("format", "")
    if fmt not in RenderFormat.values:
        messages.error(
            request, _("Định dạng “%(f)s” không được hỗ trợ: chọn .docx, .pdf hoặc .xlsx.") % {"f": fmt[:10]}
        )
        return redirect(back)
    include_submitted = request.POST.get("include_submitted") == "1"
    start_render_job(request.user, req, fmt, include_submitted=include_submitted)
    messages.success(request, _("Đang tạo tệp %(f)s; tiến độ hiển thị bên dưới, tệp tải được khi xong.") % {"f": fmt})
    return redirect(back + ("?include_submitted=1" if include_submitted else ""))


@require_capability("reporting.view")
def consolidation_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's progress (an htmx fragment, polled every 2 s while it runs)."""
    job = _managed_job(request.user, pk)
    return render(request, "reporting/_consolidation_job.html", {"job": job, "stale": render_job_stale(job)})


@require_capability("reporting.view")
def consolidation_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _managed_job(request.user, pk)
    if job.status != RenderStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    from ocop.reporting.national_report import CONTENT_TYPES

    response = FileResponse(handle, as_attachment=True, filename=job.download_name)
    response["Content-Type"] = CONTENT_TYPES.get(job.format, "application/octet-stream")
    return response
