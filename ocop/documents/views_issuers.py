"""Issuers and signers as dated data, in the browser: the list (central users), one issuer with its
versions (history), and a new version from a date (central administrators; audited)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.permissions import can
from ocop.documents.forms import IssuerVersionForm
from ocop.documents.issuers import do_add_version, version_on
from ocop.documents.models import Issuer
from ocop.lib.decorators import require_capability
from ocop.lib.dates import format_date
from ocop.lib.forms import apply_validation_error


@require_capability("documents.view")
def issuer_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    issuers = list(
        Issuer.objects.prefetch_related("versions").select_related("unit").order_by("is_council", "body_kind", "code")
    )
    rows = [{"issuer": i, "current": version_on(i, today), "valid_today": i.is_valid_on(today)} for i in issuers]
    return render(
        request,
        "documents/issuer_list.html",
        {"rows": rows, "today": today, "can_edit": can(request.user, "documents.issuers")},
    )


@require_capability("documents.view")
def issuer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issuer = get_object_or_404(Issuer.objects.prefetch_related("versions__recorded_by"), pk=pk)
    from ocop.documents.services import next_number
    from ocop.documents.text import number_text

    versions = sorted(issuer.versions.all(), key=lambda v: v.valid_from, reverse=True)
    year = timezone.localdate().year
    return render(
        request,
        "documents/issuer_detail.html",
        {
            "issuer": issuer,
            "versions": versions,
            "can_edit": can(request.user, "documents.issuers"),
            "year": year,
            "next_number": number_text(next_number(issuer, year)),
            "documents": issuer.documents.order_by("-year", "-number")[:20],
        },
    )


@require_capability("documents.issuers")
def issuer_version_new(request: HttpRequest, pk: int) -> HttpResponse:
    issuer = get_object_or_404(Issuer.objects.prefetch_related("versions"), pk=pk)
    current = version_on(issuer, timezone.localdate()) or issuer.versions.order_by("-valid_from").first()
    form = IssuerVersionForm(request.POST or None, initial=IssuerVersionForm.initial_from(issuer, current))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        valid_from = data.pop("valid_from")
        reason = data.pop("reason")
        try:
            do_add_version(request.user, issuer, valid_from, reason=reason, request=request, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã ghi phiên bản mới áp dụng từ ngày %(d)s.") % {"d": format_date(valid_from)})
            return redirect("documents:issuer_detail", pk=issuer.pk)
    return render(request, "documents/issuer_version_new.html", {"issuer": issuer, "form": form, "current": current})
