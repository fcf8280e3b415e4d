"""Criteria data edited in the browser (a new version each time), forwarded products entering the
next level's round, and refused renewal/upgrade applications."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ocop.audit.models import AuditEntry
from ocop.evaluation import rounds as svc
from ocop.evaluation.certificates import ensure_daily_certificate_notices
from ocop.evaluation.loader import do_save_version, load_criteria
from ocop.evaluation.models import CriteriaSet, DataFile, StarScale, scale_on
from ocop.evaluation.models_rounds import Application, ApplicationStatus, RoundProduct
from ocop.evaluation.tests.test_rounds import _close_with, _unit
from ocop.geo.models import Era, Level
from ocop.notifications.models import Notification
from ocop.products.models import EntityMember, SelfAssessment, required_categories
from ocop.products.tests.factories import make_dossier

pytestmark = pytest.mark.django_db
SHEET = "148-1.1.1"  # classification node (Rau, củ, quả, hạt tươi)
SHEET_CODE = "ocop-148-rau-cu-qua-hat-tuoi"


@pytest.fixture
def world(demo_users):
    load_criteria()
    return demo_users


def _sheet_file() -> DataFile:
    return DataFile.objects.filter(code=SHEET_CODE).order_by("-version").first()


def _first_option_points(data):
    return data["parts"][0]["groups"][0]["criteria"][0]["options"]


def test_edit_makes_a_new_version_and_rounds_keep_the_old(world):
    admin = world["tw.quantri"]
    base = _sheet_file()
    old_set = CriteriaSet.objects.get(code=SHEET_CODE, version=base.version)
    data = copy.deepcopy(base.definition)
    data["title"] = data["title"] + " (đính chính)"
    record = do_save_version(admin, base, json.dumps(data, ensure_ascii=False), reason="Đính chính tên bộ tiêu chí")
    assert record.version == base.version + 1 and record.source == "admin" and record.loaded_by == admin
    new_set = CriteriaSet.objects.get(code=SHEET_CODE, version=record.version)
    assert new_set.title.endswith("(đính chính)") and new_set.source == "admin"
    assert CriteriaSet.objects.for_classification(SHEET, dt.date(2026, 1, 1)) == new_set
    # the loaded version is untouched, and loading the repository's files again changes nothing
    old_set.refresh_from_db()
    assert not old_set.title.endswith("(đính chính)")
    assert load_criteria().created == []
    entry = AuditEntry.objects.get(action="ocop.evaluation.data.versioned")
    assert entry.reason == "Đính chính tên bộ tiêu chí" and entry.after["version"] == record.version


def test_an_edit_is_checked_like_a_file_and_nothing_is_saved_on_error(world):
    admin = world["tw.quantri"]
    base = _sheet_file()
    before = DataFile.objects.count(), CriteriaSet.objects.count()
    broken = copy.deepcopy(base.definition)
    options = _first_option_points(broken)
    options[0]["points"] = 99  # part A would exceed its maximum (40 under QĐ 148)
    with pytest.raises(ValidationError) as exc:
        do_save_version(admin, base, json.dumps(broken), reason="thử")
    assert "definition" in exc.value.message_dict and "Tệp admin" not in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        do_save_version(admin, base, '{"kind": "sheet",\n "code": ', reason="thử")
    assert "dòng 2" in exc.value.message_dict["definition"][0]
    renamed = dict(base.definition, code="khac")
    with pytest.raises(ValidationError) as exc:
        do_save_version(admin, base, json.dumps(renamed), reason="thử")
    assert "code" in exc.value.message_dict["definition"][0]
    with pytest.raises(ValidationError) as exc:
        do_save_version(admin, base, json.dumps(base.definition), reason="thử")
    assert "không khác" in exc.value.message_dict["definition"][0]
    with pytest.raises(ValidationError) as exc:
        do_save_version(admin, base, json.dumps(dict(base.definition, title="x")), reason="  ")
    assert "reason" in exc.value.message_dict
    assert (DataFile.objects.count(), CriteriaSet.objects.count()) == before
    with pytest.raises(PermissionDenied):
        do_save_version(world["tw.canbo"], base, json.dumps(dict(base.definition, title="x")), reason="thử")


def test_star_thresholds_are_editable_data(world):
    admin = world["tw.quantri"]
    base = DataFile.objects.filter(kind="stars").order_by("-version").first()
    data = copy.deepcopy(base.definition)
    day = dt.date(2026, 3, 1)
    current = scale_on(day)
    scale = next(s for s in data["scales"] if s["code"] == current.code)
    scale.setdefault("note", "")
    scale["note"] = (scale["note"] + " sửa thử").strip()
    do_save_version(admin, base, json.dumps(data, ensure_ascii=False), reason="Ghi chú thang sao")
    assert StarScale.objects.filter(code=current.code).count() == 2
    assert StarScale.objects.filter(code=current.code).order_by("-version").first().version == base.version + 1


def test_instrument_maxima_cannot_break_loaded_sheets(world):
    admin = world["tw.quantri"]
    base = DataFile.objects.filter(kind="instruments").order_by("-version").first()
    data = copy.deepcopy(base.definition)
    inst = next(i for i in data["instruments"] if i.get("part_maxima") and i["code"].endswith("148"))
    inst["part_maxima"] = {"A": 30, "B": 35, "C": 35}
    with pytest.raises(ValidationError) as exc:
        do_save_version(admin, base, json.dumps(data, ensure_ascii=False), reason="thử")
    assert "không còn hợp lệ" in exc.value.message_dict["definition"][0]
    assert DataFile.objects.filter(kind="instruments").count() == 1
    assert CriteriaSet.objects.get(code=SHEET_CODE, version=1).parsed  # still parses


def test_edit_screen(client, world):
    base = _sheet_file()
    url = reverse("evaluation:criteria_data_edit", args=[base.pk])
    client.force_login(world["tw.canbo"])
    assert client.get(url).status_code == 403
    page = client.get(reverse("evaluation:criteria_index")).content.decode()
    assert "criteria_data_download" not in page and f"/criteria/data/{base.pk}/edit/" not in page
    client.force_login(world["tw.quantri"])
    assert f"/criteria/data/{base.pk}/edit/" in client.get(reverse("evaluation:criteria_index")).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and base.definition["title"] in response.content.decode()
    bad = client.post(url, {"definition": '{"kind": "sheet"', "reason": "thử"})
    assert bad.status_code == 400 and "JSON không hợp lệ" in bad.content.decode()
    assert "{&quot;kind&quot;: &quot;sheet&quot;" in bad.content.decode()  # what was typed is kept
    data = dict(base.definition, title="Bộ tiêu chí sửa trên giao diện")
    good = client.post(url, {"definition": json.dumps(data, ensure_ascii=False), "reason": "thử"})
    new_set = CriteriaSet.objects.get(code=SHEET_CODE, title="Bộ tiêu chí sửa trên giao diện")
    assert good.status_code == 302 and good["Location"] == reverse("evaluation:criteria_set_detail", args=[new_set.pk])
    download = client.get(reverse("evaluation:criteria_data_download", args=[base.pk]))
    assert json.loads(download.content)["code"] == SHEET_CODE and "attachment" in download["Content-Disposition"]


def _ready(product):
    """The forwarded product with its classification and a complete, verified dossier."""
    product.classification_code = SHEET
    product.save()
    dossier = make_dossier(product, categories=required_categories(product), status="complete")
    SelfAssessment.objects.create(dossier=dossier, criteria_set_code=SHEET, declared_total=75)
    return product


def test_forwarded_product_enters_the_next_level_round(world):
    ba_be = _unit(Era.LEGACY, Level.DISTRICT, "061")
    _r, four = _close_with(world, "district", ba_be, dt.date(2024, 5, 2), 75)
    assert four.forwarded_to == "province"
    product = _ready(four.product)
    bac_kan = _unit(Era.LEGACY, Level.PROVINCE, "06")
    officer = world["tinh.thainguyen"]
    province_round = svc.do_create_round(
        officer, name="Tỉnh 2024", level="province", unit=bac_kan, held_on=dt.date(2024, 6, 1)
    )
    assert RoundProduct.objects.filter(round=province_round, product=product).exists()
    assert list(svc.forwarded_waiting(province_round)) == []
    # a product the district did not forward (it certified 3★) is not added
    _r, three = _close_with(world, "district", ba_be, dt.date(2024, 5, 3), 60)
    assert three.certified
    assert not RoundProduct.objects.filter(round=province_round, product=three.product).exists()


def test_forwarded_button_on_the_round(client, world):
    ba_be = _unit(Era.LEGACY, Level.DISTRICT, "061")
    officer = world["tinh.thainguyen"]
    bac_kan = _unit(Era.LEGACY, Level.PROVINCE, "06")
    province_round = svc.do_create_round(
        officer, name="Tỉnh 2024", level="province", unit=bac_kan, held_on=dt.date(2024, 6, 1)
    )
    _r, four = _close_with(world, "district", ba_be, dt.date(2024, 5, 2), 75)
    _ready(four.product)
    client.force_login(officer)
    page = client.get(reverse("evaluation:round_detail", args=[province_round.pk])).content.decode()
    assert "forwarded-form" in page and four.product.name in page
    client.post(reverse("evaluation:forwarded_add", args=[province_round.pk]))
    assert RoundProduct.objects.filter(round=province_round, product=four.product).exists()


def _application(world):
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    _r, three = _close_with(world, "province", tn, dt.date(2025, 8, 1), 60)
    owner = world["chuthe.demo"]
    EntityMember.objects.create(user=owner, entity=three.product.entity, role="owner")
    return svc.do_submit_application(owner, three.certificate, "upgrade", requested_stars=4, today=dt.date(2025, 9, 1))


def test_reject_application_with_reason(client, world):
    application = _application(world)
    url = reverse("evaluation:application_reject", args=[application.pk])
    client.force_login(world["tinh.hatinh"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(world["tinh.thainguyen"])
    assert "reject-form-" in client.get(reverse("evaluation:application_list")).content.decode()
    client.post(url, {"reason": ""})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    client.post(url, {"reason": "Chưa bổ sung phiếu kiểm nghiệm mới"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.decided_by == world["tinh.thainguyen"]
    assert Notification.objects.filter(user=world["chuthe.demo"], text__contains="phiếu kiểm nghiệm").exists()
    assert AuditEntry.objects.filter(action="ocop.evaluation.application.rejected").count() == 1
    with pytest.raises(ValidationError):
        svc.do_reject_application(world["tinh.thainguyen"], application, "lần nữa")
    client.force_login(world["chuthe.demo"])
    page = client.get(reverse("evaluation:application_list")).content.decode()
    assert "Chưa bổ sung phiếu kiểm nghiệm mới" in page and "reject-form-" not in page
    with pytest.raises(PermissionDenied):
        svc.do_reject_application(
            world["chuthe.demo"],
            Application.objects.create(
                product=application.product, kind="upgrade", certificate=application.certificate, requested_stars=5
            ),
            "x",
        )


def test_daily_certificate_task_is_scheduled_once():
    from django_tasks_db.models import DBTaskResult

    assert ensure_daily_certificate_notices() is True
    assert ensure_daily_certificate_notices() is False
    assert DBTaskResult.objects.filter(task_path__endswith="certificate_notices", status="READY").count() == 1
