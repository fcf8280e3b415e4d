import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop.audit.models import AuditEntry
from ocop.reporting.models import RequestStatus, Submission, SubmissionStatus
from ocop.reporting.services import completeness as comp
from ocop.reporting.services import requests as req_service
from ocop.reporting.services import submissions as svc
from ocop.reporting.tests.conftest import complete, legacy_province

pytestmark = pytest.mark.django_db


def test_request_goes_to_the_63_provinces_of_the_cutoff_date(seed_request):
    assert seed_request.recipients.count() == 63 and seed_request.status == RequestStatus.OPEN
    assert AuditEntry.objects.filter(action="ocop.report.request_opened").exists()


@pytest.mark.parametrize(
    "deadline,ok",
    [
        (dt.date(2018, 12, 31), False),
        (dt.date(2019, 1, 1), False),
        (dt.date(2019, 1, 2), True),
        (dt.date(2018, 12, 1), False),
    ],
)
def test_deadline_must_leave_a_working_day_after_the_cutoff(demo_users, seed_template, deadline, ok):
    call = lambda: req_service.do_create_request(  # noqa: E731
        demo_users["tw.canbo"],
        title="x",
        template=seed_template,
        kind="adhoc",
        cutoff=dt.date(2018, 12, 31),
        deadline=deadline,
    )
    if ok:
        assert call().deadline == deadline
    else:
        with pytest.raises(ValidationError) as exc:
            call()
        assert "deadline" in exc.value.message_dict


def test_only_central_users_create_national_requests(demo_users, seed_template):
    with pytest.raises(PermissionDenied):
        req_service.do_create_request(
            demo_users["tinh.hatinh"],
            title="x",
            template=seed_template,
            kind="adhoc",
            cutoff=dt.date(2018, 12, 31),
            deadline=dt.date(2019, 1, 10),
        )


def test_open_prefills_from_the_registries(demo_users, seed_request):
    from ocop.demo.programme import create_demo_programme

    create_demo_programme()
    officer = demo_users["tinh.thainguyen"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("06"))
    assert sub.data["plan_status"] == "approved" and "851/QĐ-UBND" in sub.data["plan_decision"]
    assert sub.prefilled == sub.data and sub.data["directive_documents_count"] == len(sub.data["directive_documents"])
    # the same unit opened twice gives the same draft
    assert svc.do_open_submission(officer, seed_request, legacy_province("06")).pk == sub.pk


def test_a_province_cannot_open_another_provinces_report(demo_users, seed_request):
    with pytest.raises(PermissionDenied):
        svc.do_open_submission(demo_users["tinh.hatinh"], seed_request, legacy_province("06"))
    with pytest.raises(PermissionDenied):
        svc.do_open_submission(demo_users["xa.ducxuan"], seed_request, legacy_province("19"))


def test_one_report_by_id_is_found_only_within_the_readers_scope(demo_users, seed_request):
    """`visible_submission` checks the scope in Python (issue 17); it must answer as the scoped list
    does: Thái Nguyên (2025) reads Bắc Kạn's 2018 report (a unit it absorbed) and its own, not Hà
    Tĩnh's; Hà Tĩnh the reverse; the central office all; a commune none of them."""
    bac_kan = svc.do_open_submission(demo_users["tinh.thainguyen"], seed_request, legacy_province("06"))
    thai_nguyen = svc.do_open_submission(demo_users["tinh.thainguyen"], seed_request, legacy_province("19"))
    ha_tinh = svc.do_open_submission(demo_users["tinh.hatinh"], seed_request, legacy_province("42"))
    expected = {
        "tinh.thainguyen": {bac_kan, thai_nguyen},
        "tinh.hatinh": {ha_tinh},
        "tw.canbo": {bac_kan, thai_nguyen, ha_tinh},
        "xa.ducxuan": set(),
    }
    for username, visible in expected.items():
        user = demo_users[username]
        for sub in (bac_kan, thai_nguyen, ha_tinh):
            listed = svc.visible_submissions(user).filter(pk=sub.pk).exists()
            try:
                found = svc.visible_submission(user, sub.pk) == sub
            except Submission.DoesNotExist:
                found = False
            assert found == listed == (sub in visible), (username, sub.unit.name)
    with pytest.raises(Submission.DoesNotExist):
        svc.visible_submission(demo_users["tw.canbo"], 10**9)


