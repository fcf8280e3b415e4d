"""The demo reporting data: the seed request of Công văn 9654/BNN-VPĐP with the provinces' answers,
and the periodic 2026 requests, one of them still open."""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.utils import timezone

from ocop.demo.accounts import create_demo_users
from ocop.accounts.models import Role, User
from ocop.audit.models import AuditEntry
from ocop.geo.models import Era, Level
from ocop.demo.programme import create_demo_programme
from ocop.reporting.bindings import check_bindings
from ocop.demo.reporting import create_demo_reporting
from ocop.reporting.loader import load_templates
from ocop.reporting.models import (
    ReportRequest,
    ReportTemplate,
    RequestKind,
    RequestStatus,
    ReviewComment,
    Submission,
    SubmissionStatus,
)
from ocop.reporting.services.completeness import summarise, unit_statuses
from ocop.reporting.services.submissions import submission_issues

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_counts(django_db_setup, django_db_blocker):
    """The whole demo, built once for this module inside a transaction rolled back at the end
    (the programme demo alone takes several seconds)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            create_demo_users()
            create_demo_programme()
            load_templates()
            counts = create_demo_reporting()
            yield counts
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_counts, demo_users):
    return demo_counts


def seed_request() -> ReportRequest:
    return ReportRequest.objects.get(is_demo=True, document_number="9654/BNN-VPĐP")


def open_request() -> ReportRequest:
    return ReportRequest.objects.get(is_demo=True, status=RequestStatus.OPEN)


def test_second_call_creates_nothing(demo):
    before = (
        ReportRequest.objects.count(),
        Submission.objects.count(),
        AuditEntry.objects.count(),
        User.objects.count(),
    )
    assert create_demo_reporting() == demo
    assert (
        ReportRequest.objects.count(),
        Submission.objects.count(),
        AuditEntry.objects.count(),
        User.objects.count(),
    ) == before


def test_counts_and_demo_marks(demo):
    assert demo["requests"] == 6 and demo["open"] == 1
    assert demo["submissions"] == Submission.objects.count() and not Submission.objects.filter(is_demo=False).exists()
    assert not ReportRequest.objects.filter(is_demo=False).exists()
    assert demo["submitted"] == demo["accepted"] + demo["waiting"] + demo["returned"]
    assert demo["drafts"] >= 2 and demo["returned"] >= 1
    officers = User.objects.filter(username__startswith="demo.tinh.")
    assert demo["officers"] == officers.count() == 32
    assert all(u.is_demo and u.role == Role.PROVINCE_OFFICER and not u.has_usable_password() for u in officers)
    assert {u.scope_unit.era for u in officers} == {Era.CURRENT}


def test_the_seed_request(demo):
    req = seed_request()
    assert req.title == "Báo cáo kết quả triển khai Chương trình OCOP năm 2018"
    assert (req.issued_on, req.period_start, req.cutoff, req.deadline) == (
        dt.date(2018, 12, 12),
        dt.date(2018, 1, 1),
        dt.date(2018, 12, 31),
        dt.date(2019, 1, 10),
    )
    assert req.kind == RequestKind.ADHOC and req.status == RequestStatus.CLOSED
    assert req.deadline_rule == "before" and req.deadline_text == "trước ngày 10/01/2019"  # domain.md §11
    assert (req.template.code, req.template.version) == ("ocop-cv9654-2018", 1)
    assert "490/QĐ-TTg" in req.legal_basis and "01/QĐ-BCĐTW" in req.legal_basis
    assert req.created_by.username == "tw.canbo"
    assert timezone.localtime(req.opened_at).date() == dt.date(2018, 12, 12)
    recipients = req.recipients.all()
    assert recipients.count() == 63
    assert {(u.era, u.level) for u in recipients} == {(Era.LEGACY, Level.PROVINCE)}


def test_seed_completeness_has_every_kind_of_unit(demo):
    req = seed_request()
    rows = unit_statuses(req)
    summary = summarise(rows)
    assert summary.expected == 63 and summary.submitted == 56 and summary.missing == 7
    assert summary.on_time > summary.late > 0 and summary.accepted >= 45
    states = {r.state for r in rows}
    assert {"missing", "submitted", "accepted"} <= states
    for row in rows:
        if row.first_submitted_at:
            assert dt.date(2019, 1, 2) <= timezone.localtime(row.first_submitted_at).date() <= dt.date(2019, 1, 25)
    by_code = {r.unit.code: r for r in rows}
    for code in ("06", "19", "22", "42", "49"):  # the demo accounts' provinces and those the seed names
        assert by_code[code].state == "accepted"
    # returned once with a comment on a section, corrected, then accepted
    comments = ReviewComment.objects.filter(submission__request=req)
    assert comments.count() >= 3
    sections = {s.number for s in req.template.parsed.sections}
    for comment in comments.select_related("submission"):
        sub = comment.submission
        assert comment.section in sections and sub.status == SubmissionStatus.ACCEPTED
        assert sub.first_submitted_at <= comment.created_at <= sub.submitted_at <= sub.reviewed_at


def test_seed_reports_agree_with_the_seed(demo):
    """Only the 22 provinces named in the seed had an approved Đề án/Kế hoạch; Bắc Kạn alone ranked products."""
    approved = set(
        Submission.objects.filter(request=seed_request(), data__plan_status="approved").values_list(
            "unit__code", flat=True
        )
    )
    named = {
        "06",
        "24",
        "60",
        "92",
        "87",
        "67",
        "02",
        "35",
        "31",
        "42",
        "17",
        "10",
        "68",
        "58",
        "19",
        "44",
        "49",
        "51",
        "22",
        "45",
        "84",
        "86",
    }
    assert approved <= named and len(approved) >= 18
    for sub in Submission.objects.filter(request=seed_request()).select_related("unit"):
        d = sub.data
        assert d["products_ranked"] == d["products_3star"] + d["products_4star"] + d["products_5star"]
        assert d["products_ranked"] <= d["products_evaluated"] <= d["products_reviewed"]
        assert (d["products_ranked"] > 0) == (sub.unit.code == "06")
        assert sub.unit.name in d["products_text"] or sub.unit.name in d["direction_text"]


def test_every_submitted_demo_report_is_valid(demo):
    subs = Submission.objects.filter(is_demo=True, status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED])
    assert subs.count() >= 150
    now = timezone.now()
    for sub in subs.select_related("request__template"):
        assert submission_issues(sub) == [], (sub.unit_id, sub.request.title)
        assert sub.first_submitted_at <= sub.submitted_at <= now
        assert sub.reviewed_at is None or sub.submitted_at <= sub.reviewed_at <= now


def test_periodic_requests_of_2026(demo):
    reqs = list(ReportRequest.objects.filter(template__code="ocop-periodic").order_by("cutoff", "period_code"))
    assert [r.period_code for r in reqs] == ["2026-Q1", "2026-H1", "2026-Q2", "2026-Q3", "2026-Y"]
    h1 = next(r for r in reqs if r.period_code == "2026-H1")
    assert (h1.period_start, h1.cutoff, h1.kind) == (dt.date(2025, 12, 15), dt.date(2026, 6, 14), RequestKind.PERIODIC)
    assert h1.title.endswith("6 tháng đầu năm 2026") and h1.status == RequestStatus.CLOSED
    for req in reqs:
        assert req.recipients.count() == 34 and req.deadline > req.cutoff
        summary = summarise(unit_statuses(req))
        if req.status == RequestStatus.CLOSED:
            assert summary.submitted >= 28 and summary.missing >= 1 and summary.accepted >= 25
        else:
            assert 12 <= summary.submitted <= 22 and summary.missing >= 5


def test_open_request_leaves_the_demo_province_accounts_something_to_do(demo, demo_users):
    req = open_request()
    assert req.period_code == "2026-Y" and req.deadline == dt.date(2026, 12, 17)
    rows = {r.unit.pk: r for r in unit_statuses(req)}
    states = {}
    for username in ("tinh.thainguyen", "tinh.hatinh"):
        row = rows[demo_users[username].scope_unit_id]
        assert row.first_submitted_at is None and row.state in ("missing", "draft")
        states[username] = row.state
    assert sorted(states.values()) == ["draft", "missing"]
    all_states = {r.state for r in rows.values()}
    assert {"missing", "draft", "submitted", "accepted", "returned"} <= all_states


def test_periodic_template_loads():
    load_templates()
    template = ReportTemplate.objects.get(code="ocop-periodic", version=1)
    parsed = template.parsed
    check_bindings(parsed)
    assert (
        template.valid_from == dt.date(2019, 1, 24)
        and template.title == "Báo cáo tình hình thực hiện Chương trình OCOP"
    )
    seed = ReportTemplate.objects.get(code="ocop-cv9654-2018", version=1).parsed
    shared = {f.binding for f in seed.fields if f.binding} - {f.binding for f in parsed.fields if f.binding}
    assert shared == set()  # every registry figure of the seed is asked for in the periodic report too
    for section in parsed.sections:  # year-agnostic: "trong kỳ báo cáo", "kỳ tới"
        assert not re.search(r"\b(19|20)\d\d\b", section.title + section.prompt), section.number
    assert parsed.sections[0].title == "KẾT QUẢ THỰC HIỆN TRONG KỲ BÁO CÁO"
