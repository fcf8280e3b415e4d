"""Signed OCOP product certificates (issue 19, section 5; docs/signing.md).

The printable certificate (ocop.evaluation.certificates.certificate_pdf, with its QR code) is signed
by the issuing body as a document is (NĐ 30, Phụ lục I): its signer first (the image of the
handwritten signature between the position and the name), then its văn thư for the organisation (the
seal over the left third of the signature). The file is stored once with its SHA-256
(`SignedCertificate`) and audited; it is never edited or signed again: a re-evaluation issues a new
certificate, which gets a new file.

The evaluation app sits below this one: it announces an issued certificate with the signal
`certificate_issued` and asks for the file to hand out through `register_printable`; both are wired
here (apps.py)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.lib.forms import error_text
from ocop.lib.files import read_checked
from ocop.audit.services import log_action
from ocop.evaluation import certificates as evaluation_certificates
from ocop.evaluation.models_rounds import Certificate, CertificateStatus
from ocop.signing import keys, services
from ocop.signing.issue import unnamed_signer
from ocop.signing.models import SignedCertificate

logger = logging.getLogger(__name__)


def identities(cert: Certificate) -> tuple[str, str, object]:
    """(signer identity, organisation identity, facts of the issuing body on the issue date)."""
    issuer, facts = evaluation_certificates.issuing_body(cert)
    name = (facts.signer_name or "").strip()
    signer = keys.signer_identity(name) if name else unnamed_signer(issuer.code)
    return signer, keys.org_identity(issuer.code), (issuer, facts)


def stored(cert: Certificate) -> SignedCertificate | None:
    return SignedCertificate.objects.filter(certificate=cert).first()


def do_sign_certificate(user, cert: Certificate, *, request=None) -> SignedCertificate:
    """The certificate's signed PDF, made once (a valid certificate only)."""
    existing = stored(cert)
    if existing is not None:
        return existing
    if cert.status != CertificateStatus.VALID:
        raise ValidationError(_("Chỉ ký số giấy chứng nhận còn hiệu lực."))
    signer, org, (issuer, facts) = identities(cert)
    for identity in (signer, org):
        if not keys.has_key(identity):  # before the seconds of the PDF conversion
            raise services.SigningError(_("Chưa có khóa, chứng thư số cho “%(who)s”.") % {"who": identity})
    pdf = evaluation_certificates.certificate_pdf(cert)
    signed = services.sign_pdf(
        pdf,
        signature_title=facts.signature_title or "",
        signer_name=facts.signer_name or "",
        organisation_code=issuer.code,
        signer=signer,
        reason=_("Giấy chứng nhận sản phẩm OCOP số %(n)s") % {"n": cert.number_display},
    )
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=cert.pk)
        existing = stored(locked)  # signed meanwhile by another worker: keep the first
        if existing is not None:
            return existing
        item = SignedCertificate(
            certificate=locked,
            sha256=digest,
            signer_name=facts.signer_name or "",
            organisation=facts.name,
            timestamped=bool(services._timestamper()),
            signed_by=user if getattr(user, "is_authenticated", False) else None,
        )
        item.file.save(f"{digest}.pdf", ContentFile(signed), save=False)
        item.save()
        log_action(
            user if getattr(user, "is_authenticated", False) else None,
            "ocop.certificate.signed",
            locked,
            after={
                "number": cert.number_display,
                "sha256": digest,
                "signer": signer,
                "organisation": org,
                "timestamped": item.timestamped,
            },
            unit=cert.product.unit,
            request=request,
        )
    return item


def signed_bytes(item: SignedCertificate) -> bytes:
    """The stored file, checked against its SHA-256."""
    return read_checked(
        item.file,
        item.sha256,
        _("Tệp đã ký số của giấy chứng nhận %(n)s bị thay đổi (sai mã SHA-256).")
        % {"n": item.certificate.number_display},
    )


def printable(cert: Certificate, user=None) -> bytes | None:
    """The hook of ocop.evaluation.certificates.printable_pdf: the stored signed PDF, or one signed
    now; None (the unsigned PDF is handed out) when the certificate cannot be signed (no key or image
    of the issuing body, no longer valid)."""
    item = stored(cert)
    if item is None:
        try:
            item = do_sign_certificate(user, cert)
        except ValidationError as exc:  # SigningError included
            logger.info("Certificate %s handed out unsigned: %s", cert.pk, error_text(exc))
            return None
    return signed_bytes(item)


def on_certificate_issued(sender, certificate: Certificate, actor=None, **kwargs) -> None:
    """Receiver of evaluation's `certificate_issued`: queue the signing once the round's closing is
    committed (SIGNING_ON_ISSUE; the PDF conversion takes seconds: never in the request)."""
    if not getattr(settings, "SIGNING_ON_ISSUE", False):
        return
    from ocop.signing.tasks import sign_certificate

    cert_id, user_id = certificate.pk, getattr(actor, "pk", None)
    transaction.on_commit(lambda: sign_certificate.enqueue(certificate_id=cert_id, user_id=user_id))
