"""Report submission and product registration through the API: the same services, rules, version
checks and audit as the web forms; a province token cannot read or write another province's data."""

from __future__ import annotations

import pytest

from ocop.audit.models import AuditEntry
from ocop.front.tests.test_scope_walk import products_objects, reporting_objects
from ocop.products.models import Product, ProductStatus
from ocop.reporting.models import Submission, SubmissionStatus
from ocop.reporting.tests.conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(demo_users):
    return reporting_objects(demo_users)


def test_a_province_token_cannot_read_another_provinces_drafts(api, tokens, rep):
    ha_tinh = api(tokens["tinh.hatinh"])
    draft = rep["sub06"]  # Bắc Kạn's draft, kept by Thái Nguyên
    assert draft.status == SubmissionStatus.DRAFT
    assert ha_tinh.get(f"/reports/submissions/{draft.pk}").status_code == 404
    listed = ha_tinh.get("/reports/submissions", {"limit": 200}).json()["items"]
    assert draft.pk not in {s["id"] for s in listed} and {s["unit"]["code"] for s in listed} == {"42"}
    assert draft.pk not in {
        s["id"] for s in ha_tinh.get("/reports/submissions", {"request_id": rep["seed"].pk}).json()["items"]
    }
    before = Submission.objects.get(pk=draft.pk).data
    response = ha_tinh.patch(
        f"/reports/submissions/{draft.pk}", {"lock_version": draft.lock_version, "values": {"direction_text": "x"}}
    )
    assert response.status_code == 404
    assert (
        ha_tinh.post(f"/reports/submissions/{draft.pk}/submit", {"lock_version": draft.lock_version}).status_code == 404
    )
    assert (
        ha_tinh.post("/reports/submissions", {"request_id": rep["seed"].pk, "unit_id": rep["bac_kan"].pk}).status_code
        == 404
    )
    assert Submission.objects.get(pk=draft.pk).data == before
    # the owner reads it
    own = api(tokens["tinh.thainguyen"]).get(f"/reports/submissions/{draft.pk}")
    assert own.status_code == 200 and own.json()["unit"]["code"] == "06"


def test_submitting_a_report_through_the_api(api, tokens, rep, django_capture_on_commit_callbacks):
    c = api(tokens["tinh.thainguyen"])
    sub = rep["sub06"]
    detail = c.get(f"/reports/submissions/{sub.pk}").json()
    assert detail["editable"] and detail["issues"], "the pre-filled draft is not yet complete"
    version = detail["lock_version"]
    # a bad value anywhere: nothing saved, each problem named
    bad = c.patch(
        f"/reports/submissions/{sub.pk}",
        {
            "lock_version": version,
            "values": {
                "direction_text": "Đã ban hành",
                "products_3star": "ba",
                "no_such_field": 1,
                "activities": [{"nope": 1}],
            },
        },
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"products_3star", "no_such_field"} <= fields
    assert Submission.objects.get(pk=sub.pk).lock_version == version
    # Vietnamese number formats, as on the web form
    saved = c.patch(f"/reports/submissions/{sub.pk}", {"lock_version": version, "values": {"products_3star": "1.000"}})
    assert saved.status_code == 200 and saved.json()["data"]["products_3star"] == 1000
    assert saved.json()["source"] == "api" and saved.json()["lock_version"] == version + 1
    # a stale version is a conflict, nothing saved
    stale = c.patch(f"/reports/submissions/{sub.pk}", {"lock_version": version, "values": {"products_3star": 2}})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Submission.objects.get(pk=sub.pk).data["products_3star"] == 1000
    # submitting an invalid report lists the template's problems
    version += 1
    refused = c.post(f"/reports/submissions/{sub.pk}/submit", {"lock_version": version})
    assert refused.status_code == 422 and refused.json()["errors"]
    fresh = Submission.objects.get(pk=sub.pk)
    ok = c.patch(f"/reports/submissions/{sub.pk}", {"lock_version": version, "values": complete(fresh)})
    assert ok.status_code == 200 and ok.json()["issues"] == []
    with django_capture_on_commit_callbacks(execute=True):
        done = c.post(f"/reports/submissions/{sub.pk}/submit", {"lock_version": ok.json()["lock_version"]})
    assert done.status_code == 200 and done.json()["status"] == "submitted" and not done.json()["editable"]
    assert AuditEntry.objects.filter(action="ocop.report.submitted", object_id=str(sub.pk)).exists()
    assert AuditEntry.objects.filter(action="ocop.report.draft_saved", object_id=str(sub.pk)).count() >= 2
    again = c.patch(f"/reports/submissions/{sub.pk}", {"lock_version": done.json()["lock_version"], "values": {}})
    assert again.status_code == 422  # submitted: no longer editable


