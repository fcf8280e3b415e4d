"""Entities and products: registration through the pages, edits, status history and the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ocop.audit.models import AuditEntry
from ocop.products import services as svc
from ocop.products.models import Entity, EntityMember, Product, ProductStatus

pytestmark = pytest.mark.django_db

ENTITY_POST = {
    "kind": "htx",
    "name": "HTX Chè Đức Xuân mới",
    "registration_number": "4701-0099",
    "address": "Tổ 3",
    "commune_code": "01840",
    "representative_name": "Lý Thị Hoa",
    "representative_title": "Giám đốc",
    "phone": "0912 000 111",
    "email": "",
}


def test_entity_user_registers_an_entity_and_a_product(client, demo_users):
    user = demo_users["chuthe.demo"]
    client.force_login(user)
    response = client.post(reverse("products:entity_new"), ENTITY_POST)
    assert response.status_code == 302, response.content.decode()[:2000]
    entity = Entity.objects.get(registration_number="4701-0099")
    assert entity.unit.code == "01840" and entity.unit.era == "current"
    assert EntityMember.objects.filter(user=user, entity=entity, role="owner").exists()
    response = client.post(
        reverse("products:product_new", args=[entity.pk]),
        {"name": "Chè búp khô", "sector": "do_uong", "classification_code": "Chè, trà", "description": "Thử"},
    )
    assert response.status_code == 302
    product = Product.objects.get(name="Chè búp khô")
    assert product.status == ProductStatus.REGISTERED and product.unit == entity.unit
    assert product.classification_instrument == "QĐ 148/QĐ-TTg"
    assert list(product.status_changes.values_list("to_status", flat=True)) == ["registered"]
    assert AuditEntry.objects.filter(
        action="ocop.products.entity.created", object_id=str(entity.pk), actor=user
    ).exists()
    assert AuditEntry.objects.filter(
        action="ocop.products.product.created", object_id=str(product.pk), actor=user
    ).exists()


def test_entity_user_cannot_register_an_entity_outside_their_commune(client, demo_users):
    client.force_login(demo_users["chuthe.demo"])
    data = dict(ENTITY_POST, commune_code="01888", legacy="on")  # Chợ Rã, Bắc Kạn (legacy)
    response = client.post(reverse("products:entity_new"), data)
    assert response.status_code == 200
    assert "nằm ngoài phạm vi tài khoản" in response.content.decode()
    assert not Entity.objects.filter(registration_number="4701-0099").exists()


def test_bad_entity_input_returns_vietnamese_messages(client, demo_users, sets):
    client.force_login(demo_users["tinh.thainguyen"])
    data = dict(ENTITY_POST, commune_code="12", registration_number=sets["own"]["entity"].registration_number)
    html = client.post(reverse("products:entity_new"), data).content.decode()
    assert "mã cấp xã có 5 chữ số" in html
    data = dict(ENTITY_POST, registration_number=sets["own"]["entity"].registration_number)
    html = client.post(reverse("products:entity_new"), data).content.decode()
    assert "đã có trong hệ thống" in html
    html = client.post(reverse("products:entity_new"), dict(ENTITY_POST, commune_code="99999")).content.decode()
    assert "Không có xã, phường hiện hành mã “99999”" in html


def test_status_changes_are_recorded_and_audited(client, sets, demo_users):
    officer = demo_users["tinh.thainguyen"]
    product = sets["own"]["product"]
    client.force_login(officer)
    response = client.post(
        reverse("products:product_status", args=[product.pk]), {"status": "in_evaluation", "reason": "Kỳ đánh giá 2026"}
    )
    assert response.status_code == 302
    svc.do_change_product_status(officer, product, ProductStatus.CERTIFIED, reason="Quyết định số 12/QĐ-UBND")
    product.refresh_from_db()
    assert product.status == ProductStatus.CERTIFIED
    history = list(product.status_changes.values_list("from_status", "to_status", "by", "reason"))
    assert history[-2:] == [
        ("registered", "in_evaluation", officer.pk, "Kỳ đánh giá 2026"),
        ("in_evaluation", "certified", officer.pk, "Quyết định số 12/QĐ-UBND"),
    ]
    entries = AuditEntry.objects.filter(
        action="ocop.products.product.status_changed", object_id=str(product.pk)
    ).order_by("id")
    assert [(e.before, e.after, e.reason) for e in entries] == [
        ({"status": "registered"}, {"status": "in_evaluation"}, "Kỳ đánh giá 2026"),
        ({"status": "in_evaluation"}, {"status": "certified"}, "Quyết định số 12/QĐ-UBND"),
    ]
    assert all(e.unit_id == product.unit_id for e in entries)
    html = client.get(reverse("products:product_detail", args=[product.pk])).content.decode()
    assert "Quyết định số 12/QĐ-UBND" in html


def test_status_rules(sets, demo_users):
    officer = demo_users["tinh.thainguyen"]
    product = sets["own"]["product"]
    with pytest.raises(ValidationError):
        svc.do_change_product_status(
            officer, product, ProductStatus.CERTIFIED, reason="x"
        )  # registered → certified skips evaluation
    with pytest.raises(ValidationError):
        svc.do_change_product_status(officer, product, ProductStatus.IN_EVALUATION, reason=" ")
    for who in ("chuthe.demo", "xa.ducxuan", "tinh.hatinh", "tw.canbo"):
        with pytest.raises(PermissionDenied):
            svc.do_change_product_status(demo_users[who], product, ProductStatus.IN_EVALUATION, reason="x")
    svc.do_change_product_status(demo_users["tw.quantri"], product, ProductStatus.IN_EVALUATION, reason="x")


def test_entity_cannot_edit_a_certified_product_but_the_officer_can(client, sets, demo_users):
    product = sets["own"]["product"]
    product.status = ProductStatus.CERTIFIED
    product.save()
    client.force_login(demo_users["chuthe.demo"])
    assert client.get(reverse("products:product_edit", args=[product.pk])).status_code == 403
    client.force_login(demo_users["tinh.thainguyen"])
    response = client.post(
        reverse("products:product_edit", args=[product.pk]),
        {"name": "Tên mới", "sector": "thuc_pham", "version": product.version},
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Tên mới" and product.status == ProductStatus.CERTIFIED
    entry = AuditEntry.objects.get(action="ocop.products.product.changed", object_id=str(product.pk))
    assert entry.before["name"] != "Tên mới" and entry.after["name"] == "Tên mới"


def test_stale_edit_is_refused(client, sets, demo_users):
    entity = sets["own"]["entity"]
    client.force_login(demo_users["chuthe.demo"])
    data = dict(ENTITY_POST, registration_number=entity.registration_number, version=entity.version)
    assert client.post(reverse("products:entity_edit", args=[entity.pk]), data).status_code == 302
    html = client.post(reverse("products:entity_edit", args=[entity.pk]), data).content.decode()
    assert "vừa được người khác sửa" in html


def test_officer_links_an_entity_user(client, sets, demo_users):
    from ocop.accounts.models import Role, User

    newcomer = User.objects.create(
        username="chuthe.moi", role=Role.ENTITY_USER, scope_unit=sets["neighbour"]["entity"].unit
    )
    client.force_login(demo_users["tinh.thainguyen"])
    entity = sets["neighbour"]["entity"]
    response = client.post(
        reverse("products:entity_member_add", args=[entity.pk]), {"username": "chuthe.moi", "role": "staff"}
    )
    assert response.status_code == 302
    assert EntityMember.objects.filter(user=newcomer, entity=entity, role="staff").exists()
    assert set(svc.readable_entities(newcomer).values_list("pk", flat=True)) == {entity.pk}
    html = client.post(
        reverse("products:entity_member_add", args=[entity.pk]),
        {"username": "tinh.hatinh", "role": "owner"},
        follow=True,
    ).content.decode()
    assert "Không có tài khoản chủ thể OCOP" in html


def test_pages_render_for_each_kind_of_user(client, sets, demo_users):
    for username in ("chuthe.demo", "tinh.thainguyen", "xa.ducxuan", "tw.canbo", "huyen.babe"):
        client.force_login(demo_users[username])
        for name in ("products:index", "products:entity_list", "products:product_list"):
            response = client.get(reverse(name), follow=True)
            assert response.status_code == 200, (username, name)
    client.force_login(demo_users["chuthe.demo"])
    html = client.get(reverse("products:index")).content.decode()
    assert "Chủ thể của tôi" in html and "Đăng ký sản phẩm" in html


def test_product_classification_is_chosen_from_the_evaluation_data(client, sets, demo_users):
    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.models import Classification

    load_criteria()
    tea = Classification.objects.get(code="148-1.5.1")
    entity = sets["own"]["entity"]
    client.force_login(demo_users["chuthe.demo"])
    html = client.get(reverse("products:product_new", args=[entity.pk])).content.decode()
    assert "1.5.1 Chè tươi, chè chế biến" in html and 'name="classification_code"' not in html
    response = client.post(
        reverse("products:product_new", args=[entity.pk]),
        {"name": "Chè móc câu", "sector": "do_uong", "classification": tea.pk},
    )
    assert response.status_code == 302
    product = Product.objects.get(name="Chè móc câu")
    assert product.classification == tea and product.classification_code == "148-1.5.1"
    assert (
        product.classification_instrument == "QĐ 148/QĐ-TTg" and product.sector == "thuc_pham"
    )  # tea is food under QĐ 148


def test_entity_user_cannot_file_a_product_in_another_province(client, sets, demo_users):
    entity = sets["own"]["entity"]
    client.force_login(demo_users["chuthe.demo"])
    far = sets["ha_tinh"]["entity"].unit
    response = client.post(
        reverse("products:product_new", args=[entity.pk]),
        {"name": "Sản phẩm xa", "sector": "thuc_pham", "commune_code": far.code},
    )
    assert response.status_code == 200 and "nằm ngoài phạm vi tài khoản" in response.content.decode()
    assert not Product.objects.filter(name="Sản phẩm xa").exists()


def test_deleting_an_entity_and_a_product_keeps_them_for_the_trail(demo_users, sets):
    """Soft delete (ocop.lib.records.VersionedRecord.soft_delete): gone from the lists, kept with a new
    version, the reason in the audit trail; only an officer covering the unit may delete; a reason is needed."""
    officer, owner, other = demo_users["tinh.thainguyen"], demo_users["chuthe.demo"], demo_users["tinh.hatinh"]
    entity, product = sets["own"]["entity"], sets["own"]["product"]
    with pytest.raises(ValidationError):
        svc.do_delete_product(officer, product, reason="  ")
    with pytest.raises(PermissionDenied):
        svc.do_delete_product(other, product, reason="Trùng")
    with pytest.raises(PermissionDenied):
        svc.do_delete_entity(owner, entity, reason="Trùng")
    version = product.version
    svc.do_delete_product(officer, product, reason="Đăng ký trùng")
    product.refresh_from_db()
    assert product.deleted_at is not None and product.version == version + 1
    assert not Product.objects.alive().filter(pk=product.pk).exists()
    entry = AuditEntry.objects.get(action="ocop.products.product.deleted", object_id=str(product.pk))
    assert entry.actor == officer and entry.reason == "Đăng ký trùng"
    svc.do_delete_entity(officer, entity, reason="Giải thể")
    assert not Entity.objects.alive().filter(pk=entity.pk).exists()
    assert AuditEntry.objects.filter(
        action="ocop.products.entity.deleted", object_id=str(entity.pk), reason="Giải thể"
    ).exists()
