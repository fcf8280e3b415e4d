"""Checks on files: uploads (size, extension and that the content really is what the name says; used
by every upload field, messages name the file) and stored files kept with their SHA-256
(`read_checked`: issued documents, signed PDFs, signed attachments and certificates).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# extension -> checker of the first bytes / structure
OFFICE_ZIP = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/", ".odt": "content.xml", ".ods": "content.xml"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES = {
    ".pdf": [b"%PDF-"],
    ".doc": [OLE],
    ".xls": [OLE],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
}
DOCUMENT_EXTENSIONS = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png"]


def max_upload_bytes() -> int:
    return getattr(settings, "OCOP_MAX_UPLOAD_MB", 20) * 1024 * 1024


def validate_document(upload) -> None:
    """Raise ValidationError (Vietnamese) unless `upload` is an allowed, readable document."""
    name = getattr(upload, "name", "") or ""
    ext = Path(name).suffix.lower()
    if ext not in DOCUMENT_EXTENSIONS:
        raise ValidationError(
            _("Tệp “%(name)s” có định dạng không được chấp nhận. Chỉ nhận: %(exts)s."),
            params={"name": Path(name).name, "exts": ", ".join(DOCUMENT_EXTENSIONS)},
            code="extension",
        )
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng."), params={"name": Path(name).name}, code="empty")
    if size > max_upload_bytes():
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(mb)s MB); tối đa %(max)s MB."),
            params={"name": Path(name).name, "mb": round(size / 1048576, 1), "max": max_upload_bytes() // 1048576},
            code="size",
        )
    if not _content_matches(upload, ext):
        raise ValidationError(
            _("Không đọc được tệp “%(name)s”: nội dung không phải tệp %(ext)s hợp lệ (tệp hỏng hoặc đổi đuôi)."),
            params={"name": Path(name).name, "ext": ext.lstrip(".").upper()},
            code="unreadable",
        )


def _content_matches(upload, ext: str) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if ext in SIGNATURES:
        return any(head.startswith(sig) for sig in SIGNATURES[ext])
    if ext in OFFICE_ZIP:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(upload) as zf:
                names = zf.namelist()
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    return False  # macros are refused
                return any(n.startswith(OFFICE_ZIP[ext]) or n == OFFICE_ZIP[ext] for n in names)
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
    return False


def read_checked(field_file, sha256: str, message: str) -> bytes:
    """The content of a stored file, refused with `message` (a ValidationError) when it no longer
    matches the SHA-256 recorded when it was stored."""
    with field_file.open("rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValidationError(message)
    return data
