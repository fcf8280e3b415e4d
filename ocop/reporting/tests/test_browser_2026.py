"""The 2026 annual cycle in the browser (issue 12, acceptance): the central officer creates the 2026
annual OCOP request to the 34 provinces with the NĐ 09 cut-off (15/12/2025 – 14/12/2026) and a
deadline "trước ngày 05/01/2027", confirms opening it; Hà Tĩnh's form says 2026 and 2027 and never
2018/2019 (outside the citation of an instrument); Hà Tĩnh fills and submits; the centre returns it
with a comment that Hà Tĩnh sees at the top of the report; Hà Tĩnh corrects and resubmits; the centre
accepts (after a confirmation step) and the report is in the consolidation. The clock is moved with
time-machine (the live server runs in this process). The request letter is drafted from the
request: issued by Bộ Nông nghiệp và Môi trường (the issuer valid on 20/11/2026, from the issuer
data) with its signing authority, and in its PDF "Nơi nhận" and the signature block share a page."""

import datetime as dt
import re
import subprocess

import pytest
import time_machine

from ocop.conftest import log_in
from ocop.demo.programme import create_demo_programme
from ocop.reporting.loader import load_templates
from ocop.reporting.models import ReportRequest, ReportTemplate, Submission
from ocop.reporting.periodtext import strip_citations
from ocop.reporting.tests.conftest import at, complete, log_out

pytestmark = pytest.mark.browser
TITLE = "Báo cáo kết quả triển khai Chương trình OCOP năm 2026"


def stray_years(text: str) -> list[str]:
    """2018/2019 outside the citation of an instrument ("số 3292/QĐ-UBND ngày 12/10/2018")."""
    stripped = strip_citations(text)
    return [stripped[max(0, m.start() - 40) : m.end() + 10] for m in re.finditer(r"(?<!\d)(2018|2019)(?!\d)", stripped)]


