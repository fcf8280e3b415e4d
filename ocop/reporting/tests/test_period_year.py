"""Issue 12: the 2026 programme year. Template text that follows the period, pre-fill that respects
the NĐ 09 annual cut-off (15/12 of the previous year to 14/12), the deadline rule, the review and
correction screens (comments and errors at the top, invalid text kept, confirmation steps) and the
home page. Expected values come from the issue and domain.md, not from the code under test."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from ocop.geo.models import AdminUnit, Era, Level
from ocop.programme.models import Funding, FundingSource
from ocop.reporting import periods
from ocop.reporting.bindings import compute_bindings
from ocop.reporting.loader import DATA_DIR, load_templates
from ocop.reporting.models import ReportTemplate, RequestStatus, ReviewComment, Submission, SubmissionStatus
from ocop.reporting.periodtext import default_template, fill, year_warnings
from ocop.reporting.schema import DefinitionError, parse_definition
from ocop.reporting.services import requests as req_service
from ocop.reporting.services import submissions as svc
from ocop.reporting.tests.conftest import VN, complete, legacy_province

pytestmark = pytest.mark.django_db
START_2026, CUTOFF_2026 = dt.date(2025, 12, 15), dt.date(2026, 12, 14)  # NĐ 09: 15/12/2025 – 14/12/2026


def current_province(code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=code)


@pytest.fixture
def annual(db) -> ReportTemplate:
    load_templates()
    return ReportTemplate.objects.get(code="ocop-annual", version=1)


@pytest.fixture
def request_2026(demo_users, annual, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = req_service.do_create_request(
            demo_users["tw.canbo"],
            title="Báo cáo kết quả triển khai Chương trình OCOP năm 2026",
            template=annual,
            kind="periodic",
            period_start=START_2026,
            cutoff=CUTOFF_2026,
            deadline=dt.date(2027, 1, 5),
            deadline_rule="before",
            document_number="2412/BNNMT-VPĐP",
            issued_on=dt.date(2026, 11, 20),
        )
        req_service.do_open_request(demo_users["tw.canbo"], req)
    req.refresh_from_db()
    return req


# --- 1. templates that follow their period -----------------------------------------------------


def test_the_annual_template_says_2026_and_2027_for_the_2026_request(request_2026):
    form = request_2026.form
    titles = {s.number: s.title for s in form.sections}
    assert titles["I"] == "KẾT QUẢ THỰC HIỆN TRONG NĂM 2026"
    assert titles["I.2"] == "Kết quả triển khai trong năm 2026"
    assert titles["II"] == "KẾ HOẠCH THỰC HIỆN TRONG NĂM 2027"
    assert form.subtitle == "(Số liệu từ ngày 15/12/2025 đến hết ngày 14/12/2026)"
    assert form.attached_to == "(Kèm theo Công văn số 2412/BNNMT-VPĐP ngày 20/11/2026)"
    assert form.field("planned_funding_2019").label == "Kinh phí dự kiến thực hiện năm 2027 (đồng)"
    texts = [form.title, form.subtitle, form.attached_to]
    texts += [t for s in form.sections for t in (s.title, s.prompt)]
    texts += [t for f in form.fields for t in (f.label, f.help)] + [r.message for r in form.rules]
    stray = [
        t for t in texts if re.search(r"\b(2018|2019|2020)\b", t) and "QĐ-UBND" not in t
    ]  # the help cites a decision
    assert stray == []
    assert not any("{" in t for t in texts)


def test_the_seed_template_stays_word_for_word_for_2018(seed_request):
    data = json.loads((DATA_DIR / "ocop-cv9654-2018.json").read_text(encoding="utf-8"))
    form = seed_request.form
    assert [s.title for s in form.sections] == [s["title"] for s in data["sections"]]
    assert (form.title, form.subtitle, form.attached_to) == (data["title"], data["subtitle"], data["attached_to"])
    assert [f.label for f in form.fields] == [f["label"] for s in data["sections"] for f in s.get("fields", [])]


def test_placeholders_are_filled_only_by_name_and_unknown_names_refused():
    assert fill("NĂM {nam}, {khac}, {{nam}}", {"nam": "2026"}) == "NĂM 2026, {khac}, {2026}"
    data = {"code": "x", "version": 1, "title": "Báo cáo năm {nam_toi}", "sections": [{"number": "I", "title": "A"}]}
    with pytest.raises(DefinitionError) as exc:
        parse_definition(data)
    assert "{nam_toi}" in str(exc.value)


def test_a_fixed_year_in_a_template_is_warned_but_not_a_citation():
    seed = json.loads((DATA_DIR / "ocop-cv9654-2018.json").read_text(encoding="utf-8"))
    warned = {(w.where, w.year) for w in year_warnings(seed)}
    assert ("mục I", "2018") in warned and ("mục II", "2019") in warned and ("subtitle", "2018") in warned
    assert not any(w.where == "attached_to" for w in year_warnings(seed))  # "9654/BNN-VPĐP ngày 12/12/2018"
    annual = json.loads((DATA_DIR / "ocop-annual-v1.json").read_text(encoding="utf-8"))
    assert year_warnings(annual) == []
    cited = {
        "code": "x",
        "version": 1,
        "title": "Theo Nghị định số 09/2019/NĐ-CP ngày 24/01/2019",
        "sections": [{"number": "I", "title": "KẾT QUẢ NĂM 2026"}],
    }
    assert [(w.where, w.year) for w in year_warnings(cited)] == [("mục I", "2026")]


def test_loading_a_template_warns_about_a_fixed_year(db):
    report = load_templates()
    assert any(w.startswith("ocop-cv9654-2018.json: mục I nêu cố định năm 2018") for w in report.warnings)
    assert not any(w.startswith("ocop-annual-v1.json") for w in report.warnings)
    assert load_templates().warnings == []  # nothing new loaded, nothing to warn about


def test_editing_a_template_warns_about_a_fixed_year(client, demo_users, annual):
    client.force_login(demo_users["tw.quantri"])
    definition = dict(annual.definition)
    definition["sections"] = [dict(s) for s in definition["sections"]]
    definition["sections"][0]["title"] = "KẾT QUẢ THỰC HIỆN TRONG NĂM 2026"
    response = client.post(
        reverse("reporting:template_edit", args=[annual.pk]),
        {"definition": json.dumps(definition, ensure_ascii=False)},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "nêu cố định năm 2026" in html
    assert ReportTemplate.objects.filter(code="ocop-annual", version=2).exists()


def test_the_annual_template_is_the_default_for_annual_requests(annual):
    assert default_template("year") == annual
    from ocop.reporting.forms import RequestForm

    assert RequestForm().fields["template"].initial == annual.pk


def test_period_values_are_escaped_on_the_form(client, demo_users, annual, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = req_service.do_create_request(
            demo_users["tw.canbo"],
            title="x",
            template=annual,
            kind="periodic",
            period_start=START_2026,
            cutoff=CUTOFF_2026,
            deadline=dt.date(2027, 1, 5),
            document_number="<b>12</b>&VPĐP",
            issued_on=dt.date(2026, 11, 20),
        )
        req_service.do_open_request(demo_users["tw.canbo"], req)
    sub = svc.do_open_submission(demo_users["tinh.hatinh"], req, current_province("42"))
    client.force_login(demo_users["tinh.hatinh"])
    html = client.get(reverse("reporting:submission_print", args=[sub.pk])).content.decode()
    assert "<b>12</b>" not in html and "&lt;b&gt;12&lt;/b&gt;&amp;VPĐP" in html


# --- 5. pre-fill that respects the period ------------------------------------------------------


def test_a_funding_record_counts_in_exactly_one_annual_report(annual, demo_users):
    ha_tinh = current_province("42")
    Funding.objects.create(
        unit=ha_tinh, year=2025, source=FundingSource.LOCAL, amount=1_000_000_000, date=dt.date(2025, 12, 14)
    )
    Funding.objects.create(
        unit=ha_tinh, year=2026, source=FundingSource.LOCAL, amount=300_000_000, date=dt.date(2025, 12, 15)
    )
    Funding.objects.create(
        unit=ha_tinh, year=2026, source=FundingSource.NTM, amount=50_000_000, date=dt.date(2026, 12, 14)
    )
    Funding.objects.create(
        unit=ha_tinh, year=2026, source=FundingSource.NTM, amount=7_000_000, date=dt.date(2026, 12, 15)
    )
    year_2026 = periods.period(periods.YEAR, 2026)
    assert (year_2026.start, year_2026.end) == (START_2026, CUTOFF_2026)
    template = annual.parsed
    sources: dict = {}
    v2025 = compute_bindings(template, ha_tinh, dt.date(2024, 12, 15), dt.date(2025, 12, 14))
    v2026 = compute_bindings(template, ha_tinh, START_2026, CUTOFF_2026, sources=sources)
    v2027 = compute_bindings(template, ha_tinh, dt.date(2026, 12, 15), dt.date(2027, 12, 14))
    assert (v2025["funding_total"], v2025["funding_local"]) == (1_000_000_000, 1_000_000_000)
    assert (v2026["funding_total"], v2026["funding_local"], v2026["funding_ntm"]) == (
        350_000_000,
        300_000_000,
        50_000_000,
    )
    assert v2027["funding_total"] == 7_000_000
    assert sources["funding_total"] == (
        "Lấy từ sổ Kinh phí: tổng mọi nguồn, các khoản có ngày ghi nhận từ 15/12/2025 đến 14/12/2026"
    )
    # a quarter shows the quarter's funding (records carry the date they were recorded)
    q1 = periods.period(periods.QUARTER, 2026, 1)
    assert compute_bindings(template, ha_tinh, q1.start, q1.end)["funding_total"] == 300_000_000


def test_products_come_from_the_milestones_before_the_evaluation_module(seed_request, demo_users):
    from ocop.demo.programme import create_demo_programme

    create_demo_programme()
    sub = svc.do_open_submission(demo_users["tinh.thainguyen"], seed_request, legacy_province("06"))
    assert sub.prefill_sources["products_ranked"].startswith(
        "Lấy từ sổ Mốc Chu trình OCOP (phân hệ Đánh giá, phân hạng chưa có"
    )
    assert "từ 01/01/2018 đến 31/12/2018" in sub.prefill_sources["products_ranked"]


def test_products_come_from_the_evaluation_module_where_it_holds_the_period(annual, demo_users):
    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.tests.test_rounds import _close_with

    load_criteria()
    thai_nguyen = current_province("19")
    _round, entry = _close_with(demo_users, "province", thai_nguyen, dt.date(2026, 8, 1), 60)  # scored ≈ 60: 3 stars
    assert entry.certified and entry.certificate.issued_on.year == 2026
    sources: dict = {}
    values = compute_bindings(annual.parsed, thai_nguyen, START_2026, CUTOFF_2026, sources=sources)
    assert (values["products_evaluated"], values["products_ranked"]) == (1, 1)
    assert sources["products_evaluated"].startswith(
        "Lấy từ phân hệ Đánh giá, phân hạng: số sản phẩm được Hội đồng cấp tỉnh chấm điểm"
    )
    assert sources["products_ranked"].startswith(
        "Lấy từ phân hệ Đánh giá, phân hạng: số sản phẩm được cấp giấy chứng nhận"
    )
    # the 2025 report (15/12/2024 – 14/12/2025) has no round of the module: the milestones registry
    earlier: dict = {}
    compute_bindings(annual.parsed, thai_nguyen, dt.date(2024, 12, 15), dt.date(2025, 12, 14), sources=earlier)
    assert earlier["products_evaluated"].startswith("Lấy từ sổ Mốc Chu trình OCOP")


def test_the_form_shows_the_source_note_of_each_prefilled_value(client, demo_users, request_2026):
    ha_tinh = current_province("42")
    Funding.objects.create(
        unit=ha_tinh, year=2026, source=FundingSource.LOCAL, amount=300_000_000, date=dt.date(2026, 2, 1)
    )
    sub = svc.do_open_submission(demo_users["tinh.hatinh"], request_2026, ha_tinh)
    client.force_login(demo_users["tinh.hatinh"])
    html = client.get(reverse("reporting:submission", args=[sub.pk])).content.decode()
    assert "các khoản có ngày ghi nhận từ 15/12/2025 đến 14/12/2026" in html
    assert "KẾT QUẢ THỰC HIỆN TRONG NĂM 2026" in html and "trước ngày 05/01/2027" in html


# --- 7. the deadline rule ----------------------------------------------------------------------


def test_deadline_wording_and_last_on_time_day():
    d = dt.date(2019, 1, 10)
    assert periods.deadline_wording("before", d) == "trước ngày 10/01/2019"
    assert periods.deadline_wording("by", d) == "chậm nhất ngày 10/01/2019"
    assert periods.last_on_time_day("before", d) == dt.date(2019, 1, 9)
    assert periods.last_on_time_day("by", d) == d


def test_before_the_first_working_day_after_the_cutoff_is_refused(demo_users, annual):
    # cut-off Monday 14/12/2026; "trước ngày 15/12/2026" leaves no working day after it
    with pytest.raises(Exception) as exc:
        req_service.do_create_request(
            demo_users["tw.canbo"],
            title="x",
            template=annual,
            kind="periodic",
            cutoff=CUTOFF_2026,
            deadline=dt.date(2026, 12, 15),
            deadline_rule="before",
        )
    assert "deadline" in exc.value.message_dict
    ok = req_service.do_create_request(
        demo_users["tw.canbo"],
        title="x",
        template=annual,
        kind="periodic",
        cutoff=CUTOFF_2026,
        deadline=dt.date(2026, 12, 15),
        deadline_rule="by",
    )
    assert ok.deadline_text == "chậm nhất ngày 15/12/2026"


# --- 6. review and correction --------------------------------------------------------------------


def test_opening_collection_asks_for_confirmation_first(client, demo_users, annual):
    req = req_service.do_create_request(
        demo_users["tw.canbo"],
        title="Năm 2026",
        template=annual,
        kind="periodic",
        period_start=START_2026,
        cutoff=CUTOFF_2026,
        deadline=dt.date(2027, 1, 5),
    )
    client.force_login(demo_users["tw.canbo"])
    url = reverse("reporting:request_action", args=[req.pk, "open"])
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200 and "34 đơn vị" in html and 'name="confirmed"' in html
    req.refresh_from_db()
    assert req.status == RequestStatus.DRAFT  # nothing happened yet
    client.post(url, {"confirmed": "1"})
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


def test_accepting_asks_for_confirmation_and_says_it_locks(client, demo_users, seed_request):
    sub = svc.do_open_submission(demo_users["tinh.hatinh"], seed_request, legacy_province("42"))
    svc.do_save_draft(demo_users["tinh.hatinh"], sub, complete(sub))
    svc.do_submit(demo_users["tinh.hatinh"], sub)
    client.force_login(demo_users["tw.canbo"])
    url = reverse("reporting:submission_review", args=[sub.pk])
    response = client.post(url, {"accept": "1"})
    assert response.status_code == 200 and "khóa" in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED
    client.post(url, {"accept": "1", "confirmed": "1"})
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.ACCEPTED


def test_an_invalid_typed_value_is_kept_with_its_error(client, demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    response = client.post(
        reverse("reporting:submission_autosave", args=[sub.pk]),
        {"lock_version": sub.lock_version, "f__products_reviewed": "12a", "f__funding_text": "Có"},
    )
    assert "chưa hợp lệ" in response.content.decode()
    sub.refresh_from_db()
    assert sub.invalid == {"products_reviewed": "12a"} and sub.data["funding_text"] == "Có"
    html = client.get(reverse("reporting:submission", args=[sub.pk])).content.decode()
    assert 'value="12a"' in html and 'href="#field-products_reviewed"' in html
    # submitting lists every problem in one pass, the kept text among them
    response = client.post(
        reverse("reporting:submission", args=[sub.pk]), {"lock_version": sub.lock_version, "submit": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 422 and 'data-testid="error-summary"' in html
    assert 'href="#field-products_reviewed"' in html and 'href="#field-direction_text"' in html
    # corrected: the kept text goes
    sub.refresh_from_db()
    client.post(
        reverse("reporting:submission_autosave", args=[sub.pk]),
        {"lock_version": sub.lock_version, "f__products_reviewed": "12"},
    )
    sub.refresh_from_db()
    assert sub.invalid == {} and sub.data["products_reviewed"] == 12


def test_a_returned_report_opens_on_its_comments(client, demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    svc.do_save_draft(officer, sub, complete(sub))
    svc.do_submit(officer, sub)
    svc.do_return(demo_users["tw.canbo"], sub, {"I.2.d": "Nêu rõ kinh phí lồng ghép.", "III.1": "Bổ sung kiến nghị."})
    client.force_login(officer)
    html = client.get(reverse("reporting:submission", args=[sub.pk])).content.decode()
    summary = html.index('data-testid="comment-summary"')
    assert summary < html.index('id="section-I"')
    assert 'href="#section-I.2.d"' in html and 'href="#section-III.1"' in html
    assert html.index("Nêu rõ kinh phí lồng ghép.") < html.index('id="section-I"')
    # each comment with its reviewer's name, in the order written; a removed reviewer's comment stays
    reviewer = demo_users["tw.canbo"].full_name
    assert reviewer and html.count(f"({reviewer}, ") == 4  # in the summary and in each section
    assert html.index("Nêu rõ kinh phí lồng ghép.") < html.index("Bổ sung kiến nghị.")
    ReviewComment.objects.filter(submission=sub, section="III.1").update(author=None)
    html = client.get(reverse("reporting:submission", args=[sub.pk])).content.decode()
    assert html.count(f"({reviewer}, ") == 2 and html.count("Bổ sung kiến nghị.") == 2
    assert html.count("(—, ") == 2 and "(None, " not in html


# --- 8. the home page and the request list ------------------------------------------------------


def test_home_page_lists_what_is_due_returned_and_waiting_for_review(client, demo_users, request_2026):
    officer = demo_users["tinh.hatinh"]
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert 'data-testid="work-due"' in html and "trước ngày 05/01/2027" in html
    sub = svc.do_open_submission(officer, request_2026, current_province("42"))
    svc.do_save_draft(officer, sub, {"direction_text": "x"})
    Submission.objects.filter(pk=sub.pk).update(status=SubmissionStatus.SUBMITTED)
    client.force_login(demo_users["tw.canbo"])
    html = client.get("/").content.decode()
    assert 'data-testid="work-review"' in html and reverse("reporting:submission", args=[sub.pk]) in html
    Submission.objects.filter(pk=sub.pk).update(status=SubmissionStatus.RETURNED)
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert 'data-testid="work-returned"' in html and 'data-testid="work-due"' not in html


def test_request_list_shows_submitted_and_on_time(client, demo_users, request_2026):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, request_2026, current_province("42"))
    Submission.objects.filter(pk=sub.pk).update(
        first_submitted_at=dt.datetime(2027, 1, 5, 8, tzinfo=VN), status=SubmissionStatus.SUBMITTED
    )  # on 05/01: late ("trước ngày")
    client.force_login(demo_users["tw.canbo"])
    html = client.get(reverse("reporting:request_list")).content.decode()
    assert "1/34 đã nộp, 0 đúng hạn" in html


def test_a_province_confirms_before_its_collection_goes_to_every_district(client, demo_users, seed_request):
    from ocop.reporting.models import ReportRequest

    client.force_login(demo_users["tinh.thainguyen"])
    url = reverse("reporting:request_collect", args=[seed_request.pk])
    post = {
        "title": "Thu thập từ các huyện",
        "recipient_level": "district",
        "deadline": "07/01/2019",
        "deadline_rule": "before",
        "reminder_offsets": "",
    }
    html = client.post(url, post).content.decode()
    # Bắc Kạn in 2018: the town of Bắc Kạn and 7 districts
    assert "Gửi yêu cầu thu thập tới 8 đơn vị?" in html and "trước ngày 07/01/2019" in html
    assert not ReportRequest.objects.filter(parent=seed_request).exists()
    response = client.post(url, post | {"confirmed": "1"})
    child = ReportRequest.objects.get(parent=seed_request)
    assert response.status_code == 302 and child.recipients.count() == 8 and child.status == RequestStatus.OPEN
    # the national request's page lists it for the province and the central office, not for another province
    listed = f'href="{reverse("reporting:request_detail", args=[child.pk])}">Tỉnh Bắc Kạn — Thu thập từ các huyện</a> (hạn 07/01/2019)'
    for username, shown in (("tinh.thainguyen", True), ("tw.canbo", True), ("tinh.hatinh", False)):
        client.force_login(demo_users[username])
        html = client.get(reverse("reporting:request_detail", args=[seed_request.pk])).content.decode()
        assert (listed in html) is shown, username


def test_home_page_lists_the_products_waiting_for_my_score(client, demo_users):
    from ocop.evaluation import rounds as ev
    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.tests.test_rounds import _entry, _members, choices_for_total

    load_criteria()
    officer = demo_users["tinh.thainguyen"]
    round_ = ev.do_create_round(
        officer, name="Kỳ đánh giá năm 2026", level="province", unit=current_province("19"), held_on=dt.date(2026, 8, 1)
    )
    entry = _entry(round_, officer, AdminUnit.objects.get(era=Era.LEGACY, level=Level.COMMUNE, code="01888"))
    member = _members(round_, officer)[2]
    client.force_login(member)
    sheet_url = reverse("evaluation:score_sheet", args=[entry.pk])
    html = client.get("/").content.decode()
    assert 'data-testid="work-score"' in html and sheet_url in html and "01/08/2026" in html
    ev.do_submit_score(member, entry, choices_for_total(entry.criteria_set.parsed, 60))
    assert sheet_url not in client.get("/").content.decode()


def test_reminders_count_from_the_last_on_time_day(request_2026):
    from ocop.reporting.reminders import compose, send_time

    # "trước ngày 05/01/2027": the last day on time is 04/01/2027; offset 0 reminds on that morning
    assert send_time(request_2026, 0) == dt.datetime(2027, 1, 4, 8, 0, tzinfo=VN)
    assert send_time(request_2026, -3) == dt.datetime(2027, 1, 1, 8, 0, tzinfo=VN)
    message = compose(request_2026, current_province("42"), dt.date(2027, 1, 4))
    assert "Hạn nộp: trước ngày 05/01/2027 (hôm nay là hạn nộp)." in message.body
