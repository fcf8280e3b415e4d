from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.services import log_action
from ocop.geo.models import AdminUnit, Level
from ocop.geo.views import map_geojson_url
from ocop.lib.cachekeys import data_digest
from ocop.lib.dates import format_date
from ocop.lib.decorators import require_capability
from ocop.lib.filters import choice_label, shown
from ocop.lib.forms import apply_validation_error, error_text
from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.lib import prepared
from ocop.lib.upload_safety import check_office_upload
from ocop.reporting import formdata, formhtml, periods, schema
from ocop.reporting.filters import RequestFilterSet
from ocop.reporting.forms import AttachmentForm, PeriodicForm, RequestForm, TemplateForm, UploadForm
from ocop.reporting.models import (
    ReportRequest,
    ReportTemplate,
    RequestDeadline,
    RequestKind,
    RequestStatus,
    Submission,
    SubmissionAttachment,
    SubmissionSource,
    SubmissionStatus,
)
from ocop.reporting.services import completeness as comp
from ocop.reporting.services import requests as req_service
from ocop.reporting.services import submissions as sub_service

# colours of the completeness map (as the status badges of the table)
MAP_STATE_COLOURS = {
    "missing": "#bdbdbd",
    "draft": "#f4d03f",
    "returned": "#e74c3c",
    "submitted": "#5dade2",
    "accepted": "#1e8449",
}


def _visible_request(user, pk: int) -> ReportRequest:
    try:
        return req_service.visible_request(user, pk)
    except ReportRequest.DoesNotExist:
        raise Http404 from None


def _visible_submission(user, pk: int) -> Submission:
    try:
        return sub_service.visible_submission(user, pk)
    except Submission.DoesNotExist:
        raise Http404 from None


# --- requests ---------------------------------------------------------------------------------


REQUEST_COLUMNS = [
    Col(_l("Tiêu đề"), "title", 44),
    Col(_l("Mẫu báo cáo"), "template.code", 20),
    Col(_l("Loại báo cáo"), lambda r: r.get_kind_display(), 14),
    Col(_l("Kỳ báo cáo"), "period_code", 12),
    Col(_l("Số liệu từ ngày"), "period_start", 12),
    Col(_l("Ngày chốt số liệu"), "cutoff", 12),
    Col(_l("Hạn nộp"), "deadline", 12),
    Col(_l("Cấp nhận yêu cầu"), lambda r: r.get_recipient_level_display(), 12),
    Col(_l("Số đơn vị nhận"), lambda r: len(r.recipients.all()), 10),
    Col(_l("Đơn vị yêu cầu"), lambda r: str(r.owner_unit) if r.owner_unit_id else _("Trung ương"), 22),
    Col(_l("Số, ký hiệu văn bản"), "document_number", 18),
    Col(_l("Ngày ban hành"), "issued_on", 12),
    Col(_l("Trạng thái"), lambda r: r.get_status_display(), 14),
]
COMPLETENESS_COLUMNS = [
    Col(_l("Mã đơn vị"), "unit.code", 10),
    Col(_l("Đơn vị"), "unit.name", 30),
    Col(_l("Tình trạng"), lambda r: r.state_label, 22),
    Col(_l("Nộp lần đầu"), "first_submitted_at", 17),
    Col(_l("Đúng hạn"), lambda r: r.timeliness_label if r.timeliness else "", 14),
]
TEMPLATE_COLUMNS = [
    Col(_l("Mã"), "code", 22),
    Col(_l("Tên"), "title", 50),
    Col(_l("Phiên bản"), "version", 10),
    Col(_l("Áp dụng từ"), "valid_from", 12),
    Col(_l("Áp dụng đến"), "valid_to", 12),
    Col(_l("Nguồn"), "source", 30),
]


