"""Screens of the evaluation rounds: list, creation, the round (council, products, progress), the
member's score sheet, closing, results and OCOP certificates. Access and state changes go through
ocop/evaluation/rounds.py."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.evaluation import certificates, council, list_exports, scoring
from ocop.evaluation import rounds as svc
from ocop.evaluation.forms import (
    ApplicationForm,
    ConfirmForm,
    DataFileForm,
    ProductForm,
    ReasonForm,
    RoundForm,
    ScoreSheetForm,
    SeatForm,
    form_messages,
)
from ocop.evaluation.criteria import level_label
from ocop.evaluation.filters import CertificateFilterSet, RoundFilterSet
from ocop.evaluation.loader import do_save_version
from ocop.evaluation.models import CouncilLevel, CriteriaSet, DataFile, Instrument
from ocop.evaluation.models_rounds import (
    ApplicationKind,
    ApplicationStatus,
    CertificateStatus,
    Round,
    SeatRole,
)
from ocop.geo.services import REFORM_DATE, era_on
from ocop.lib.cachekeys import data_digest
from ocop.lib.dates import DateParseError, parse_date
from ocop.lib.decorators import require_capability
from ocop.lib.filters import shown
from ocop.lib.forms import apply_validation_error


def _messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@require_capability("evaluation.view")
def round_list(request: HttpRequest) -> HttpResponse:
    filterset = RoundFilterSet(request.GET, queryset=svc.readable_rounds(request.user))
    rounds, filters = filterset.qs, shown(filterset)
    if list_exports.wants_xlsx(request):
        return list_exports.export_rounds(request, rounds, filters)
    return render(
        request,
        "evaluation/round_list.html",
        {
            "rounds": rounds,
            "can_create": can(request.user, "evaluation.manage"),
        },
    )


@require_capability("evaluation.manage")
def round_new(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    # a GET may carry the fields typed so far (static/evaluation/round-form.js reloads the units
    # offered when the meeting date changes)
    data = (
        request.POST
        if request.method == "POST"
        else {k: request.GET.get(k, "")[:255] for k in ("name", "level", "held_on")}
    )
    if request.method == "POST":
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                round_ = svc.do_create_round(
                    request.user,
                    name=form.cleaned_data["name"],
                    level=form.cleaned_data["level"],
                    unit=form.cleaned_data["unit"],
                    held_on=form.cleaned_data["held_on"],
                    request=request,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Đã tạo kỳ đánh giá."))
                return redirect("evaluation:round_detail", round_.pk)
        errors = form_messages(form)
    try:  # units valid on the meeting date typed (today until one is)
        day = parse_date(data.get("held_on") or "") or None
    except DateParseError:
        day = None
    return render(
        request,
        "evaluation/round_form.html",
        {
            "errors": errors,
            "data": data,
            "levels": CouncilLevel.choices,
            "units": svc.organising_units(request.user, day),
            "units_day": day,
            "units_era": era_on(day or timezone.localdate()),
            "reform": REFORM_DATE,
        },
        status=400 if errors else 200,
    )


def _round(request, pk: int):
    try:
        return svc.readable_round(request.user, pk)
    except Round.DoesNotExist:
        raise Http404 from None


@require_capability("evaluation.view")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, _round(request, pk))


def _round_page(
    request, round_, *, seat_form: SeatForm | None = None, product_form: ProductForm | None = None
) -> HttpResponse:
    """The round's page; with a bound form whose input was refused, its messages and choices (400)."""
    manage = svc.can_manage_round(request.user, round_)
    seats = svc.seat_rows(round_)
    seat = svc.seat_of(request.user, round_, seats)
    entries = svc.entry_rows(round_, request.user, seated=seat is not None)
    scorer = svc.can_score(seat)
    product_choices, refused = svc.product_candidates(round_) if manage and round_.is_open else ([], [])
    pending = svc.pending_applications_by_product(product_choices)
    for product in product_choices:
        product.pending_applications = pending.get(product.pk, [])
    progress = svc.progress(round_, seats, len(entries))
    return render(
        request,
        "evaluation/round_detail.html",
        {
            "round": round_,
            "entries": entries,
            # the products table, cached under a digest of what it shows (issue 17)
            "entries_key": data_digest(round_.pk, round_.status, seat is not None, scorer, entries.version),
            "progress": progress,
            # the council's table, cached under a digest of what it shows
            "council_key": data_digest(
                round_.pk, [(p["seat"], p["scored"], p["recused"], p["total"]) for p in progress]
            ),
            "manage": manage and round_.is_open,
            "seat": seat,
            "is_chair": seat is not None and seat.role == SeatRole.CHAIR,
            "scorer": scorer,
            "product_choices": product_choices,
            "refused_products": refused,
            "council_rule": council.describe(svc.council_rule(round_)),
            "closing_problems": svc.closing_problems(round_) if round_.is_open and seat is not None else [],
            "forwarded": list(svc.forwarded_waiting(round_)) if manage and round_.is_open else [],
            "seat_choices": svc.seat_choices_for(round_) if manage and round_.is_open else [],
            "seat_roles": SeatRole.choices,
            "describe": _describe(round_),
            "seat_form": seat_form,
            "product_form": product_form,
            "seat_errors": form_messages(seat_form),
            "product_errors": form_messages(product_form),
        },
        status=400 if seat_form is not None or product_form is not None else 200,
    )


