"""The document register (văn bản đi) for central users: list, detail, download (.docx/.pdf), edit a
draft, issue it. The letters of a report request are drafted from the reporting app
(ocop/reporting/views_letters.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from ocop.accounts.permissions import can
from ocop.documents import services
from ocop.documents import text as tx
from ocop.documents.forms import DraftForm, DraftUploadForm, IssueForm, RegisterFilterForm
from ocop.documents.models import OutgoingDocument
from ocop.documents.pdf import ConversionError
from ocop.lib.decorators import require_capability
from ocop.lib.listexport import Col, export_response, wants_xlsx
from ocop.lib.forms import apply_validation_error, error_text
from ocop.lib.upload_safety import check_office_upload


DOCUMENT_COLUMNS = [
    Col(_l("Năm"), "year", 8),
    Col(_l("Số"), "number", 8),
    Col(_l("Số, ký hiệu"), lambda d: d.number_and_symbol if d.is_issued else _("Dự thảo") + f" /{d.symbol}", 22),
    Col(_l("Ngày văn bản"), "date", 12),
    Col(_l("Loại văn bản"), lambda d: d.get_kind_display(), 16),
    Col(_l("Trích yếu"), "subject", 50),
    Col(_l("Cơ quan ban hành"), "issuer.code", 16),
    Col(_l("Yêu cầu báo cáo"), "request.title", 30),
    Col(_l("Người ký"), "signer_name", 20),
    Col(_l("Trạng thái"), lambda d: d.get_status_display(), 14),
    Col(_l("Ban hành lúc"), "issued_at", 17),
]


@require_capability("documents.view")
def document_list(request: HttpRequest) -> HttpResponse:
    form = RegisterFilterForm(request.GET or None)
    qs = OutgoingDocument.objects.select_related("issuer", "request").order_by("-year", "-number", "-created_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("year"):
            qs = qs.filter(year=data["year"])
        if data.get("issuer"):
            qs = qs.filter(issuer=data["issuer"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
    if wants_xlsx(request):
        data = form.cleaned_data if form.is_valid() else {}
        return export_response(
            request,
            qs,
            DOCUMENT_COLUMNS,
            title=_("Sổ văn bản đi"),
            filename="so-van-ban-di",
            filters=[
                (_("Năm"), data.get("year")),
                (_("Cơ quan ban hành"), data.get("issuer")),
                (
                    _("Trạng thái"),
                    dict(form.fields["status"].choices).get(data.get("status")) if data.get("status") else "",
                ),
            ],
        )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/document_list.html",
        {"page": page, "form": form, "can_manage_images": can(request.user, "documents.issuers")},
    )


@require_capability("documents.view")
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(
        OutgoingDocument.objects.select_related("issuer", "request", "created_by", "issued_by"), pk=pk
    )
    content = doc.content or {}
    return render(
        request,
        "documents/document_detail.html",
        {
            "doc": doc,
            "body": [services.plain_text(p) for p in services.body_paragraphs(doc)],
            "appendix": content.get("appendix"),
            "place_date": tx.place_date(doc.place, doc.date),
            "facts": doc.issuer.facts_on(doc.date),
            "can_edit": not doc.is_issued and can(request.user, "documents.draft"),
            "can_issue": not doc.is_issued and can(request.user, "documents.issue"),
        },
    )


@require_capability("documents.view")
def document_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    if fmt not in services.FORMATS:
        messages.error(request, _("Định dạng không hỗ trợ: %(fmt)s (chỉ .docx hoặc .pdf).") % {"fmt": fmt})
        return redirect("documents:detail", pk=doc.pk)
    try:
        data = services.render(doc, fmt)
    except (ConversionError, ValidationError) as exc:
        messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        return redirect("documents:detail", pk=doc.pk)
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(fmt == "docx", services.download_name(doc, fmt))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_capability("documents.draft")
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    if doc.is_issued:
        messages.error(
            request, _("Văn bản %(number)s đã ban hành, không được sửa.") % {"number": doc.number_and_symbol}
        )
        return redirect("documents:detail", pk=doc.pk)
    form = DraftForm(request.POST or None, initial=DraftForm.initial_for(doc))
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_draft(request.user, doc, **form.changes_for(doc))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("documents:detail", pk=doc.pk)
    return render(request, "documents/document_edit.html", {"doc": doc, "form": form, "upload_form": DraftUploadForm()})


@require_POST
@require_capability("documents.draft")
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The Word round trip: the draft's .docx, edited in Word, uploaded back into the draft (its body,
    contact line and Nơi nhận; see roundtrip.py). Checked by upload_safety first; a refused file
    changes nothing and says why."""
    from ocop.documents.roundtrip import read_draft

    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    if doc.is_issued:
        messages.error(
            request, _("Văn bản %(number)s đã ban hành, không được sửa.") % {"number": doc.number_and_symbol}
        )
        return redirect("documents:detail", pk=doc.pk)
    form = DraftUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chọn tệp Word (.docx) đã sửa để tải lên."))
        return redirect("documents:edit", pk=doc.pk)
    upload = form.cleaned_data["file"]
    try:
        check_office_upload(upload, allowed=(".docx",))
        upload.seek(0)
        changes = read_draft(upload.read(), doc)
        services.do_update_draft(request.user, doc, **changes)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("documents:edit", pk=doc.pk)
    messages.success(request, _("Đã cập nhật nội dung dự thảo từ tệp “%(f)s”.") % {"f": upload.name})
    return redirect("documents:detail", pk=doc.pk)


@require_capability("documents.issue")
def document_issue(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    if doc.is_issued:
        messages.info(request, _("Văn bản %(number)s đã được ban hành.") % {"number": doc.number_and_symbol})
        return redirect("documents:detail", pk=doc.pk)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.do_issue(request.user, doc, number=form.cleaned_data.get("number"), request=request)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "number" in exc.error_dict:
                form.add_error("number", exc.error_dict["number"])
            else:
                form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("Đã ban hành văn bản số %(number)s.") % {"number": doc.number_and_symbol})
            return redirect("documents:detail", pk=doc.pk)
    year = (doc.date or timezone.localdate()).year
    return render(
        request,
        "documents/document_issue.html",
        {"doc": doc, "form": form, "year": year, "next_number": tx.number_text(services.next_number(doc.issuer, year))},
    )
