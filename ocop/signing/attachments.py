"""Attachments issued as separate files (NĐ 30/2020, Phụ lục I, Phần I, Mục II; docs/signing.md).

An issued document of the register may carry attachments (phụ lục) in separate files: a holder of
documents.issue adds a PDF or a .docx (rendered to PDF by LibreOffice), and the organisation signs it
at once: no image, the document's number and symbol and the signing time (ISO 8601, Vietnam time) at
the top right of page 1 in Times New Roman 10 pt (services.sign_attachment). The signed file is
stored with its SHA-256 (`DocumentAttachment`), audited, downloadable from the register and
recognised by the verification page. It is never edited: a wrong attachment is corrected by a new
document."""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ocop.lib.files import read_checked
from ocop.accounts.permissions import can
from ocop.audit.services import log_action
from ocop.documents.models import OutgoingDocument
from ocop.signing import keys, services
from ocop.signing.models import DocumentAttachment

MAX_BYTES = 20 * 1024 * 1024
MAX_ATTACHMENTS = 20


def _pdf_of(name: str, data: bytes) -> bytes:
    lower = name.lower()
    if lower.endswith(".pdf"):
        if not data.startswith(b"%PDF-"):
            raise ValidationError({"tep": _("Tệp “%(name)s” không phải PDF.") % {"name": name}})
        return data
    if lower.endswith(".docx"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                ok = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            ok = False
        if not ok:
            raise ValidationError({"tep": _("Tệp “%(name)s” không phải tệp Word .docx.") % {"name": name}})
        from ocop.documents.pdf import ConversionError, convert_to_pdf

        try:
            return convert_to_pdf(data)
        except ConversionError as exc:
            raise ValidationError({"tep": str(exc)}) from exc
    raise ValidationError({"tep": _("Phụ lục phải là tệp PDF hoặc Word .docx.")})


def do_add_attachment(
    user, doc: OutgoingDocument, *, title: str, file_name: str, data: bytes, request=None
) -> DocumentAttachment:
    """Add an attachment in a separate file to an issued document: rendered to PDF, signed by the
    organisation, stored with its SHA-256, audited."""
    if not can(user, "documents.issue"):
        raise PermissionDenied
    if not doc.is_issued:
        raise ValidationError(_("Chỉ thêm phụ lục gửi kèm cho văn bản đã ban hành."))
    title = " ".join(unicodedata.normalize("NFC", title or "").split())
    file_name = unicodedata.normalize("NFC", file_name or "").strip()[:255]
    if not title:
        raise ValidationError({"tieu_de": _("Nhập tên phụ lục.")})
    if len(title) > 300:
        raise ValidationError({"tieu_de": _("Tên phụ lục dài quá 300 ký tự.")})
    if not data:
        raise ValidationError({"tep": _("Chọn tệp phụ lục (PDF hoặc .docx).")})
    if len(data) > MAX_BYTES:
        raise ValidationError({"tep": _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}})
    if DocumentAttachment.objects.filter(document=doc).count() >= MAX_ATTACHMENTS:
        raise ValidationError(_("Một văn bản có tối đa %(n)s phụ lục gửi kèm.") % {"n": MAX_ATTACHMENTS})
    org = keys.org_identity(doc.issuer.code)
    if not keys.has_key(org):
        raise services.SigningError(_("Chưa có khóa, chứng thư số cho “%(who)s”.") % {"who": org})
    pdf = _pdf_of(file_name, data)
    try:
        signed = services.sign_attachment(
            pdf, number_and_symbol=doc.number_and_symbol, organisation_code=doc.issuer.code
        )
    except services.SigningError:
        raise
    except Exception as exc:  # noqa: BLE001 - a PDF pyHanko cannot update: a clear message, never a 500
        raise ValidationError(
            {"tep": _("Không ký số được tệp “%(name)s”: tệp PDF hỏng hoặc được bảo vệ.") % {"name": file_name}}
        ) from exc
    digest = hashlib.sha256(signed).hexdigest()
    with transaction.atomic():
        list(OutgoingDocument.objects.select_for_update().filter(pk=doc.pk).values_list("pk"))  # one at a time
        position = (DocumentAttachment.objects.filter(document=doc).aggregate(m=Max("position"))["m"] or 0) + 1
        item = DocumentAttachment(
            document=doc,
            position=position,
            title=title,
            original_name=file_name,
            sha256=digest,
            organisation=doc.issuer.name,
            timestamped=bool(services._timestamper()),
            signed_by=user if getattr(user, "is_authenticated", False) else None,
        )
        item.file.save(f"phu-luc-{position}-{digest[:16]}.pdf", ContentFile(signed), save=False)
        item.save()
        log_action(
            user,
            "ocop.document.attachment_signed",
            doc,
            after={
                "position": position,
                "title": title,
                "file": file_name,
                "sha256": digest,
                "organisation": org,
                "timestamped": item.timestamped,
            },
            request=request,
        )
    return item


def attachment_bytes(item: DocumentAttachment) -> bytes:
    """The stored signed file, checked against its SHA-256."""
    return read_checked(
        item.file,
        item.sha256,
        _("Tệp phụ lục đã ký số của văn bản %(number)s bị thay đổi (sai mã SHA-256).")
        % {"number": item.document.number_and_symbol},
    )