def _describe(round_) -> str:
    if round_.procedure is None:
        return ""
    return scoring.describe_level(round_.procedure.parsed, round_.level)


@require_POST
@require_capability("evaluation.view")
def seat_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not svc.can_manage_round(request.user, round_):
        raise PermissionDenied
    form = SeatForm(request.POST, choices=svc.seat_choices_for(round_))
    if form.is_valid():
        try:
            svc.do_add_seat(request.user, round_, form.cleaned_data["user"], form.cleaned_data["role"], request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã thêm thành viên hội đồng."))
            return redirect("evaluation:round_detail", round_.pk)
    return _round_page(request, round_, seat_form=form)


@require_POST
@require_capability("evaluation.view")
def product_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not svc.can_manage_round(request.user, round_):
        raise PermissionDenied
    form = ProductForm(request.POST, choices=svc.product_choices_for(round_))
    if form.is_valid():
        try:
            svc.do_add_product(request.user, round_, form.cleaned_data["product"], request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã thêm sản phẩm vào kỳ đánh giá."))
            return redirect("evaluation:round_detail", round_.pk)
    return _round_page(request, round_, product_form=form)


@require_POST
@require_capability("evaluation.view")
def forwarded_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    if not svc.can_manage_round(request.user, round_):
        raise PermissionDenied
    try:
        added, problems = svc.do_add_forwarded(request.user, round_, request=request)
    except ValidationError as exc:
        added, problems = [], _messages(exc)
    for m in problems:
        messages.error(request, m)
    if added:
        messages.success(request, _("Đã thêm %(n)s sản phẩm được chuyển lên.") % {"n": len(added)})
    return redirect("evaluation:round_detail", round_.pk)


@require_capability("evaluation.view")
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what closing will issue (stars per product, certificates, forwarding) and why it cannot
    close yet; POST with confirm=1: close."""
    round_ = _round(request, pk)
    seat = svc.seat_of(request.user, round_)
    if seat is None or seat.role != SeatRole.CHAIR or not round_.is_open:
        raise PermissionDenied
    errors: list[str] = []
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and form.confirmed:
        try:
            svc.do_close_round(request.user, round_, request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            errors = form_messages(form)
        else:
            messages.success(
                request, _("Đã kết thúc kỳ đánh giá; đã vào sổ biên bản họp hội đồng và quyết định công nhận.")
            )
            return redirect("evaluation:round_detail", round_.pk)
    preview = svc.closing_preview(round_)
    return render(
        request,
        "evaluation/round_close.html",
        {"round": round_, **preview, "errors": errors},
        status=400 if errors else 200,
    )


def _entry(request, pk: int):
    return get_object_or_404(svc.readable_entries(request.user), pk=pk)


@require_capability("evaluation.view")
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    files = entry.dossier.files.filter(deleted_at__isnull=True).order_by("category", "pk")
    scores = [
        s
        for s in entry.scores.filter(submitted_at__isnull=False).select_related("user", "round_product__round")
        if svc.can_see_score_sheet(request.user, s)
    ]
    return render(
        request,
        "evaluation/entry_detail.html",
        {
            "entry": entry,
            "round": entry.round,
            "files": files,
            "scores": scores,
            "recusals": entry.recusals.select_related("user"),
            "seat": svc.seat_of(request.user, entry.round),
            "certificate": getattr(entry, "certificate", None) if hasattr(entry, "certificate") else None,
            "forwarded_label": level_label(entry.forwarded_to) if entry.forwarded_to else "",
        },
    )


@require_capability("evaluation.view")
def score_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's own score sheet: running total (static/evaluation/score_sheet.js), save as draft,
    submit (sticky bar), the entity's self-assessment and the dossier files beside it. A partial
    submit keeps what was chosen and lists the missing criteria as links to them."""
    entry = _entry(request, pk)
    if not svc.can_score(svc.seat_of(request.user, entry.round)):
        raise PermissionDenied
    return _score_sheet_page(request, entry, scoring_post=request.method == "POST")


def _score_sheet_page(
    request, entry, *, scoring_post: bool = False, recuse_form: ReasonForm | None = None
) -> HttpResponse:
    """The score sheet page; `scoring_post`: the sheet was posted (draft or submit); `recuse_form`:
    a refused recusal, shown with its messages and the reason typed (400)."""
    recused = svc.is_recused(request.user, entry)
    existing = entry.scores.filter(user=request.user).first()
    choices = dict(existing.choices) if existing else {}
    comments = dict(existing.comments) if existing else {}
    errors: list[str] = []
    missing = []
    sheet = entry.criteria_set.parsed
    if scoring_post:
        if recused or not entry.round.is_open:
            raise PermissionDenied
        form = ScoreSheetForm(request.POST, sheet=sheet)
        form.is_valid()  # every field is optional text: the service judges the choices
        choices, comments = form.choices(), form.comments()
        try:
            if form.is_draft:
                svc.do_save_draft(request.user, entry, choices, comments, request=request)
                messages.success(request, _("Đã lưu nháp phiếu chấm (chưa nộp; hội đồng chưa tính phiếu này)."))
                return redirect("evaluation:score_sheet", entry.pk)
            missing = svc.missing_criteria(sheet, choices)
            if missing:
                errors = [
                    _(
                        "Phiếu chưa đủ: còn %(n)s tiêu chí chưa chọn phương án (danh sách dưới đây). Các lựa chọn đã "
                        "chọn vẫn được giữ trên trang; bấm “Lưu nháp” để giữ lại."
                    )
                    % {"n": len(missing)}
                ]
            else:
                svc.do_submit_score(request.user, entry, choices, comments, request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            errors = form_messages(form)
        else:
            if not errors:
                messages.success(request, _("Đã nộp phiếu chấm."))
                return redirect("evaluation:round_detail", entry.round.pk)
    result = scoring.member_total(sheet, choices) if choices else None
    parts = [
        {
            "part": part,
            "criteria": [
                {
                    "c": c,
                    "comment": comments.get(c.code, ""),
                    "anchor": f"tc-{c.code}".replace(".", "-"),
                    "options": [(o, str(choices.get(c.code, "")) == str(o.code)) for o in c.options],
                }
                for c in part.criteria
            ],
        }
        for part in sheet.parts
    ]
    self_assessment = entry.dossier.self_assessments.order_by("-submitted_at", "-pk").first()
    sa_choices = dict(self_assessment.choices or {}) if self_assessment else {}
    for part in parts:
        for row in part["criteria"]:
            chosen = sa_choices.get(row["c"].code)
            option = (
                next((o for o in row["c"].options if str(o.code) == str(chosen)), None) if chosen is not None else None
            )
            row["self"] = option
    files = entry.dossier.files.filter(deleted_at__isnull=True).order_by("category", "pk")
    return render(
        request,
        "evaluation/score_sheet.html",
        {
            "parts": parts,
            "general": comments.get("_general", ""),
            "entry": entry,
            "round": entry.round,
            "sheet": sheet,
            "choices": choices,
            "comments": comments,
            "errors": errors,
            "missing": [{"c": c, "anchor": f"tc-{c.code}".replace(".", "-")} for c in missing],
            "recused": recused,
            "existing": existing,
            "total": result.total if result else None,
            "max_total": sum((max((o.points for o in c.options), default=0) for c in sheet.criteria if not c.bonus), 0),
            "editable": entry.round.is_open and not recused,
            "self_assessment": self_assessment,
            "files": files,
            "self_choices": bool(sa_choices),
            "is_draft": existing is not None and existing.submitted_at is None,
            "recuse_form": recuse_form,
            "recuse_errors": form_messages(recuse_form),
        },
        status=400 if errors or recuse_form is not None else 200,
    )


@require_POST
@require_capability("evaluation.view")
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    seat = svc.seat_of(request.user, entry.round)
    if seat is None:
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            svc.do_recuse(request.user, entry, form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận việc không tham gia chấm sản phẩm này."))
            return redirect("evaluation:round_detail", entry.round.pk)
    if not svc.can_score(seat):  # no score sheet to go back to (advisory group)
        for m in form_messages(form):
            messages.error(request, m)
        return redirect("evaluation:round_detail", entry.round.pk)
    return _score_sheet_page(request, entry, recuse_form=form)


ROUND_DOCUMENTS = ("minutes", "decision")


@require_capability("evaluation.view")
def round_document(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    """The council's minutes or the recognition decision drafted when the round closed, as .docx,
    for whoever may read the round (the register itself is central)."""
    from ocop.documents import services as documents

    round_ = _round(request, pk)
    doc = getattr(round_, which) if which in ROUND_DOCUMENTS else None
    if doc is None:
        messages.error(
            request, _("Biên bản và quyết định công nhận được lập khi chủ tịch hội đồng kết thúc kỳ đánh giá.")
        )
        return redirect("evaluation:round_detail", round_.pk)
    response = HttpResponse(documents.render(doc, "docx"), content_type=documents.CONTENT_TYPES["docx"])
    response["Content-Disposition"] = content_disposition_header(True, documents.download_name(doc, "docx"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_capability("evaluation.view")
def round_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(svc.readable_round_files(request.user), pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=item.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    filterset = CertificateFilterSet(request.GET, queryset=svc.readable_certificates(request.user))
    certificates, filters = filterset.qs, shown(filterset)
    if list_exports.wants_xlsx(request):
        return list_exports.export_certificates(request, certificates, filters)
    return render(
        request,
        "evaluation/certificate_list.html",
        {
            "certificates": certificates[:500],
        },
    )


def _verify_path(cert) -> str:
    return certificates.verification_path(cert.number_display)


@login_required
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _certificate_page(request, get_object_or_404(svc.readable_certificates(request.user), pk=pk))


def _certificate_page(
    request, cert, *, apply_form: ApplicationForm | None = None, revoke_form: ReasonForm | None = None
) -> HttpResponse:
    """The certificate's page; with a bound form whose input was refused, its messages and what was
    typed (400)."""
    can_revoke = (
        cert.status == CertificateStatus.VALID
        and can(request.user, "evaluation.manage")
        and scope_for(request.user).covers(cert.issuer_unit, write=True)
    )
    can_apply = (
        cert.status == CertificateStatus.VALID
        and can(request.user, "evaluation.apply")
        and svc.is_entity_member(request.user, cert.product)
    )
    return render(
        request,
        "evaluation/certificate.html",
        {
            "cert": cert,
            "can_revoke": can_revoke,
            "verify_path": _verify_path(cert),
            "can_apply": can_apply,
            "renewal_opens_on": svc.renewal_opens_on(cert),
            "renewal_months": svc.renewal_window_months(cert),
            "application_kinds": ApplicationKind.choices,
            "star_choices": range(cert.stars + 1, svc.max_stars() + 1),
            "applications": svc.readable_applications(request.user).filter(certificate=cert),
            "apply_form": apply_form,
            "apply_errors": form_messages(apply_form),
            "revoke_form": revoke_form,
            "revoke_errors": form_messages(revoke_form),
        },
        status=400 if apply_form is not None or revoke_form is not None else 200,
    )


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable certificate (PDF, with the QR code of its public verification page)."""
    from ocop.documents.pdf import ConversionError

    cert = get_object_or_404(svc.readable_certificates(request.user), pk=pk)
    try:
        data = certificates.printable_pdf(cert, request.user)  # signed by the issuing body when it has keys
    except ConversionError as exc:
        messages.error(request, _("Chưa tạo được tệp PDF: %(e)s") % {"e": exc})
        return redirect("evaluation:certificate_detail", cert.pk)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"Giay_chung_nhan_OCOP_{cert.number}_{cert.year}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_object_or_404(svc.readable_certificates(request.user), pk=pk)
    if not can(request.user, "evaluation.apply") or not svc.is_entity_member(request.user, cert.product):
        raise PermissionDenied
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            svc.do_submit_application(
                request.user,
                cert,
                form.cleaned_data["kind"],
                requested_stars=form.cleaned_data["requested_stars"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã gửi đề nghị; cơ quan quản lý sẽ xem xét đưa sản phẩm vào kỳ đánh giá."))
            return redirect("evaluation:application_list")
    return _certificate_page(request, cert, apply_form=form)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    return _application_list_page(request)


def _application_list_page(request, *, refused=None, reject_form: ReasonForm | None = None) -> HttpResponse:
    """The list of applications; with a refusal whose reason was refused (`refused`, `reject_form`),
    its messages and the reason typed beside that application (400)."""
    status = request.GET.get("status", "")
    applications = svc.readable_applications(request.user)
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    if list_exports.wants_xlsx(request):
        return list_exports.export_applications(
            request, applications, ApplicationStatus(status).label if status in ApplicationStatus.values else ""
        )
    applications = list(applications[:500])
    for a in applications:
        a.can_decide = svc.can_decide_application(request.user, a)
    return render(
        request,
        "evaluation/application_list.html",
        {
            "applications": applications,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "refused_pk": refused.pk if refused is not None else None,
            "reject_form": reject_form,
            "reject_errors": form_messages(reject_form),
        },
        status=400 if reject_form is not None else 200,
    )


@require_POST
@login_required
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(svc.readable_applications(request.user), pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            svc.do_reject_application(request.user, application, form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận không chấp nhận đề nghị; chủ thể đã được thông báo."))
            return redirect("evaluation:application_list")
    return _application_list_page(request, refused=application, reject_form=form)


@require_POST
@login_required
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_object_or_404(svc.readable_certificates(request.user), pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            svc.do_revoke_certificate(request.user, cert, form.cleaned_data["reason"], request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã thu hồi giấy chứng nhận."))
            return redirect("evaluation:certificate_detail", cert.pk)
    return _certificate_page(request, cert, revoke_form=form)


def _latest_data_files() -> list[DataFile]:
    """The newest version of every loaded data file, with the number of versions."""
    latest: dict[str, DataFile] = {}
    counts: dict[str, int] = {}
    for f in DataFile.objects.select_related("loaded_by").order_by("kind", "code", "-version"):
        latest.setdefault(f.code, f)
        counts[f.code] = counts.get(f.code, 0) + 1
    for code, f in latest.items():
        f.version_count = counts[code]
    return list(latest.values())


@require_capability("evaluation.criteria")
def criteria_index(request: HttpRequest) -> HttpResponse:
    """Instruments and criteria sets as loaded, with the facts not checked against the gazetted text
    marked [?]; the data files behind them, editable by central administrators (new version)."""
    return render(
        request,
        "evaluation/criteria_index.html",
        {
            "instruments": Instrument.objects.order_by("valid_from", "code"),
            "sets": CriteriaSet.objects.select_related("instrument").order_by(
                "instrument__valid_from", "code", "-version"
            ),
            "data_files": _latest_data_files(),
            "can_edit": can(request.user, "evaluation.criteria_edit"),
        },
    )


@require_capability("evaluation.criteria")
def criteria_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("instrument"), pk=pk)
    return render(
        request,
        "evaluation/criteria_set.html",
        {
            "cs": criteria_set,
            "sheet": criteria_set.parsed,
            "data_file": DataFile.objects.filter(code=criteria_set.code, version=criteria_set.version).first(),
            "versions": CriteriaSet.objects.filter(code=criteria_set.code)
            .order_by("-version")
            .only("pk", "version", "source", "created_at"),
            "can_edit": can(request.user, "evaluation.criteria_edit"),
        },
    )


@require_capability("evaluation.criteria")
def criteria_data_download(request: HttpRequest, pk: int) -> HttpResponse:
    """One loaded version of a data file as JSON (to commit an administrator's edit to the repository)."""
    data_file = get_object_or_404(DataFile, pk=pk)
    response = JsonResponse(data_file.definition, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="{data_file.kind}-{data_file.code}-v{data_file.version}.json"'
    )
    return response


@require_capability("evaluation.criteria_edit")
def criteria_data_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a data file's JSON; saving checks it as the loader does and stores the next version."""
    base = get_object_or_404(DataFile, pk=pk)
    versions = list(DataFile.objects.filter(code=base.code).select_related("loaded_by").order_by("-version"))
    errors: dict[str, list[str]] = {}
    text = json.dumps(base.definition, ensure_ascii=False, indent=2)
    reason = ""
    if request.method == "POST":
        form = DataFileForm(request.POST)
        form.is_valid()  # free text: the loader checks the JSON
        text, reason = form.cleaned_data.get("definition", ""), form.cleaned_data.get("reason", "")
        try:
            record = do_save_version(request.user, base, text, reason=reason, request=request)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            errors = {name: [str(m) for m in errs] for name, errs in form.errors.items()}
        else:
            messages.success(
                request,
                _(
                    "Đã lưu phiên bản %(v)s của “%(c)s”. Kỳ đánh giá mở từ nay dùng phiên bản mới; "
                    "các kỳ đã có sản phẩm giữ phiên bản cũ."
                )
                % {"v": record.version, "c": record.code},
            )
            new_set = CriteriaSet.objects.filter(code=record.code, version=record.version).first()
            if new_set is not None:
                return redirect("evaluation:criteria_set_detail", new_set.pk)
            return redirect("evaluation:criteria_index")
    return render(
        request,
        "evaluation/criteria_data_edit.html",
        {
            "base": base,
            "latest": versions[0],
            "versions": versions,
            "text": text,
            "reason": reason,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
