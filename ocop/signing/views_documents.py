"""The signed PDF of an issued document (national, like the documents: documents.view). It is made
by the task queued at issue; holders of documents.issue can make it now (POST) when the queue has
not run yet. Attachments in separate files: added (and signed by the organisation) by holders of
documents.issue, downloaded by the readers of the register."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.lib.forms import error_text
from ocop.documents.models import OutgoingDocument
from ocop.documents.pdf import ConversionError
from ocop.documents.services import download_name
from ocop.lib.decorators import require_capability
from ocop.signing import attachments, issue
from ocop.signing.models import DocumentAttachment, SignedFile


@require_capability("documents.view")
def signed_download(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    if not SignedFile.objects.filter(document=doc).exists():
        messages.info(request, _("Văn bản %(number)s chưa có bản PDF đã ký số.") % {"number": doc.number_and_symbol})
        return redirect("documents:detail", pk=doc.pk)
    try:
        data = issue.signed_pdf(doc, request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("documents:detail", pk=doc.pk)
    response = HttpResponse(data, content_type="application/pdf")
    name = download_name(doc, "pdf").replace(".pdf", "_da_ky_so.pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@require_capability("documents.issue")
def sign_now(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    try:
        issue.do_sign_issued(request.user, doc, request=request)
    except (ValidationError, ConversionError) as exc:
        messages.error(request, error_text(exc) if isinstance(exc, ValidationError) else str(exc))
        return redirect("documents:detail", pk=doc.pk)
    messages.success(request, _("Đã ký số văn bản %(number)s.") % {"number": doc.number_and_symbol})
    return redirect("documents:detail", pk=doc.pk)


@require_POST
@require_capability("documents.issue")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an attachment in a separate file (PDF or .docx) to an issued document; the organisation
    signs it at once (ocop/signing/attachments.py)."""
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    upload = request.FILES.get("tep")
    data = b""
    if upload is not None and upload.size <= attachments.MAX_BYTES:
        data = upload.read()
    elif upload is not None:
        messages.error(request, _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": attachments.MAX_BYTES // (1024 * 1024)})
        return redirect("documents:detail", pk=doc.pk)
    try:
        item = attachments.do_add_attachment(
            request.user,
            doc,
            title=request.POST.get("tieu_de", ""),
            file_name=upload.name if upload is not None else "",
            data=data,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("documents:detail", pk=doc.pk)
    messages.success(
        request,
        _("Đã ký số phụ lục %(n)s “%(title)s” của văn bản %(number)s.")
        % {"n": item.position, "title": item.title, "number": doc.number_and_symbol},
    )
    return redirect("documents:detail", pk=doc.pk)


@require_capability("documents.view")
def attachment_download(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    item = DocumentAttachment.objects.filter(document=doc, position=position).first()
    if item is None:
        messages.info(
            request, _("Văn bản %(number)s không có phụ lục %(n)s.") % {"number": doc.number_and_symbol, "n": position}
        )
        return redirect("documents:detail", pk=doc.pk)
    try:
        data = attachments.attachment_bytes(item)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("documents:detail", pk=doc.pk)
    response = HttpResponse(data, content_type="application/pdf")
    name = download_name(doc, "pdf").replace(".pdf", f"_phu_luc_{item.position}_da_ky_so.pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
