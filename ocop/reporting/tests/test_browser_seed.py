"""The seed, played in the browser: Công văn 9654/BNN-VPĐP asks the 63 provinces for their 2018
report by 10/01/2019; a province fills and submits it, the centre returns a section, the province
corrects and resubmits, the centre accepts; completeness counts it on time and a province that
submitted on 12/01/2019 as late, as well as one that submitted on 10/01/2019 itself: the letter says
"trước ngày 10/01/2019", strictly before that day (domain.md §11). Opening the collection and
accepting a report each pass through a confirmation step. The clock is moved with time-machine (the live server runs in
this process, so it sees the same dates)."""

import datetime as dt

import pytest
import time_machine

from ocop.conftest import log_in
from ocop.geo.models import AdminUnit
from ocop.demo.programme import create_demo_programme
from ocop.reporting.loader import load_templates
from ocop.reporting.models import ReportRequest, ReportTemplate, Submission
from ocop.reporting.services import submissions as svc
from ocop.reporting.tests.conftest import NARRATIVE, VN, at, complete, log_out

pytestmark = pytest.mark.browser


def test_the_seed_request_end_to_end(page, site):
    create_demo_programme()
    load_templates()
    template = ReportTemplate.objects.get(code="ocop-cv9654-2018")
    with time_machine.travel(at(2018, 12, 12, 9, 0), tick=True) as clock:
        # 1. the central office creates and opens the request of Công văn 9654/BNN-VPĐP
        log_in(page, site, "tw.canbo")
        page.goto(f"{site}/reports/new/")
        page.fill("#id_title", "Báo cáo kết quả triển khai Chương trình OCOP năm 2018")
        page.fill("#id_document_number", "9654/BNN-VPĐP")
        page.fill("#id_issued_on", "12/12/2018")
        page.select_option("#id_template", str(template.pk))
        page.select_option("#id_kind", "adhoc")
        page.fill("#id_period_start", "01/01/2018")
        page.fill("#id_cutoff", "31/12/2018")
        page.fill("#id_deadline", "31/12/2018")  # refused: no working day after the cut-off
        page.get_by_test_id("request-save").click()
        page.wait_for_load_state()
        assert "ít nhất một ngày làm việc" in page.content()
        page.fill("#id_deadline", "10/01/2019")
        page.check('input[name="deadline_rule"][value="before"]')
        page.get_by_test_id("request-save").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("deadline").inner_text() == "trước ngày 10/01/2019"
        page.get_by_test_id("request-open").click()
        page.wait_for_load_state()
        assert "63 đơn vị" in page.get_by_test_id("confirm-consequences").inner_text()  # nothing sent yet
        page.get_by_test_id("confirm-open").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("request-status").inner_text() == "Đang thu thập"
        assert page.locator('[data-testid="completeness-table"] tbody tr').count() == 63
        request_url = page.url
        req = ReportRequest.objects.get()
        log_out(page)

        # 2. Hà Tĩnh opens it pre-filled from its registries, writes the narrative and submits
        clock.move_to(at(2019, 1, 8, 9, 0))
        log_in(page, site, "tinh.hatinh")
        page.goto(request_url)
        page.get_by_test_id("open-submission").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("prefilled-plan_status").inner_text() == "Đã phê duyệt"
        assert "3292/QĐ-UBND" in page.locator("#id_f__plan_decision").input_value()
        page.get_by_test_id("submit-report").click()  # nothing written yet: refused with messages
        page.wait_for_load_state()
        assert page.locator(".rsection.has-error").count() >= 5
        for code, text in NARRATIVE.items():
            selector = f"#id_f__{code}"
            page.fill(selector, str(text))
        page.get_by_test_id("submit-report").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Đã nộp", page.content()[:3000]
        submission_url = page.url
        log_out(page)

        # 3. the centre returns section I.2.d with a comment
        clock.move_to(at(2019, 1, 9, 10, 0))
        log_in(page, site, "tw.canbo")
        page.goto(submission_url)
        page.get_by_test_id("review-I.2.d").fill("Đề nghị nêu rõ kinh phí lồng ghép từ Chương trình NTM.")
        page.get_by_test_id("return-report").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Trả lại để sửa"
        log_out(page)

        # 4. Hà Tĩnh reads the comment, corrects and resubmits
        log_in(page, site, "tinh.hatinh")
        page.goto(submission_url)
        assert "kinh phí lồng ghép" in page.get_by_test_id("comment-summary").inner_text()  # at the top
        assert "kinh phí lồng ghép" in page.get_by_test_id("comment-I.2.d").inner_text()
        page.fill("#id_f__funding_text", "Kinh phí năm 2018 từ ngân sách tỉnh; lồng ghép Chương trình NTM.")
        page.get_by_test_id("submit-report").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Đã nộp"
        log_out(page)

        # another province submits on 12/01/2019, after the deadline
        clock.move_to(at(2019, 1, 12, 15, 0))
        from ocop.accounts.models import User

        thai_nguyen = User.objects.get(username="tinh.thainguyen")
        bac_kan = AdminUnit.objects.get(era="legacy", level="province", code="06")
        late = svc.do_open_submission(thai_nguyen, req, bac_kan)
        svc.do_save_draft(thai_nguyen, late, complete(late))
        svc.do_submit(thai_nguyen, late)
        # and one on 10/01/2019 itself: "trước ngày 10/01/2019" makes it late too
        clock.move_to(at(2019, 1, 10, 8, 30))
        old_thai_nguyen = AdminUnit.objects.get(era="legacy", level="province", code="19")
        on_the_day = svc.do_open_submission(thai_nguyen, req, old_thai_nguyen)
        svc.do_save_draft(thai_nguyen, on_the_day, complete(on_the_day))
        svc.do_submit(thai_nguyen, on_the_day)
        clock.move_to(at(2019, 1, 12, 16, 0))

        # 5. the centre accepts Hà Tĩnh's report; completeness: on time vs late
        log_in(page, site, "tw.canbo")
        page.goto(submission_url)
        page.get_by_test_id("accept-report").click()
        page.wait_for_load_state()
        assert "khóa" in page.get_by_test_id("confirm-consequences").inner_text()
        page.get_by_test_id("confirm-accept").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("submission-status").inner_text() == "Đã tiếp nhận"
        page.goto(request_url)
        table = page.get_by_test_id("completeness-table")
        ha_tinh = table.locator('tr[data-unit="42"]')
        assert (
            ha_tinh.get_attribute("data-state") == "accepted" and ha_tinh.get_attribute("data-timeliness") == "on_time"
        )
        assert "Đúng hạn" in ha_tinh.inner_text()
        bk = table.locator('tr[data-unit="06"]')
        assert bk.get_attribute("data-timeliness") == "late" and "Muộn" in bk.inner_text()
        assert table.locator('tr[data-unit="19"]').get_attribute("data-timeliness") == "late"
        summary = page.get_by_test_id("completeness-summary").inner_text()
        assert "Đã nộp: 3 (đúng hạn 1, muộn 2)" in summary and "Chưa nộp: 60" in summary
        page.goto(f"{site}/reports/")
        assert page.get_by_test_id(f"counts-{req.pk}").inner_text() == "3/63 đã nộp, 1 đúng hạn"

    sub = Submission.objects.get(unit__code="42", request=req)
    assert sub.status == "accepted" and sub.comments.count() == 1
    assert sub.first_submitted_at.astimezone(VN).date() == dt.date(2019, 1, 8)
