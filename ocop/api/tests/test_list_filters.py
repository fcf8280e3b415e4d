"""The web lists and the API lists filter through the same FilterSets (ocop/lib/filters.py, issue 16):
for the same hand-made parameters both return the same records, and the records expected by hand.

The fixture is Thái Nguyên's (province code 19) as its province officer sees it, with Vietnamese names
written with and without diacritics, in upper and lower case, and one in decomposed (NFD) form; one
record of Hà Tĩnh (42) is outside the officer's scope and never returned."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse

from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import EntityKind, ProductStatus, Sector
from ocop.products.tests.factories import commune, make_entity, make_product

OFFICER = "tinh.thainguyen"


def _web_ids(client, url_name: str, params: dict) -> set[int]:
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["page"].paginator.object_list}


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