def test_opening_a_report_and_who_may_write(api, tokens, rep):
    from ocop.geo.models import AdminUnit, Era, Level

    c = api(tokens["tinh.thainguyen"])
    old_thai_nguyen = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="19")
    created = c.post("/reports/submissions", {"request_id": rep["seed"].pk, "unit_id": old_thai_nguyen.pk})
    assert (
        created.status_code == 201 and created.json()["status"] == "draft" and created.json()["prefilled"] is not None
    )
    assert (
        c.post("/reports/submissions", {"request_id": rep["seed"].pk, "unit_id": old_thai_nguyen.pk}).status_code == 200
    )
    request = c.get(f"/reports/requests/{rep['seed'].pk}").json()
    assert {u["unit"]["code"] for u in request["my_units"]} == {"06", "19"}
    # central officers read every report but do not fill them in
    central = api(tokens["tw.canbo"])
    assert central.get(f"/reports/submissions/{rep['sub06'].pk}").status_code == 200
    assert (
        central.patch(f"/reports/submissions/{rep['sub06'].pk}", {"lock_version": 1, "values": {}}).status_code == 403
    )


def test_registering_a_product_through_the_api(api, tokens, demo_users):
    prod = products_objects(demo_users)
    owner = api(tokens["chuthe.demo"])
    entity = prod["own"]["entity"]
    response = owner.post(
        "/products",
        {
            "entity_id": entity.pk,
            "name": "Miến dong Đức Xuân",
            "sector": "thuc_pham",
            "description": "Miến dong làm thủ công",
            "registered_on": "2026-01-05",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered" and body["unit"]["code"] == entity.unit.code
    assert body["classification_instrument"] == "QĐ 148/QĐ-TTg"
    product = Product.objects.get(pk=body["id"])
    assert product.created_by == demo_users["chuthe.demo"] and product.status == ProductStatus.REGISTERED
    assert AuditEntry.objects.filter(action="ocop.products.product.created", object_id=str(product.pk)).exists()
    assert owner.get(f"/products/{product.pk}").status_code == 200
    # a neighbour's entity in the same ward: out of reach
    count = Product.objects.count()
    assert owner.post("/products", {"entity_id": prod["neighbour"]["entity"].pk, "name": "X"}).status_code == 404
    # another province's officer cannot register for a Thái Nguyên entity; a council member has no such right
    assert api(tokens["tinh.hatinh"]).post("/products", {"entity_id": entity.pk, "name": "X"}).status_code == 404
    assert api(tokens["hoidong.thainguyen"]).post("/products", {"entity_id": entity.pk, "name": "X"}).status_code == 403
    # bad input: clear Vietnamese messages naming the field
    bad = owner.post("/products", {"entity_id": entity.pk, "name": "X", "commune_code": "12"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "commune_code"
    future = owner.post("/products", {"entity_id": entity.pk, "name": "X", "registered_on": "2999-01-01"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "registered_on"
    far = owner.post(
        "/products", {"entity_id": entity.pk, "name": "X", "commune_code": prod["ha_tinh"]["entity"].unit.code}
    )
    assert far.status_code == 422 and far.json()["errors"][0]["field"] == "commune_code"
    assert Product.objects.count() == count
