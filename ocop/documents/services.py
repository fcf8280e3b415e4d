"""Outgoing documents: drafting, numbering, issuing, rendering (.docx through docxtpl, .pdf through
LibreOffice).

    doc = do_create_draft(user, issuer=issuer, subject="…", recipients=[…], content={…}, …)
    do_issue(user, doc)                      # next number of the issuer's series for the year
    data = render(doc, "pdf")                # bytes; an issued document's .docx is the stored file

Access: `do_*` functions check the capability when a user is given (None is the system, e.g. the
demo data); views check it too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate, RichText

from ocop.lib.files import read_checked
from ocop.accounts.permissions import can
from ocop.audit.services import log_action, snapshot
from ocop.documents import text as tx
from ocop.documents.models import (
    KIND_ABBREVIATIONS,
    DocumentKind,
    DocumentStatus,
    Issuer,
    OutgoingDocument,
    Purpose,
)
from ocop.documents.fit import fit_size
from ocop.documents.hooks import document_issued
from ocop.documents.pdf import convert_to_pdf
from ocop.lib.text import strip_diacritics

TEMPLATES_DIR = Path(__file__).resolve().parent / "docx_templates"
FORMATS = ("docx", "pdf")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
AUDITED = [
    "kind",
    "purpose",
    "year",
    "number",
    "symbol",
    "subject",
    "date",
    "place",
    "recipients",
    "noi_nhan",
    "signature_title",
    "signer_name",
    "status",
    "file",
    "sha256",
    "template_name",
]
ISSUE_ATTEMPTS = 5


# --- drafting ------------------------------------------------------------------------------------


def default_symbol(issuer: Issuer, kind: str, day: dt.date | None = None) -> str:
    """ "BNN-VPĐP" for a công văn, "BC-BNN-VPĐP" for a báo cáo (NĐ 30, Phụ lục III), with the symbol
    of the issuer's facts valid on `day` ("BNNMT-VPĐP" from 01/3/2025)."""
    abbr = KIND_ABBREVIATIONS.get(kind, "")
    symbol = issuer.facts_on(day).symbol or issuer.code
    return f"{abbr}-{symbol}" if abbr else symbol


def _check(user, capability: str) -> None:
    if user is not None and not can(user, capability):
        raise PermissionDenied


def _clean_para(value):
    if isinstance(value, list):
        return [
            {"text": tx.clean(r.get("text", "")), "bold": bool(r.get("bold")), "italic": bool(r.get("italic"))}
            for r in value
            if isinstance(r, dict)
        ]
    return tx.clean(value)


def clean_content(content: dict | None) -> dict:
    content = dict(content or {})
    result = {key: [_clean_para(p) for p in content.get(key) or []] for key in ("opening", "requests", "closing")}
    result["contact"] = tx.clean(content.get("contact") or "")
    appendix = content.get("appendix")
    if appendix:
        result["appendix"] = {
            "title": tx.clean(appendix.get("title", "")),
            "subtitle": tx.clean(appendix.get("subtitle", "")),
            "sections": [
                {
                    "number": tx.clean(s.get("number", "")),
                    "label": tx.clean(s.get("label", "")),
                    "title": tx.clean(s.get("title", "")),
                    "prompt": tx.clean(s.get("prompt", "")),
                    "depth": int(s.get("depth") or 0),
                }
                for s in appendix.get("sections") or []
            ],
        }
    else:
        result["appendix"] = None
    return result


def _lines(values) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    return [tx.clean(v).strip() for v in values or [] if tx.clean(v).strip()]


def _issuer_date_error(issuer: Issuer, day: dt.date) -> str:
    return _("%(issuer)s không ban hành văn bản vào ngày %(day)s (chỉ tồn tại từ %(a)s đến %(b)s).") % {
        "issuer": issuer.name,
        "day": tx.dmy(day),
        "a": tx.dmy(issuer.valid_from) or "…",
        "b": tx.dmy(issuer.valid_to) or "…",
    }


