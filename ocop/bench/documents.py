"""Document render ratio (issue 17, goal 6): the national synthesis report of a 63-province request,
as .docx (docxtpl on the NĐ 30 template: tables, subdocuments, fonts, borders) and as .pdf (that .docx
through LibreOffice), against a baseline that writes the same text with no layout.

- .docx: `national_report.build_docx(c)` against python-docx writing every paragraph of the rendered
  report (body, table cells, in document order) as plain paragraphs of a blank document. The check:
  both files hold the same paragraphs, in the same order.
- .pdf: `national_report.build_pdf(c, docx=rendered)` (LibreOffice, as the render worker does)
  against LibreOffice's conversion of the plain file. The check: both PDFs hold the report's text
  (every province's name appears in both).

The consolidation itself is computed once, outside the timing (its own benchmark is "consolidation").
"""

from __future__ import annotations

import io

from ocop.bench.harness import Result, run

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of every non-empty paragraph of a .docx body (table cells included), in order."""
    from docx import Document

    body = Document(io.BytesIO(data)).element.body
    out = []
    for p in body.iter(f"{W_NS}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W_NS}t"))
        if text.strip():
            out.append(text)
    return out


def plain_docx(paragraphs: list[str]) -> bytes:
    """The baseline: the same text written by python-docx into a blank document, no layout."""
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    """The PDF's text (pypdf), NFC, whitespace collapsed."""
    import unicodedata

    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def national_request(provinces: int = 63):
    """The latest national request sent to `provinces` provinces that has submissions."""
    from django.db.models import Count

    from ocop.reporting.models import ReportRequest

    return (
        ReportRequest.objects.filter(owner_unit__isnull=True, recipient_level="province")
        .annotate(n=Count("recipients", distinct=True))
        .filter(n=provinces)
        .order_by("-cutoff", "-pk")
        .first()
    )


def bench_documents(req=None, runs: int = 3, pdf_runs: int = 2) -> list[Result]:
    from ocop.documents.pdf import soffice_path
    from ocop.reporting import national_report
    from ocop.reporting.consolidation import consolidate

    req = req or national_request()
    if req is None:
        return []
    c = consolidate(req)
    units = req.recipients.count()
    rendered = national_report.build_docx(c)
    paragraphs = docx_paragraphs(rendered)

    def check_docx(measured: bytes, baseline: bytes) -> None:
        assert docx_paragraphs(measured) == docx_paragraphs(baseline), "the plain .docx does not hold the same text"

    results = [
        run(
            f"national report .docx ({units} provinces, {len(paragraphs)} paragraphs) vs plain python-docx",
            lambda: national_report.build_docx(c),
            lambda: plain_docx(paragraphs),
            check_docx,
            runs=runs,
        )
    ]
    if soffice_path() is None:
        return results
    plain = plain_docx(paragraphs)
    names = [r.name for r in c.rows]

    def check_pdf(measured: bytes, baseline: bytes) -> None:
        for text in (pdf_text(measured), pdf_text(baseline)):
            missing = [n for n in names if n not in text]
            assert not missing, f"province names missing from a PDF: {missing[:5]}"

    results.append(
        run(
            f"national report .pdf ({units} provinces, LibreOffice) vs LibreOffice on the plain .docx",
            lambda: national_report.build_pdf(c, docx=rendered),
            lambda: national_report.build_pdf(c, docx=plain),
            check_pdf,
            runs=pdf_runs,
        )
    )
    return results
