"""/api/v1/indicators/: the definitions, the values of the hand-built world (ocop/analytics/tests/world.py),
who may read what (public indicators without a token; the rest scoped by the token's account)."""

from __future__ import annotations

import pytest

from ocop.analytics.tests.world import build

pytestmark = pytest.mark.django_db
RANGE = {"from": 2019, "to": 2026}


def by_unit(body: dict, period: str) -> dict[str, object]:
    return {r["unit_code"]: r["value"] for r in body["rows"] if r["period"] == period}


def test_definitions_are_listed_without_a_token(api):
    response = api().get("/indicators/")
    assert response.status_code == 200
    items = {i["code"]: i for i in response.json()["items"]}
    assert len(items) == 14
    assert items["products_certified"]["public"] is True
    assert items["report_completeness"]["public"] is False
    assert items["certification_rate"]["aggregation"] == "ratio"
    assert [d["code"] for d in items["products_certified"]["dimensions"]] == ["star", "group"]
    public = api().get("/indicators/", {"public": "true"}).json()
    assert [i["code"] for i in public["items"]] == [
        "products_certified",
        "products_certified_cumulative",
        "entities_certified",
    ]
    assert api().get("/indicators/", {"source": "reports"}).json()["count"] == 4
    assert any(t["instrument"].startswith("QĐ 919") for t in items["products_certified_cumulative"]["targets"])


def test_public_indicator_anonymously_on_both_geographies(api):
    build()
    body = api().get("/indicators/products_certified/", RANGE).json()
    assert body["national"] is True
    assert body["count"] == 34 * 8
    assert by_unit(body, "2020")["19"] == 3  # legacy Thái Nguyên 2 + Bắc Kạn 1
    assert by_unit(body, "2020")["01"] == 1
    assert [t["value"] for t in body["totals"]] == [1, 4, 0, 0, 0, 1, 0, 1]
    assert body["total"] == 7
    legacy = api().get("/indicators/products_certified/", {**RANGE, "geography": "legacy"}).json()
    assert by_unit(legacy, "2020")["19"] == 2
    assert by_unit(legacy, "2020")["06"] == 1


def test_by_star_and_one_province(api):
    build()
    body = api().get("/indicators/products_certified/", {**RANGE, "by": "star", "province": "19"}).json()
    assert {r["unit_code"] for r in body["rows"]} == {"19"}
    assert len(body["rows"]) == 8 * 5
    year_2020 = {r["dimension"]: r["value"] for r in body["rows"] if r["period"] == "2020"}
    assert year_2020 == {"1": 0, "2": 0, "3": 2, "4": 1, "5": 0}  # Tân Cương and Na Rì 3★, Rượu men lá 4★
    assert body["total"] == 6
    assert body["totals"][1]["value"] == 3


def test_quarters(api):
    build()
    body = (
        api()
        .get("/indicators/products_certified/", {"from": 2020, "to": 2020, "period": "quarter", "province": "19"})
        .json()
    )
    assert [(r["period"], r["value"]) for r in body["rows"]] == [
        ("2020-Q1", 1),
        ("2020-Q2", 1),
        ("2020-Q3", 0),
        ("2020-Q4", 1),
    ]


def test_other_indicators_need_a_token_that_may_read_the_programme(api, tokens):
    assert api().get("/indicators/report_completeness/").status_code == 401
    assert api("ocop_not_a_token").get("/indicators/products_certified/").status_code == 401
    assert api(tokens["chuthe.demo"]).get("/indicators/report_completeness/").status_code == 403
    # a district officer (before 2025) sees no province: not the analytics' audience
    assert api(tokens["huyen.babe"]).get("/indicators/report_completeness/").status_code == 403
    # an entity's token reads a public indicator as anyone does
    assert api(tokens["chuthe.demo"]).get("/indicators/products_certified/").json()["national"] is True
    response = api(tokens["tw.canbo"]).get("/indicators/report_completeness/")
    assert response.status_code == 200
    assert response.json()["national"] is True


def test_province_token_sees_its_own_province_and_communes(api, tokens, demo_users):
    build()
    officer = api(tokens["tinh.thainguyen"])
    body = officer.get("/indicators/products_certified/", RANGE).json()
    assert body["national"] is False
    assert {r["unit_code"] for r in body["rows"]} == {"19"}
    assert body["total"] == 6  # Hà Nội's certificate is out of scope
    legacy = officer.get("/indicators/products_certified/", {**RANGE, "geography": "legacy"}).json()
    # the legacy provinces it absorbed, and the line of records on units created by the reform (Nón lá, 2026)
    assert {r["unit_code"] for r in legacy["rows"]} == {"06", "19", "unallocated"}
    other = officer.get("/indicators/products_certified/", {**RANGE, "province": "01"})
    assert other.status_code == 422
    communes = officer.get("/indicators/products_certified/", {**RANGE, "level": "commune"}).json()
    codes = {r["unit_code"] for r in communes["rows"]}
    assert len(codes) > 1 and all(len(c) == 5 for c in codes)
    assert communes["total"] == 6
    assert (
        officer.get("/indicators/products_certified/", {**RANGE, "level": "commune", "within": "01"}).status_code == 422
    )


def test_bad_input_is_a_vietnamese_message(api):
    assert api().get("/indicators/khong_co/").status_code == 404
    bad_dimension = api().get("/indicators/products_certified/", {"by": "council_level"})
    assert bad_dimension.status_code == 422
    assert "không phân tích theo" in bad_dimension.json()["detail"]
    reversed_years = api().get("/indicators/products_certified/", {"from": 2026, "to": 2020})
    assert reversed_years.status_code == 422
    assert "sau năm kết thúc" in reversed_years.json()["detail"]
    assert api().get("/indicators/products_certified/", {"geography": "x"}).status_code == 422


def test_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/indicators/" in paths
    assert "/api/v1/indicators/{code}/" in paths
