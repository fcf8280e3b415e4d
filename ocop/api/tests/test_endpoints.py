"""Every endpoint in the OpenAPI document is exercised here and answers as documented: the status
code is one the document lists for the operation, and the JSON body matches the documented schema.
The test fails when an operation is added to the document without a case here."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest

from ocop.api.tests.conftest import BASE
from ocop.api.tests.world import catalogue_products
from ocop.front.tests.test_scope_walk import products_objects, reporting_objects
from ocop.geo.models import AdminUnit, Era, Level
from ocop.reporting.tests.conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_users):
    return {"rep": reporting_objects(demo_users), "prod": products_objects(demo_users), "cat": catalogue_products()}


@pytest.fixture
def openapi(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    return response.json()


def check_documented(openapi, path: str, method: str, response) -> None:
    """The status is documented for the operation and the body matches its schema."""
    operation = openapi["paths"][path][method]
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {path} answered {status}, documented {sorted(documented)}"
    content = documented[status].get("content", {}).get("application/json")
    assert content, (path, method, status)
    schema = {**content["schema"], "components": openapi["components"]}
    body = json.loads(response.content)
    errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(body)]
    assert not errors, (method.upper(), path, status, errors[:3])


def fresh(obj):
    obj.refresh_from_db()
    return obj


def cases(world, demo_users, tokens):
    """(path template, method, token user, concrete path, query, body, expected status) per case."""
    rep, prod, cat = world["rep"], world["prod"], world["cat"]
    tea, tea_cert = cat["tea"]
    province = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19")
    sub06, seed = rep["sub06"], rep["seed"]
    entity = prod["own"]["entity"]
    return [
        ("/units", "get", None, "/units", {"level": "province", "era": "current"}, None, 200),
        ("/units", "get", None, "/units", {"limit": "0"}, None, 422),
        ("/units/{unit_id}", "get", None, f"/units/{province.pk}", None, None, 200),
        ("/units/{unit_id}", "get", None, "/units/999999999", None, None, 404),
        ("/catalogue/products", "get", None, "/catalogue/products", {"province": "19"}, None, 200),
        ("/catalogue/products", "get", None, "/catalogue/products", {"stars": "9"}, None, 422),
        ("/catalogue/products/{product_id}", "get", None, f"/catalogue/products/{tea.pk}", None, None, 200),
        ("/catalogue/products/{product_id}", "get", None, f"/catalogue/products/{cat['plain'][0].pk}", None, None, 404),
        ("/catalogue/statistics", "get", None, "/catalogue/statistics", None, None, 200),
        ("/catalogue/statistics", "get", None, "/catalogue/statistics", {"year": "abc"}, None, 422),
        ("/indicators/", "get", None, "/indicators/", {"public": "true"}, None, 200),
        ("/indicators/", "get", None, "/indicators/", {"source": "x"}, None, 422),
        (
            "/indicators/{code}/",
            "get",
            None,
            "/indicators/products_certified/",
            {"from": "2019", "to": "2026", "by": "star"},
            None,
            200,
        ),
        ("/indicators/{code}/", "get", None, "/indicators/report_completeness/", None, None, 401),
        ("/indicators/{code}/", "get", "chuthe.demo", "/indicators/report_completeness/", None, None, 403),
        (
            "/indicators/{code}/",
            "get",
            "tinh.thainguyen",
            "/indicators/report_completeness/",
            {"period": "request"},
            None,
            200,
        ),
        ("/indicators/{code}/", "get", "tw.canbo", "/indicators/certification_rate/", {"by": "group"}, None, 200),
        ("/indicators/{code}/", "get", None, "/indicators/khong_co/", None, None, 404),
        (
            "/indicators/{code}/",
            "get",
            None,
            "/indicators/products_certified/",
            {"from": "2026", "to": "2019"},
            None,
            422,
        ),
        ("/me", "get", "tinh.thainguyen", "/me", None, None, 200),
        ("/me", "get", None, "/me", None, None, 401),
        ("/programme/status", "get", "tw.canbo", "/programme/status", {"date": "2018-12-31"}, None, 200),
        ("/programme/status", "get", "chuthe.demo", "/programme/status", None, None, 403),
        (
            "/programme/status",
            "get",
            "tw.canbo",
            "/programme/status",
            {"period_from": "2020-01-01", "period_to": "2019-01-01"},
            None,
            422,
        ),
        ("/reports/requests", "get", "tinh.thainguyen", "/reports/requests", {"status": "open"}, None, 200),
        ("/reports/requests", "get", "chuthe.demo", "/reports/requests", None, None, 403),
        ("/reports/requests/{request_id}", "get", "tinh.thainguyen", f"/reports/requests/{seed.pk}", None, None, 200),
        (
            "/reports/requests/{request_id}",
            "get",
            "tinh.hatinh",
            f"/reports/requests/{rep['child'].pk}",
            None,
            None,
            404,
        ),
        (
            "/reports/templates/{template_id}",
            "get",
            "tinh.thainguyen",
            f"/reports/templates/{seed.template_id}",
            None,
            None,
            200,
        ),
        ("/reports/templates/{template_id}", "get", "tinh.thainguyen", "/reports/templates/99999999", None, None, 404),
        ("/reports/submissions", "get", "tinh.thainguyen", "/reports/submissions", {"status": "draft"}, None, 200),
        ("/reports/submissions", "get", None, "/reports/submissions", None, None, 401),
        (
            "/reports/submissions",
            "post",
            "tinh.thainguyen",
            "/reports/submissions",
            None,
            {"request_id": seed.pk, "unit_id": rep["bac_kan"].pk},
            200,
        ),
        (
            "/reports/submissions",
            "post",
            "tinh.thainguyen",
            "/reports/submissions",
            None,
            {
                "request_id": seed.pk,
                "unit_id": AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="19").pk,
            },
            201,
        ),
        (
            "/reports/submissions",
            "post",
            "tinh.hatinh",
            "/reports/submissions",
            None,
            {"request_id": seed.pk, "unit_id": rep["bac_kan"].pk},
            404,
        ),
        (
            "/reports/submissions",
            "post",
            "tw.canbo",
            "/reports/submissions",
            None,
            {"request_id": seed.pk, "unit_id": 1},
            403,
        ),
        ("/reports/submissions", "post", "tinh.thainguyen", "/reports/submissions", None, {"request_id": "x"}, 422),
        (
            "/reports/submissions/{submission_id}",
            "get",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}",
            None,
            None,
            200,
        ),
        (
            "/reports/submissions/{submission_id}",
            "get",
            "tinh.hatinh",
            f"/reports/submissions/{sub06.pk}",
            None,
            None,
            404,
        ),
        (
            "/reports/submissions/{submission_id}",
            "patch",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}",
            None,
            {"lock_version": sub06.lock_version, "values": {"direction_text": "Đã ban hành kế hoạch."}},
            200,
        ),
        (
            "/reports/submissions/{submission_id}",
            "patch",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}",
            None,
            {"lock_version": 1, "values": {"direction_text": "Lưu đè"}},
            409,
        ),
        (
            "/reports/submissions/{submission_id}",
            "patch",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}",
            None,
            {"lock_version": 99, "values": {"products_3star": "ba"}},
            422,
        ),
        (
            "/reports/submissions/{submission_id}",
            "patch",
            "tw.canbo",
            f"/reports/submissions/{sub06.pk}",
            None,
            {"lock_version": 1, "values": {}},
            403,
        ),
        (
            "/reports/submissions/{submission_id}",
            "patch",
            "tinh.hatinh",
            f"/reports/submissions/{sub06.pk}",
            None,
            {"lock_version": 1, "values": {}},
            404,
        ),
        (
            "/reports/submissions/{submission_id}/submit",
            "post",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}/submit",
            None,
            {"lock_version": 99},
            409,
        ),
        (
            "/reports/submissions/{submission_id}/submit",
            "post",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}/submit",
            None,
            {"lock_version": "latest"},
            422,
        ),
        (
            "/reports/submissions/{submission_id}/submit",
            "post",
            "tinh.hatinh",
            f"/reports/submissions/{sub06.pk}/submit",
            None,
            {"lock_version": 1},
            404,
        ),
        (
            "/reports/submissions/{submission_id}",
            "patch",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}",
            None,
            lambda: {"lock_version": fresh(sub06).lock_version, "values": complete(fresh(sub06))},
            200,
        ),
        (
            "/reports/submissions/{submission_id}/submit",
            "post",
            "tinh.thainguyen",
            f"/reports/submissions/{sub06.pk}/submit",
            None,
            lambda: {"lock_version": fresh(sub06).lock_version},
            200,
        ),
        ("/products/entities", "get", "chuthe.demo", "/products/entities", None, None, 200),
        ("/products/entities", "get", "hoidong.thainguyen", "/products/entities", None, None, 403),
        ("/products/entities/{entity_id}", "get", "chuthe.demo", f"/products/entities/{entity.pk}", None, None, 200),
        (
            "/products/entities/{entity_id}",
            "get",
            "chuthe.demo",
            f"/products/entities/{prod['neighbour']['entity'].pk}",
            None,
            None,
            404,
        ),
        ("/products", "get", "tinh.thainguyen", "/products", {"status": "registered"}, None, 200),
        ("/products", "get", "tinh.thainguyen", "/products", {"status": "nope"}, None, 422),
        (
            "/products",
            "post",
            "chuthe.demo",
            "/products",
            None,
            {"entity_id": entity.pk, "name": "Mật ong Đức Xuân"},
            201,
        ),
        (
            "/products",
            "post",
            "chuthe.demo",
            "/products",
            None,
            {"entity_id": prod["neighbour"]["entity"].pk, "name": "X"},
            404,
        ),
        ("/products", "post", "tw.canbo", "/products", None, {"entity_id": entity.pk, "name": "X"}, 403),
        (
            "/products",
            "post",
            "chuthe.demo",
            "/products",
            None,
            {"entity_id": entity.pk, "name": "X", "commune_code": "99999"},
            422,
        ),
        ("/products/{product_id}", "get", "chuthe.demo", f"/products/{prod['own']['product'].pk}", None, None, 200),
        ("/products/{product_id}", "get", "tinh.hatinh", f"/products/{prod['own']['product'].pk}", None, None, 404),
        ("/evaluation/rounds", "get", "tinh.thainguyen", "/evaluation/rounds", {"year": "2025"}, None, 200),
        ("/evaluation/rounds", "get", "chuthe.demo", "/evaluation/rounds", None, None, 403),
        (
            "/evaluation/rounds/{round_id}",
            "get",
            "tinh.thainguyen",
            f"/evaluation/rounds/{tea_cert.round_product.round_id}",
            None,
            None,
            200,
        ),
        (
            "/evaluation/rounds/{round_id}",
            "get",
            "tinh.hatinh",
            f"/evaluation/rounds/{tea_cert.round_product.round_id}",
            None,
            None,
            404,
        ),
        ("/evaluation/certificates", "get", "tinh.thainguyen", "/evaluation/certificates", {"stars": "4"}, None, 200),
        ("/evaluation/certificates", "get", None, "/evaluation/certificates", None, None, 401),
        (
            "/evaluation/certificates/{certificate_id}",
            "get",
            "tinh.thainguyen",
            f"/evaluation/certificates/{tea_cert.pk}",
            None,
            None,
            200,
        ),
        (
            "/evaluation/certificates/{certificate_id}",
            "get",
            "tinh.hatinh",
            f"/evaluation/certificates/{tea_cert.pk}",
            None,
            None,
            404,
        ),
    ]


def test_every_documented_endpoint_answers_as_documented(client, api, world, demo_users, tokens, openapi):
    exercised = set()
    for template, method, username, path, query, body, expected in cases(world, demo_users, tokens):
        key = f"{BASE}{template}"
        assert key in openapi["paths"] and method in openapi["paths"][key], (template, method)
        c = api(tokens[username] if username else None)
        body = body() if callable(body) else body
        response = c.get(path, query) if method == "get" else c.send(method, path, body)
        assert response.status_code == expected, (method, path, username, response.status_code, response.content[:500])
        check_documented(openapi, key, method, response)
        exercised.add((key, method, response.status_code))
    documented = {(p, m) for p, ops in openapi["paths"].items() for m in ops}
    assert documented == {(p, m) for p, m, _s in exercised}, documented ^ {(p, m) for p, m, _s in exercised}
    # every operation answers with success at least once, and every protected one refuses somebody
    for path, method in documented:
        statuses = {s for p, m, s in exercised if (p, m) == (path, method)}
        assert statuses & {200, 201}, (path, method, statuses)
        assert statuses - {200, 201}, (path, method, statuses)


def test_every_operation_documents_its_errors(openapi):
    for path, ops in openapi["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in codes, (path, method)
            if op.get("security"):
                assert "401" in codes, (path, method)
            if any(p["in"] == "path" for p in op.get("parameters", [])):
                assert "404" in codes, (path, method)
            if method in ("post", "patch"):
                assert {"400", "403", "404"} <= codes, (path, method)
    assert openapi["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_errors_are_json_in_vietnamese(api, tokens, demo_users):
    anonymous = api()
    response = anonymous.get("/me")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized" and "khóa API" in response.json()["detail"]
    c = api(tokens["tinh.thainguyen"])
    response = c.get("/units", {"limit": "500", "level": "tinh"})
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["limit"] == "Phải nhỏ hơn hoặc bằng 200." and "chấp nhận" in fields["level"]
    response = c.client.post(
        f"{BASE}/products",
        data=b"{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['tinh.thainguyen']}",
    )
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    for raw in (
        b'{"entity_id": NaN, "name": "x"}',
        b'{"entity_id": 1, "name": "a\\u0000b"}',
        b'{"entity_id": 1, "name": "\\ud800"}',
        b'{"entity_id": 1e400, "name": "x"}',
    ):
        response = c.client.post(
            f"{BASE}/products",
            data=raw,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens['tinh.thainguyen']}",
        )
        assert response.status_code == 400, (raw, response.status_code)
    response = c.get("/products", {"q": "a\x00b"})
    assert response.status_code == 422 and "NUL" in response.json()["errors"][0]["message"]