@require_capability("reporting.view")
def request_list(request: HttpRequest) -> HttpResponse:
    filterset = RequestFilterSet(
        request.GET, queryset=req_service.visible_requests(request.user).prefetch_related("recipients")
    )
    qs, filters = filterset.qs, shown(filterset)
    status = filters["status"]
    if wants_xlsx(request):
        return export_response(
            request,
            qs.select_related("template", "owner_unit"),
            REQUEST_COLUMNS,
            title=_("Danh sách yêu cầu báo cáo"),
            filename="yeu-cau-bao-cao",
            filters=[
                (_("Trạng thái"), choice_label(RequestStatus.choices, status)),
                (_("Loại báo cáo"), choice_label(RequestKind.choices, filters["kind"])),
                (_("Kỳ báo cáo"), filters["period"]),
                (_("Năm"), filters["year"]),
                (_("Mẫu báo cáo"), filters["template"]),
            ],
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    user = request.user
    fills = can(user, "reporting.submit") and user.scope_unit_id
    latest: dict[tuple[int, int], Submission] = {}
    if fills:  # the user's own reports for the whole page in one query (latest version wins)
        for sub in Submission.objects.filter(
            request__in=list(page), unit__in=scope_for(user).units(write=True)
        ).order_by("number"):
            latest[(sub.request_id, sub.unit_id)] = sub
    counts = comp.counts_for(list(page))  # "x/N đã nộp, y đúng hạn" for the whole page in one query
    rows = []
    for req in page:
        mine = None
        if fills:
            units = [u for u in req.recipients.all() if sub_service.can_fill(user, u)]
            mine = [(u, latest.get((req.pk, u.pk))) for u in units]
        rows.append((req, mine, counts[req.pk]))
    return render(
        request,
        "reporting/request_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": RequestStatus.choices,
            "can_create": can(user, "reporting.request") and scope_for(user).national,
        },
    )


