"""Public verification of a signed PDF (no login): upload the file, or follow a link to a signed
document of the register (?ma=<SHA-256>). Shows every signature (signer, organisation, time,
integrity, chain to a configured root, modified after signing) and whether the file is a document of
the register. Rate-limited per address with the certificate look-ups' throttle (in the database);
size-limited; the uploaded file is read in memory and never stored."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from ocop.accounts.services.throttle import client_ip
from ocop.evaluation import certificates
from ocop.evaluation.models_rounds import CertificateStatus
from ocop.signing import services
from ocop.signing.models import DocumentAttachment, SignedCertificate, SignedFile

SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def _register_entry(sha256: str) -> dict:
    """What of the register has this SHA-256: a signed document, a signed certificate (with what the
    register says of it today) or a signed attachment of a document. Empty when nothing."""
    found = SignedFile.objects.filter(sha256=sha256).select_related("document", "document__issuer").first()
    if found is not None:
        return {"entry": found, "stored": found}
    signed_cert = (
        SignedCertificate.objects.filter(sha256=sha256)
        .select_related(
            "certificate", "certificate__product", "certificate__product__entity", "certificate__issuer_unit"
        )
        .first()
    )
    if signed_cert is not None:
        cert = signed_cert.certificate
        state = certificates.status_on(cert)
        labels = dict(CertificateStatus.choices) | {"not_yet": _("Chưa đến ngày có hiệu lực")}
        return {
            "cert_entry": signed_cert,
            "cert": cert,
            "cert_state": state,
            "cert_state_label": labels.get(state, state),
            "cert_last_day": cert.valid_until - dt.timedelta(days=1),
            "stored": signed_cert,
        }
    attachment = DocumentAttachment.objects.filter(sha256=sha256).select_related("document", "document__issuer").first()
    if attachment is not None:
        return {"attachment_entry": attachment, "stored": attachment}
    return {}


def _respond(request, context, status=200):
    response = render(request, "signing/verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@csrf_exempt  # the upload handlers are set before the CSRF check reads the body (Django's documented pattern)
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [MemoryFileUploadHandler(request)]  # never written to disk
    return _verify(request)


@csrf_protect
def _verify(request: HttpRequest) -> HttpResponse:
    limit = settings.SIGNING_VERIFY_MAX_BYTES
    context = {"max_mb": limit // (1024 * 1024), "report": None, "entry": None, "message": ""}
    code = (request.GET.get("ma") or "").strip().lower()[:64]
    if request.method == "GET" and not code:
        return _respond(request, context)
    if not certificates.verification_allowed(client_ip(request)):
        context["message"] = _("Bạn đã tra cứu quá nhiều lần trong %(m)s phút; vui lòng thử lại sau.") % {
            "m": certificates.VERIFY_WINDOW_MINUTES
        }
        response = _respond(request, context, status=429)
        response["Retry-After"] = str(certificates.VERIFY_WINDOW_MINUTES * 60)
        return response
    if request.method == "GET":
        found = _register_entry(code) if SHA_RE.match(code) else {}
        if not found:
            context["message"] = _("Không có văn bản đã ký số nào với mã này trong hệ thống.")
            return _respond(request, context, status=404)
        with found["stored"].file.open("rb") as fh:
            data = fh.read()
        context.update(found, report=services.validate_pdf(data), from_register=True)
        if context["report"].sha256 != code:  # the stored file itself was changed
            context.update(entry=None, cert_entry=None, attachment_entry=None, stored_changed=True)
        return _respond(request, context)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + 64 * 1024:
        context["message"] = _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": context["max_mb"]}
        return _respond(request, context, status=413)
    upload = request.FILES.get("tep")
    if upload is None:
        context["message"] = _("Chọn một tệp PDF để kiểm tra.")
        return _respond(request, context, status=400)
    if upload.size > limit:
        context["message"] = _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": context["max_mb"]}
        return _respond(request, context, status=413)
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        context["message"] = _("Tệp không phải PDF.")
        return _respond(request, context, status=400)
    report = services.validate_pdf(data)
    context.update(_register_entry(report.sha256), report=report, file_name=upload.name[:200])
    return _respond(request, context)
