"""The document render benchmark (issue 17, goal 6) on the demo's 2018 request to the 63 provinces:
its baseline holds exactly the report's text, and both PDFs name every province. No timing asserted."""

from ocop.bench.documents import bench_documents, docx_paragraphs, national_request, plain_docx
from ocop.reporting import national_report
from ocop.reporting.consolidation import consolidate
from ocop.reporting.tests.test_consolidation import demo, demo_data, seed_request  # noqa: F401 (fixtures)


def test_plain_baseline_holds_the_same_paragraphs(demo):  # noqa: F811
    req = seed_request()
    assert national_request() == req  # the only demo request sent to 63 provinces
    rendered = national_report.build_docx(consolidate(req))
    paragraphs = docx_paragraphs(rendered)
    assert "Hà Giang" in " ".join(paragraphs)  # a legacy province's row in the tables
    assert docx_paragraphs(plain_docx(paragraphs)) == paragraphs


def test_bench_documents_rows(demo):  # noqa: F811
    from ocop.documents.pdf import soffice_path

    rows = bench_documents(seed_request(), runs=1, pdf_runs=1)
    assert rows[0].name.startswith("national report .docx (63 provinces")
    assert all(r.measured > 0 and r.baseline > 0 for r in rows)
    assert len(rows) == (2 if soffice_path() else 1)
