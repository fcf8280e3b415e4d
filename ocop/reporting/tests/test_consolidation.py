"""Consolidation of a request and the national synthesis report: totals equal the sum of the accepted
reports, missing and late units named, regions, the previous period, grouped shortcomings and
proposals, the .docx (NĐ 30 layout, docxtpl autoescaped), .xlsx and .pdf (LibreOffice), the
background job with its progress, and the `consolidate` command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import signal
import zipfile
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from openpyxl import load_workbook

from ocop.demo.accounts import create_demo_users
from ocop.geo.models import AdminUnit, Era, Level
from ocop.demo.programme import create_demo_programme
from ocop.reporting import national_report
from ocop.reporting.consolidation import (
    REGION_ORDER,
    REGIONS_FILE,
    consolidate,
    group_items,
    normalise,
    previous_request,
    split_items,
)
from ocop.demo.reporting import create_demo_reporting
from ocop.reporting.loader import load_templates
from ocop.reporting.models import ReportRequest, RequestStatus, Submission, SubmissionStatus
from ocop.reporting.models_jobs import RenderJob, RenderStatus
from ocop.reporting.tasks import render_consolidation, retry_render_job, run_render_job, start_render_job

pytestmark = pytest.mark.django_db

SPECIAL = "Tồn tại A & B < C > D \"trích dẫn\" 'nháy đơn' — R&D <b>không in đậm</b>"
RENDER_TASK = render_consolidation.module_path


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The whole demo (programme registries, the 2018 seed request with 56 answers, the 2026 periodic
    requests), built once for this module in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            create_demo_users()
            create_demo_programme()
            load_templates()
            create_demo_reporting()
            yield
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_data, demo_users):
    return demo_users


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def seed_request() -> ReportRequest:
    return ReportRequest.objects.get(is_demo=True, document_number="9654/BNN-VPĐP")


def periodic(code: str) -> ReportRequest:
    return ReportRequest.objects.get(is_demo=True, period_code=code)


def latest_accepted(req: ReportRequest) -> dict[int, Submission]:
    """Computed here without the consolidation code: unit -> its highest accepted version."""
    latest: dict[int, Submission] = {}
    for sub in Submission.objects.filter(request=req, status=SubmissionStatus.ACCEPTED):
        if sub.unit_id not in latest or sub.number > latest[sub.unit_id].number:
            latest[sub.unit_id] = sub
    return latest


def expected_totals(req: ReportRequest) -> dict:
    subs = latest_accepted(req).values()
    out = {}
    for f in req.template.parsed.fields:
        if not f.is_numeric:
            continue
        values = [Decimal(str(s.data[f.code])) for s in subs if s.data.get(f.code) not in (None, "")]
        if f.type in ("integer", "money"):
            out[f.code] = sum(values, Decimal(0))
        elif f.type == "percent":
            out[f.code] = (sum(values) / len(values), min(values), max(values)) if values else (None, None, None)
    return out


def never_submitted(req: ReportRequest) -> list[AdminUnit]:
    answered = set(
        Submission.objects.filter(request=req, first_submitted_at__isnull=False).values_list("unit_id", flat=True)
    )
    return [u for u in req.recipients.order_by("code") if u.pk not in answered]


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]

    def cells(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(doc.tables)
    return "\n".join(parts)


def xlsx_cells(content: bytes) -> dict[str, list]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def require_libreoffice():
    from ocop.documents.pdf import soffice_path

    if not soffice_path():
        pytest.fail(
            "LibreOffice (soffice) is not installed: the PDF cannot be produced. "
            "Install libreoffice-writer-nogui (make test / scripts/ensure_system.sh does it)."
        )


def put_text(sub: Submission, **texts) -> None:
    data = dict(sub.data)
    data.update(texts)
    Submission.objects.filter(pk=sub.pk).update(data=data)


# --- the figures --------------------------------------------------------------------------------


def test_national_totals_equal_the_sum_of_the_accepted_reports(demo):
    req = seed_request()
    c = consolidate(req)
    accepted = latest_accepted(req)
    assert req.recipients.count() == 63 and len(c.rows) == len(accepted) == c.summary.accepted
    assert {r.unit.pk for r in c.rows} == set(accepted)
    assert all(not r.provisional and r.submission.status == SubmissionStatus.ACCEPTED for r in c.rows)
    expected = expected_totals(req)
    for code, value in expected.items():
        stat = c.totals[code]
        if stat.is_percent:
            assert stat.total is None  # a percentage is never summed
            assert (stat.average, stat.minimum, stat.maximum) == value, code
        else:
            assert stat.total == value, code
    assert c.totals["funding_total"].total > 0 and c.totals["products_reviewed"].total > 0
    # regions partition the units, and their sums add up to the national total
    assert [g.label for g in c.regions] == [r for r in REGION_ORDER if any(g.label == r for g in c.regions)]
    assert sum(len(g.units) for g in c.regions) == len(c.rows)
    for code in ("funding_total", "products_reviewed", "activities_count"):
        assert sum(g.stats[code].total for g in c.regions) == c.totals[code].total
    assert c.totals_dict()["funding_total"] == int(expected["funding_total"])


def test_missing_late_and_waiting_units_are_named(demo):
    req = seed_request()
    c = consolidate(req)
    missing = never_submitted(req)
    assert len(missing) == 7
    assert [u.code for u in c.missing] == [u.code for u in missing]
    late = [s.unit.code for s in c.late]
    assert late and all(s.first_submitted_at.date() > req.deadline or s.timeliness == "late" for s in c.late)
    assert len(c.pending) == c.summary.submitted - c.summary.accepted == 5
    assert not {s.unit.pk for s in c.pending} & {r.unit.pk for r in c.rows}
    # with the submitted-but-not-accepted reports, marked provisional
    wider = consolidate(req, include_submitted=True)
    assert len(wider.rows) == 56 and len(wider.provisional) == 5 and not wider.pending
    assert {r.unit.pk for r in wider.provisional} == {s.unit.pk for s in c.pending}


def test_regions_file_covers_every_province_of_both_eras(demo):
    with REGIONS_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) == {"era", "province_code", "region"}
    for era, count, per_region in ((Era.LEGACY, 63, [14, 11, 14, 5, 6, 13]), (Era.CURRENT, 34, [9, 6, 8, 3, 3, 5])):
        codes = [r["province_code"] for r in rows if r["era"] == era]
        provinces = AdminUnit.objects.filter(era=era, level=Level.PROVINCE).values_list("code", flat=True)
        assert sorted(codes) == sorted(provinces)
        assert len(codes) == count
        by_region = Counter(r["region"] for r in rows if r["era"] == era)
        assert [by_region[name] for name in REGION_ORDER] == per_region


def test_narratives_under_each_unit_in_code_order_and_tables_collated(demo):
    req = seed_request()
    c = consolidate(req)
    direction = next(ns for ns in c.narratives if ns.section.number == "I.1")
    entries = direction.fields[0].entries
    assert [e.code for e in entries] == sorted(e.code for e in entries)
    bac_kan = next(r for r in c.rows if r.code == "06")
    text = bac_kan.submission.data["direction_text"].strip()
    assert any(e.unit == "Tỉnh Bắc Kạn" and e.text == text for e in entries)
    documents = next(t for t in c.tables if t.field.code == "directive_documents")
    expected_rows = sum(len(s.data.get("directive_documents") or []) for s in latest_accepted(req).values())
    assert len(documents.rows) == expected_rows > 0
    assert documents.rows[0][0] == c.rows[0].name or documents.rows[0][0] in {r.name for r in c.rows}
    plan = next(ch for ch in c.choices if ch.field.code == "plan_status")
    assert sum(cnt.count for cnt in plan.counts) == len(c.rows)


def test_a_province_consolidates_its_districts(demo):
    """A province's own collection request: district rows, province subtotal, “Toàn tỉnh”, and the
    synthesis issued by the province's People's Committee."""
    seed = seed_request()
    bac_kan = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06")
    districts = list(AdminUnit.objects.filter(era=Era.LEGACY, level=Level.DISTRICT, province=bac_kan).order_by("code"))
    child = ReportRequest.objects.create(
        title="Báo cáo kết quả triển khai Chương trình OCOP năm 2018 của các huyện",
        template=seed.template,
        cutoff=seed.cutoff,
        deadline=seed.deadline,
        recipient_level=Level.DISTRICT,
        owner_unit=bac_kan,
        parent=seed,
        status="closed",
    )
    child.recipients.set(districts)
    for i, district in enumerate(districts[:-1]):
        Submission.objects.create(
            request=child,
            unit=district,
            status=SubmissionStatus.ACCEPTED,
            first_submitted_at=seed.opened_at,
            data={
                "products_reviewed": 10 + i,
                "ranked_share": str(10 * i),
                "difficulties_text": "Thiếu cán bộ chuyên trách & kinh phí.",
            },
        )
    c = consolidate(child)
    assert c.scope_label == "Toàn tỉnh" and not c.is_national
    assert [u.code for u in c.missing] == [districts[-1].code]
    assert c.totals["products_reviewed"].total == sum(10 + i for i in range(len(districts) - 1))
    assert c.totals["ranked_share"].average == Decimal(10 * (len(districts) - 2)) / 2
    assert [g.label for g in c.provinces] == ["Bắc Kạn"] and len(c.provinces[0].units) == len(districts) - 1
    assert [g.label for g in c.regions] == ["Trung du và miền núi phía Bắc"]
    item = c.issues_of("shortcomings")[0].items[0]
    assert item.text == "Thiếu cán bộ chuyên trách & kinh phí" and item.count == len(districts) - 1
    text = docx_text(national_report.build_docx(c))
    assert "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN" in text and "TOÀN TỈNH" in text and "/BC-UBND" in text
    assert districts[-1].name in text and "Các huyện, quận, thị xã, thành phố chưa gửi báo cáo (1)" in text
    assert "Ma trận" in xlsx_cells(national_report.build_xlsx(c))


def test_the_benchmark_check_agrees_with_raw_sql(demo):
    from ocop.bench.benchmarks import check_totals, sql_totals

    req = seed_request()
    check_totals(consolidate(req).totals_dict(), sql_totals(req))


# --- shortcomings and proposals -------------------------------------------------------------------


def test_split_and_normalise():
    assert split_items("- Thiếu kinh phí; thiếu cán bộ.\n2) Cần hỗ trợ TP. Hồ Chí Minh. Khác!") == [
        "Thiếu kinh phí",
        "thiếu cán bộ",
        "Cần hỗ trợ TP. Hồ Chí Minh",
        "Khác",
    ]
    assert normalise("  Đề nghị HỖ TRỢ,  tập huấn!! ") == "đề nghị hỗ trợ tập huấn"


def test_identical_and_near_identical_points_are_grouped_naming_every_unit():
    items = group_items(
        [
            ("Hà Giang", "Đề nghị hỗ trợ tập huấn cho cán bộ cấp xã; kinh phí còn thiếu."),
            ("Cao Bằng", "- đề nghị hỗ trợ  tập huấn cho cán bộ cấp xã.\n- Khác hẳn các ý kiến còn lại"),
            ("Bắc Kạn", "Đề nghị hỗ trợ tập huấn cho các cán bộ cấp xã"),  # near-identical
            ("Lạng Sơn", "Kinh phí còn thiếu"),
        ]
    )
    assert items[0].text == "Đề nghị hỗ trợ tập huấn cho cán bộ cấp xã"
    assert items[0].units == ["Hà Giang", "Cao Bằng", "Bắc Kạn"] and items[0].variants == 2
    assert items[1].units == ["Hà Giang", "Lạng Sơn"]
    assert [i.count for i in items] == [3, 2, 1]


def test_the_same_proposal_from_two_provinces_is_one_item_naming_both(demo):
    req = seed_request()
    accepted = latest_accepted(req)
    first, second = sorted(accepted.values(), key=lambda s: s.unit.code)[:2]
    proposal = "Đề nghị Trung ương sớm ban hành hướng dẫn ghi nhãn sản phẩm OCOP thống nhất toàn quốc"
    put_text(first, proposals_policy_text=proposal + ".")
    put_text(second, proposals_policy_text="- " + proposal.upper() + " ;")
    c = consolidate(req)
    group = next(g for g in c.issues if g.kind == "proposals" and g.section.number == "III.1")
    matches = [i for i in group.items if normalise(i.text) == normalise(proposal)]
    assert len(matches) == 1 and matches[0].units == [first.unit.name, second.unit.name]
    assert [g.section.number for g in c.issues] == ["I.3", "III.1", "III.2"]
    shortcomings = c.issues_of("shortcomings")[0]
    counts = [i.count for i in shortcomings.items]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1
    assert len({normalise(i.text) for i in shortcomings.items}) == len(shortcomings.items)


# --- previous period ------------------------------------------------------------------------------


def _copy(req: ReportRequest, **changes) -> ReportRequest:
    copy = ReportRequest.objects.get(pk=req.pk)
    copy.pk = None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def test_the_previous_request_is_of_the_same_requester_and_never_a_draft(demo):
    q1, q2 = periodic("2026-Q1"), periodic("2026-Q2")
    province = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19")
    # a draft between the two national quarters, and a province's own quarters at the same dates
    _copy(q2, cutoff=q2.cutoff - dt.timedelta(days=1), status=RequestStatus.DRAFT)
    own_q1 = _copy(q1, owner_unit=province)
    own_q2 = _copy(q2, owner_unit=province)
    assert previous_request(q2) == q1
    assert previous_request(own_q2) == own_q1
    assert previous_request(own_q1) is None
    assert previous_request(own_q2).template.code == q1.template.code


def test_comparison_with_the_previous_quarter(demo):
    q1, q2, h1, q3 = periodic("2026-Q1"), periodic("2026-Q2"), periodic("2026-H1"), periodic("2026-Q3")
    assert previous_request(q2) == q1
    assert previous_request(q3) == q2  # a quarter after a quarter, not the half-year with the same cut-off
    assert previous_request(q1) is None and previous_request(seed_request()) is None
    c = consolidate(q2)
    assert c.comparison is not None and c.comparison.request == q1
    before = expected_totals(q1)
    now = expected_totals(q2)
    rows = {r.field.code: r for r in c.comparison.rows}
    assert rows["products_ranked"].previous == before["products_ranked"]
    assert rows["products_ranked"].current == now["products_ranked"]
    assert rows["funding_total"].difference == now["funding_total"] - before["funding_total"]
    assert c.comparison.units == len(latest_accepted(q1))
    assert consolidate(h1).comparison.request == q1  # no earlier half-year: the latest earlier request


# --- documents --------------------------------------------------------------------------------------


def test_docx_states_totals_and_missing_provinces_in_the_nd30_layout(demo):
    req = seed_request()
    c = consolidate(req)
    content = national_report.build_docx(c)
    text = docx_text(content)
    assert "{{" not in text and "{%" not in text
    assert "BỘ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN" in text  # the header lines of the issuer data
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in text and "Tổng hợp kết quả triển khai Chương trình OCOP năm 2018" in text
    assert "Các tỉnh, thành phố chưa gửi báo cáo (7)" in text
    for unit in never_submitted(req):
        assert unit.name in text
    for status in c.late:
        assert status.unit.name in text
    funding = expected_totals(req)["funding_total"]
    assert f"{int(funding):,}".replace(",", ".") in text
    bac_kan = next(r for r in c.rows if r.code == "06")
    assert f"Tỉnh Bắc Kạn: {bac_kan.submission.data['difficulties_text']}" in text

    doc = Document(io.BytesIO(content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    assert 13 <= doc.styles["Normal"].font.size.pt <= 14
    assert section.different_first_page_header_footer
    assert not section.first_page_header.paragraphs[0].text.strip()
    assert "PAGE" in section.header._element.xml
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert b"Times New Roman" in z.read("word/styles.xml")


def test_issuing_body_after_the_2025_merger(demo):
    c = consolidate(periodic("2026-Q2"))
    text = docx_text(national_report.build_docx(c))
    assert "BỘ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG" in text and "/BC-BNNMT-VPĐP" in text
    assert "So với báo cáo tình hình thực hiện Chương trình OCOP — Quý I năm 2026" in text


def test_the_template_asks_only_for_what_the_context_gives(demo):
    tpl = DocxTemplate(national_report.TEMPLATE_PATH)
    assert tpl.get_undeclared_template_variables() <= national_report.CONTEXT_KEYS
    ctx = national_report.context(consolidate(seed_request()))
    assert set(ctx) == national_report.CONTEXT_KEYS


def test_xlsx_sheets_matrix_and_missing(demo):
    req = seed_request()
    c = consolidate(req)
    sheets = xlsx_cells(national_report.build_xlsx(c))
    assert {"Tổng hợp", "Ma trận", "Thiếu - muộn", "Tồn tại - kiến nghị", "Ý kiến"} <= set(sheets)
    assert sum(1 for name in sheets if name.startswith(("I.", "II."))) == len(c.section_tables)
    matrix = sheets["Ma trận"]
    codes = [f.code for f in c.numeric_fields]
    assert matrix[0][4:] == [f.label for f in c.numeric_fields]  # labels, never field codes
    from ocop.lib.collation import vi_sorted

    assert [row[0] for row in matrix[1:-1]] == [
        r.code for r in vi_sorted(c.rows, key=lambda r: r.name)
    ]  # Vietnamese order
    total_row = matrix[-1]
    expected = expected_totals(req)
    assert total_row[4 + codes.index("funding_total")] == int(expected["funding_total"])
    gaps = [cell for row in sheets["Thiếu - muộn"] for cell in row if cell]
    for unit in never_submitted(req):
        assert unit.name in gaps
    labels = {f.label: f.code for f in c.numeric_fields}
    summary: dict = {}  # the first table of the sheet: section, indicator, total…
    for row in sheets["Tổng hợp"]:
        if row and len(row) > 2 and row[0] and row[1] in labels:
            summary.setdefault(labels[row[1]], row[2])
    assert not {cell for rows in sheets.values() for row in rows for cell in row} & set(codes)
    assert summary["products_reviewed"] == int(expected["products_reviewed"])


def test_pdf_converts_through_libreoffice(demo):
    require_libreoffice()
    req = seed_request()
    c = consolidate(req)
    content = national_report.build_pdf(c)
    assert content.startswith(b"%PDF-")
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    box = pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    assert pages[0].extract_text().startswith("BỘ NÔNG NGHIỆP")  # no number on page 1
    assert pages[1].extract_text().split("\n")[0].strip() == "2"  # centred at the top from page 2
    text = pdf_text(content)
    assert "BÁO CÁO" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" in text
    for unit in never_submitted(req):
        assert unit.name in text


def test_ampersand_angle_brackets_and_quotes_survive_into_every_format(demo, client):
    require_libreoffice()
    req = seed_request()
    sub = latest_accepted(req)[AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06").pk]
    put_text(sub, difficulties_text=SPECIAL, proposals_policy_text='=HYPERLINK("x") & <script>')
    c = consolidate(req)

    client.force_login(demo["tw.canbo"])
    url = reverse("reporting:consolidation", args=[req.pk])
    # the page is in parts (issue 17): the texts on "y-kien", the collated tables on "bao-cao"
    html = "".join(client.get(url, {"phan": part}).content.decode() for part in ("y-kien", "bao-cao"))
    assert SPECIAL not in html and "<script>" not in html
    assert "=HYPERLINK(&quot;x&quot;) &amp; &lt;script&gt;" in html
    assert (
        "Tồn tại A &amp; B &lt; C &gt; D &quot;trích dẫn&quot; &#x27;nháy đơn&#x27; — R&amp;D "
        "&lt;b&gt;không in đậm&lt;/b&gt;"
    ) in html
    assert "<b>không in đậm</b>" not in html

    docx = national_report.build_docx(c)
    assert SPECIAL in docx_text(docx)

    cells = [cell for rows in xlsx_cells(national_report.build_xlsx(c)).values() for row in rows for cell in row]
    assert SPECIAL in cells
    assert '=HYPERLINK("x") & <script>' in cells  # kept as text, never a formula

    text = " ".join(pdf_text(national_report.build_pdf(c, docx=docx)).split())
    assert SPECIAL in text


# --- the screen -----------------------------------------------------------------------------------


def test_the_consolidation_page(demo, client):
    req = seed_request()
    client.force_login(demo["tw.canbo"])
    detail = client.get(reverse("reporting:request_detail", args=[req.pk])).content.decode()
    assert reverse("reporting:consolidation", args=[req.pk]) in detail
    response = client.get(reverse("reporting:consolidation", args=[req.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for unit in never_submitted(req):
        assert unit.name in html
    # the charts are SVG drawn on the server (issue 17): no chart library, the bars carry the figures
    assert 'data-testid="chart-unit"' in html and 'data-testid="chart-region"' in html
    assert "echarts" not in html and "<svg" in html
    assert '<select name="chart"' in html  # the field is chosen with a plain form
    assert "<script>" not in html  # no inline script (CSP)
    # the page is in parts (issue 17): overview (summary, downloads, chart, comparison), tables, texts
    parts = {
        part: client.get(reverse("reporting:consolidation", args=[req.pk]), {"phan": part}).content.decode()
        for part in ("so-lieu", "y-kien", "bao-cao")
    }
    assert 'data-testid="consolidation-parts"' in html and 'data-testid="section-table"' not in html
    html = "".join(parts.values())
    funding = expected_totals(req)["funding_total"]
    assert f"{int(funding):,}".replace(",", ".") in parts["so-lieu"]
    assert html.count('data-testid="section-table"') == len(consolidate(req).section_tables)
    assert "<details" in html and 'data-testid="issue-group"' in html

    # a province officer does not manage the national request
    client.force_login(demo["tinh.hatinh"])
    assert client.get(reverse("reporting:consolidation", args=[req.pk])).status_code == 403


# --- background rendering -------------------------------------------------------------------------


@pytest.fixture
def run_worker(monkeypatch):
    """`manage.py db_worker --batch`: run every due task once, then exit (inside the test's
    transaction: the worker's close_old_connections() is stubbed, its signal handlers restored).
    Other queued tasks (the demo's reminders) are dropped first."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        DBTaskResult.objects.exclude(task_path=RENDER_TASK).delete()
        try:
            call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    return run


def test_a_pdf_rendered_by_the_worker_with_progress(demo, media, run_worker, client):
    require_libreoffice()
    req = seed_request()
    client.force_login(demo["tw.canbo"])
    response = client.post(reverse("reporting:consolidation_render", args=[req.pk]), {"format": "pdf"})
    assert response.status_code == 302 and response["Location"] == reverse("reporting:consolidation", args=[req.pk])
    job = RenderJob.objects.get(request=req)
    assert (job.status, job.progress, job.format) == (RenderStatus.QUEUED, 0, "pdf")
    # the same request again while queued: no second job
    client.post(reverse("reporting:consolidation_render", args=[req.pk]), {"format": "pdf"})
    assert RenderJob.objects.filter(request=req).count() == 1
    fragment = client.get(reverse("reporting:consolidation_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<progress" in fragment

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (RenderStatus.DONE, 100, 1)
    assert job.file and job.finished_at and job.file.read().startswith(b"%PDF-")
    assert DBTaskResult.objects.get(task_path=RENDER_TASK).status == "SUCCESSFUL"
    fragment = client.get(reverse("reporting:consolidation_job", args=[job.pk])).content.decode()
    assert "every 2s" not in fragment and reverse("reporting:consolidation_job_download", args=[job.pk]) in fragment
    download = client.get(reverse("reporting:consolidation_job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    page = client.get(reverse("reporting:consolidation", args=[req.pk])).content.decode()
    assert f'id="render-job-{job.pk}"' in page


def test_a_retry_starts_from_scratch_without_a_second_file(demo, media, run_worker):
    req = seed_request()
    job = start_render_job(demo["tw.canbo"], req, "xlsx")
    run_worker()
    job.refresh_from_db()
    assert job.status == RenderStatus.DONE and job.progress == 100
    first_name = job.file.name
    assert run_render_job(job.pk)["skipped"]  # a done job is left alone

    # the worker died mid-way: the job is marked failed (or found stale) and queued again
    RenderJob.objects.filter(pk=job.pk).update(status=RenderStatus.FAILED, progress=50, message="Máy chạy nền dừng.")
    job.refresh_from_db()
    retry_render_job(job)
    assert job.status == RenderStatus.QUEUED and job.progress == 0
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == (RenderStatus.DONE, 100, 2)
    assert job.file.name == first_name
    files = [p for p in media.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].name.endswith(f"-{job.pk}.xlsx")
    assert "Ma trận" in load_workbook(files[0], read_only=True).sheetnames


def test_a_failed_render_says_why(demo, media, monkeypatch):
    req = seed_request()
    job = start_render_job(demo["tw.canbo"], req, "docx")

    def broken(*args, **kwargs):
        raise RuntimeError("Mẫu .docx bị hỏng")

    monkeypatch.setattr(national_report, "build_docx", broken)
    with pytest.raises(RuntimeError):
        run_render_job(job.pk)
    job.refresh_from_db()
    assert job.status == RenderStatus.FAILED and "Mẫu .docx bị hỏng" in job.message and not job.file


# --- the command --------------------------------------------------------------------------------------


def test_the_consolidate_command_writes_every_format(demo, tmp_path):
    require_libreoffice()
    req = seed_request()
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF-")):
        out = tmp_path / f"tong-hop.{fmt}"
        call_command("consolidate", str(req.pk), "--format", fmt, "--out", str(out), stderr=io.StringIO())
        content = out.read_bytes()
        assert len(content) > 1000 and content.startswith(magic), fmt
    with pytest.raises(CommandError, match="Không có yêu cầu báo cáo số 999999"):
        call_command("consolidate", "999999", "--format", "docx", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="Định dạng “odt” không được hỗ trợ"):
        call_command("consolidate", str(req.pk), "--format", "odt", "--out", str(tmp_path / "x.odt"))