def test_the_2026_annual_cycle(page, site):
    from ocop.documents.issuers import load_issuers

    create_demo_programme()
    load_templates()
    load_issuers()
    annual = ReportTemplate.objects.get(code="ocop-annual", version=1)
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=True) as clock:
        # 1. the central officer creates the 2026 annual request and confirms opening it to 34 provinces
        log_in(page, site, "tw.canbo")
        page.goto(f"{site}/reports/new/")
        assert page.locator("#id_template").input_value() == str(annual.pk)  # the default for annual requests
        page.fill("#id_title", TITLE)
        page.fill("#id_document_number", "2412/BNNMT-VPĐP")
        page.fill("#id_issued_on", "20/11/2026")
        page.select_option("#id_kind", "periodic")
        page.fill("#id_period_start", "15/12/2025")
        page.fill("#id_cutoff", "14/12/2026")
        page.fill("#id_deadline", "05/01/2027")
        page.check('input[name="deadline_rule"][value="before"]')
        page.get_by_test_id("request-save").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("deadline").inner_text() == "trước ngày 05/01/2027"
        page.get_by_test_id("request-open").click()
        page.wait_for_load_state()
        consequences = page.get_by_test_id("confirm-consequences").inner_text()
        assert "34 đơn vị" in consequences and "trước ngày 05/01/2027" in consequences
        page.get_by_test_id("confirm-open").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("request-status").inner_text() == "Đang thu thập"
        assert page.locator('[data-testid="completeness-table"] tbody tr').count() == 34
        request_url = page.url
        req = ReportRequest.objects.get(title=TITLE)
        assert (req.period_start, req.cutoff, req.deadline_rule) == (
            dt.date(2025, 12, 15),
            dt.date(2026, 12, 14),
            "before",
        )

        # the letter: issued by the ministry valid on its date, signed as the issuer data says
        page.get_by_test_id("draft-request-letter").click()
        page.wait_for_load_state()
        page.get_by_test_id("letter-create").click()
        page.wait_for_load_state()
        main = page.locator("main").inner_text()
        assert "Bộ Nông nghiệp và Môi trường" in main and "/BNNMT-VPĐP" in main and "Phát triển nông thôn" not in main
        preview = page.get_by_test_id("document-preview").inner_text()
        assert "KT. BỘ TRƯỞNG" in preview and "THỨ TRƯỞNG" in preview
        assert "trước ngày 05/01/2027" in preview and "2026" in preview
        assert "KẾ HOẠCH THỰC HIỆN TRONG NĂM 2027" in preview  # the appendix: the outline for this request
        assert stray_years(preview) == []
        pdf = page.request.get(site + page.get_by_test_id("download-pdf").get_attribute("href"))
        assert pdf.ok and pdf.body()[:4] == b"%PDF"
        text = pdf_text(pdf.body())
        pages = text.split("\f")
        assert [i for i, p in enumerate(pages) if "Nơi nhận" in p] == [
            i for i, p in enumerate(pages) if "THỨ TRƯỞNG" in p
        ]
        assert stray_years(text) == []
        log_out(page)

        # 2. Hà Tĩnh sees it due on its home page, opens it: the form says 2026 and 2027
        clock.move_to(at(2026, 12, 21, 9, 0))
        log_in(page, site, "tinh.hatinh")
        assert TITLE in page.get_by_test_id("work-due").inner_text()
        page.goto(request_url)
        page.get_by_test_id("open-submission").click()
        page.wait_for_load_state()
        assert page.locator("#h-I").inner_text().endswith("KẾT QUẢ THỰC HIỆN TRONG NĂM 2026")
        assert page.locator("#h-II").inner_text().endswith("KẾ HOẠCH THỰC HIỆN TRONG NĂM 2027")
        assert stray_years(page.locator("main").inner_text()) == []
        assert (
            "các khoản có ngày ghi nhận từ 15/12/2025 đến 14/12/2026"
            in page.locator("#field-funding_total").inner_text()
        )
        assert page.get_by_test_id("section-nav").is_visible()
        sub = Submission.objects.get(request=req, unit__code="42")
        # a table row added without saving (static JavaScript, no inline script)
        rows = page.locator("#field-activities tbody tr").count()
        page.get_by_test_id("add-row-activities").click()
        assert page.locator("#field-activities tbody tr").count() == rows + 1
        new_row = page.locator("#field-activities tbody tr").last
        new_row.locator('input[name$="__kind"]').fill("Hội nghị")
        new_row.locator('input[name$="__title"]').fill("Hội nghị tổng kết Chương trình OCOP năm 2026")
        new_row.locator('input[name$="__date"]').fill("10/12/2026")
        page.get_by_test_id("reason-activities").fill("Bổ sung hội nghị chưa ghi vào sổ Hoạt động.")
        for code, value in complete(sub).items():
            page.fill(f"#id_f__{code}", str(value))
        page.get_by_test_id("submit-report").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Đã nộp", page.locator("main").inner_text()[
            :3000
        ]
        submission_url = page.url
        titles = [r.get("title") for r in Submission.objects.get(pk=sub.pk).data["activities"]]
        assert "Hội nghị tổng kết Chương trình OCOP năm 2026" in titles  # the row added in the browser was saved
        log_out(page)

        # 3. the centre returns section I.2.d with a comment
        clock.move_to(at(2026, 12, 22, 10, 0))
        log_in(page, site, "tw.canbo")
        assert "Hà Tĩnh" in page.get_by_test_id("work-review").inner_text()
        page.goto(submission_url)
        page.get_by_test_id("review-I.2.d").fill("Đề nghị nêu rõ kinh phí lồng ghép năm 2026 theo từng nguồn.")
        page.get_by_test_id("return-report").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Trả lại để sửa"
        log_out(page)

        # 4. Hà Tĩnh opens the report on the comment, follows its link, corrects and resubmits
        log_in(page, site, "tinh.hatinh")
        assert TITLE in page.get_by_test_id("work-returned").inner_text()
        page.goto(submission_url)
        summary = page.get_by_test_id("comment-summary")
        assert "kinh phí lồng ghép năm 2026" in summary.inner_text()
        assert summary.bounding_box()["y"] < page.locator("#section-I").bounding_box()["y"]  # at the top
        page.get_by_test_id("comment-link-I.2.d").click()
        assert page.url.endswith("#section-I.2.d")
        page.fill(
            "#id_f__funding_text",
            "Kinh phí năm 2026: ngân sách tỉnh và lồng ghép Chương trình MTQG xây dựng nông thôn mới.",
        )
        page.get_by_test_id("submit-report").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Đã nộp"
        log_out(page)

        # 5. the centre accepts after the confirmation step; the report is consolidated
        clock.move_to(at(2026, 12, 23, 9, 0))
        log_in(page, site, "tw.canbo")
        page.goto(submission_url)
        page.get_by_test_id("accept-report").click()
        page.wait_for_load_state()
        assert "khóa" in page.get_by_test_id("confirm-consequences").inner_text()
        page.get_by_test_id("confirm-accept").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Đã tiếp nhận"
        page.goto(request_url)
        row = page.get_by_test_id("completeness-table").locator('tr[data-unit="42"]')
        assert row.get_attribute("data-state") == "accepted" and row.get_attribute("data-timeliness") == "on_time"
        page.goto(f"{site}/reports/")
        assert page.get_by_test_id(f"counts-{req.pk}").inner_text() == "1/34 đã nộp, 1 đúng hạn"
        page.goto(request_url)
        page.get_by_test_id("consolidation-link").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("included-count").inner_text().startswith("1")
        assert "Hà Tĩnh" not in page.get_by_test_id("missing-units").inner_text()
        assert stray_years(page.locator("main").inner_text()) == []

    # the national report of the 2026 request (built in this process, as the render task does)
    from ocop.reporting import national_report
    from ocop.reporting.consolidation import consolidate

    text = pdf_text(national_report.build_pdf(consolidate(req)))
    assert "2026" in text and stray_years(text) == []
    pages = text.split("\f")
    assert [i for i, p in enumerate(pages) if "Nơi nhận" in p] == [i for i, p in enumerate(pages) if "THỨ TRƯỞNG" in p]


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
