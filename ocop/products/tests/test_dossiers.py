"""Completeness check, submission, verification, self-assessment and new dossier versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ocop.audit.models import AuditEntry
from ocop.products import services as svc
from ocop.products.models import DossierCategory as C
from ocop.products.models import DossierStatus, Sector
from ocop.products.tests.factories import make_dossier, make_product

pytestmark = pytest.mark.django_db

FOOD_REQUIRED = [
    C.REGISTRATION_FORM,
    C.BUSINESS_PLAN,
    C.BUSINESS_REGISTRATION,
    C.QUALITY_DECLARATION,
    C.PRODUCT_STORY,
    C.FOOD_SAFETY,
]


def test_completeness_check_lists_the_missing_categories_in_vietnamese(sets):
    dossier = sets["own"]["dossier"]  # only the registration form
    missing = svc.completeness_check(dossier)
    assert "Phương án, dự án sản xuất kinh doanh (biểu 03)" in missing
    assert "Câu chuyện sản phẩm" in missing
    assert "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm" in missing  # food product
    assert any("Tự đánh giá" in m for m in missing)  # QĐ 148
    assert not any("Phiếu đăng ký" in m for m in missing)


def test_requirements_depend_on_the_product_group_and_instrument(sets):
    entity = sets["own"]["entity"]
    tourism = make_product(entity, sector=Sector.DU_LICH, instrument="QĐ 1048/QĐ-TTg")
    d = make_dossier(tourism, [C.REGISTRATION_FORM, C.BUSINESS_PLAN, C.BUSINESS_REGISTRATION, C.PRODUCT_STORY])
    assert svc.completeness_check(d) == []  # no food safety, no quality declaration, no self-assessment before 148
    craft = make_product(entity, sector=Sector.THU_CONG)
    d2 = make_dossier(
        craft, [C.REGISTRATION_FORM, C.BUSINESS_PLAN, C.BUSINESS_REGISTRATION, C.QUALITY_DECLARATION, C.PRODUCT_STORY]
    )
    assert svc.completeness_check(d2) == [
        "Tự đánh giá của chủ thể theo QĐ 148/QĐ-TTg (nộp trực tuyến hoặc tải lên phiếu tự đánh giá)"
    ]


def test_incomplete_dossier_cannot_be_submitted(client, sets, demo_users):
    user = demo_users["chuthe.demo"]
    dossier = sets["own"]["dossier"]
    with pytest.raises(ValidationError) as exc:
        svc.do_submit_dossier(user, dossier)
    assert "Hồ sơ chưa đủ thành phần" in exc.value.messages[0]
    assert any("Câu chuyện sản phẩm" in m for m in exc.value.messages)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.submitted_at is None
    client.force_login(user)
    response = client.post(reverse("products:dossier_submit", args=[dossier.pk]), follow=True)
    html = response.content.decode()
    assert "Hồ sơ chưa đủ thành phần" in html and "Câu chuyện sản phẩm" in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_full_cycle_submit_verify_and_reopen(client, sets, demo_users):
    user, officer = demo_users["chuthe.demo"], demo_users["tinh.thainguyen"]
    dossier = sets["own"]["dossier"]
    from ocop.products.tests.factories import pdf_upload

    for cat in FOOD_REQUIRED[1:]:
        svc.do_upload_dossier_file(user, dossier, cat, pdf_upload(f"{cat}.pdf"))
    left = svc.completeness_check(dossier)
    assert len(left) == 1 and left[0].startswith("Tự đánh giá")  # only the self-assessment left
    client.force_login(user)
    response = client.post(
        reverse("products:self_assessment", args=[dossier.pk]),
        {"criteria_set_code": "QĐ 148/QĐ-TTg", "criteria_set_version": "Chè, trà", "declared_total": "72,5"},
    )
    assert response.status_code == 302
    assessment = dossier.self_assessments.get()
    assert str(assessment.declared_total) == "72.50" and assessment.total is None
    assert svc.completeness_check(dossier) == []
    response = client.post(reverse("products:dossier_submit", args=[dossier.pk]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and dossier.submitted_by == user
    # locked for the entity once submitted
    with pytest.raises(PermissionDenied):
        svc.do_upload_dossier_file(user, dossier, C.AWARDS, pdf_upload())
    # the entity cannot verify its own dossier; a commune officer cannot either
    for who in (user, demo_users["xa.ducxuan"]):
        with pytest.raises(PermissionDenied):
            svc.do_review_dossier(who, dossier, complete=True)
    with pytest.raises(ValidationError):
        svc.do_review_dossier(officer, dossier, complete=False, note="")
    svc.do_review_dossier(officer, dossier, complete=False, note="Bổ sung phiếu kiểm nghiệm")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.INCOMPLETE and dossier.editable
    svc.do_upload_dossier_file(user, dossier, C.TEST_REPORT, pdf_upload("kiem-nghiem.pdf"))
    svc.do_submit_dossier(user, dossier)
    client.force_login(officer)
    response = client.post(reverse("products:dossier_review", args=[dossier.pk]), {"decision": "complete", "note": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE and svc.dossier_ready_for_round(dossier)
    actions = list(
        AuditEntry.objects.filter(object_type="products.dossier", object_id=str(dossier.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count("ocop.products.dossier.submitted") == 2 and "ocop.products.dossier.reviewed" in actions
    assert "ocop.products.self_assessment.created" in actions
    # a new version carries the files over
    new = svc.do_open_dossier(user, dossier.product)
    assert new.number == 2 and new.status == DossierStatus.DRAFT
    assert set(new.live_files().values_list("category", flat=True)) == set(
        dossier.live_files().values_list("category", flat=True)
    )


def test_removed_files_no_longer_count(sets, demo_users):
    user = demo_users["chuthe.demo"]
    item = sets["own"]["file"]
    svc.do_remove_dossier_file(user, item)
    assert "Phiếu đăng ký sản phẩm tham gia đánh giá, phân hạng (biểu 01/02)" in svc.completeness_check(
        sets["own"]["dossier"]
    )
    assert not svc.readable_files(user).filter(pk=item.pk).exists()


def test_dossier_page_shows_categories_and_missing(client, sets, demo_users):
    client.force_login(demo_users["chuthe.demo"])
    html = client.get(reverse("products:dossier_detail", args=[sets["own"]["dossier"].pk])).content.decode()
    assert "Hồ sơ còn thiếu" in html and "Mã số, mã vạch" in html and 'data-testid="dossier-upload"' in html
    html = client.get(reverse("products:self_assessment", args=[sets["own"]["dossier"].pk])).content.decode()
    assert "Nộp tự đánh giá" in html


def test_online_self_assessment_is_scored_by_the_evaluation_app(client, sets, demo_users):
    """A fresh-fruit product (QĐ 148 subgroup 1.1.1, whose criteria set is loaded) gets the online
    form; the total comes from the evaluation app's scoring."""
    from ocop.evaluation import scoring
    from ocop.evaluation.loader import load_criteria
    from ocop.products import criteria

    load_criteria()
    product = make_product(sets["own"]["entity"], name="Bưởi kiểm thử")
    product.classification_code = "148-1.1.1"
    svc.apply_classification(product)
    product.save()
    assert product.classification.code == "148-1.1.1" and product.sector == Sector.THUC_PHAM
    dossier = make_dossier(product, FOOD_REQUIRED)
    sheet = criteria.criteria_set_for(product)
    assert sheet is not None and sheet.criteria
    client.force_login(demo_users["chuthe.demo"])
    html = client.get(reverse("products:self_assessment", args=[dossier.pk])).content.decode()
    assert sheet.criteria[0].label in html
    post = {"criteria_set_code": sheet.code, "criteria_set_version": sheet.version}
    choices = {c.code: c.options[-1].code for c in sheet.criteria if not c.bonus}
    incomplete = dict(post, **{f"c__{k}": v for k, v in list(choices.items())[1:]})
    assert client.post(reverse("products:self_assessment", args=[dossier.pk]), incomplete).status_code == 200
    assert not dossier.self_assessments.exists()
    response = client.post(
        reverse("products:self_assessment", args=[dossier.pk]), dict(post, **{f"c__{k}": v for k, v in choices.items()})
    )
    assert response.status_code == 302
    assessment = dossier.self_assessments.get()
    assert assessment.choices == choices and assessment.criteria_set_code == sheet.code
    assert assessment.total == scoring.member_total(sheet.source, choices).total and assessment.total is not None
    assert svc.completeness_check(dossier) == []
