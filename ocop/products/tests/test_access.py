"""Who sees which entities, products, dossiers and files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocop.products import services as svc

pytestmark = pytest.mark.django_db


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_entity_user_sees_only_their_own_entity(sets, demo_users):
    user = demo_users["chuthe.demo"]
    assert ids(svc.readable_entities(user)) == {sets["own"]["entity"].pk}
    assert ids(svc.readable_products(user)) == {sets["own"]["product"].pk}
    assert ids(svc.readable_dossiers(user)) == {sets["own"]["dossier"].pk}
    assert ids(svc.readable_files(user)) == {sets["own"]["file"].pk}


def test_entity_user_gets_404_for_a_neighbours_objects(client, sets, demo_users):
    client.force_login(demo_users["chuthe.demo"])
    other = sets["neighbour"]  # same ward, another entity
    for name, obj in [
        ("products:entity_detail", other["entity"]),
        ("products:product_detail", other["product"]),
        ("products:dossier_detail", other["dossier"]),
        ("products:dossier_file", other["file"]),
        ("products:photo", other["photo"]),
        ("products:product_edit", other["product"]),
        ("products:self_assessment", other["dossier"]),
    ]:
        assert client.get(reverse(name, args=[obj.pk])).status_code == 404, name
    response = client.post(
        reverse("products:dossier_upload", args=[other["dossier"].pk]), {"category": "product_story", "file": _pdf()}
    )
    assert response.status_code == 404
    assert other["dossier"].files.count() == 1
    own = sets["own"]
    assert client.get(reverse("products:product_detail", args=[own["product"].pk])).status_code == 200
    response = client.get(reverse("products:dossier_file", args=[own["file"].pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    html = client.get(reverse("products:index")).content.decode()
    assert "HTX của tôi" in html and "HTX hàng xóm" not in html


def test_province_officer_sees_their_province_including_legacy_units(sets, demo_users):
    officer = demo_users["tinh.thainguyen"]
    seen = ids(svc.readable_entities(officer))
    assert {sets["own"]["entity"].pk, sets["neighbour"]["entity"].pk, sets["cho_ra"]["entity"].pk} <= seen
    assert sets["ha_tinh"]["entity"].pk not in seen
    assert sets["ha_tinh"]["product"].pk not in ids(svc.readable_products(officer))
    assert ids(svc.readable_entities(demo_users["tinh.hatinh"])) == {sets["ha_tinh"]["entity"].pk}


def test_district_and_commune_officers_read_their_area_only(sets, demo_users):
    assert ids(svc.readable_entities(demo_users["huyen.babe"])) == {sets["cho_ra"]["entity"].pk}
    assert ids(svc.readable_entities(demo_users["xa.ducxuan"])) == {
        sets["own"]["entity"].pk,
        sets["neighbour"]["entity"].pk,
    }
    assert not svc.can_edit_entity(demo_users["xa.ducxuan"], sets["own"]["entity"])


def test_central_sees_all_and_council_nothing(sets, demo_users):
    all_ids = {s["entity"].pk for s in sets.values()}
    assert ids(svc.readable_entities(demo_users["tw.canbo"])) == all_ids
    assert ids(svc.readable_entities(demo_users["hoidong.thainguyen"])) == set()
    assert ids(svc.readable_products(demo_users["hoidong.thainguyen"])) == set()


def test_product_of_a_foreign_entity_made_in_the_province_is_visible(sets, demo_users):
    """A product whose commune of origin is in the officer's scope is readable even if its entity is not."""
    product = sets["ha_tinh"]["product"]
    product.unit = sets["own"]["entity"].unit
    product.save()
    assert product.pk in ids(svc.readable_products(demo_users["tinh.thainguyen"]))
    assert product.entity.pk not in ids(svc.readable_entities(demo_users["tinh.thainguyen"]))


def test_officer_list_and_export_are_scoped(client, sets, demo_users):
    client.force_login(demo_users["tinh.hatinh"])
    html = client.get(reverse("products:entity_list")).content.decode()
    assert "HTX Hà Tĩnh" in html and "HTX của tôi" not in html
    response = client.get(reverse("products:entity_list") + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in ws.iter_rows(values_only=True)]
    assert "HTX Hà Tĩnh" in names and "HTX của tôi" not in names
    response = client.get(reverse("products:product_list") + "?format=xlsx")
    assert response.status_code == 200
    html = client.get(reverse("products:product_list")).content.decode()
    assert sets["ha_tinh"]["product"].name in html and sets["own"]["product"].name not in html


def test_media_files_are_not_served_publicly(client, sets, demo_users):
    f = sets["own"]["file"]
    assert client.get("/media/" + f.file.name).status_code == 404
    client.force_login(demo_users["tinh.hatinh"])
    assert client.get(reverse("products:dossier_file", args=[f.pk])).status_code == 404


def test_council_member_is_refused(client, sets, demo_users):
    client.force_login(demo_users["hoidong.thainguyen"])
    assert client.get(reverse("products:index")).status_code == 403
    assert client.get(reverse("products:product_detail", args=[sets["own"]["product"].pk])).status_code == 403


def _pdf():
    from ocop.products.tests.factories import pdf_upload

    return pdf_upload("cau-chuyen.pdf")
