"""Text with "&", "<", ">" and quotes survives into every format (docxtpl renders with autoescape;
without it "&" silently disappears and "<" breaks the document)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest

from ocop.documents import services
from ocop.documents.tests.conftest import docx_text, pdf_text

pytestmark = pytest.mark.django_db

SUBJECT = "phối hợp Sở NN&PTNT về \"Chương trình <OCOP>\" & 'sản phẩm' > 3 sao"
RECIPIENT = 'Sở Nông nghiệp & PTNT <tỉnh "A">'
BODY = "Đoạn có ký tự đặc biệt: A&B, x < y > z, \"ngoặc kép\", 'nháy đơn', {{ not_a_tag }} {% raw %} & </w:t>."
NOI_NHAN = 'Sở NN&PTNT "các tỉnh" <trực thuộc>;'
SIGNER = "Nguyễn Văn A & B"


@pytest.fixture
def tricky(issuer, media):
    return services.do_create_draft(
        None,
        issuer=issuer,
        subject=SUBJECT,
        date=dt.date(2019, 4, 1),
        recipients=[RECIPIENT, "Nơi thứ hai"],
        content={
            "opening": [BODY, [{"text": "Chữ nghiêng & <nhọn>", "italic": True}, {"text": ' và "thường"'}]],
            "requests": ['Yêu cầu "một" & <hai>'],
            "closing": [],
            "contact": 'đ/c "X" & Y <x@y.vn>',
        },
        noi_nhan=[NOI_NHAN],
        signer_name=SIGNER,
    )


EXPECTED = [
    f"V/v {SUBJECT}",
    RECIPIENT,
    BODY,
    'Chữ nghiêng & <nhọn> và "thường"',
    '1. Yêu cầu "một" & <hai>',
    '(Thông tin chi tiết đề nghị liên hệ đ/c "X" & Y <x@y.vn>)',
    f"- {NOI_NHAN}",
    SIGNER,
]


def test_special_characters_survive_into_the_docx(tricky):
    data = services.render(tricky, "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "NN&amp;PTNT" in xml and "&lt;OCOP&gt;" in xml
    text = docx_text(data)
    missing = [t for t in EXPECTED if t not in text]
    assert not missing, f"{missing}\n---\n{text}"
    docx.Document(io.BytesIO(data))  # a valid document


def test_special_characters_survive_issuing(tricky):
    doc = services.do_issue(None, tricky)
    text = docx_text(services.render(doc, "docx"))
    assert all(t in text for t in EXPECTED)


def test_special_characters_survive_into_the_pdf(tricky, soffice):
    text = pdf_text(services.render(tricky, "pdf"))
    missing = [t for t in EXPECTED if t not in text]
    assert not missing, f"{missing}\n---\n{text}"


def test_control_characters_are_dropped_not_fatal(issuer, media):
    doc = services.do_create_draft(
        None,
        issuer=issuer,
        subject="a\x00b\x0cc\x07d",
        recipients=["x\x1by"],
        content={"opening": ["dòng 1\ndòng 2\ttab"]},
    )
    assert doc.subject == "abcd" and doc.recipients == ["xy"]
    text = docx_text(services.render(doc, "docx"))
    assert "V/v abcd" in text and "dòng 1" in text and "dòng 2" in text
