"""Certificate expiry and notices, renewal/upgrade applications, downgrade by re-evaluation, and the
advisory group (ocop/evaluation/certificates.py, rounds.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ocop.accounts.models import Role, User
from ocop.audit.models import AuditEntry
from ocop.evaluation import certificates
from ocop.evaluation import rounds as svc
from ocop.evaluation.models_rounds import (
    Application,
    ApplicationStatus,
    Certificate,
    CertificateNotice,
    CertificateStatus,
    CouncilSeat,
    RoundProduct,
)
from ocop.evaluation.tests.test_rounds import _members, _unit, choices_for_total, world  # noqa: F401 (fixture)
from ocop.geo.models import Era, Level
from ocop.notifications.models import Notification
from ocop.products.models import EntityMember, ProductStatus, SelfAssessment, required_categories
from ocop.products.tests.factories import make_dossier, make_entity, make_product

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _certified(world, day=dt.date(2025, 8, 1), target=80):
    """A Thái Nguyên round on `day` certifying a product of an entity with a member user; returns
    (round, entry, certificate, entity user)."""
    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    entity = make_entity(_unit(Era.LEGACY, Level.COMMUNE, "01888"))
    owner = User.objects.create(
        username=f"chuthe.{entity.pk}", role=Role.ENTITY_USER, email=f"ct{entity.pk}@example.vn"
    )
    EntityMember.objects.create(user=owner, entity=entity)
    product = make_product(entity)
    product.classification_code = "148-1.1.1"
    product.save()
    dossier = make_dossier(product, categories=required_categories(product), status="complete")
    SelfAssessment.objects.create(dossier=dossier, criteria_set_code="148-1.1.1", declared_total=80)
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=day)
    entry = svc.do_add_product(officer, round_, product)
    council = _members(round_, officer)
    chair = council[0]
    sheet = entry.criteria_set.parsed
    for u in council:
        svc.do_submit_score(u, entry, choices_for_total(sheet, target))
    svc.do_close_round(chair, round_)
    entry.refresh_from_db()
    return round_, entry, entry.certificate, owner


# --- 1. expiry and notices ------------------------------------------------------------------------


def test_notice_30_days_before_once_by_mail_and_in_app(world):
    _r, entry, cert, owner = _certified(world)
    assert cert.valid_until == dt.date(2028, 8, 1)
    assert certificates.notice_due_on(cert) == dt.date(2028, 7, 2)
    mail.outbox.clear()
    assert certificates.run_certificate_notices(dt.date(2028, 7, 1)).notified == []
    run = certificates.run_certificate_notices(dt.date(2028, 7, 2))
    assert run.notified == [cert.pk] and run.expired == []
    assert CertificateNotice.objects.filter(certificate=cert, kind="expiry_notice").count() == 1
    assert len(mail.outbox) == 1
    to = set(mail.outbox[0].to)
    assert owner.email in to and world["tinh.thainguyen"].email in to
    assert "01/08/2028" in mail.outbox[0].subject
    assert (
        Notification.objects.filter(user=owner, url=reverse("evaluation:certificate_detail", args=[cert.pk])).count()
        == 1
    )
    assert Notification.objects.filter(user=world["tinh.thainguyen"]).exists()
    assert not Notification.objects.filter(user=world["tinh.hatinh"]).exists()
    assert AuditEntry.objects.filter(action="ocop.evaluation.certificate.expiry_notice_sent").count() == 1
    # again (and later days): nothing twice
    assert certificates.run_certificate_notices(dt.date(2028, 7, 2)).notified == []
    assert certificates.run_certificate_notices(dt.date(2028, 7, 20)).notified == []
    assert len(mail.outbox) == 1


def test_failed_mail_is_rolled_back_and_retried(world, monkeypatch):
    _r, _e, cert, _owner = _certified(world)

    def boom(*a, **k):
        raise OSError("mail server down")

    monkeypatch.setattr(certificates, "send_mail", boom)
    run = certificates.run_certificate_notices(dt.date(2028, 7, 10))
    assert run.failed and not CertificateNotice.objects.exists()
    monkeypatch.undo()
    assert certificates.run_certificate_notices(dt.date(2028, 7, 10)).notified == [cert.pk]


def test_expiry_marks_certificate_and_product(world):
    _r, entry, cert, _owner = _certified(world)
    assert certificates.run_certificate_notices(dt.date(2028, 7, 31)).expired == []
    run = certificates.run_certificate_notices(dt.date(2028, 8, 1))
    assert run.expired == [cert.pk]
    cert.refresh_from_db()
    entry.product.refresh_from_db()
    assert cert.status == CertificateStatus.EXPIRED and entry.product.status == ProductStatus.EXPIRED
    assert entry.product.status_changes.last().to_status == ProductStatus.EXPIRED
    assert AuditEntry.objects.filter(action="ocop.evaluation.certificate.expired").count() == 1
    assert certificates.run_certificate_notices(dt.date(2028, 8, 2)).expired == []


def test_management_command(world):
    _r, _e, cert, _owner = _certified(world)
    call_command("expire_certificates", "--date", "01/08/2028")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.EXPIRED


def test_daily_task_requeues_itself_at_seven(world):
    from ocop.evaluation.tasks import certificate_notices

    result = certificates.schedule_daily_certificate_notices(dt.datetime(2026, 11, 29, 10, 0, tzinfo=VN))
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.run_after == dt.datetime(2026, 11, 30, 7, 0, tzinfo=VN)
    certificate_notices.call()
    rows = DBTaskResult.objects.filter(task_path=row.task_path).exclude(pk=row.pk)
    assert rows.count() == 1
    local = rows.get().run_after.astimezone(VN)
    assert local.time() == dt.time(7, 0) and local > dt.datetime.now(VN)


# --- 2. renewal and upgrade applications ----------------------------------------------------------


def test_renewal_window_and_upgrade_stars(world):
    _r, entry, cert, owner = _certified(world)
    assert cert.stars == 4
    with pytest.raises(ValidationError):
        svc.do_submit_application(owner, cert, "renewal", today=dt.date(2028, 1, 31))
    with pytest.raises(ValidationError):
        svc.do_submit_application(owner, cert, "upgrade", requested_stars=4, today=dt.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):
        svc.do_submit_application(world["tinh.thainguyen"], cert, "upgrade", requested_stars=5)
    with pytest.raises(PermissionDenied):
        svc.do_submit_application(world["chuthe.demo"], cert, "upgrade", requested_stars=5)
    app = svc.do_submit_application(owner, cert, "renewal", today=dt.date(2028, 2, 1))
    assert app.status == ApplicationStatus.SUBMITTED
    with pytest.raises(ValidationError):  # one pending application per product
        svc.do_submit_application(owner, cert, "upgrade", requested_stars=5, today=dt.date(2028, 2, 1))
    assert list(svc.readable_applications(owner)) == [app]
    assert list(svc.readable_applications(world["tinh.thainguyen"])) == [app]
    assert list(svc.readable_applications(world["tinh.hatinh"])) == []
    assert list(svc.readable_applications(world["chuthe.demo"])) == []


def test_application_views(client, world):
    _r, entry, cert, owner = _certified(world)
    client.force_login(owner)
    page = client.get(reverse("evaluation:certificate_detail", args=[cert.pk])).content.decode()
    assert 'data-testid="apply-form"' in page
    response = client.post(
        reverse("evaluation:application_new", args=[cert.pk]), {"kind": "upgrade", "requested_stars": "5"}
    )
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.kind == "upgrade" and app.requested_stars == 5 and app.created_by == owner
    assert "Đánh giá nâng hạng sao" in client.get(reverse("evaluation:application_list")).content.decode()
    client.force_login(world["chuthe.demo"])
    assert client.post(reverse("evaluation:application_new", args=[cert.pk]), {"kind": "upgrade"}).status_code == 404
    assert "Đánh giá nâng hạng sao" not in client.get(reverse("evaluation:application_list")).content.decode()
    client.force_login(world["tinh.thainguyen"])
    assert client.post(reverse("evaluation:application_new", args=[cert.pk]), {"kind": "upgrade"}).status_code == 403
    assert "Đánh giá nâng hạng sao" in client.get(reverse("evaluation:application_list")).content.decode()


def test_certified_product_needs_an_application_to_be_added(world):
    officer = world["tinh.thainguyen"]
    _r, entry, cert, owner = _certified(world)
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    again = svc.do_create_round(officer, name="Kỳ 2", level="province", unit=tn, held_on=dt.date(2025, 9, 1))
    assert entry.product not in svc.product_choices_for(again)
    with pytest.raises(ValidationError):
        svc.do_add_product(officer, again, entry.product)
    app = svc.do_submit_application(owner, cert, "upgrade", requested_stars=5)
    assert entry.product in svc.product_choices_for(again)
    svc.do_add_product(officer, again, entry.product)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACCEPTED and app.round == again


def test_downgrade_by_re_evaluation(world):
    officer = world["tinh.thainguyen"]
    _r, entry, old, owner = _certified(world, target=80)
    assert old.stars == 4
    svc.do_submit_application(owner, old, "upgrade", requested_stars=5)
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    again = svc.do_create_round(officer, name="Kỳ 2", level="province", unit=tn, held_on=dt.date(2025, 9, 1))
    new_entry = svc.do_add_product(officer, again, entry.product)
    council = _members(again, officer)
    chair = council[0]
    for u in council:
        svc.do_submit_score(u, new_entry, choices_for_total(new_entry.criteria_set.parsed, 60))
    svc.do_close_round(chair, again)
    old.refresh_from_db()
    new = Certificate.objects.get(round_product=new_entry)
    assert new.stars == 3 and new.status == CertificateStatus.VALID
    assert old.status == CertificateStatus.SUPERSEDED
    assert list(entry.product.certificates.filter(status=CertificateStatus.VALID)) == [new]


# --- 3. advisory group ----------------------------------------------------------------------------


def test_advisor_reads_but_cannot_score(client, world):
    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    product = make_product(make_entity(_unit(Era.LEGACY, Level.COMMUNE, "01888")), status=ProductStatus.IN_EVALUATION)
    dossier = make_dossier(product, status="complete")
    from ocop.evaluation.models import CriteriaSet

    entry = RoundProduct.objects.create(
        round=round_,
        product=product,
        dossier=dossier,
        added_by=officer,
        criteria_set=CriteriaSet.objects.for_classification("148-1.1.1", round_.held_on),
    )
    advisor = User.objects.create(username="tuvan.1", role=Role.COUNCIL_MEMBER, scope_unit=officer.scope_unit)
    svc.do_add_seat(officer, round_, advisor, "advisor")
    assert list(svc.readable_rounds(advisor)) == [round_]
    assert all(p["seat"].user_id != advisor.pk for p in svc.progress(round_))
    with pytest.raises(PermissionDenied):
        svc.do_submit_score(advisor, entry, choices_for_total(entry.criteria_set.parsed, 60))
    client.force_login(advisor)
    assert client.get(reverse("evaluation:round_detail", args=[round_.pk])).status_code == 200
    detail = client.get(reverse("evaluation:entry_detail", args=[entry.pk]))
    assert (
        detail.status_code == 200 and reverse("evaluation:score_sheet", args=[entry.pk]) not in detail.content.decode()
    )
    assert (
        reverse("evaluation:score_sheet", args=[entry.pk])
        not in client.get(reverse("evaluation:round_detail", args=[round_.pk])).content.decode()
    )
    assert client.get(reverse("evaluation:score_sheet", args=[entry.pk])).status_code == 403
    assert client.post(reverse("evaluation:score_sheet", args=[entry.pk]), {}).status_code == 403


def test_round_page_follows_each_sheet_and_the_closing(client, world):
    """The round page's products table is cached under a digest of what it shows (issue 17): a
    member's own sheet, the council's progress and the results show on the very next request, and
    one member never sees another's sheet as their own."""
    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    product = make_product(make_entity(_unit(Era.LEGACY, Level.COMMUNE, "01888")))
    product.classification_code = "148-1.1.1"
    product.save()
    dossier = make_dossier(product, categories=required_categories(product), status="complete")
    SelfAssessment.objects.create(dossier=dossier, criteria_set_code="148-1.1.1", declared_total=80)
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    entry = svc.do_add_product(officer, round_, product)
    chair, secretary, member = _members(round_, officer)
    url = reverse("evaluation:round_detail", args=[round_.pk])
    sheet_link = f'data-testid="sheet-{entry.pk}">'

    def page(user):
        client.force_login(user)
        return client.get(url).content.decode()

    assert sheet_link + "Chấm điểm<" in page(member) and sheet_link + "Chấm điểm<" in page(chair)
    # a member who withdrew from this product sees that, not a sheet to fill (the others still do)
    extra = User.objects.create(username="thanhvien.rut", role=Role.COUNCIL_MEMBER, scope_unit=officer.scope_unit)
    svc.do_add_seat(officer, round_, extra, "member")
    recusal = svc.do_recuse(extra, entry, "Người thân của chủ thể")
    html = page(extra)
    assert sheet_link not in html and "<td>Không tham gia chấm</td>" in html
    assert sheet_link + "Chấm điểm<" in page(member)
    recusal.delete()  # the rest of this test counts three members' sheets
    CouncilSeat.objects.filter(round=round_, user=extra).delete()
    svc.do_submit_score(member, entry, choices_for_total(entry.criteria_set.parsed, 80))
    html = page(member)
    assert sheet_link + "Đã chấm: 80" in html and "1/1 sản phẩm đã chấm" in html
    assert sheet_link + "Chấm điểm<" in page(chair)  # the chair has not scored yet
    for u in (chair, secretary):
        svc.do_submit_score(u, entry, choices_for_total(entry.criteria_set.parsed, 80))
    assert sheet_link + "Đã chấm: 80" in page(chair)
    svc.do_close_round(chair, round_)
    html = page(member)
    assert sheet_link not in html
    assert f'data-testid="score-{entry.pk}">80' in html and f'data-testid="stars-{entry.pk}">4 ★' in html
    # a closed round's progress cannot change: the next views count no sheets again
    with CaptureQueriesContext(connection) as queries:
        html = page(chair)
    assert html.count("1/1 sản phẩm đã chấm, 0 không tham gia") == 3
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"] and "evaluation_" in q["sql"]]