@require_capability("reporting.request")
def request_new(request: HttpRequest) -> HttpResponse:
    if not scope_for(request.user).national:
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        level_deadlines = {lvl: d[f"deadline_{lvl}"] for lvl in ("district", "commune") if d.get(f"deadline_{lvl}")}
        try:
            req = req_service.do_create_request(
                request.user,
                title=d["title"],
                template=d["template"],
                kind=d["kind"],
                cutoff=d["cutoff"],
                deadline=d["deadline"],
                deadline_rule=d["deadline_rule"],
                period_start=d["period_start"],
                legal_basis=d["legal_basis"],
                recipient_level=d["recipient_level"],
                level_deadlines=level_deadlines,
                issued_on=d["issued_on"],
                document_number=d["document_number"],
                reminder_offsets=d["reminder_offsets"],
                request=request,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã tạo yêu cầu báo cáo (đang soạn). Kiểm tra rồi bấm “Mở thu thập”."))
            return redirect("reporting:request_detail", pk=req.pk)
    return render(request, "reporting/request_form.html", {"form": form})


@require_capability("reporting.request")
def request_periodic(request: HttpRequest) -> HttpResponse:
    """Create the requests of a periodic schedule (every quarter, half-year or year of a year)."""
    if not scope_for(request.user).national:
        raise PermissionDenied
    form = PeriodicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            created = req_service.create_periodic_requests(request.user, d["template"], d["period_kind"], d["year"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if created:
                messages.success(
                    request,
                    _("Đã tạo %(n)s yêu cầu định kỳ (đang soạn): %(list)s.")
                    % {
                        "n": len(created),
                        "list": "; ".join(f"{r.period_code} hạn {format_date(r.deadline)}" for r in created),
                    },
                )
            else:
                messages.info(request, _("Các yêu cầu của kỳ này đã có; không tạo thêm."))
            return redirect("reporting:request_list")
    return render(request, "reporting/request_periodic.html", {"form": form})


@require_capability("reporting.view")
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _visible_request(request.user, pk)
    user = request.user
    manage = req_service.can_manage_request(user, req)
    rows = comp.unit_statuses(req)
    scope = scope_for(user)
    if not scope.national and not manage:
        rows = [r for r in rows if scope.covers(r.unit)]
    if wants_xlsx(request):
        return export_response(
            request,
            rows,
            COMPLETENESS_COLUMNS,
            filename=f"tinh-hinh-nop-{req.pk}",
            title=_("Tình hình nộp báo cáo: %(t)s") % {"t": req.title},
            sheet_title=_("Tình hình nộp"),
            filters=[(_("Hạn nộp"), format_date(req.deadline))],
        )
    summary = comp.summarise(rows)
    # officers without a unit fill in no report (`can_fill`): not asked once per row
    my_units = [r for r in rows if sub_service.can_fill(user, r.unit)] if user.scope_unit_id is not None else []
    can_collect = (
        can(user, "reporting.request")
        and req.status == RequestStatus.OPEN
        and any(r.unit.level == Level.PROVINCE for r in my_units)
    )
    return render(
        request,
        "reporting/request_detail.html",
        {
            "req": req,
            "rows": rows,
            "summary": summary,
            "manage": manage,
            "my_units": my_units,
            "children": req_service.child_requests(user, req),
            "can_collect": can_collect,
            "level_deadlines": prepared.rows(RequestDeadline, ("level", "deadline"), {"request": req.pk}),
            "map_values": json.dumps({r.unit.code: comp.STATE_VALUE[r.state] for r in rows})
            if req.recipient_level == Level.PROVINCE
            else "",
            "map_pieces": json.dumps(
                [
                    {"value": v, "label": str(comp.STATE_LABELS[k]), "color": MAP_STATE_COLOURS[k]}
                    for k, v in comp.STATE_VALUE.items()
                ]
            ),
            "geojson_url": map_geojson_url(req.cutoff),
            "sections": req.form.sections,
            # the summary, map, table and outline: a fragment cached under this digest (and `manage`)
            "table_key": comp.rows_version(req, rows),
        },
    )


@require_POST
@require_capability("reporting.request")
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    req = _visible_request(request.user, pk)
    if action in ("open", "close") and "confirmed" not in request.POST:
        if not req_service.can_manage_request(request.user, req):
            raise PermissionDenied
        return _confirm_request_action(request, req, action)
    try:
        if action == "open":
            req_service.do_open_request(request.user, req, request=request)
            messages.success(request, _("Đã mở thu thập báo cáo; các đơn vị đã được thông báo."))
        elif action == "close":
            req_service.do_close_request(request.user, req, request=request)
            messages.success(request, _("Đã đóng yêu cầu báo cáo."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("reporting:request_detail", pk=req.pk)


def _offset_text(days: int) -> str:
    if days < 0:
        return _("%(n)s ngày trước") % {"n": -days}
    if days == 0:
        return _("đúng ngày")
    return _("%(n)s ngày sau") % {"n": days}


def _confirm_request_action(request: HttpRequest, req: ReportRequest, action: str) -> HttpResponse:
    n = req.recipients.count()
    if action == "open":
        consequences = [
            _("%(n)s đơn vị (%(level)s) nhận thông báo trong hệ thống và bắt đầu lập báo cáo.")
            % {"n": n, "level": req.get_recipient_level_display()},
            _("Hạn nộp: %(d)s; số liệu đến hết ngày %(c)s.") % {"d": req.deadline_text, "c": format_date(req.cutoff)},
            _(
                "Thư nhắc hạn được đặt lịch (%(o)s, tính theo ngày cuối cùng còn đúng hạn %(last)s) cho các đơn vị chưa nộp."
            )
            % {
                "o": ", ".join(_offset_text(o) for o in req.reminder_offsets) or "—",
                "last": format_date(req.last_on_time_day),
            },
        ]
        title = _("Mở thu thập báo cáo cho %(n)s đơn vị?") % {"n": n}
        button = _("Xác nhận mở thu thập, thông báo %(n)s đơn vị") % {"n": n}
    else:
        consequences = [
            _("Các đơn vị không nộp, không sửa được báo cáo của yêu cầu này nữa."),
            _("Thư nhắc hạn chưa gửi sẽ không được gửi."),
        ]
        title = _("Đóng yêu cầu “%(t)s”?") % {"t": req.title}
        button = _("Xác nhận đóng yêu cầu")
    return _confirm(
        request,
        title=title,
        consequences=consequences,
        action=reverse("reporting:request_action", args=[req.pk, action]),
        fields={},
        button=button,
        cancel=reverse("reporting:request_detail", args=[req.pk]),
        testid=f"confirm-{action}",
    )


@require_capability("reporting.request")
def request_collect(request: HttpRequest, pk: int) -> HttpResponse:
    """A province asks its districts (until 2025) or communes for their reports, with an earlier deadline."""
    parent = _visible_request(request.user, pk)
    initial = {
        "title": parent.title,
        "recipient_level": Level.COMMUNE if parent.cutoff.year >= 2025 else Level.DISTRICT,
        "deadline_rule": parent.deadline_rule,
    }
    level_deadline = parent.level_deadlines.first()
    if level_deadline:
        initial.update(deadline=level_deadline.deadline, recipient_level=level_deadline.level)
    form = RequestForm(request.POST or None, initial=initial, collection=True)
    if request.method == "POST" and form.is_valid() and "confirmed" not in request.POST:
        # sending the request to every district or commune is a mass action: say what will happen first
        d = form.cleaned_data
        owner = parent.recipients.filter(pk__in=scope_for(request.user).units(write=True)).first()
        n = req_service.default_recipients(d["recipient_level"], parent.cutoff, owner).count() if owner else 0
        fields = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return _confirm(
            request,
            title=_("Gửi yêu cầu thu thập tới %(n)s đơn vị?") % {"n": n},
            consequences=[
                _("%(n)s đơn vị (%(level)s) nhận thông báo trong hệ thống và bắt đầu lập báo cáo.")
                % {"n": n, "level": dict(form.fields["recipient_level"].choices).get(d["recipient_level"], "")},
                _("Hạn nộp cho tỉnh: %(d)s.") % {"d": periods.deadline_wording(d["deadline_rule"], d["deadline"])},
            ],
            action=reverse("reporting:request_collect", args=[parent.pk]),
            fields=fields,
            button=_("Xác nhận gửi yêu cầu tới %(n)s đơn vị") % {"n": n},
            cancel=reverse("reporting:request_detail", args=[parent.pk]),
            testid="confirm-collect",
        )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            child = req_service.do_create_request(
                request.user,
                title=d["title"],
                template=parent.template,
                kind=parent.kind,
                cutoff=parent.cutoff,
                period_start=parent.period_start,
                deadline=d["deadline"],
                deadline_rule=d["deadline_rule"],
                recipient_level=d["recipient_level"],
                parent=parent,
                issued_on=d["issued_on"],
                document_number=d["document_number"],
                reminder_offsets=d["reminder_offsets"],
                legal_basis=parent.legal_basis,
                request=request,
            )
            req_service.do_open_request(request.user, child, request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã gửi yêu cầu thu thập tới %(n)s đơn vị.") % {"n": child.recipients.count()})
            return redirect("reporting:request_detail", pk=child.pk)
    return render(request, "reporting/request_form.html", {"form": form, "parent": parent})


@require_capability("reporting.view")
def history(request: HttpRequest) -> HttpResponse:
    """Completeness across periods: one row per unit, one column per request of a template."""
    scope = scope_for(request.user)
    templates = ReportTemplate.objects.filter(requests__isnull=False).distinct().order_by("code", "-version")
    code = request.GET.get("template") or (templates[0].code if templates else "")
    reqs = list(
        req_service.visible_requests(request.user)
        .filter(template__code=code, owner_unit__isnull=True)
        .order_by("cutoff")[:24]
    )
    units: dict[int, AdminUnit] = {}
    matrix: dict[int, dict[int, comp.UnitStatus]] = {}
    for req in reqs:
        for row in comp.unit_statuses(req):
            if scope.national or scope.covers(row.unit):
                units[row.unit.pk] = row.unit
                matrix.setdefault(row.unit.pk, {})[req.pk] = row
    table = [
        (unit, [matrix[unit.pk].get(req.pk) for req in reqs])
        for unit in sorted(units.values(), key=lambda u: (u.era, u.code))
    ]
    totals = [comp.summarise([matrix[u][req.pk] for u in matrix if req.pk in matrix[u]]) for req in reqs]
    if wants_xlsx(request):

        def cell(i):
            return lambda row: (
                (row[1][i].state_label + (f" ({row[1][i].timeliness_label})" if row[1][i].timeliness else ""))
                if row[1][i]
                else ""
            )

        columns = [Col(_("Mã đơn vị"), lambda row: row[0].code, 10), Col(_("Đơn vị"), lambda row: row[0].name, 28)]
        columns += [Col(_("Chốt %(d)s") % {"d": format_date(req.cutoff)}, cell(i), 22) for i, req in enumerate(reqs)]
        return export_response(
            request,
            table,
            columns,
            title=_("Tình hình nộp báo cáo qua các kỳ"),
            filename="tinh-hinh-nop-qua-cac-ky",
            filters=[(_("Mẫu báo cáo"), code)],
        )
    return render(
        request,
        "reporting/history.html",
        {"templates": templates, "code": code, "reqs": reqs, "table": table, "totals": totals},
    )


# --- templates --------------------------------------------------------------------------------


@require_capability("reporting.view")
def template_list(request: HttpRequest) -> HttpResponse:
    if wants_xlsx(request):
        return export_response(
            request,
            ReportTemplate.objects.all(),
            TEMPLATE_COLUMNS,
            title=_("Danh sách mẫu báo cáo"),
            filename="mau-bao-cao",
        )
    return render(
        request,
        "reporting/template_list.html",
        {"templates": ReportTemplate.objects.all(), "can_edit": can(request.user, "reporting.templates")},
    )


@require_capability("reporting.view")
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tpl = get_object_or_404(ReportTemplate, pk=pk)
    from ocop.reporting.bindings import BINDINGS

    from ocop.reporting.periodtext import year_warnings

    return render(
        request,
        "reporting/template_detail.html",
        {
            "tpl": tpl,
            "t": tpl.parsed,
            "bindings": BINDINGS,
            "year_warnings": year_warnings(tpl.definition),
            "can_edit": can(request.user, "reporting.templates"),
        },
    )


@require_capability("reporting.templates")
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A central administrator edits a template: the change is saved as a new version."""
    from ocop.reporting.periodtext import year_warnings

    tpl = get_object_or_404(ReportTemplate, pk=pk)
    form = TemplateForm(
        request.POST or None, initial={"definition": json.dumps(tpl.definition, ensure_ascii=False, indent=2)}
    )
    if request.method == "POST" and form.is_valid():
        definition = form.cleaned_data["definition"]
        with transaction.atomic():
            latest = ReportTemplate.objects.select_for_update().filter(code=tpl.code).order_by("-version").first()
            definition["code"] = tpl.code
            definition["version"] = latest.version + 1
            parsed = schema.parse_definition(definition)
            new = ReportTemplate.objects.create(
                code=tpl.code,
                version=definition["version"],
                title=parsed.title,
                definition=definition,
                valid_from=parsed.valid_from,
                valid_to=parsed.valid_to,
                source="admin",
                created_by=request.user,
            )
            log_action(
                request.user,
                "ocop.report.template_versioned",
                new,
                before={"version": tpl.version},
                after={"version": new.version},
                request=request,
            )
        messages.success(request, _("Đã lưu phiên bản %(v)s của mẫu báo cáo.") % {"v": new.version})
        for warning in year_warnings(definition):
            messages.warning(request, str(warning))
        return redirect("reporting:template_detail", pk=new.pk)
    return render(
        request,
        "reporting/template_edit.html",
        {"tpl": tpl, "form": form, "year_warnings": year_warnings(tpl.definition), "placeholders": schema.PLACEHOLDERS},
    )


# --- submissions ------------------------------------------------------------------------------


@require_POST
@require_capability("reporting.submit")
def submission_open(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Open (creating on first use, pre-filled) the unit's report for a request."""
    req = _visible_request(request.user, pk)
    unit = get_object_or_404(scope_for(request.user).units(write=True), pk=unit_pk)
    try:
        sub = sub_service.do_open_submission(request.user, req, unit, request=request)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("reporting:request_detail", pk=req.pk)
    return redirect("reporting:submission", pk=sub.pk)


FORM_CACHE_SECONDS = 3600  # only frees memory: the key digests everything the form shows


def _submission_context(request, sub: Submission, *, issues=None, raw_post=None) -> dict:
    template = sub.request.form
    editable = (
        sub.editable and sub_service.can_fill(request.user, sub.unit) and sub.request.status != RequestStatus.CLOSED
    )
    comments = sub_service.review_comments(sub)
    if issues is None and raw_post is None:
        issues = formdata.stored_issues(template, sub.invalid)  # text kept that is not valid yet
    can_review = sub_service.can_review(request.user, sub) and sub.status == SubmissionStatus.SUBMITTED

    def build_sections():
        sections = formdata.build_view(
            template,
            sub.data,
            prefilled=sub.prefilled,
            overrides=sub.overrides,
            issues=issues,
            comments=comments,
            raw_post=raw_post,
            invalid=sub.invalid,
            sources=sub.prefill_sources,
        )
        formhtml.sections_html(
            template, sections, editable, can_review
        )  # strings per section, not an include per field
        return sections

    titles = {s.number: s.title for s in template.sections}
    # The navigator and the sections are fragments cached under a digest of everything they show
    # (issue 17): the request (its period fills in the texts), the report's every stored column, the
    # comments, the problems listed, and the reader's rights; they are built only when not cached.
    # What was typed and sent back after a conflict (raw_post) is shown once and never cached.
    form_key = data_digest(
        "submission-form",
        [(f.attname, getattr(sub.request, f.attname)) for f in sub.request._meta.concrete_fields],
        [(f.attname, getattr(sub, f.attname)) for f in sub._meta.concrete_fields],
        [(c.pk, c.section, c.text, c.created_at, str(c.author)) for c in comments],
        [(i.field, i.row, i.column, str(i.message)) for i in issues or []],
        editable,
        can_review,
        sorted(raw_post.lists()) if raw_post is not None else None,
    )
    # not every version's data
    versions = prepared.rows(
        Submission,
        ("request", "unit", "number", "status", "previous"),
        {"request": sub.request_id, "unit": sub.unit_id},
        order=("number",),
    )
    return {
        "sub": sub,
        "req": sub.request,
        "template": template,
        "sections": SimpleLazyObject(build_sections),
        "form_key": form_key,
        # the heading (links, status, deadline, versions): a fragment cached under what it shows
        "head_key": data_digest(form_key, sub.unit.name, [(v.pk, v.number, v.status, v.previous_id) for v in versions]),
        "form_cache_seconds": 0 if raw_post is not None else FORM_CACHE_SECONDS,
        "editable": editable,
        "can_review": can_review,
        "can_correct": sub.status == SubmissionStatus.ACCEPTED
        and sub_service.can_fill(request.user, sub.unit)
        and not hasattr(sub, "correction"),
        "versions": versions,
        "attachments": prepared.rows(
            SubmissionAttachment, ("name",), {"submission": sub.pk}, order=("uploaded_at", "pk")
        ),
        "issues": issues or [],
        "issue_links": formdata.issue_links(template, issues or []),
        # a returned report opens on every comment, each linking to its section
        "comment_summary": [(c, titles.get(c.section, "")) for c in comments],
        "show_navigator": len(template.sections) > 6,
    }


@require_capability("reporting.view")
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _visible_submission(request.user, pk)
    if request.method == "POST":
        return _save_submission(request, sub)
    return render(request, "reporting/submission.html", _submission_context(request, sub))


def _save_submission(request: HttpRequest, sub: Submission) -> HttpResponse:
    """Save the draft, keeping typed text that is not valid yet; on "submit", one validation pass
    lists every problem (invalid text, template checks, unexplained changes) with a link to each."""
    template = sub.request.form
    draft = formdata.read_draft(template, request.POST)
    try:
        sub_service.do_save_draft(
            request.user,
            sub,
            draft.values,
            reasons=draft.reasons,
            expected_version=draft.expected_version,
            invalid=draft.invalid,
            posted=draft.posted,
            request=request,
        )
        if "submit" in request.POST:
            sub_service.do_submit(request.user, sub, request=request)
            messages.success(request, _("Đã nộp báo cáo. Cán bộ tiếp nhận sẽ xem xét."))
            return redirect("reporting:submission", pk=sub.pk)
    except sub_service.VersionConflict:
        messages.error(
            request,
            _(
                "Báo cáo vừa được người khác lưu sau khi bạn mở. Những gì bạn nhập vẫn còn dưới đây; "
                "hãy mở lại báo cáo (tải lại trang) để xem bản mới nhất trước khi lưu."
            ),
        )
        return render(
            request, "reporting/submission.html", _submission_context(request, sub, raw_post=request.POST), status=409
        )
    except sub_service.SubmissionInvalid as exc:
        sub.refresh_from_db()
        messages.error(
            request,
            _("Chưa nộp được: %(n)s lỗi cần sửa (danh sách ở đầu trang, bấm vào từng lỗi để đến ô cần sửa).")
            % {"n": len(formdata.issue_links(template, exc.issues))},
        )
        return render(
            request,
            "reporting/submission.html",
            _submission_context(request, sub, issues=exc.issues, raw_post=request.POST),
            status=422,
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("reporting:submission", pk=sub.pk)
    if draft.invalid:
        messages.warning(
            request,
            _("Đã lưu bản nháp; %(n)s ô chưa hợp lệ được giữ nguyên để bạn sửa (danh sách ở đầu trang).")
            % {"n": len(draft.invalid)},
        )
    else:
        messages.success(request, _("Đã lưu bản nháp."))
    return redirect("reporting:submission", pk=sub.pk)


@require_POST
@require_capability("reporting.submit")
def submission_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: save the form (invalid text kept with its error), answer with a status line and the new
    lock version."""
    sub = _visible_submission(request.user, pk)
    template = sub.request.form
    draft = formdata.read_draft(template, request.POST)
    try:
        saved = sub_service.do_save_draft(
            request.user,
            sub,
            draft.values,
            reasons=draft.reasons,
            expected_version=draft.expected_version,
            autosave=True,
            invalid=draft.invalid,
            posted=draft.posted,
            request=request,
        )
    except sub_service.VersionConflict:
        return render(request, "reporting/_autosave.html", {"conflict": True})
    except (ValidationError, PermissionDenied):
        return render(request, "reporting/_autosave.html", {"refused": True})
    return render(
        request,
        "reporting/_autosave.html",
        {
            "saved_at": timezone.localtime(saved.updated_at),
            "lock_version": saved.lock_version,
            "issue_links": formdata.issue_links(template, draft.issues),
        },
    )


def _confirm(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    action: str,
    fields: dict,
    button: str,
    cancel: str,
    testid: str,
) -> HttpResponse:
    """The confirmation step of an irreversible or mass action: a page saying what will happen, with
    a form that repeats the request plus "confirmed" (works without JavaScript)."""
    return render(
        request,
        "reporting/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "action": action,
            "fields": fields,
            "button": button,
            "cancel": cancel,
            "testid": testid,
        },
    )


@require_capability("reporting.review")
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _visible_submission(request.user, pk)
    if not sub_service.can_review(request.user, sub):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("reporting:submission", pk=sub.pk)
    if "accept" in request.POST and "confirmed" not in request.POST:
        return _confirm(
            request,
            title=_("Tiếp nhận báo cáo của %(u)s?") % {"u": sub.unit},
            consequences=[
                _("Báo cáo được khóa: đơn vị không sửa trực tiếp được nữa; muốn sửa phải tạo bản sửa đổi (lần %(n)s).")
                % {"n": sub.number + 1},
                _("Số liệu của báo cáo được đưa vào tổng hợp của yêu cầu “%(r)s”.") % {"r": sub.request.title},
                _("Đơn vị được thông báo là báo cáo đã được tiếp nhận."),
            ],
            action=reverse("reporting:submission_review", args=[sub.pk]),
            fields={"accept": "1"},
            button=_("Xác nhận tiếp nhận và khóa"),
            cancel=reverse("reporting:submission", args=[sub.pk]),
            testid="confirm-accept",
        )
    try:
        if "accept" in request.POST:
            sub_service.do_accept(request.user, sub, request=request)
            messages.success(request, _("Đã tiếp nhận báo cáo; báo cáo được khóa."))
        else:
            comments = {
                key[len("comment__") :]: value for key, value in request.POST.items() if key.startswith("comment__")
            }
            sub_service.do_return(request.user, sub, comments, request=request)
            messages.success(request, _("Đã trả lại báo cáo kèm nhận xét."))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("reporting:submission", pk=sub.pk)


@require_POST
@require_capability("reporting.submit")
def submission_correct(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _visible_submission(request.user, pk)
    try:
        new = sub_service.do_start_correction(request.user, sub, request=request)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("reporting:submission", pk=sub.pk)
    messages.success(request, _("Đã tạo bản sửa đổi lần %(n)s từ báo cáo đã tiếp nhận.") % {"n": new.number})
    return redirect("reporting:submission", pk=new.pk)


@require_capability("reporting.view")
def submission_diff(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _visible_submission(request.user, pk)
    rows = sub_service.diff(sub.previous, sub) if sub.previous_id else []
    return render(request, "reporting/submission_diff.html", {"sub": sub, "old": sub.previous, "rows": rows})


@require_capability("reporting.view")
def submission_print(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _visible_submission(request.user, pk)
    template = sub.request.form
    return render(
        request,
        "reporting/submission_print.html",
        {
            "sub": sub,
            "req": sub.request,
            "template": template,
            "sections": formdata.build_view(template, sub.data, prefilled=sub.prefilled, overrides=sub.overrides),
        },
    )


def _labels(sub: Submission) -> dict:
    return {
        "title": sub.request.form.title,
        "unit_label": str(sub.unit),
        "request_label": f"{sub.request.title} — hạn nộp {format_date(sub.request.deadline)}",
    }


@require_capability("reporting.view")
def submission_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    sub = _visible_submission(request.user, pk)
    template = sub.request.form
    name = f"bao-cao-{sub.unit.code}-{sub.request.pk}"
    if fmt == "xlsx":
        from ocop.reporting.xlsx_io import build_workbook

        content = build_workbook(template, sub.data, prefilled=sub.prefilled, version=sub.lock_version, **_labels(sub))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "docx":
        from ocop.reporting.docx_out import build_docx

        content = build_docx(template, sub.data, submission=sub, **_labels(sub))
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_POST
@require_capability("reporting.submit")
def submission_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill the draft from an .xlsx made from this template: all values or none."""
    from ocop.reporting.xlsx_io import parse_workbook

    sub = _visible_submission(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chọn tệp Excel (.xlsx) để tải lên."))
        return redirect("reporting:submission", pk=sub.pk)
    upload = form.cleaned_data["file"]
    try:
        check_office_upload(upload)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("reporting:submission", pk=sub.pk)
    data, cell_issues = parse_workbook(sub.request.form, upload, expected_version=sub.lock_version)
    if cell_issues:
        return render(
            request,
            "reporting/upload_errors.html",
            {"sub": sub, "issues": cell_issues, "filename": upload.name},
            status=422,
        )
    try:
        sub_service.do_save_draft(
            request.user, sub, data, source=SubmissionSource.XLSX, expected_version=sub.lock_version, request=request
        )
    except sub_service.VersionConflict:
        messages.error(
            request,
            _(
                "Báo cáo vừa được lưu trong lúc tệp đang được tải lên; tệp không được nhập để không ghi "
                "đè bản mới hơn. Hãy tải mẫu Excel mới từ trang báo cáo rồi nhập lại."
            ),
        )
        return redirect("reporting:submission", pk=sub.pk)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("reporting:submission", pk=sub.pk)
    messages.success(
        request, _("Đã nhập số liệu từ tệp “%(f)s”. Kiểm tra lại rồi bấm Nộp báo cáo.") % {"f": upload.name}
    )
    return redirect("reporting:submission", pk=sub.pk)


@require_POST
@require_capability("reporting.submit")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _visible_submission(request.user, pk)
    if not (sub.editable and sub_service.can_fill(request.user, sub.unit)):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = SubmissionAttachment(
            submission=sub,
            file=form.cleaned_data["file"],
            name=form.cleaned_data["file"].name[:255],
            uploaded_by=request.user,
        )
        try:
            attachment.full_clean()
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            attachment.save()
            log_action(
                request.user,
                "ocop.report.attachment_added",
                sub,
                after={"file": attachment.name},
                unit=sub.unit,
                request=request,
            )
            messages.success(request, _("Đã đính kèm “%(f)s”.") % {"f": attachment.name})
    else:
        messages.error(request, format_html("{}", " ".join(e for errs in form.errors.values() for e in errs)))
    return redirect("reporting:submission", pk=sub.pk)


@require_capability("reporting.view")
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        SubmissionAttachment.objects.filter(submission__in=sub_service.visible_submissions(request.user)), pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)
