"""Checks an uploaded Office file (xlsx/docx) before any library parses it.

`check_office_upload` looks only at the zip central directory and at the first bytes of each
member: it never extracts the archive and never holds more than ~64 KB of decompressed data at a
time. It refuses, with Vietnamese messages that name the file:

- an extension that is not allowed; macro-enabled (.xlsm, .xltm, .xlam, .docm…), binary (.xlsb)
  and old (.xls, .doc) formats are named explicitly;
- an empty or too large file;
- content that is not a zip, or a zip without the parts of the expected format ("tệp hỏng");
  an OLE file named .xlsx/.docx is usually a password-protected document and is reported so;
- zip bombs: the sum of the declared uncompressed sizes over `max_unzipped`, or a compression
  ratio over `max_ratio` (per member above 1 MiB, and for the whole archive). Python's zipfile
  (used by openpyxl and python-docx) stops at the declared size, so declared sizes can be trusted
  by the readers that follow;
- encrypted members, compression methods other than stored/deflate, absolute or ".." paths,
  duplicate names, too many members;
- macros (any "vbaProject" part, Excel 4 macro sheets, a macro-enabled content type);
- any XML part with a DOCTYPE or ENTITY declaration (entity expansion, external entities), or
  whose prolog is not plain XML within the first 64 KB (odd encodings such as UTF-7 or EBCDIC
  that could hide a declaration).

This is the first line of defence; openpyxl additionally parses with defusedxml / lxml without
entity resolution.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MiB = 1024 * 1024
HEAD_BYTES = 64 * 1024
MAX_MEMBERS = 2000
RATIO_MIN_MEMBER = 1 * MiB  # small parts (styles, shared strings) may compress very well; judge big ones
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# expected parts per format: (content types, main part prefix, kind name for messages)
FORMATS = {
    ".xlsx": ("xl/workbook.xml", "Excel"),
    ".docx": ("word/document.xml", "Word"),
    ".pptx": ("ppt/presentation.xml", "PowerPoint"),
}
REFUSED = {
    ".xlsm": "macro",
    ".xltm": "macro",
    ".xlam": "macro",
    ".docm": "macro",
    ".dotm": "macro",
    ".pptm": "macro",
    ".xlsb": "binary",
    ".xls": "old",
    ".xlt": "old",
    ".doc": "old",
    ".ppt": "old",
    ".ods": "opendocument",
    ".ots": "opendocument",
    ".fods": "opendocument",
    ".odt": "opendocument",
    ".odp": "opendocument",
}
XML_SUFFIXES = (".xml", ".rels", ".vml")
SAFE_ENCODINGS = {
    "utf-8",
    "utf8",
    "utf-16",
    "utf-16le",
    "utf-16be",
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "latin-1",
    "latin1",
    "windows-1252",
    "cp1252",
}
_ENCODING_RE = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_NAME_START = re.compile(rb"[A-Za-z_:\x80-\xff]")


def _fail(message: str, code: str, name: str, **params) -> ValidationError:
    return ValidationError(message, params={"name": name, **params}, code=code)


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    pos = upload.tell()
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(pos)
    return size


def check_office_upload(
    upload,
    *,
    allowed: tuple[str, ...] = (".xlsx",),
    max_bytes: int = 10 * MiB,
    max_unzipped: int = 100 * MiB,
    max_ratio: int = 100,
) -> None:
    """Raise ValidationError unless `upload` (Django UploadedFile or a seekable binary file with a
    `name`) is a plain, macro-free Office Open XML file that is safe to open. Leaves the file at 0."""
    name = Path(getattr(upload, "name", "") or "").name or _("(không tên)")
    ext = Path(name).suffix.lower()
    allowed = tuple(a.lower() for a in allowed)
    if ext not in allowed:
        kind = REFUSED.get(ext)
        if kind == "macro":
            raise _fail(
                _(
                    "Tệp “%(name)s”: Tệp có macro (%(ext)s) không được chấp nhận. Hãy lưu lại dạng %(allowed)s "
                    "(Excel: Tệp › Lưu thành › Sổ làm việc Excel)."
                ),
                "macro",
                name,
                ext=ext,
                allowed=", ".join(allowed),
            )
        if kind == "binary":
            raise _fail(
                _("Tệp “%(name)s”: định dạng nhị phân (%(ext)s) không được chấp nhận. Hãy lưu lại dạng %(allowed)s."),
                "extension",
                name,
                ext=ext,
                allowed=", ".join(allowed),
            )
        if kind == "old":
            raise _fail(
                _(
                    "Tệp “%(name)s”: định dạng cũ (%(ext)s) không được chấp nhận. Hãy mở tệp và lưu lại dạng %(allowed)s."
                ),
                "extension",
                name,
                ext=ext,
                allowed=", ".join(allowed),
            )
        if kind == "opendocument":
            raise _fail(
                _(
                    "Tệp “%(name)s”: định dạng OpenDocument (%(ext)s) không được chấp nhận. Hãy mở tệp và lưu lại dạng "
                    "%(allowed)s (LibreOffice: Tệp › Lưu thành, chọn kiểu “Excel 2007-365 (.xlsx)” hoặc “Word 2007-365 "
                    "(.docx)”, rồi chọn “Dùng định dạng Excel/Word”)."
                ),
                "extension",
                name,
                ext=ext,
                allowed=", ".join(allowed),
            )
        raise _fail(
            _("Tệp “%(name)s” có định dạng không được chấp nhận. Chỉ nhận: %(allowed)s."),
            "extension",
            name,
            allowed=", ".join(allowed),
        )
    main_part, kind_name = FORMATS.get(ext, ("", ext.lstrip(".").upper()))

    size = _size_of(upload)
    if size == 0:
        raise _fail(_("Tệp “%(name)s” rỗng."), "empty", name)
    if size > max_bytes:
        raise _fail(
            _("Tệp “%(name)s” quá lớn (%(mb)s MB); tối đa %(max)s MB."),
            "size",
            name,
            mb=round(size / MiB, 1),
            max=round(max_bytes / MiB, 1),
        )

    corrupt = _fail(
        _("Không đọc được tệp “%(name)s”: tệp hỏng hoặc không phải %(kind)s (%(ext)s)."),
        "unreadable",
        name,
        kind=kind_name,
        ext=ext,
    )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(OLE):
        raise _fail(
            _(
                "Tệp “%(name)s” được đặt mật khẩu hoặc là định dạng %(kind)s cũ đổi đuôi. "
                "Hãy bỏ mật khẩu và lưu lại dạng %(ext)s."
            ),
            "encrypted",
            name,
            kind=kind_name,
            ext=ext,
        )
    if not head.startswith(b"PK\x03\x04"):
        raise corrupt
    try:
        _check_zip(upload, name, ext, main_part, corrupt, max_unzipped, max_ratio, size)
    finally:
        upload.seek(0)


def _check_zip(upload, name, ext, main_part, corrupt, max_unzipped, max_ratio, size) -> None:
    try:
        zf = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise corrupt from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _fail(_("Tệp “%(name)s” có cấu trúc bất thường (quá nhiều thành phần)."), "odd", name)
        bomb = _fail(
            _("Tệp “%(name)s” bị từ chối: dữ liệu nén bất thường (khi giải nén quá lớn — có thể là “bom nén”)."),
            "zip_bomb",
            name,
        )

        def odd(part: str) -> ValidationError:
            return _fail(
                _("Tệp “%(name)s” có cấu trúc bất thường (thành phần “%(part)s”) và không được chấp nhận."),
                "odd",
                name,
                part=part[:80],
            )

        names: set[str] = set()
        total = 0
        for info in infos:
            member = info.filename
            if info.flag_bits & 0x1:
                raise _fail(
                    _("Tệp “%(name)s” có thành phần được mã hóa (đặt mật khẩu); hãy bỏ mật khẩu rồi tải lên lại."),
                    "encrypted",
                    name,
                )
            if (
                info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
                or member.startswith(("/", "\\"))
                or "\\" in member
                or "\x00" in member
                or ".." in member.split("/")
                or member.lower() in names
            ):
                raise odd(member)
            names.add(member.lower())
            total += info.file_size
            if total > max_unzipped:
                raise bomb
            if info.file_size > RATIO_MIN_MEMBER and info.file_size > max_ratio * max(info.compress_size, 1):
                raise bomb
        if total > RATIO_MIN_MEMBER and total > max_ratio * size:
            raise bomb
        lowered = {n.lower() for n in names}
        if any("vbaproject" in n or n.startswith("xl/macrosheets/") for n in lowered):
            raise _fail(
                _("Tệp “%(name)s”: Tệp có macro (VBA) không được chấp nhận. Hãy lưu lại dạng %(ext)s không macro."),
                "macro",
                name,
                ext=ext,
            )
        if "[content_types].xml" not in lowered or (main_part and main_part not in lowered):
            raise corrupt
        for info in infos:
            if info.is_dir():
                continue
            head = _read_head(zf, info, corrupt)
            if info.filename == "[Content_Types].xml" and b"macroenabled" in head.replace(b"\x00", b"").lower():
                raise _fail(_("Tệp “%(name)s”: Tệp có macro không được chấp nhận."), "macro", name)
            problem = _xml_problem(head, info.filename.lower().endswith(XML_SUFFIXES), len(head) >= info.file_size)
            if problem == "entity":
                raise _fail(
                    _("Tệp “%(name)s” bị từ chối: tệp chứa khai báo thực thể XML (DOCTYPE/ENTITY) trong “%(part)s”."),
                    "xml_entity",
                    name,
                    part=info.filename[:80],
                )
            if problem == "odd":
                raise odd(info.filename)


def _read_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, corrupt: ValidationError) -> bytes:
    """Up to HEAD_BYTES decompressed bytes of one member (streaming; never the whole member)."""
    try:
        with zf.open(info) as stream:
            chunks, left = [], HEAD_BYTES
            while left > 0:
                chunk = stream.read(min(left, 16384))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        zlib.error,
        struct.error,
    ) as exc:  # damaged data, CRC mismatch, local header differing from the directory
        raise corrupt from exc


def _xml_problem(head: bytes, is_xml_name: bool, complete: bool) -> str | None:
    """'entity' when the XML prolog declares a DOCTYPE/ENTITY, 'odd' when an XML part does not start
    as plain XML or its prolog does not end within the head; None otherwise (also for non-XML parts).

    NUL bytes are dropped first, so UTF-16/UTF-32 text is scanned as ASCII."""
    text = head
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = text[2:]
    text = text.replace(b"\x00", b"")
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    upper = text.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        return "entity"
    stripped = text.lstrip(b" \t\r\n")
    if not stripped:
        return None if complete else "odd"  # an empty part, or 64 KB of padding
    if not stripped.startswith(b"<"):
        return "odd" if is_xml_name else None
    pos = len(text) - len(stripped)
    while True:
        while pos < len(text) and text[pos : pos + 1] in (b" ", b"\t", b"\r", b"\n"):
            pos += 1
        if pos >= len(text):
            # prolog not finished within the head (padding to push a DOCTYPE further), or no root element
            return "odd" if (not complete or is_xml_name) else None
        if text.startswith(b"<?", pos):
            end = text.find(b"?>", pos)
            if end < 0:
                return "odd"
            decl = text[pos:end]
            if decl[:6].lower() in (b"<?xml ", b"<?xml\t", b"<?xml\n", b"<?xml\r"):
                match = _ENCODING_RE.search(decl)
                if match and match.group(1).decode("ascii").lower() not in SAFE_ENCODINGS:
                    return "odd"
            pos = end + 2
        elif text.startswith(b"<!--", pos):
            end = text.find(b"-->", pos + 4)
            if end < 0:
                return "odd"
            pos = end + 3
        elif text.startswith(b"<!", pos):
            return "entity"
        elif text.startswith(b"<", pos) and _NAME_START.match(text, pos + 1):
            return None  # root element reached: no DTD can follow
        else:
            return "odd" if is_xml_name else None