def test_submit_requires_required_fields_and_rules(demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    with pytest.raises(svc.SubmissionInvalid) as exc:
        svc.do_submit(officer, sub)
    assert {"direction_text", "proposals_support_text"} <= {i.field for i in exc.value.issues}
    svc.do_save_draft(officer, sub, complete(sub))
    svc.do_save_draft(officer, sub, {"funding_total": 999})  # breaks the sum rule
    with pytest.raises(svc.SubmissionInvalid) as exc:
        svc.do_submit(officer, sub)
    fields = {i.field for i in exc.value.issues}
    assert "funding_total" in fields
    svc.do_save_draft(officer, sub, {"funding_total": sub.prefilled["funding_total"]})
    submitted = svc.do_submit(officer, sub)
    assert submitted.status == SubmissionStatus.SUBMITTED and submitted.first_submitted_at


def test_changing_a_prefilled_value_needs_a_reason_and_keeps_both(demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    svc.do_save_draft(officer, sub, complete(sub))
    original = sub.prefilled["directive_documents_count"]
    svc.do_save_draft(officer, sub, {"directive_documents_count": original + 1})
    with pytest.raises(svc.SubmissionInvalid) as exc:
        svc.do_submit(officer, sub)
    assert any(i.field == "directive_documents_count" and "lý do" in i.message for i in exc.value.issues)
    svc.do_save_draft(officer, sub, {}, reasons={"directive_documents_count": "Thêm 01 công văn chưa vào sổ"})
    sub = svc.do_submit(officer, sub)
    assert sub.prefilled["directive_documents_count"] == original
    assert sub.data["directive_documents_count"] == original + 1
    assert sub.overrides["directive_documents_count"] == "Thêm 01 công văn chưa vào sổ"


def test_concurrent_edits_do_not_overwrite_silently(demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    version = sub.lock_version
    svc.do_save_draft(officer, Submission.objects.get(pk=sub.pk), {"direction_text": "Bản A"}, expected_version=version)
    with pytest.raises(svc.VersionConflict):
        svc.do_save_draft(
            officer, Submission.objects.get(pk=sub.pk), {"direction_text": "Bản B"}, expected_version=version
        )
    assert Submission.objects.get(pk=sub.pk).data["direction_text"] == "Bản A"


def submitted(demo_users, seed_request, code="42", user="tinh.hatinh"):
    officer = demo_users[user]
    sub = svc.do_open_submission(officer, seed_request, legacy_province(code))
    svc.do_save_draft(officer, sub, complete(sub))
    return svc.do_submit(officer, sub)


def test_review_return_resubmit_accept_lock(demo_users, seed_request):
    central = demo_users["tw.canbo"]
    officer = demo_users["tinh.hatinh"]
    sub = submitted(demo_users, seed_request)
    with pytest.raises(PermissionDenied):
        svc.do_accept(officer, sub)  # a province does not accept its own report
    with pytest.raises(ValidationError):
        svc.do_return(central, sub, {})  # a comment is needed
    sub = svc.do_return(central, sub, {"I.2.d": "Đề nghị làm rõ nguồn lồng ghép", "III": ""})
    assert sub.status == SubmissionStatus.RETURNED and sub.comments.get().section == "I.2.d"
    svc.do_save_draft(officer, sub, {"funding_text": "Làm rõ: lồng ghép từ Chương trình NTM."})
    sub = svc.do_submit(officer, sub)
    first = sub.first_submitted_at
    sub = svc.do_accept(central, sub)
    assert sub.status == SubmissionStatus.ACCEPTED and sub.first_submitted_at == first
    with pytest.raises(ValidationError):
        svc.do_save_draft(officer, sub, {"funding_text": "sửa sau khi khóa"})
    actions = set(
        AuditEntry.objects.filter(object_id=str(sub.pk), object_type="reporting.submission").values_list(
            "action", flat=True
        )
    )
    assert {"ocop.report.opened", "ocop.report.submitted", "ocop.report.returned", "ocop.report.accepted"} <= actions


def test_correction_after_acceptance_is_a_new_version_with_a_diff(demo_users, seed_request):
    central, officer = demo_users["tw.canbo"], demo_users["tinh.hatinh"]
    accepted = svc.do_accept(central, submitted(demo_users, seed_request))
    correction = svc.do_start_correction(officer, accepted)
    assert correction.number == 2 and correction.previous == accepted and correction.status == SubmissionStatus.DRAFT
    svc.do_save_draft(officer, correction, {"difficulties_text": "Bổ sung: thiếu cán bộ chuyên trách."})
    rows = svc.diff(accepted, correction)
    assert [(r.section, r.before, r.after) for r in rows] == [
        ("I.3", "Còn khó khăn về nguồn lực.", "Bổ sung: thiếu cán bộ chuyên trách.")
    ]
    accepted.refresh_from_db()
    assert accepted.data["difficulties_text"] == "Còn khó khăn về nguồn lực."  # the accepted version is untouched


def test_completeness_and_timeliness(demo_users, seed_request):
    """The seed says "trước ngày 10/01/2019" (domain.md §11): on time up to 09/01/2019, late from 10/01."""
    central = demo_users["tw.canbo"]
    assert seed_request.deadline_rule == "before" and seed_request.deadline_text == "trước ngày 10/01/2019"
    on_time = submitted(demo_users, seed_request, "42")
    late = submitted(demo_users, seed_request, "06", "tinh.thainguyen")
    on_the_day = submitted(demo_users, seed_request, "19", "tinh.thainguyen")
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    Submission.objects.filter(pk=late.pk).update(first_submitted_at=dt.datetime(2019, 1, 12, 9, tzinfo=vn))
    Submission.objects.filter(pk=on_time.pk).update(first_submitted_at=dt.datetime(2019, 1, 9, 23, 30, tzinfo=vn))
    Submission.objects.filter(pk=on_the_day.pk).update(first_submitted_at=dt.datetime(2019, 1, 10, 0, 15, tzinfo=vn))
    svc.do_accept(central, Submission.objects.get(pk=on_time.pk))
    rows = {r.unit.code: r for r in comp.unit_statuses(seed_request)}
    assert (rows["42"].state, rows["42"].timeliness) == ("accepted", "on_time")
    assert (rows["06"].state, rows["06"].timeliness) == ("submitted", "late")
    assert (rows["19"].state, rows["19"].timeliness) == ("submitted", "late")  # received on 10/01/2019: late
    assert rows["01"].state == "missing"
    s = comp.summarise(list(rows.values()))
    assert (s.expected, s.submitted, s.on_time, s.late, s.accepted, s.missing) == (63, 3, 1, 2, 1, 60)
    assert {u.code for u in comp.missing_units(seed_request)} == set(rows) - {"42", "06", "19"}
    # the request list's "x/N đã nộp, y đúng hạn", for a page of requests in one query
    counts = comp.counts_for([seed_request])[seed_request.pk]
    assert (counts.submitted, counts.expected, counts.on_time) == (3, 63, 1)
    # under "chậm nhất ngày 10/01/2019" the report of 10/01 is on time
    seed_request.deadline_rule = "by"
    assert comp.timeliness_of(seed_request, dt.datetime(2019, 1, 10, 0, 15, tzinfo=vn)) == "on_time"
    assert comp.timeliness_of(seed_request, dt.datetime(2019, 1, 11, 0, 15, tzinfo=vn)) == "late"
    assert comp.counts_for([seed_request])[seed_request.pk].on_time == 2


def test_imported_submissions_count_like_typed_ones(demo_users, seed_request):
    from ocop.reporting.models import SubmissionSource

    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    svc.do_save_draft(officer, sub, complete(sub), source=SubmissionSource.XLSX)
    svc.do_submit(officer, sub)
    row = next(r for r in comp.unit_statuses(seed_request) if r.unit.code == "42")
    assert row.submission.source == "xlsx" and row.timeliness is not None


def test_province_collects_from_its_districts_and_prefills_from_their_totals(
    demo_users, seed_request, django_capture_on_commit_callbacks
):
    from ocop.accounts.models import Role, User
    from ocop.geo.models import AdminUnit

    officer = demo_users["tinh.thainguyen"]
    with django_capture_on_commit_callbacks(execute=True):
        child = req_service.do_create_request(
            officer,
            title="Thu thập từ các huyện",
            template=seed_request.template,
            kind="adhoc",
            cutoff=seed_request.cutoff,
            period_start=seed_request.period_start,
            deadline=dt.date(2019, 1, 7),
            recipient_level="district",
            parent=seed_request,
        )
        req_service.do_open_request(officer, child)
    assert (
        child.owner_unit.code == "06"
        and child.recipients.count()
        == AdminUnit.objects.filter(parent__code="06", level="district", era="legacy").count()
    )
    with pytest.raises(ValidationError):  # a district deadline after the province's
        req_service.do_create_request(
            officer,
            title="x",
            template=seed_request.template,
            kind="adhoc",
            cutoff=seed_request.cutoff,
            deadline=dt.date(2019, 1, 11),
            recipient_level="district",
            parent=seed_request,
        )
    district_user = demo_users["huyen.babe"]
    ba_be = district_user.scope_unit
    sub = svc.do_open_submission(district_user, child, ba_be)
    svc.do_save_draft(district_user, sub, complete(sub, products_reviewed=7, planned_products_2019=3))
    svc.do_submit(district_user, sub)
    other = User.objects.create(
        username="huyen.khac",
        role=Role.DISTRICT_OFFICER,
        scope_unit=AdminUnit.objects.get(era="legacy", code="062", level="district"),
    )
    sub2 = svc.do_open_submission(other, child, other.scope_unit)
    svc.do_save_draft(other, sub2, complete(sub2, products_reviewed=5, planned_products_2019=2))
    svc.do_submit(other, sub2)
    totals = svc.lower_level_totals(seed_request, child.owner_unit)
    assert totals["products_reviewed"] == 12 and totals["planned_products_2019"] == 5
    province_sub = svc.do_open_submission(officer, seed_request, child.owner_unit)
    assert province_sub.data["planned_products_2019"] == 5 and province_sub.data["products_reviewed"] == 12
    rows = comp.unit_statuses(child)
    assert sum(1 for r in rows if r.state == "submitted") == 2


def test_request_list_shows_the_units_reports_without_a_query_per_request(
    client, demo_users, seed_request, django_assert_max_num_queries
):
    from django.urls import reverse

    officer = demo_users["tinh.thainguyen"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("06"))
    for i in range(5):
        extra = req_service.do_create_request(
            demo_users["tw.canbo"],
            title=f"Yêu cầu {i}",
            template=seed_request.template,
            kind="adhoc",
            cutoff=seed_request.cutoff,
            deadline=seed_request.deadline,
        )
        req_service.do_open_request(demo_users["tw.canbo"], extra)
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("reporting:request_list")).content.decode()
    assert f"/reports/submissions/{sub.pk}/" in html and html.count("Lập báo cáo") >= 6
