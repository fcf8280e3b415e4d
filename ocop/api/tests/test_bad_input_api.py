"""Issue 15, findings 5 and 6 through the API: dates only as bounded "YYYY-MM-DD" strings (a
registration from QĐ 490/QĐ-TTg of 07/5/2018 to today; no Unix numbers), and a body over the
request limit answered in JSON (413), not with the site's HTML 400 page."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.products.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(demo_users, api):
    from ocop.api.services.tokens import do_create_token
    from ocop.products.tests.factories import commune, make_entity

    entity = make_entity(commune("01840"), owner=demo_users["chuthe.demo"])
    _token, raw = do_create_token(demo_users["chuthe.demo"], "Khóa chủ thể")
    return entity, api(raw)


def test_the_api_takes_only_bounded_date_strings(owner_api):
    entity, api = owner_api
    for value, words in (
        ("0001-01-01", "07/05/2018"),
        (0, "YYYY-MM-DD"),
        ("2018-05-06", "490"),
        ("9999-12-31", "tương lai"),
        (1767225600, "YYYY-MM-DD"),
        ("05/01/2026", "YYYY-MM-DD"),
    ):
        response = api.post("/products", {"entity_id": entity.pk, "name": "Mật ong", "registered_on": value})
        assert response.status_code == 422, (value, response.status_code)
        body = response.json()
        assert body["errors"][0]["field"] == "registered_on" and words in body["errors"][0]["message"], (value, body)
    assert not Product.objects.filter(entity=entity).exists()
    ok = api.post("/products", {"entity_id": entity.pk, "name": "Mật ong", "registered_on": "2018-05-07"})
    assert ok.status_code == 201 and Product.objects.get(entity=entity).registered_on == dt.date(2018, 5, 7)
    for query in ("date=0", "date=1767225600", "date=9999-12-31"):
        response = api.get(f"/units?{query}")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "date", query
    assert api.get("/units?date=2026-01-05").status_code == 200


def test_a_6_mb_api_body_gets_json(owner_api):
    entity, api = owner_api
    response = api.post("/products", {"entity_id": entity.pk, "name": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    assert "quá lớn" in response.json()["detail"]
