"""Schemathesis against the OpenAPI document (/api/v1/openapi.json), through the Django WSGI app:
generated valid and invalid requests to every operation, anonymously and with tokens, must never get
a server error (5xx). Small and deterministic (derandomized, fixed number of examples)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from ocop.api.tests.world import catalogue_products
from ocop.front.tests.test_scope_walk import products_objects, reporting_objects
from ocop.wsgi import application

pytestmark = pytest.mark.django_db
EXAMPLES = 12


def run_schema(headers: dict | None, ids: dict) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    passes = [(mode, None) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        # also on existing objects (random ids mostly miss): generated queries and bodies against real rows
        real = [(GenerationMode.POSITIVE, {n: ids[n] for n in names})] if names else []
        for mode, path_parameters in passes + real:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                print_blob=False,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            def check(case):
                response = case.call(headers=headers)
                # raises schemathesis's report (with a curl line to reproduce) on any 5xx
                case.validate_response(response, checks=[not_a_server_error], headers=headers)

            check()


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The WSGI app runs inside the test's transaction: like Django's own test client, keep Django from
    closing the connection at the end of each request (on PostgreSQL that would end the test)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def data(demo_users) -> dict:
    """Objects to aim at, by path parameter name (Thái Nguyên's, so its officer's token reaches them)."""
    from ocop.geo.models import AdminUnit, Era, Level

    rep = reporting_objects(demo_users)
    prod = products_objects(demo_users)
    tea, cert = catalogue_products()["tea"]
    return {
        "unit_id": AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19").pk,
        "product_id": tea.pk,
        "submission_id": rep["sub06"].pk,
        "request_id": rep["seed"].pk,
        "template_id": rep["seed"].template_id,
        "entity_id": prod["own"]["entity"].pk,
        "round_id": cert.round_product.round_id,
        "certificate_id": cert.pk,
        "code": "products_certified",
    }


def test_no_server_error_anonymously(data):
    run_schema(None, data)


@pytest.mark.parametrize("username", ["tinh.thainguyen", "tw.quantri", "chuthe.demo"])
def test_no_server_error_with_a_token(data, tokens, username):
    run_schema({"Authorization": f"Bearer {tokens[username]}"}, data)
