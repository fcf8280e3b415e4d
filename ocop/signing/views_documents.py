"""The signed PDF of an issued document (national, like the documents: documents.view). It is made
by the task queued at issue; holders of documents.issue can make it now (POST) when the queue has
not run yet."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ocop.documents.models import OutgoingDocument
from ocop.documents.pdf import ConversionError
from ocop.documents.services import download_name
from ocop.lib.decorators import require_capability
from ocop.signing import issue
from ocop.signing.models import SignedFile


@require_capability("documents.view")
def signed_download(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OutgoingDocument.objects.select_related("issuer"), pk=pk)
    if not SignedFile.objects.filter(document=doc).exists():
        messages.info(request, _("Văn bản %(number)s chưa có bản PDF đã ký số.") % {"number": doc.number_and_symbol})
        return redirect("documents:detail", pk=doc.pk)
    try:
        data = issue.signed_pdf(doc, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
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
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        return redirect("documents:detail", pk=doc.pk)
    messages.success(request, _("Đã ký số văn bản %(number)s.") % {"number": doc.number_and_symbol})
    return redirect("documents:detail", pk=doc.pk)
