"""Public verification of an OCOP certificate (no login): reached from the QR code printed on the
certificate (ocop/evaluation/certificates.py) or by typing its number. It says valid / expired /
revoked / superseded / unknown, with what the certificate itself shows (product, entity, stars,
issuing body, dates) and the product's public catalogue page when it is listed; never scores,
reasons or internal identifiers. Look-ups are rate-limited per address (in the database, so every
node counts the same)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ocop.accounts.services.throttle import client_ip
from ocop.evaluation import certificates
from ocop.evaluation.models_rounds import CertificateStatus

VERDICTS = {
    CertificateStatus.VALID: ("valid", "Giấy chứng nhận còn hiệu lực."),
    CertificateStatus.EXPIRED: ("expired", "Giấy chứng nhận đã hết hiệu lực."),
    CertificateStatus.REVOKED: ("revoked", "Giấy chứng nhận đã bị thu hồi."),
    CertificateStatus.SUPERSEDED: (
        "superseded",
        "Giấy chứng nhận đã được thay thế bằng giấy chứng nhận mới (sản phẩm được đánh giá lại).",
    ),
}


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    number = (request.GET.get("so") or "").strip()[:60]
    context = {"number": number, "verdict": None, "cert": None, "catalogue_pk": None}
    status = 200
    if number:
        if not certificates.verification_allowed(client_ip(request)):
            context["verdict"] = "throttled"
            context["message"] = _("Bạn đã tra cứu quá nhiều lần trong %(m)s phút; vui lòng thử lại sau.") % {
                "m": certificates.VERIFY_WINDOW_MINUTES
            }
            response = render(request, "catalogue/verify.html", context, status=429)
            response["Retry-After"] = str(certificates.VERIFY_WINDOW_MINUTES * 60)
            return response
        cert = certificates.find_by_number(number)
        state = certificates.status_on(cert) if cert is not None else None
        if cert is None or state not in VERDICTS:
            context["verdict"] = "unknown"
            context["message"] = _(
                "Không có giấy chứng nhận sản phẩm OCOP số “%(n)s” trong hệ thống. Kiểm tra lại số "
                "(dạng 12/2026/OCOP-19)."
            ) % {"n": number}
            status = 404
        else:
            from ocop.catalogue import services as catalogue

            code, message = VERDICTS[state]
            context.update(
                verdict=code,
                message=_(message),
                cert=cert,
                today=timezone.localdate(),
                last_valid_day=cert.valid_until - dt.timedelta(days=1),
                catalogue_pk=cert.product_id if catalogue.listed_entry(cert.product_id) else None,
            )
    response = render(request, "catalogue/verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