# --- 4. criteria browser --------------------------------------------------------------------------


def test_criteria_browser_for_central_users(client, world):
    import copy

    from ocop.evaluation.models import CriteriaSet

    cs = CriteriaSet.objects.for_classification("148-1.1.1", dt.date(2025, 8, 1))
    skeleton = CriteriaSet.objects.filter(structure_only=True).first()
    data = copy.deepcopy(cs.definition)
    data["parts"][0]["groups"][0]["criteria"][0]["confirmed"] = False
    data["parts"][0]["groups"][0]["criteria"][1]["options"][1]["confirmed"] = False
    cs.pk, cs.version, cs.definition = None, 99, data
    cs.save()
    client.force_login(world["tw.canbo"])
    index = client.get(reverse("evaluation:criteria_index")).content.decode()
    assert reverse("evaluation:criteria_set_detail", args=[cs.pk]) in index
    assert f'data-testid="structure-only-{skeleton.pk}">Có' in index
    page = client.get(reverse("evaluation:criteria_set_detail", args=[cs.pk])).content.decode()
    assert page.count("[?] chưa đối chiếu văn bản gốc") == 3  # criterion, option, bonus rule
    assert "Nguồn gốc sản phẩm" in page
    assert client.get(reverse("evaluation:criteria_set_detail", args=[skeleton.pk])).status_code == 200
    client.force_login(world["tinh.thainguyen"])
    assert client.get(reverse("evaluation:criteria_index")).status_code == 403
    assert client.get(reverse("evaluation:criteria_set_detail", args=[cs.pk])).status_code == 403
