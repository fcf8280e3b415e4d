"""Fixtures of the document tests. PDF tests ask for the `soffice` fixture: without LibreOffice they
FAIL (never skip) with a message saying how to install it (`make test` installs it)."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest

from ocop.documents.models import Issuer
from ocop.documents.pdf import soffice_path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def issuer(db) -> Issuer:
    return Issuer.objects.create(
        code="BNN-VPĐP",
        name="Bộ Nông nghiệp và Phát triển nông thôn",
        header="BỘ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN",
        place="Hà Nội",
        office="Văn phòng Điều phối nông thôn mới Trung ương",
        contact="Văn phòng Điều phối nông thôn mới Trung ương, số 2 Ngọc Hà, Ba Đình, Hà Nội",
        archive="VT, VPĐP",
        signature_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
    )


@pytest.fixture
def council(db) -> Issuer:
    return Issuer.objects.create(
        code="HĐ-OCOP",
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp Trung ương",
        header="HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG\nSẢN PHẨM OCOP CẤP TRUNG ƯƠNG",
        parent_name="BỘ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN",
        is_council=True,
    )


@pytest.fixture
def soffice() -> str:
    path = soffice_path()
    if not path:
        pytest.fail(
            "LibreOffice (soffice) is not installed, so the PDF output cannot be tested. `make test` installs it "
            "(scripts/ensure_system.sh, as root: apt-get install libreoffice-writer-nogui fonts-liberation2)."
        )
    return path


def normalise(text: str) -> str:
    """NFC, every run of whitespace (line breaks of the PDF) as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return normalise(" ".join(page.extract_text() or "" for page in reader.pages))


def docx_text(data: bytes) -> str:
    """All the text of a .docx (paragraphs, tables, headers), read back with python-docx."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return normalise("\n".join(parts))
