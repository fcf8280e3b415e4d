"""The API counterpart of ocop/front/tests/test_scope_walk.py: every API URL, with a token of every demo
role and without one, on the same objects inside and outside each user's scope. Nothing outside the
scope can be read, listed or changed through the API; nothing but public data answers without a token."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.front.tests.role_table import may  # the hand-written specification, not can() under test
from ocop.api.tests.conftest import BASE
from ocop.api.tests.scope_rules import API_RULES
from ocop.front.tests.test_scope_walk import all_url_names, scoped_objects  # noqa: F401 - the web walk's fixture

pytestmark = pytest.mark.django_db

USERNAMES = [
    "tw.quantri",
    "tw.canbo",
    "tinh.thainguyen",
    "tinh.hatinh",
    "huyen.babe",
    "xa.ducxuan",
    "hoidong.thainguyen",
    "chuthe.demo",
]
# objects of a detail URL -> the list URL that must (not) show them
LISTS = {
    "report_request": "/reports/requests",
    "submission_detail": "/reports/submissions",
    "entity_detail": "/products/entities",
    "product_detail": "/products",
    "round_detail": "/evaluation/rounds",
    "certificate_detail": "/evaluation/certificates",
}


def allowed(user, rule) -> bool:
    if rule == "public":
        return True
    if rule == "none":
        return False
    if rule == "token":
        return user is not None
    if user is None:
        return False
    return rule(user) if callable(rule) else may(user, rule)


def call(api_client, name, obj=None):
    """(method, path, body) of an API URL for an object (None: a list, or any object)."""
    if name in ("api-root", "openapi-json", "openapi-view"):
        return "get", reverse(f"api:v1:{name}")[len(BASE) :], None
    paths = {
        "units_list": "/units",
        "units_detail": "/units/1",
        "catalogue_products": "/catalogue/products",
        "catalogue_product": "/catalogue/products/1",
        "catalogue_statistics": "/catalogue/statistics",
        "me": "/me",
        "programme_status": "/programme/status",
        "report_requests": "/reports/requests",
        "submissions_list": "/reports/submissions",
        "entities_list": "/products/entities",
        "products_list": "/products",
        "rounds_list": "/evaluation/rounds",
        "certificates_list": "/evaluation/certificates",
        "indicators_list": "/indicators/",
        "indicator_values": "/indicators/report_completeness/",
    }
    if name in paths:
        return "get", paths[name], None
    if name == "report_template":
        from ocop.reporting.models import ReportTemplate

        return "get", f"/reports/templates/{ReportTemplate.objects.first().pk}", None
    if name == "submissions_open":
        req, unit = obj
        return "post", "/reports/submissions", {"request_id": req.pk, "unit_id": unit.pk}
    if name == "submission_save":
        return (
            "patch",
            f"/reports/submissions/{obj.pk}",
            {"lock_version": 999999, "values": {"direction_text": "hijacked"}},
        )
    if name == "submission_submit":
        return "post", f"/reports/submissions/{obj.pk}/submit", {"lock_version": 999999}
    if name == "product_register":
        return "post", "/products", {"entity_id": obj.pk, "name": "Đăng ký qua API"}
    details = {
        "report_request": "/reports/requests/{}",
        "submission_detail": "/reports/submissions/{}",
        "entity_detail": "/products/entities/{}",
        "product_detail": "/products/{}",
        "round_detail": "/evaluation/rounds/{}",
        "certificate_detail": "/evaluation/certificates/{}",
    }
    return "get", details[name].format(obj.pk), None


def send(api_client, method, path, body):
    return api_client.get(path) if method == "get" else api_client.send(method, path, body)


def test_every_api_url_has_a_rule():
    names = {n[len("api:v1:") :] for n in all_url_names() if n.startswith("api:v1:")}
    assert names == set(API_RULES), names ^ set(API_RULES)


def test_anonymous_gets_public_data_only(api, scoped_objects):
    anonymous = api()
    inside = scoped_objects["tw.quantri"][0]
    for name, (rule, web_name) in API_RULES.items():
        method, path, body = call(anonymous, name, inside.get(web_name) if web_name else None)
        response = send(anonymous, method, path, body)
        if rule == "public":
            assert response.status_code in (200, 404), (name, response.status_code)  # 404: no unit/product 1
        elif rule == "none":
            assert response.status_code == 404, name
        else:
            assert response.status_code == 401, (name, response.status_code)
            assert response.json()["code"] == "unauthorized"


def snapshot(obj):
    objs = obj if isinstance(obj, tuple) else (obj,)
    out = []
    for o in objs:
        o.refresh_from_db()
        out.append({k: v for k, v in vars(o).items() if not k.startswith("_")})
    return out


def list_ids(api_client, path) -> set[int]:
    response = api_client.get(path, {"limit": 200})
    assert response.status_code == 200, (path, response.status_code)
    return {row["id"] for row in response.json()["items"]}


@pytest.mark.parametrize("username", USERNAMES)
def test_each_role_reads_and_writes_only_its_scope_through_the_api(api, tokens, demo_users, scoped_objects, username):
    user = demo_users[username]
    c = api(tokens[username])
    inside, outside = scoped_objects[username]
    checked_outside = 0
    for name, (rule, web_name) in API_RULES.items():
        may = allowed(user, rule)
        if web_name is None:
            method, path, body = call(c, name)
            status = send(c, method, path, body).status_code
            if rule == "none":
                assert status == 404, name
            elif name in ("units_detail", "catalogue_product"):
                assert status in (200, 404), (username, name, status)
            else:
                assert status == (200 if may else 403), (username, name, status)
            continue
        if web_name in inside:
            method, path, body = call(c, name, inside[web_name])
            status = send(c, method, path, body).status_code
            if method == "get":
                expected = (200,) if may else (403,)
            else:  # allowed: the version check (409), a rule (422) or success; never refused for scope
                expected = (200, 201, 409, 422) if may else (403,)
            assert status in expected, (username, name, "inside", status)
            if name in LISTS and may:
                assert inside[web_name].pk in list_ids(c, LISTS[name]), (username, name, "inside not listed")
        if web_name in outside:
            checked_outside += 1
            target = outside[web_name]
            before = snapshot(target)
            method, path, body = call(c, name, target)
            status = send(c, method, path, body).status_code
            # out of scope: 404 to whoever holds the right (existence does not leak); 403/404 to the others
            refusal = (404,) if may and web_name not in getattr(outside, "readable", ()) else (403, 404)
            assert status in refusal, (username, name, "outside", status)
            assert snapshot(target) == before, (username, name, "outside object changed")
            if name in LISTS and may:
                assert target.pk not in list_ids(c, LISTS[name]), (username, name, "outside object listed")
    assert user.is_national or checked_outside >= 5, (username, checked_outside)
