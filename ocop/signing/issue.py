"""The signed PDF of an issued document: rendered from the stored .docx (ocop.documents.services.render),
signed by the signer and then by the văn thư for the organisation, stored with its SHA-256 in
`SignedFile`, audited. A signed file is never edited or signed again: re-issuing or correcting makes a
new document."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.lib.files import read_checked
from ocop.audit.services import log_action
from ocop.signing import keys, services
from ocop.signing.models import SignedFile


def signer_of(doc) -> str:
    """The signing identity of the document's signer; when the name is a gap (the seed letter), the
    issuer's unnamed signer, which exists only where a key was configured or the TEST CA made one."""
    if doc.signer_name.strip():
        return keys.signer_identity(doc.signer_name)
    return unnamed_signer(doc.issuer.code)


def unnamed_signer(code: str) -> str:
    return f"signer:chua-ro-ten-{keys.org_identity(code).partition(':')[2]}"


def do_sign_issued(user, doc, *, request=None) -> SignedFile:
    """The document's signed PDF, made once."""
    from ocop.documents import services as documents

    if not doc.is_issued:
        raise ValidationError(_("Chỉ ký số văn bản đã ban hành."))
    existing = SignedFile.objects.filter(document=doc).order_by("signed_at", "id").first()
    if existing is not None:
        return existing
    for identity in (signer_of(doc), keys.org_identity(doc.issuer.code)):
        if not keys.has_key(identity):  # before the seconds of the PDF conversion
            raise services.SigningError(_("Chưa có khóa, chứng thư số cho “%(who)s”.") % {"who": identity})
    pdf = documents.render(doc, "pdf")
    signed = services.sign_pdf(
        pdf,
        signature_title=doc.signature_title,
        signer_name=doc.signer_name,
        organisation_code=doc.issuer.code,
        signer=signer_of(doc),
    )
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        item = SignedFile(
            document=doc,
            sha256=digest,
            signer_name=doc.signer_name,
            organisation=doc.issuer.name,
            timestamped=bool(services._timestamper()),
            signed_by=user if getattr(user, "is_authenticated", False) else None,
        )
        item.file.save(f"{digest}.pdf", ContentFile(signed), save=False)
        item.save()
        log_action(
            user,
            "ocop.document.signed",
            doc,
            after={
                "sha256": digest,
                "signer": signer_of(doc),
                "organisation": keys.org_identity(doc.issuer.code),
                "timestamped": item.timestamped,
            },
            request=request,
        )
    return item


def signed_pdf(doc, user=None) -> bytes:
    """The stored signed PDF (made now if missing), checked against its SHA-256."""
    item = do_sign_issued(user, doc)
    return read_checked(
        item.file,
        item.sha256,
        _("Tệp đã ký số của văn bản %(number)s bị thay đổi (sai mã SHA-256).") % {"number": doc.number_and_symbol},
    )
