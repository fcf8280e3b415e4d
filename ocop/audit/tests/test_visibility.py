"""Audit visibility follows what each user may read about each object (docs/security.md, "Audit
trail"): a council member does not read other members' score sheets while the round is open, nor the
sheets of rounds they do not sit on, nor other users' accounts, e-mails, sign-ins or IP addresses, nor
draft report texts. Expected visibility is written by hand per user below."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ocop.accounts.models import Role, User
from ocop.audit.models import ACTION_LABELS, AuditEntry
from ocop.audit.services import log_action
from ocop.geo.models import AdminUnit, Era, Level

pytestmark = pytest.mark.django_db

SCORE_MARK = "71.25"  # the total of the hidden sheet: appears only where its values may be shown
IP = "203.0.113.77"


class FakeRequest:
    META = {"REMOTE_ADDR": IP}


@pytest.fixture
def world(demo_users):
    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.models import CriteriaSet
    from ocop.evaluation.models_rounds import CouncilSeat, MemberScore, Round, RoundProduct
    from ocop.products.tests.factories import fixture_set

    load_criteria()
    cs = CriteriaSet.objects.filter(structure_only=False).first()
    thai_nguyen = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19")
    commune = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COMMUNE, code="01840")
    chair = demo_users["hoidong.thainguyen"]
    member = User.objects.create(
        username="thanhvien.b",
        role=Role.COUNCIL_MEMBER,
        scope_unit=thai_nguyen,
        email="thanhvien.b@example.vn",
        full_name="Nguyễn Thị Bình",
    )
    outsider = User.objects.create(
        username="thanhvien.c", role=Role.COUNCIL_MEMBER, scope_unit=thai_nguyen, email="thanhvien.c@example.vn"
    )
    products = fixture_set(commune)
    round_ = Round.objects.create(name="Kỳ 2026", level="province", unit=thai_nguyen, held_on=dt.date(2026, 10, 1))
    other_round = Round.objects.create(name="Kỳ khác", level="province", unit=thai_nguyen, held_on=dt.date(2026, 10, 2))
    entry = RoundProduct.objects.create(
        round=round_, product=products["product"], dossier=products["dossier"], criteria_set=cs
    )
    CouncilSeat.objects.create(round=round_, user=chair, role="chair")
    CouncilSeat.objects.create(round=round_, user=member, role="member")
    CouncilSeat.objects.create(round=other_round, user=outsider, role="member")
    sheet = MemberScore.objects.create(round_product=entry, user=member, choices={"1.1": "a"}, total=SCORE_MARK)
    score_entry = log_action(
        member,
        "ocop.evaluation.score.submitted",
        sheet,
        after={"choices": sheet.choices, "total": SCORE_MARK},
        unit=thai_nguyen,
        request=FakeRequest(),
    )
    login_entry = log_action(member, "ocop.auth.login", member, unit=thai_nguyen, request=FakeRequest())
    account_entry = log_action(
        demo_users["tinh.thainguyen"],
        "ocop.user.created",
        outsider,
        after={"username": outsider.username, "email": outsider.email},
        unit=thai_nguyen,
    )
    return {
        "round": round_,
        "sheet": sheet,
        "score": score_entry,
        "login": login_entry,
        "account": account_entry,
        "member": member,
        "outsider": outsider,
        "chair": chair,
    }


def page(client, user, url, data=None):
    client.force_login(user)
    response = client.get(url, data)
    return response.status_code, response.content.decode()


def test_council_members_see_only_what_they_may_read(client, demo_users, world):
    chair, member, outsider = world["chair"], world["member"], world["outsider"]
    score, login, account = world["score"], world["login"], world["account"]
    listing = reverse("audit:entry_list")
    # the chair of the round: sees that a sheet came in, not its values while the round is open
    status, html = page(client, chair, listing, {"action": "ocop.evaluation.score.submitted"})
    assert status == 200 and f'href="/audit/{score.pk}/"' in html
    status, html = page(client, chair, reverse("audit:entry_detail", args=[score.pk]))
    assert status == 200 and SCORE_MARK not in html and '"1.1"' not in html and IP not in html
    # nor the other members' sign-ins and accounts (their e-mails)
    status, html = page(client, chair, listing)
    assert f'href="/audit/{login.pk}/"' not in html and f'href="/audit/{account.pk}/"' not in html
    assert "thanhvien.c@example.vn" not in html
    for entry in (login, account):
        assert page(client, chair, reverse("audit:entry_detail", args=[entry.pk]))[0] == 404
    # a member of another round: nothing about this round's sheets
    status, html = page(client, outsider, listing, {"action": "ocop.evaluation.score.submitted"})
    assert f'href="/audit/{score.pk}/"' not in html
    assert page(client, outsider, reverse("audit:entry_detail", args=[score.pk]))[0] == 404
    # the member who filled the sheet in sees its values and the address it was sent from
    status, html = page(client, member, reverse("audit:entry_detail", args=[score.pk]))
    assert status == 200 and SCORE_MARK in html and IP in html


def test_officers_see_score_values_only_after_closing(client, demo_users, world):
    from ocop.evaluation.models_rounds import RoundStatus

    officer = demo_users["tinh.thainguyen"]
    detail = reverse("audit:entry_detail", args=[world["score"].pk])
    status, html = page(client, officer, detail)
    assert status == 200 and SCORE_MARK not in html and IP not in html
    status, html = page(client, demo_users["tw.quantri"], detail)
    assert status == 200 and SCORE_MARK not in html  # not even a central administrator before closing
    assert IP in html
    world["round"].status = RoundStatus.CLOSED
    world["round"].save(update_fields=["status"])
    assert SCORE_MARK in page(client, officer, detail)[1]
    assert SCORE_MARK in page(client, world["chair"], detail)[1]
    assert SCORE_MARK not in page(client, demo_users["tw.canbo"], detail)[1]  # central officer: not the round's manager
    # the officer manages the accounts of the province: sees the account entry and its e-mail
    status, html = page(client, officer, reverse("audit:entry_detail", args=[world["account"].pk]))
    assert status == 200 and "thanhvien.c@example.vn" in html


def test_draft_report_texts_stay_with_the_report_readers(client, demo_users, world):
    """A draft of Bắc Kạn's 2018 report (kept by Thái Nguyên since 2025), saved by the province officer:
    the officer reads the entry and the texts it recorded; the council member of the same province
    does not see the entry at all."""
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportTemplate
    from ocop.reporting.services import requests as rq
    from ocop.reporting.services import submissions as sv
    from ocop.reporting.tests.conftest import complete

    load_templates()
    template = ReportTemplate.objects.get(code="ocop-cv9654-2018")
    central, officer = demo_users["tw.canbo"], demo_users["tinh.thainguyen"]
    seed = rq.do_create_request(
        central,
        title="Báo cáo 2018",
        template=template,
        kind="adhoc",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
    )
    rq.do_open_request(central, seed)
    bac_kan = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06")
    submission = sv.do_open_submission(officer, seed, bac_kan)
    sv.do_save_draft(officer, submission, complete(submission))
    entry = AuditEntry.objects.filter(action="ocop.report.draft_saved", object_id=str(submission.pk)).latest("pk")
    secret = next(v for v in (entry.after or {}).values() if isinstance(v, str) and len(v) > 3)
    status, html = page(client, officer, reverse("audit:entry_detail", args=[entry.pk]))
    assert status == 200 and __import__("html").escape(secret) in html
    assert page(client, world["chair"], reverse("audit:entry_detail", args=[entry.pk]))[0] == 404
    status, html = page(client, world["chair"], reverse("audit:entry_list"))
    assert f'href="/audit/{entry.pk}/"' not in html


def test_home_page_of_a_council_member_lists_no_other_users_sign_ins(client, demo_users, world):
    status, html = page(client, world["chair"], reverse("home"))
    assert status == 200
    assert f'href="/audit/{world["login"].pk}/"' not in html and f'href="/audit/{world["account"].pk}/"' not in html
    assert "thanhvien.c" not in html  # the account created for another member
    assert "thanhvien.b" not in html and "Nguyễn Thị Bình" in html  # who acted, by name, not by sign-in name


def test_every_audited_type_has_a_visibility_rule():
    """Every model the code logs has a rule (an unregistered type is shown to central administrators only)."""
    import re
    from pathlib import Path

    from django.apps import apps

    from ocop.accounts.audit_visibility import REGISTRY

    root = Path(__file__).resolve().parents[2]
    models = {m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("ocop.")}
    logged = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if re.search(r"log_action\(", path.read_text(encoding="utf-8")):
            logged.add(path)
    assert logged
    missing = sorted(
        m
        for m in models
        if m.split(".")[0] in {"accounts", "api", "products", "programme", "reporting", "evaluation", "documents"}
        and m
        in {
            "accounts.user",
            "api.apitoken",
            "products.entity",
            "products.product",
            "products.dossier",
            "products.importbatch",
            "reporting.reportrequest",
            "reporting.submission",
            "reporting.reporttemplate",
            "evaluation.round",
            "evaluation.roundproduct",
            "evaluation.memberscore",
            "evaluation.certificate",
            "evaluation.application",
            "evaluation.datafile",
            "documents.outgoingdocument",
            "documents.issuer",
            "programme.provincialplan",
            "programme.directivedocument",
        }
        and m not in REGISTRY
    )
    assert not missing, missing


def test_every_action_code_in_the_code_has_words():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for call in re.findall(r"log_action\(\s*[^,]+,\s*\"(ocop\.[a-z_.]+)\"", path.read_text(encoding="utf-8")):
            codes.add(call)
    assert len(codes) > 40
    assert not sorted(codes - set(ACTION_LABELS)), sorted(codes - set(ACTION_LABELS))


CODE = __import__("re").compile(r"ocop\.(auth|user|api|document|issuer|report|products|evaluation|programme)\.[a-z_.]+")


def test_no_action_code_reaches_the_interface(client, demo_users):
    """The home page, the audit list and each entry show every action in words, never its code."""
    admin = demo_users["tw.quantri"]
    entries = [log_action(admin, code, admin, unit=None) for code in ACTION_LABELS]
    entries.append(log_action(admin, "ocop.programme.plans.changed", admin, unit=None))
    entries.append(log_action(admin, "ocop.evaluation.something_new", admin, unit=None))  # a code without words yet
    client.force_login(admin)
    pages = [
        reverse("home"),
        reverse("audit:entry_list"),
        reverse("audit:entry_list") + "?page=2",
        reverse("notifications:list"),
    ] + [reverse("audit:entry_detail", args=[e.pk]) for e in entries[-5:]]
    for url in pages:
        shown = __import__("re").sub(r"<[^>]*>", " ", client.get(url).content.decode())  # the text a reader sees
        assert not CODE.search(shown), (url, CODE.search(shown).group(0))
    assert (
        "Kết thúc kỳ đánh giá"
        in client.get(reverse("audit:entry_list"), {"action": "ocop.evaluation.round.closed"}).content.decode()
    )


def test_internal_unit_codes_never_reach_the_reader(client, demo_users):
    """Issuers' internal codes ("UBND-19-current") recorded through their names are left out of the
    home page, the audit list and the entry."""
    admin = demo_users["tw.quantri"]
    entry = log_action(
        admin,
        "ocop.document.created",
        admin,
        unit=None,
        after={"issuer": "Ủy ban nhân dân tỉnh Thái Nguyên (UBND-19-current)", "number": "12/QĐ-UBND"},
    )
    AuditEntry.objects.filter(pk=entry.pk).update(object_repr="UBND-19-current từ 01/07/2025")
    client.force_login(admin)
    for url in (reverse("home"), reverse("audit:entry_list"), reverse("audit:entry_detail", args=[entry.pk])):
        html = client.get(url).content.decode()
        assert "UBND-19-current" not in html, url
    html = client.get(reverse("audit:entry_detail", args=[entry.pk])).content.decode()
    assert "Ủy ban nhân dân tỉnh Thái Nguyên" in html and "12/QĐ-UBND" in html and "từ 01/07/2025" in html


def test_the_export_shows_a_reason_only_to_those_who_may_see_the_values(client, demo_users, world):
    from ocop.lib.tests.test_listexport import exported

    thai_nguyen = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19")
    log_action(
        world["member"],
        "ocop.evaluation.score.draft_saved",
        world["sheet"],
        unit=thai_nguyen,
        reason="LÝ DO RIÊNG CỦA THÀNH VIÊN",
        after={"total": SCORE_MARK},
    )
    for user, visible in ((world["member"], True), (demo_users["tinh.thainguyen"], False), (world["chair"], False)):
        client.force_login(user)
        _meta, header, data = exported(client, reverse("audit:entry_list"))
        reasons = [row[header.index("Lý do")] for row in data]
        assert ("LÝ DO RIÊNG CỦA THÀNH VIÊN" in reasons) == visible, user.username
        assert IP not in str(data) or user == world["member"]
