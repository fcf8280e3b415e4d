"""Attachments issued as separate files (NĐ 30/2020, Phụ lục I): added to an issued document of the
register, signed by the organisation with the text block at the top right of page 1 (no image; the
number and symbol and the signing time in ISO 8601, Vietnam time; Times New Roman 10 pt), stored
with their SHA-256, audited, downloadable, recognised by the verification page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pdfplumber
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ocop.accounts.models import User
from ocop.audit.models import AuditEntry
from ocop.signing import keys
from ocop.signing.demo import ensure_issuer
from ocop.signing.models import DocumentAttachment

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


def _appendix_docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("PHỤ LỤC I")
    document.add_paragraph("Danh sách sản phẩm OCOP đạt 4 sao, 5 sao năm 2026")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def flattened_chars(pdf: bytes, field: str) -> tuple[list[dict], float, float]:
    """The characters of a signature's appearance drawn into page 1 where the viewer shows it (its
    widget's /Rect), read back with pdfplumber: (chars, page width, page height)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[0]
    annot = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/T") == field)
    x0, y0 = (float(v) for v in annot["/Rect"][:2])
    resources = page["/Resources"].get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        from pypdf.generic import DictionaryObject

        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects = xobjects.get_object()
    xobjects[NameObject("/SigFlat")] = annot["/AP"].get_object().raw_get("/N")  # the stream, by reference
    drawn = DecodedStreamObject()
    drawn.set_data(page.get_contents().get_data() + f"\nq 1 0 0 1 {x0:.3f} {y0:.3f} cm /SigFlat Do Q\n".encode())
    page[NameObject("/Contents")] = writer._add_object(drawn)
    out = io.BytesIO()
    writer.write(out)
    with pdfplumber.open(io.BytesIO(out.getvalue())) as doc:
        first = doc.pages[0]
        return list(first.chars), float(first.width), float(first.height)


def test_an_issued_document_carries_a_signed_attachment(client, identities, soffice):
    doc = identities["y2026"]
    ensure_issuer(doc.issuer)
    client.force_login(User.objects.get(username="tw.canbo"))
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    response = client.post(
        f"/documents/{doc.pk}/attachments/",
        {"tieu_de": "Phụ lục I. Danh sách sản phẩm", "tep": SimpleUploadedFile("phu-luc-1.docx", _appendix_docx())},
    )
    assert response.status_code == 302 and response["Location"] == f"/documents/{doc.pk}/"
    item = DocumentAttachment.objects.get(document=doc)
    assert (item.position, item.title, item.original_name) == (1, "Phụ lục I. Danh sách sản phẩm", "phu-luc-1.docx")
    download = client.get(f"/documents/{doc.pk}/attachments/1.pdf")
    assert download["Content-Type"] == "application/pdf"
    data = b"".join(download)
    assert hashlib.sha256(data).hexdigest() == item.sha256
    entry = AuditEntry.objects.get(action="ocop.document.attachment_signed", object_id=str(doc.pk))
    assert entry.after["sha256"] == item.sha256 and entry.after["position"] == 1

    # one signature, the organisation's, intact and trusted by the TEST CA
    ca = load_cert_from_pemder(str(keys.test_ca_path()))
    sigs = list(PdfFileReader(io.BytesIO(data)).embedded_signatures)
    assert [s.field_name for s in sigs] == ["ChuKyCoQuanPhuLuc"]
    status = validate_pdf_signature(sigs[0], ValidationContext(trust_roots=[ca], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert sigs[0].signer_cert.subject.native["common_name"] == "BNNMT-TEST (TEST)"

    # the text: top right of page 1, 10 pt, two lines: number and symbol, signing time (ISO 8601, +07:00)
    chars, width, height = flattened_chars(data, "ChuKyCoQuanPhuLuc")
    text_chars = [c for c in chars if c["top"] < 25 * MM]  # NĐ 30: the top margin is 20-25 mm
    assert text_chars
    assert {round(c["size"], 1) for c in text_chars} == {10.0}
    assert min(c["x0"] for c in text_chars) > width / 2
    assert max(c["x1"] for c in text_chars) <= width - 15 * MM + 0.5  # NĐ 30: the right margin is 15-20 mm
    lines: dict[int, list] = {}
    for c in sorted(text_chars, key=lambda c: (round(c["top"]), c["x0"])):
        lines.setdefault(round(c["top"]), []).append(c["text"])
    texts = ["".join(v) for _, v in sorted(lines.items())]
    assert texts[0] == doc.number_and_symbol
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00", texts[1])
    shown = dt.datetime.fromisoformat(texts[1])
    assert before <= shown <= dt.datetime.now(dt.timezone.utc)
    assert all("Times" in c["fontname"] or "Liberation" in c["fontname"] for c in text_chars)

    # the verification page recognises it
    page = client.post("/xac-minh-van-ban/", {"tep": SimpleUploadedFile("pl.pdf", data)}).content.decode()
    assert 'data-verdict="valid"' in page and 'data-register="attachment"' in page
    assert "Phụ lục I. Danh sách sản phẩm" in page and doc.number_and_symbol in page
    # the document page lists it
    detail = client.get(f"/documents/{doc.pk}/").content.decode()
    assert f"/documents/{doc.pk}/attachments/1.pdf" in detail and item.sha256 in detail


def test_bad_attachments_get_a_clear_message(client, identities):
    doc = identities["y2026"]
    ensure_issuer(doc.issuer)
    client.force_login(User.objects.get(username="tw.canbo"))
    url = f"/documents/{doc.pk}/attachments/"
    for data, follow_text in (
        ({"tieu_de": "Phụ lục", "tep": SimpleUploadedFile("a.txt", b"hello")}, "PDF hoặc Word .docx"),
        ({"tieu_de": "Phụ lục", "tep": SimpleUploadedFile("a.pdf", b"not a pdf")}, "không phải PDF"),
        ({"tieu_de": "  ", "tep": SimpleUploadedFile("a.pdf", b"%PDF-1.7")}, "Nhập tên phụ lục"),
        ({"tieu_de": "Phụ lục"}, "Chọn tệp phụ lục"),
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200 and follow_text in response.content.decode()
    assert not DocumentAttachment.objects.exists()
    # readers without documents.issue cannot add
    client.force_login(User.objects.get(username="tinh.thainguyen"))
    assert client.post(url, {"tieu_de": "x"}).status_code == 403


def test_a_draft_has_no_attachments(identities):
    from django.core.exceptions import ValidationError

    from ocop.documents import services as documents
    from ocop.signing.attachments import do_add_attachment

    draft = documents.do_create_draft(None, issuer=identities["y2026"].issuer, subject="Dự thảo")
    with pytest.raises(ValidationError, match="đã ban hành"):
        do_add_attachment(User.objects.get(username="tw.canbo"), draft, title="PL", file_name="a.pdf", data=b"%PDF-1.7")
