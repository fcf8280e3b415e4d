"""The reporting pages' caches (issue 17, goal 3) are never stale: each test changes the data a cached
page or object shows and sees the new figure on the next request. No timing here."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from ocop.reporting.loader import load_templates
from ocop.reporting.models import ReportRequest, ReportTemplate
from ocop.reporting.periodtext import render_for_request
from ocop.reporting.services import submissions as svc
from ocop.reporting.services.requests import visible_requests
from ocop.reporting.tests.conftest import complete, legacy_province

pytestmark = pytest.mark.django_db


def _submitted(demo_users, req, code, user):
    officer = demo_users[user]
    sub = svc.do_open_submission(officer, req, legacy_province(code))
    svc.do_save_draft(officer, sub, complete(sub))
    return svc.do_submit(officer, sub)


def _included(html: str) -> str:
    return re.search(r'data-testid="included-count">([^<]*)<', html).group(1).strip()


def _state(html: str, code: str) -> str:
    return re.search(rf'<tr data-unit="{code}" data-state="(\w+)"', html).group(1)


def test_consolidation_overview_follows_every_submission_change(client, demo_users, seed_request):
    central = demo_users["tw.canbo"]
    client.force_login(central)
    url = reverse("reporting:consolidation", args=[seed_request.pk])
    assert _included(client.get(url).content.decode()) == "0"

    svc.do_accept(central, _submitted(demo_users, seed_request, "42", "tinh.hatinh"))
    assert _included(client.get(url).content.decode()) == "1"

    second = _submitted(demo_users, seed_request, "19", "tinh.thainguyen")
    assert _included(client.get(url).content.decode()) == "1"  # submitted, not accepted: not included
    assert _included(client.get(url, {"include_submitted": "1"}).content.decode()).startswith("2")
    svc.do_accept(central, second)
    assert _included(client.get(url).content.decode()) == "2"


def test_consolidation_texts_follow_a_correction(client, demo_users, seed_request):
    central, officer = demo_users["tw.canbo"], demo_users["tinh.hatinh"]
    accepted = svc.do_accept(central, _submitted(demo_users, seed_request, "42", "tinh.hatinh"))
    client.force_login(central)
    url = reverse("reporting:consolidation", args=[seed_request.pk])
    html = client.get(url, {"phan": "bao-cao"}).content.decode()
    assert "Còn khó khăn về nguồn lực." in html

    correction = svc.do_start_correction(officer, accepted)
    svc.do_save_draft(officer, correction, {"difficulties_text": "Thiếu cán bộ chuyên trách ở cấp huyện."})
    svc.do_accept(central, svc.do_submit(officer, correction))
    html = client.get(url, {"phan": "bao-cao"}).content.decode()
    assert "Thiếu cán bộ chuyên trách ở cấp huyện." in html and "Còn khó khăn về nguồn lực." not in html


def test_completeness_table_follows_each_state(client, demo_users, seed_request):
    central, officer = demo_users["tw.canbo"], demo_users["tinh.hatinh"]
    client.force_login(central)
    url = reverse("reporting:request_detail", args=[seed_request.pk])
    assert _state(client.get(url).content.decode(), "42") == "missing"

    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    assert _state(client.get(url).content.decode(), "42") == "draft"
    svc.do_save_draft(officer, sub, complete(sub))
    sub = svc.do_submit(officer, sub)
    assert _state(client.get(url).content.decode(), "42") == "submitted"
    svc.do_accept(central, sub)
    html = client.get(url).content.decode()
    assert _state(html, "42") == "accepted"
    assert "Đã tiếp nhận: 1" in html


def test_completeness_table_of_a_province_shows_only_its_own_row(client, demo_users, seed_request):
    """The cached table is keyed on the rows the reader may see: a province's officer never receives
    the national table cached for the centre."""
    client.force_login(demo_users["tw.canbo"])
    url = reverse("reporting:request_detail", args=[seed_request.pk])
    assert len(re.findall(r'<tr data-unit="', client.get(url).content.decode())) == 63
    client.force_login(demo_users["tinh.hatinh"])
    html = client.get(url).content.decode()
    assert re.findall(r'<tr data-unit="(\w+)"', html) == ["42"]


def test_request_form_text_follows_the_request_period(db):
    """The filled-in template is kept per template and period values: another year, or the same
    request moved to another year, gives the other text."""
    load_templates()
    parsed = ReportTemplate.objects.get(code="ocop-annual", version=1).parsed

    def request_of(year):
        return ReportRequest(
            cutoff=dt.date(year, 12, 14),
            period_start=dt.date(year - 1, 12, 15),
            deadline=dt.date(year + 1, 1, 5),
            deadline_rule="by",
        )

    def messages(form):
        return " ".join(r.message for r in form.rules)

    form_2026 = render_for_request(parsed, request_of(2026))
    assert "năm 2027" in messages(form_2026) and "{nam_sau}" not in messages(form_2026)
    form_2027 = render_for_request(parsed, request_of(2027))
    assert "năm 2028" in messages(form_2027) and "năm 2027" not in messages(form_2027)
    assert "năm 2027" in messages(render_for_request(parsed, request_of(2026)))


def test_parsed_template_is_kept_per_stored_version(demo_users, seed_request, django_assert_num_queries):
    """Pages read a request without its template's definition: the parsed template is kept per
    stored version (id, digest, creation time), and a new version, even with the same id after a
    rollback, is parsed from its own definition."""
    central = demo_users["tw.canbo"]
    first = visible_requests(central).get(pk=seed_request.pk)
    assert "definition" in first.template.get_deferred_fields()
    sections = [s.title for s in first.template.parsed.sections]
    again = visible_requests(central).get(pk=seed_request.pk)
    with django_assert_num_queries(0):  # neither the definition nor a parse
        assert again.template.parsed is first.template.parsed
    tpl = ReportTemplate.objects.get(pk=seed_request.template_id)
    definition = dict(tpl.definition, title="Mẫu sửa để kiểm thử", version=99)
    definition["sections"] = [dict(definition["sections"][0], title="MỤC MỚI")] + definition["sections"][1:]
    tpl.pk, tpl.version, tpl.definition, tpl.sha256 = None, 99, definition, ""
    tpl.save()
    fresh = ReportTemplate.objects.defer("definition").get(pk=tpl.pk)
    assert [s.title for s in fresh.parsed.sections] == ["MỤC MỚI"] + sections[1:]
    assert [s.title for s in again.template.parsed.sections] == sections


def test_report_form_escapes_typed_text_and_keeps_the_choice(client, demo_users, seed_request):
    """The fields are written by ocop/reporting/formhtml.py: text typed by a unit is escaped in the
    form (editable) and on the review page (read-only)."""
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    svc.do_save_draft(officer, sub, complete(sub, difficulties_text="A & B <b>đậm</b>\nDòng hai"))
    url = reverse("reporting:submission", args=[sub.pk])
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "A &amp; B &lt;b&gt;đậm&lt;/b&gt;\nDòng hai</textarea>" in html and "<b>đậm</b>" not in html
    svc.do_submit(officer, sub)
    client.force_login(demo_users["tw.canbo"])
    html = client.get(url).content.decode()
    assert 'data-testid="value-difficulties_text">A &amp; B &lt;b&gt;đậm&lt;/b&gt;<br>Dòng hai</div>' in html


def test_report_form_follows_each_save_comment_and_conflict(client, demo_users, seed_request):
    """The report form's sections are cached under a digest of what they show: a saved value, a
    reviewer's comment, the reader's rights and text sent back after a conflict all show at once."""
    from ocop.reporting.formdata import scalar_name

    officer, central = demo_users["tinh.hatinh"], demo_users["tw.canbo"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    svc.do_save_draft(officer, sub, complete(sub, difficulties_text="Bản nháp thứ nhất"))
    url = reverse("reporting:submission", args=[sub.pk])
    client.force_login(officer)
    assert "Bản nháp thứ nhất</textarea>" in client.get(url).content.decode()
    sub.refresh_from_db()
    stale_version = sub.lock_version
    svc.do_save_draft(officer, sub, complete(sub, difficulties_text="Bản nháp thứ hai"))
    html = client.get(url).content.decode()
    assert "Bản nháp thứ hai</textarea>" in html and "Bản nháp thứ nhất" not in html
    # a save from a page opened before the second draft: refused, and what was typed is shown back
    posted = client.post(
        url, {"lock_version": str(stale_version), scalar_name("difficulties_text"): "Gõ khi xung đột", "save": "1"}
    )
    assert posted.status_code == 409 and "Gõ khi xung đột</textarea>" in posted.content.decode()
    assert "Bản nháp thứ hai</textarea>" in client.get(url).content.decode()
    svc.do_submit(officer, sub)
    client.force_login(central)
    html = client.get(url).content.decode()
    assert 'data-testid="value-difficulties_text">Bản nháp thứ hai</div>' in html
    assert f'name="{scalar_name("difficulties_text")}"' not in html  # read-only for the reviewer
    section = seed_request.form.sections[0].number
    svc.do_return(central, sub, {section: "Bổ sung số liệu mục này."})
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert f'data-testid="comment-{section}"' in html and "Bổ sung số liệu mục này." in html
    assert "Bản nháp thứ hai</textarea>" in html  # editable again


def test_report_heading_follows_the_status_and_each_new_version(client, demo_users, seed_request):
    """The report page's heading (status, first submission, versions) is a fragment cached under what
    it shows: the accepted status and a correction opened from another page show on the next view
    of the first version."""
    officer, central = demo_users["tinh.hatinh"], demo_users["tw.canbo"]
    sub = _submitted(demo_users, seed_request, "42", "tinh.hatinh")
    url = reverse("reporting:submission", args=[sub.pk])
    client.force_login(central)
    html = client.get(url).content.decode()
    assert 'data-testid="submission-status">Đã nộp<' in html and "Nộp lần đầu" in html
    svc.do_accept(central, sub)
    html = client.get(url).content.decode()
    assert 'data-testid="submission-status">Đã tiếp nhận<' in html and "lần 2" not in html
    correction = svc.do_start_correction(officer, sub)
    html = client.get(url).content.decode()
    assert f'href="/reports/submissions/{correction.pk}/">lần 2' in html
    assert html.count('data-testid="submission-status"') == 1
