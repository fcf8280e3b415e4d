"""The letters of a report request, drafted by central users from the request's page: the request
letter, the reminder and the forwarding letter (ocop/reporting/letters.py). Their URLs stay under
/documents/request/<pk>/… in the `documents` namespace (ocop/urls.py adds urls_letters.py to the
documents app's patterns); the drafts are then edited and issued in the document register."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.lib.forms import error_text
from ocop.accounts.scope import scope_for
from ocop.documents.forms import ForwardingForm, ReminderForm, RequestLetterForm
from ocop.documents.issuers import default_issuer_on
from ocop.documents.models import Purpose
from ocop.lib.decorators import require_capability
from ocop.reporting import letters
from ocop.reporting.consolidation import consolidate
from ocop.reporting.schema import display
from ocop.reporting.services.requests import visible_requests


def _national_request(user, pk: int):
    """A report request, as the reporting pages would show it to this (national) user."""
    if not scope_for(user).national:
        raise PermissionDenied
    return get_object_or_404(visible_requests(user).select_related("template"), pk=pk)


def _issuer_on(day):
    """The issuer a national letter of `day` defaults to (the ministry valid that day), or None."""
    try:
        return default_issuer_on(day)
    except ValidationError:
        return None


@require_capability("documents.draft")
def request_letter_new(request: HttpRequest, pk: int) -> HttpResponse:
    req = _national_request(request.user, pk)
    day = req.issued_on or timezone.localdate()
    initial = {"date": day, "issuer": _issuer_on(day)}
    form = RequestLetterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = letters.create_request_letter(
                request.user, req, issuer=data["issuer"], day=data["date"], subject=data["subject"] or None
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Đã tạo dự thảo công văn yêu cầu báo cáo."))
            return redirect("documents:detail", pk=doc.pk)
    existing = req.documents.filter(purpose=Purpose.REQUEST_LETTER)
    return render(
        request,
        "documents/letter_new.html",
        {"req": req, "form": form, "existing": existing, "title": _("Công văn yêu cầu báo cáo")},
    )


@require_capability("documents.draft")
def reminder_new(request: HttpRequest, pk: int) -> HttpResponse:
    req = _national_request(request.user, pk)
    today = timezone.localdate()
    issuer = _issuer_on(today)
    form = ReminderForm(
        request.POST or None, initial={"as_of": min(today, max(req.deadline, today)), "date": today, "issuer": issuer}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doc = letters.create_reminder_letter(
                request.user,
                req,
                issuer=data["issuer"],
                as_of=data["as_of"],
                day=data["date"],
                new_deadline=data.get("new_deadline"),
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Đã tạo dự thảo công văn đôn đốc báo cáo."))
            return redirect("documents:detail", pk=doc.pk)
    existing = req.documents.filter(purpose=Purpose.REMINDER)
    return render(
        request,
        "documents/letter_new.html",
        {"req": req, "form": form, "existing": existing, "title": _("Công văn đôn đốc báo cáo")},
    )


@require_capability("documents.draft")
def forwarding_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the letter forwarding the national report of a request, with its completeness figures and totals."""
    req = _national_request(request.user, pk)
    issuer = _issuer_on(timezone.localdate())
    form = ForwardingForm(request.POST or None, initial={"date": timezone.localdate(), "issuer": issuer})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        summary = letters.completeness_summary(req, as_of=data["date"])
        summary["totals"] = forwarding_totals(consolidate(req, compare=False))
        try:
            doc = letters.create_forwarding_letter(
                request.user, req, summary, issuer=data["issuer"], day=data["date"], subject=data["subject"] or None
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Đã tạo dự thảo công văn gửi báo cáo tổng hợp."))
            return redirect("documents:detail", pk=doc.pk)
    existing = req.documents.filter(purpose=Purpose.FORWARDING)
    return render(
        request,
        "documents/letter_new.html",
        {"req": req, "form": form, "existing": existing, "title": _("Công văn gửi báo cáo tổng hợp")},
    )


def forwarding_totals(consolidation, limit: int = 8) -> list[tuple[str, str]]:
    """The main national totals (label, formatted value) quoted in the forwarding letter."""
    rows = []
    for f in consolidation.numeric_fields:
        stat = consolidation.totals.get(f.code)
        if stat is None or stat.is_percent or not stat.total:
            continue
        rows.append((f.label, display(f.type, int(stat.total))))
    return rows[:limit]
