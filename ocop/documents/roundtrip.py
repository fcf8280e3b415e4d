"""The Word round trip of a draft: the clerk downloads the draft as .docx, edits the text in Word
(bold, italic, new or deleted paragraphs, the "Nơi nhận" list) and uploads it back into the draft.

Why Word and not a rich-text editor in the browser: the clerks who write these letters write them in
Word today, with its spelling checker and track changes, and pass drafts to their superiors as .docx;
the file they edit is the document itself in the NĐ 30 layout, so what they see is what is issued.
The system keeps what it must control (number, date, issuer header, signature block, appendix from
the request's template) and takes back only the text (see ocop/documents/README.md).

What is read back from the uploaded file (checked first by ocop/lib/upload_safety.py):
- the body: the paragraphs between the "Kính gửi" block and the "Nơi nhận" table, from the first
  paragraph in the body style ("ND30 Nội dung") on, with their bold and italic runs; the contact
  line "(Thông tin chi tiết đề nghị liên hệ …)" goes back to the contact field;
- the "Nơi nhận" list (the lines under "Nơi nhận:").
A file of another document (its identifier names another draft) is refused, as is a body with a
table, which letters do not have; every refusal is a Vietnamese message and changes nothing.
"""

from __future__ import annotations

import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.documents import text as tx

BODY_STYLE = "ND30 Nội dung"
CONTACT_RE = re.compile(r"^\(Thông tin chi tiết đề nghị liên hệ (.*)\)\s*$", re.DOTALL)
IDENTIFIER = "ocop-document-{pk}"


def identifier_for(doc) -> str:
    return IDENTIFIER.format(pk=doc.pk)


def _runs(paragraph) -> list[dict] | str:
    runs: list[dict] = []
    for run in paragraph.runs:
        text = tx.clean(run.text)
        if not text:
            continue
        bold, italic = bool(run.bold), bool(run.italic)
        if runs and runs[-1]["bold"] == bold and runs[-1]["italic"] == italic:
            runs[-1]["text"] += text
        else:
            runs.append({"text": text, "bold": bold, "italic": italic})
    if not runs:
        return ""
    if len(runs) == 1 and not runs[0]["bold"] and not runs[0]["italic"]:
        return runs[0]["text"]
    return runs


def _plain(para) -> str:
    return "".join(r["text"] for r in para) if isinstance(para, list) else para


def read_draft(data: bytes, doc) -> dict:
    """The body paragraphs, contact and "Nơi nhận" lines of an uploaded draft .docx, as the fields
    of `services.do_update_draft` (content, noi_nhan). Raises ValidationError (Vietnamese)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 — python-docx raises many kinds on a bad file
        raise ValidationError(_("Không đọc được tệp Word: tệp hỏng hoặc không phải .docx.")) from exc
    ident = (document.core_properties.identifier or "").strip()
    if ident and ident != identifier_for(doc):
        raise ValidationError(_("Tệp này là bản tải về của một văn bản khác; hãy tải lên bản .docx của dự thảo này."))
    body = document.element.body
    blocks = []
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            blocks.append(Paragraph(child, document))
        elif child.tag.endswith("}tbl"):
            blocks.append(Table(child, document))
    signature_at = next(
        (
            i
            for i, b in enumerate(blocks)
            if isinstance(b, Table)
            and b.rows
            and b.rows[0].cells
            and b.rows[0].cells[0].text.strip().startswith("Nơi nhận")
        ),
        None,
    )
    if signature_at is None:
        raise ValidationError(
            _(
                "Không tìm thấy bảng “Nơi nhận” và chữ ký: tệp không phải bản dự thảo tải về từ hệ thống, "
                "hoặc bảng đã bị xóa."
            )
        )
    start = next(
        (
            i
            for i, b in enumerate(blocks[:signature_at])
            if isinstance(b, Paragraph) and b.style is not None and b.style.name == BODY_STYLE
        ),
        None,
    )
    if start is None:
        raise ValidationError(
            _("Không tìm thấy phần nội dung (kiểu đoạn “%(style)s”) trước “Nơi nhận”.") % {"style": BODY_STYLE}
        )
    paragraphs, contact = [], ""
    for block in blocks[start:signature_at]:
        if isinstance(block, Table):
            raise ValidationError(
                _("Phần nội dung có bảng: công văn chưa hỗ trợ bảng trong nội dung, hãy bỏ bảng hoặc đưa vào phụ lục.")
            )
        para = _runs(block)
        text = _plain(para).strip()
        if not text:
            continue
        match = CONTACT_RE.match(text)
        if match:
            contact = match.group(1).strip()
            continue
        paragraphs.append(para)
    if not paragraphs:
        raise ValidationError(_("Phần nội dung trống: tệp tải lên không có đoạn văn nào."))
    noi_nhan = []
    for p in blocks[signature_at].rows[0].cells[0].paragraphs:
        line = tx.clean(p.text).strip()
        if not line or line.startswith("Nơi nhận"):
            continue
        noi_nhan.append(re.sub(r"^[-–•]\s*", "", line))
    content = dict(doc.content or {})
    content.update(opening=paragraphs, requests=[], closing=[], contact=contact)
    return {"content": content, "noi_nhan": noi_nhan}
