"""The web lists and the API lists filter through the same FilterSets (ocop/lib/filters.py, issue 16):
for the same hand-made parameters both return the same records, and the records expected by hand.

The fixture is Thái Nguyên's (province code 19) as its province officer sees it, with Vietnamese names
written with and without diacritics, in upper and lower case, and one in decomposed (NFD) form; one
record of Hà Tĩnh (42) is outside the officer's scope and never returned."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from ocop.api.tests.world import certify
from ocop.evaluation.loader import load_criteria
from ocop.evaluation.models import CertificateStatus, Round
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import EntityKind, ProductStatus, Sector
from ocop.products.tests.factories import commune, make_entity, make_product
from ocop.reporting.loader import load_templates
from ocop.reporting.models import ReportRequest, ReportTemplate

OFFICER = "tinh.thainguyen"


def _web_ids(client, url_name: str, params: dict, context: str = "page") -> set[int]:
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    rows = response.context[context]
    return {obj.pk for obj in (rows.paginator.object_list if context == "page" else rows)}


def _api_ids(api, token: str, path: str, params: dict) -> set[int]:
    response = api(token).get(path, {**params, "limit": 200})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


@pytest.fixture
def world(demo_users):
    duc_xuan, bac_kan = commune("01840"), commune("01843")
    ha_tinh = (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").order_by("code").first()
    )
    e = {
        "hoa_vang": make_entity(duc_xuan, name="Hợp tác xã Mật ong Hoa Vàng", kind=EntityKind.HTX),
        "dong_hy": make_entity(bac_kan, name="HTX MẬT ONG ĐỒNG HỶ", kind=EntityKind.HTX),
        "tan_cuong": make_entity(duc_xuan, name="Công ty TNHH Chè Tân Cương", kind=EntityKind.DOANH_NGHIEP),
        "nui_coc": make_entity(
            bac_kan, name=unicodedata.normalize("NFD", "Hộ kinh doanh mật ong Núi Cốc"), kind=EntityKind.HO_KINH_DOANH
        ),
        "ha_tinh": make_entity(ha_tinh, name="HTX mật ong Hà Tĩnh", kind=EntityKind.HTX),
    }
    e["tan_cuong"].tax_code = "4600123456"
    e["tan_cuong"].save(update_fields=["tax_code"])
    p = {
        "hoa_ca_phe": make_product(
            e["hoa_vang"], name="Mật ong hoa cà phê", sector=Sector.THUC_PHAM, status=ProductStatus.CERTIFIED
        ),
        "rung": make_product(e["dong_hy"], name="MẬT ONG RỪNG", sector=Sector.THUC_PHAM),
        "che_bup": make_product(
            e["tan_cuong"], name="Chè búp Tân Cương", sector=Sector.DO_UONG, status=ProductStatus.CERTIFIED
        ),
        "ruou": make_product(e["nui_coc"], name="Rượu mật ong", sector=Sector.DO_UONG),
        "ha_tinh": make_product(e["ha_tinh"], name="Mật ong Hà Tĩnh", sector=Sector.THUC_PHAM),
    }
    return {"entities": e, "products": p}


ENTITY_CASES = [
    ({}, {"hoa_vang", "dong_hy", "tan_cuong", "nui_coc"}),
    ({"q": "mat ong"}, {"hoa_vang", "dong_hy", "nui_coc"}),
    ({"q": "MẬT ONG"}, {"hoa_vang", "dong_hy", "nui_coc"}),
    ({"q": "Mật ong", "kind": "htx"}, {"hoa_vang", "dong_hy"}),
    ({"q": "đồng hỷ"}, {"dong_hy"}),
    ({"q": "tan cuong"}, {"tan_cuong"}),
    ({"q": "4600123456"}, {"tan_cuong"}),  # the tax code
    ({"q": "núi cốc"}, {"nui_coc"}),  # stored decomposed, typed composed
    ({"kind": "ho_kinh_doanh"}, {"nui_coc"}),
    ({"province": "19", "kind": "htx"}, {"hoa_vang", "dong_hy"}),
    ({"province": "42"}, set()),  # outside the officer's scope
    ({"q": "mật ong", "unit_id": "duc_xuan"}, {"hoa_vang"}),
]


@pytest.mark.parametrize(("params", "expected"), ENTITY_CASES)
def test_entity_lists_agree(client, api, tokens, demo_users, world, params, expected):
    entities = world["entities"]
    if params.get("unit_id") == "duc_xuan":
        params = {**params, "unit_id": entities["hoa_vang"].unit_id}
    client.force_login(demo_users[OFFICER])
    web = _web_ids(client, "products:entity_list", params)
    assert web == {entities[k].pk for k in expected}
    assert _api_ids(api, tokens[OFFICER], "/products/entities", params) == web


PRODUCT_CASES = [
    ({}, {"hoa_ca_phe", "rung", "che_bup", "ruou"}),
    ({"q": "mat ong"}, {"hoa_ca_phe", "rung", "ruou"}),
    ({"q": "MAT ONG RUNG"}, {"rung"}),
    ({"q": "tân cương"}, {"che_bup"}),  # in the product's and the entity's name
    ({"q": "núi cốc"}, {"ruou"}),  # the entity's name only, stored decomposed
    ({"q": "mật ong", "sector": "do_uong"}, {"ruou"}),
    ({"status": "certified"}, {"hoa_ca_phe", "che_bup"}),
    ({"status": "certified", "sector": "thuc_pham", "province": "19"}, {"hoa_ca_phe"}),
    ({"province": "42"}, set()),
    ({"entity_id": "dong_hy"}, {"rung"}),
]


@pytest.mark.parametrize(("params", "expected"), PRODUCT_CASES)
def test_product_lists_agree(client, api, tokens, demo_users, world, params, expected):
    products = world["products"]
    if params.get("entity_id") == "dong_hy":
        params = {**params, "entity_id": world["entities"]["dong_hy"].pk}
    client.force_login(demo_users[OFFICER])
    web = _web_ids(client, "products:product_list", params)
    assert web == {products[k].pk for k in expected}
    assert _api_ids(api, tokens[OFFICER], "/products", params) == web


def test_unknown_choice_filters_nothing_on_the_web_and_is_refused_by_the_api(client, api, tokens, demo_users, world):
    client.force_login(demo_users[OFFICER])
    products = world["products"]
    web = _web_ids(client, "products:product_list", {"status": "bogus", "q": "mật ong"})
    assert web == {products[k].pk for k in ("hoa_ca_phe", "rung", "ruou")}
    response = api(tokens[OFFICER]).get("/products", {"status": "bogus"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


# --- report requests (national officer: every request) ---------------------------------------------


@pytest.fixture
def requests_world(demo_users):
    load_templates()
    first, second = ReportTemplate.objects.order_by("code", "version").values_list("code", flat=True).distinct()[:2]
    tpl = {code: ReportTemplate.objects.filter(code=code).order_by("-version").first() for code in (first, second)}

    def make(title, template, **kw):
        return ReportRequest.objects.create(
            title=title, template=tpl[template], deadline=kw["cutoff"].replace(day=28), **kw
        )

    return {
        "codes": (first, second),
        "q1_2026": make(
            "Báo cáo quý I năm 2026",
            first,
            kind="periodic",
            period_code="2026-Q1",
            cutoff=dt.date(2026, 3, 31),
            status="open",
        ),
        "adhoc_2025": make("Báo cáo đột xuất", first, kind="adhoc", cutoff=dt.date(2025, 12, 31), status="draft"),
        "q4_2025": make(
            "Báo cáo quý IV năm 2025",
            second,
            kind="periodic",
            period_code="2025-Q4",
            cutoff=dt.date(2025, 12, 31),
            status="closed",
        ),
    }


REQUEST_CASES = [
    ({}, {"q1_2026", "adhoc_2025", "q4_2025"}),
    ({"status": "open"}, {"q1_2026"}),
    ({"kind": "periodic"}, {"q1_2026", "q4_2025"}),
    ({"period": "2025-Q4"}, {"q4_2025"}),
    ({"year": 2025}, {"adhoc_2025", "q4_2025"}),
    ({"kind": "periodic", "year": 2025}, {"q4_2025"}),
    ({"template": 0}, {"q1_2026", "adhoc_2025"}),  # the first template's code
    ({"template": 1, "status": "draft"}, set()),
]


@pytest.mark.parametrize(("params", "expected"), REQUEST_CASES)
def test_request_lists_agree(client, api, tokens, demo_users, requests_world, params, expected):
    if "template" in params:
        params = {**params, "template": requests_world["codes"][params["template"]]}
    client.force_login(demo_users["tw.canbo"])
    web = _web_ids(client, "reporting:request_list", params)
    assert web == {requests_world[k].pk for k in expected}
    assert _api_ids(api, tokens["tw.canbo"], "/reports/requests", params) == web


# --- evaluation rounds and certificates (Thái Nguyên's officer) ------------------------------------


def _province(code: str) -> AdminUnit:
    return AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=code)


@pytest.fixture
def rounds_world(demo_users):
    thai_nguyen, duc_xuan = _province("19"), commune("01840")
    return {
        "tn_2025": Round.objects.create(
            name="Kỳ đánh giá tỉnh Thái Nguyên năm 2025",
            level="province",
            unit=thai_nguyen,
            held_on=dt.date(2025, 10, 1),
        ),
        "tn_2024": Round.objects.create(
            name="Kỳ đánh giá tỉnh năm 2024",
            level="province",
            unit=thai_nguyen,
            held_on=dt.date(2024, 11, 20),
            status="closed",
        ),
        "xa_2024": Round.objects.create(
            name="Kỳ đánh giá cấp xã Đức Xuân",
            level="commune",
            unit=duc_xuan,
            held_on=dt.date(2024, 5, 10),
            status="closed",
        ),
        "ha_tinh": Round.objects.create(
            name="Kỳ đánh giá Hà Tĩnh",
            level="province",
            unit=_province("42"),
            held_on=dt.date(2024, 5, 10),
            status="closed",
        ),
    }


ROUND_CASES = [
    ({}, {"tn_2025", "tn_2024", "xa_2024"}),
    ({"status": "closed"}, {"tn_2024", "xa_2024"}),
    ({"year": 2024}, {"tn_2024", "xa_2024"}),
    ({"level": "province"}, {"tn_2025", "tn_2024"}),
    ({"status": "closed", "level": "province", "year": 2024}, {"tn_2024"}),
    ({"level": "central"}, set()),
]


@pytest.mark.parametrize(("params", "expected"), ROUND_CASES)
def test_round_lists_agree(client, api, tokens, demo_users, rounds_world, params, expected):
    client.force_login(demo_users[OFFICER])
    web = _web_ids(client, "evaluation:round_list", params, context="rounds")
    assert web == {rounds_world[k].pk for k in expected}
    assert _api_ids(api, tokens[OFFICER], "/evaluation/rounds", params) == web


@pytest.fixture
def certificates_world(demo_users):
    load_criteria()
    thai_nguyen, duc_xuan, ha_tinh = _province("19"), commune("01840"), _province("42")
    entity = make_entity(duc_xuan, name="HTX Mật ong Hoa Vàng")
    return {
        "tn_4": certify(
            make_product(entity, name="Mật ong hoa cà phê"),
            thai_nguyen,
            stars=4,
            year=2025,
            issued_on=dt.date(2025, 10, 1),
        ),
        "xa_3": certify(
            make_product(entity, name="Mật ong rừng"),
            duc_xuan,
            stars=3,
            year=2024,
            issued_on=dt.date(2024, 6, 1),
            status=CertificateStatus.EXPIRED,
        ),
        "ht_4": certify(
            make_product(entity, name="Mật ong bạc hà"), ha_tinh, stars=4, year=2024, issued_on=dt.date(2024, 9, 1)
        ),
    }


CERTIFICATE_CASES = [
    ({}, {"tn_4", "xa_3", "ht_4"}),
    ({"stars": 4}, {"tn_4", "ht_4"}),
    ({"status": "expired"}, {"xa_3"}),
    ({"year": 2024}, {"xa_3", "ht_4"}),
    ({"province": "19"}, {"tn_4", "xa_3"}),  # by the province itself or by a commune within it
    ({"province": "42", "stars": 4}, {"ht_4"}),
    ({"stars": 5}, set()),
]


@pytest.mark.parametrize(("params", "expected"), CERTIFICATE_CASES)
def test_certificate_lists_agree(client, api, tokens, demo_users, certificates_world, params, expected):
    client.force_login(demo_users[OFFICER])
    web = _web_ids(client, "evaluation:certificate_list", params, context="certificates")
    assert web == {certificates_world[k].pk for k in expected}
    assert _api_ids(api, tokens[OFFICER], "/evaluation/certificates", params) == web
