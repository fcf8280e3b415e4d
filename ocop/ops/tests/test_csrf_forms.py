"""CSRF on every form: every GET page of the scope walk, as every role (with the objects of the
scope walk, inside the user's scope), renders each <form method="post"> with a CSRF token; and a
POST without the token to any URL that accepts POST is refused (403) before the view runs."""

from __future__ import annotations

import pytest
from django.test import Client

from ocop.front.tests.test_scope_walk import (  # noqa: F401  (scoped_objects is a fixture)
    POST_ONLY,
    URL_SPECS,
    allowed_for,
    scoped_objects,
    url_for,
)
from ocop.ops.tests.procs import forms_of

pytestmark = pytest.mark.django_db
ROLES = [
    "tw.quantri",
    "tw.canbo",
    "tinh.thainguyen",
    "tinh.hatinh",
    "huyen.babe",
    "xa.ducxuan",
    "hoidong.thainguyen",
    "chuthe.demo",
]
SKIP = {"accounts:logout", "set_language"}
# token-authenticated JSON endpoints of the REST API carry no session cookie and no forms (the API
# token page, api:tokens, is an ordinary session page and is checked)
CSRF_EXEMPT_NAMESPACES = ("api:v1:",)


def pages_of(user, inside):
    for name, (kind, cap, _kw) in URL_SPECS.items():
        if name in SKIP or name in POST_ONLY or name.startswith(CSRF_EXEMPT_NAMESPACES):
            continue
        if kind == "object":
            if name not in inside:
                continue
            yield name, url_for(name, inside[name])
        elif kind in ("public", "signed-in") or allowed_for(user, cap):
            yield name, url_for(name, inside.get(name))


def post_forms(html: str):
    return [(attrs, fields) for attrs, fields in forms_of(html) if attrs.get("method", "get").lower() == "post"]


@pytest.mark.parametrize("username", ROLES)
def test_every_post_form_carries_a_csrf_token(client, scoped_objects, demo_users, username):  # noqa: F811
    user = demo_users[username]
    client.force_login(user)
    inside, _outside = scoped_objects[username]
    checked_pages = checked_forms = 0
    for name, url in pages_of(user, inside):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked_pages += 1
        for attrs, fields in post_forms(response.content.decode()):
            checked_forms += 1
            tokens = [value for key, value in fields if key == "csrfmiddlewaretoken"]
            assert len(tokens) == 1 and len(tokens[0]) >= 32, (username, name, attrs)
    assert checked_pages >= 5 and checked_forms >= checked_pages  # at least the language and sign-out forms


def test_a_post_without_token_is_refused_everywhere(scoped_objects, demo_users):  # noqa: F811
    """Every URL, POSTed without a token by a signed-in central administrator (who may do
    everything), answers 403 and changes nothing."""
    from ocop.audit.models import AuditEntry

    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_users["tw.quantri"])
    inside, _outside = scoped_objects["tw.quantri"]
    urls = {
        name: url_for(name, inside.get(name))
        for name, (kind, _cap, _kw) in URL_SPECS.items()
        if not name.startswith(CSRF_EXEMPT_NAMESPACES) and (kind != "object" or name in inside)
    }
    before = AuditEntry.objects.count()
    refused = 0
    for name, url in urls.items():
        response = client.post(url, {"reason": "x", "summary": "x", "accept": "1"})
        assert response.status_code == 403, (name, response.status_code)
        refused += 1
    assert refused >= 50
    assert AuditEntry.objects.count() == before


def test_the_csrf_failure_page_is_in_vietnamese(scoped_objects, demo_users):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_users["tinh.hatinh"])
    response = client.post(url_for("reporting:request_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'lang="vi"' in html and "Traceback" not in html