def validate_document(doc: OutgoingDocument) -> None:
    errors = {}
    if not doc.subject.strip():
        errors["subject"] = _("Nhập trích yếu (V/v …) của văn bản.")
    if not doc.symbol.strip():
        errors["symbol"] = _("Nhập ký hiệu của văn bản.")
    if not doc.place.strip():
        errors["place"] = _("Nhập địa danh.")
    if doc.date is not None and doc.issuer_id and not doc.issuer.is_valid_on(doc.date):
        errors["date"] = _issuer_date_error(doc.issuer, doc.date)
    if doc.template_name not in available_templates():
        errors["template_name"] = _("Không có mẫu .docx “%(name)s”.") % {"name": doc.template_name}
    if errors:
        raise ValidationError(errors)


# templates that are not letters: the national synthesis report (ocop/reporting/national_report.py)
NOT_LETTER_TEMPLATES = {"bao_cao_tong_hop.docx"}


def available_templates() -> list[str]:
    return sorted(
        p.name
        for p in TEMPLATES_DIR.glob("*.docx")
        if not p.name.startswith("~$") and p.name not in NOT_LETTER_TEMPLATES
    )


@transaction.atomic
def do_create_draft(
    user,
    *,
    issuer: Issuer,
    subject: str,
    kind: str = DocumentKind.CONG_VAN,
    purpose: str = Purpose.OTHER,
    date: dt.date | None = None,
    place: str | None = None,
    recipients: list[str] | str = (),
    content: dict | None = None,
    noi_nhan: list[str] | str | None = None,
    symbol: str | None = None,
    request=None,
    template_name: str = "cong_van.docx",
    signature_title: str | None = None,
    signer_name: str | None = None,
    is_demo: bool = False,
) -> OutgoingDocument:
    """A new draft (no number yet). Symbol, place, signature block and the "Lưu" line come from the
    issuer's facts on the document's date (today without a date) unless given; they are copied, so a
    later change of the issuer leaves the draft as it is."""
    _check(user, "documents.draft")
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Loại văn bản không hợp lệ.")})
    if date is not None and not issuer.is_valid_on(date):
        raise ValidationError({"date": _issuer_date_error(issuer, date)})
    facts = issuer.facts_on(date)
    if noi_nhan is None:  # document text: always Vietnamese, whatever the UI language
        noi_nhan = ["Như trên;"] if recipients else []
        if facts.archive:
            noi_nhan.append(f"Lưu: {facts.archive}.")
    doc = OutgoingDocument(
        issuer=issuer,
        kind=kind,
        purpose=purpose,
        symbol=tx.clean(symbol or default_symbol(issuer, kind, date)).strip(),
        subject=tx.clean(subject).strip(),
        date=date,
        year=date.year if date else None,
        place=tx.clean(place or facts.place).strip(),
        recipients=_lines(recipients),
        content=clean_content(content),
        noi_nhan=_lines(noi_nhan),
        signature_title=tx.clean(facts.signature_title if signature_title is None else signature_title),
        signer_name=tx.clean(facts.signer_name if signer_name is None else signer_name),
        request=request,
        template_name=template_name,
        is_demo=is_demo,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    validate_document(doc)
    doc.save()
    log_action(user, "ocop.document.created", doc, after=snapshot(doc, AUDITED))
    return doc


EDITABLE = ("subject", "date", "place", "recipients", "content", "noi_nhan", "signature_title", "signer_name", "symbol")


@transaction.atomic
def do_update_draft(user, doc: OutgoingDocument, **changes) -> OutgoingDocument:
    """Change a draft (issued documents never change)."""
    _check(user, "documents.draft")
    doc = OutgoingDocument.objects.select_for_update().get(pk=doc.pk)
    if doc.is_issued:
        raise ValidationError(_("Văn bản %(number)s đã ban hành, không được sửa.") % {"number": doc.number_and_symbol})
    before = snapshot(doc, AUDITED)
    for key, value in changes.items():
        if key not in EDITABLE:
            raise ValueError(f"not editable: {key}")
        if key in ("recipients", "noi_nhan"):
            value = _lines(value)
        elif key == "content":
            value = clean_content(value)
        elif key == "date":
            doc.year = value.year if value else None
        elif isinstance(value, str):
            value = tx.clean(value).strip() if key not in ("signature_title",) else tx.clean(value)
        setattr(doc, key, value)
    validate_document(doc)
    doc.save()
    log_action(user, "ocop.document.changed", doc, before=before, after=snapshot(doc, AUDITED))
    return doc


# --- numbering and issuing -----------------------------------------------------------------------


def next_number(issuer: Issuer, year: int) -> int:
    """The next number of the issuer's series in `year`: the highest issued number + 1, 1 for a new
    year. Councils are issuers of their own, hence their own series."""
    top = OutgoingDocument.objects.filter(issuer=issuer, year=year, number__isnull=False).aggregate(m=Max("number"))[
        "m"
    ]
    return (top or 0) + 1


def _file_name(doc: OutgoingDocument) -> str:
    return f"documents/{doc.year}/{doc.number:02d}-{slugify(strip_diacritics(doc.symbol)) or 'vb'}.docx"


def do_issue(user, doc: OutgoingDocument, number: int | None = None, *, request=None) -> OutgoingDocument:
    """Issue a draft: the number (the next of the issuer's series for the year of the document's date,
    or `number` when given, e.g. for a letter issued outside the system), the .docx rendered and
    stored with its SHA-256, status "issued". Refused for an issued document. The date defaults to
    today. Two issues at the same time get different numbers (row lock on the issuer, and the unique
    constraint with a retry)."""
    _check(user, "documents.issue")
    if number is not None and (not isinstance(number, int) or number < 1):
        raise ValidationError({"number": _("Số văn bản phải là số nguyên dương.")})
    last_error = None
    for _attempt in range(ISSUE_ATTEMPTS):
        stored_name = None
        try:
            with transaction.atomic():
                locked = OutgoingDocument.objects.select_for_update().select_related("issuer").get(pk=doc.pk)
                if locked.is_issued:
                    raise ValidationError(
                        _("Văn bản %(number)s đã được ban hành.") % {"number": locked.number_and_symbol}
                    )
                Issuer.objects.select_for_update().filter(pk=locked.issuer_id).first()  # serialises the series
                before = snapshot(locked, AUDITED)
                day = locked.date or timezone.localdate()
                if not locked.issuer.is_valid_on(day):
                    raise ValidationError({"date": _issuer_date_error(locked.issuer, day)})
                year = day.year
                if number is not None:
                    if OutgoingDocument.objects.filter(issuer_id=locked.issuer_id, year=year, number=number).exists():
                        raise ValidationError(
                            {
                                "number": _("Số %(number)s năm %(year)s của %(issuer)s đã được dùng.")
                                % {"number": tx.number_text(number), "year": year, "issuer": locked.issuer.code}
                            }
                        )
                    assigned = number
                else:
                    assigned = next_number(locked.issuer, year)
                locked.date, locked.year, locked.number = day, year, assigned
                data = render_docx(locked)
                stored_name = default_storage.save(_file_name(locked), ContentFile(data))
                locked.file.name = stored_name
                locked.sha256 = hashlib.sha256(data).hexdigest()
                locked.status = DocumentStatus.ISSUED
                locked.issued_by = user if getattr(user, "is_authenticated", False) else None
                locked.issued_at = timezone.now()
                locked.save()
                log_action(
                    user,
                    "ocop.document.issued",
                    locked,
                    before=before,
                    after=snapshot(locked, AUDITED),
                    request=request,
                )
                # the signing app (above documents) queues the signed PDF (docs/signing.md)
                transaction.on_commit(
                    lambda doc=locked, who=user: document_issued.send(sender=OutgoingDocument, document=doc, user=who)
                )
            return locked
        except IntegrityError as exc:  # another issue took the number first
            last_error = exc
            if stored_name:
                default_storage.delete(stored_name)
            if number is not None:
                raise ValidationError(
                    {"number": _("Số %(number)s đã được dùng.") % {"number": tx.number_text(number)}}
                ) from exc
        except BaseException:
            if stored_name:
                default_storage.delete(stored_name)
            raise
    raise ValidationError(_("Không cấp được số văn bản, vui lòng thử lại.")) from last_error


# --- rendering -----------------------------------------------------------------------------------


def _rich(para, *, italic: bool = False) -> RichText:
    """RichText (escaped by docxtpl) from a paragraph: a string or a list of runs."""
    rt = RichText()
    runs = para if isinstance(para, list) else [{"text": para}]
    for run in runs:
        text = tx.clean(run.get("text", ""))
        if text:
            rt.add(text, bold=bool(run.get("bold")), italic=italic or bool(run.get("italic")))
    return rt


def _prefixed(prefix: str, para) -> list:
    runs = para if isinstance(para, list) else [{"text": para}]
    return [{"text": prefix}, *runs]


def body_paragraphs(doc: OutgoingDocument) -> list:
    """The body in reading order, as paragraphs (string or runs): opening, numbered requests, closing,
    contact line."""
    content = doc.content or {}
    paragraphs = list(content.get("opening") or [])
    paragraphs += [_prefixed(f"{i}. ", p) for i, p in enumerate(content.get("requests") or [], start=1)]
    paragraphs += list(content.get("closing") or [])
    if content.get("contact"):
        paragraphs.append([{"text": f"(Thông tin chi tiết đề nghị liên hệ {content['contact']})", "italic": True}])
    return paragraphs


def plain_text(para) -> str:
    if isinstance(para, list):
        return "".join(r.get("text", "") for r in para)
    return str(para)


def _section_heading(section: dict) -> RichText:
    rt = RichText()
    label = section.get("label") or ""
    title = section.get("title") or ""
    depth = section.get("depth") or 0
    rt.add(tx.clean(f"{label} {title}".strip()), bold=depth <= 1, italic=depth >= 2)
    return rt


HEADER_LEFT_CM = 7.0  # the issuer's column of the letter's header (scripts/build_docx_templates.py)
HEADER_PT = 12


def header_line(text: str, *, bold: bool, column_cm: float = HEADER_LEFT_CM) -> RichText:
    """One line of the issuer's header as rich text, 12 pt or the largest size down to 10 pt at
    which it fits the column on one line (ocop/documents/fit.py): a name never wraps mid-way."""
    text = tx.clean(text)
    size = fit_size(text, column_cm, HEADER_PT, bold=bold) or 10.0
    rt = RichText()
    rt.add(text, bold=bold, size=int(size * 2))
    return rt


def _lines_of(value: str) -> list[str]:
    return [line.strip() for line in tx.clean(value).split("\n") if line.strip()]


def context_for(doc: OutgoingDocument) -> dict:
    """The docxtpl context: the variable `doc` of the templates (all text NFC, escaped by docxtpl)."""
    facts = doc.issuer.facts_on(doc.date)
    body = [_rich(p) for p in body_paragraphs(doc)]
    kind_name = dict(DocumentKind.choices)[doc.kind]
    content = doc.content or {}
    appendix = content.get("appendix")
    return {
        "doc": {
            "parent_lines": [header_line(line, bold=False) for line in facts.parent_lines],
            "issuer_lines": [header_line(line, bold=True) for line in facts.header_lines],
            "issuer_name": facts.name,
            "number_and_symbol": tx.clean(doc.number_and_symbol),
            "show_subject": doc.kind == DocumentKind.CONG_VAN,
            "kind_title": "" if doc.kind == DocumentKind.CONG_VAN else tx.clean(str(kind_name)).upper(),
            "kind_name": tx.clean(str(kind_name)),
            "subject": tx.clean(doc.subject),
            "place_date": tx.clean(tx.place_date(doc.place, doc.date)),
            "date_dmy": tx.dmy(doc.date) if doc.date else "…",
            "recipients": [tx.clean(r) for r in doc.recipients or []],
            "body": body,
            "body_lead": body[:-1],
            "body_last": body[-1] if body else None,
            "noi_nhan": [tx.clean(line) for line in doc.noi_nhan or []],
            "signature_lines": _lines_of(doc.signature_title),
            "signer_name": tx.clean(doc.signer_name),
            "appendix": {
                "title": tx.clean(appendix.get("title", "")),
                "subtitle": tx.clean(appendix.get("subtitle", "")),
                "sections": [
                    {"heading": _section_heading(s), "prompt": tx.clean(s.get("prompt", ""))}
                    for s in appendix.get("sections") or []
                ],
            }
            if appendix
            else None,
        }
    }


def render_docx(doc: OutgoingDocument) -> bytes:
    """Render the document's .docx template (docxtpl, autoescaped) to bytes."""
    template_path = TEMPLATES_DIR / doc.template_name
    if doc.date is not None and doc.issuer_id and not doc.issuer.is_valid_on(doc.date):
        raise ValidationError({"date": _issuer_date_error(doc.issuer, doc.date)})
    if doc.template_name not in available_templates():
        raise ValidationError(_("Không có mẫu .docx “%(name)s”.") % {"name": doc.template_name})
    template = DocxTemplate(str(template_path))
    template.render(context_for(doc), autoescape=True)
    from ocop.documents.roundtrip import identifier_for

    template.docx.core_properties.identifier = identifier_for(doc)  # the Word round trip checks it
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def stored_docx(doc: OutgoingDocument) -> bytes:
    """The issued file, checked against its SHA-256."""
    return read_checked(
        doc.file,
        doc.sha256,
        _("Tệp đã ban hành của văn bản %(number)s bị thay đổi (sai mã SHA-256).") % {"number": doc.number_and_symbol},
    )


def render(doc: OutgoingDocument, fmt: str) -> bytes:
    """The document as .docx or .pdf bytes. An issued document: the stored .docx, and the PDF
    converted from it (kept beside it after the first conversion); a draft: rendered now."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    if doc.is_issued:
        data = stored_docx(doc)
        if fmt == "docx":
            return data
        cached = f"documents/pdf/{doc.sha256}.pdf"
        if default_storage.exists(cached):
            with default_storage.open(cached, "rb") as fh:
                return fh.read()
        pdf = convert_to_pdf(data)
        try:
            default_storage.save(cached, ContentFile(pdf))
        except OSError:
            pass
        return pdf
    data = render_docx(doc)
    return data if fmt == "docx" else convert_to_pdf(data)


def download_name(doc: OutgoingDocument, fmt: str) -> str:
    number = doc.number_and_symbol.strip().replace("/", "_").replace(" ", "") if doc.is_issued else "du-thao"
    return f"{doc.get_kind_display()} {number}.{fmt}".replace(" ", "_")


def find_issued(number_and_symbol: str, year: int) -> OutgoingDocument | None:
    """The issued document "9654/BNN-VPĐP" (also "09/…" or "9/…") of `year`, or None."""
    value = tx.nfc(number_and_symbol).strip().replace(" ", "")
    number_part, sep, symbol = value.partition("/")
    if not sep or not number_part.isdigit() or not symbol:
        return None
    return (
        OutgoingDocument.objects.filter(status=DocumentStatus.ISSUED, year=year, number=int(number_part), symbol=symbol)
        .select_related("issuer")
        .first()
    )
