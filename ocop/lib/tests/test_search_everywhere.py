"""One search, ignoring case, diacritics and Unicode form, on every list and in the API; the API's
public catalogue is the web catalogue's; typo tolerance with "Có phải bạn tìm …" (issue 15, finding 4)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.urls import reverse

from ocop.accounts.models import User
from ocop.catalogue.tests.factories import certified_product, certify
from ocop.evaluation.models_rounds import CertificateStatus
from ocop.lib.spreadsheet import read_table
from ocop.lib.text import clean_text, db_fold, fold
from ocop.products.tests.factories import make_entity, make_product

NFD = unicodedata.normalize("NFD", "mật ong")
QUERIES = ["mật ong", "mat ong", "MẬT ONG", NFD, "Mat  Ong"]


def test_clean_text_keeps_letters_and_drops_what_exports_cannot_hold():
    assert clean_text("Mật\u0000 ong\ufffe\uffff\x07\x1b") == "Mật ong"
    assert clean_text("dòng 1\r\ndòng 2\rdòng 3\tx") == "dòng 1\ndòng 2\ndòng 3\tx"
    assert clean_text("dòng 1\ndòng\t2", multiline=False) == "dòng 1 dòng 2"
    assert clean_text(NFD) == "mật ong" and len(clean_text(NFD)) == 7
    assert clean_text("a\U0001fffeb\ufdd0c\ud800d") == "abcd"
    assert clean_text(None) == ""


def test_database_folding_table_agrees_with_fold_on_vietnamese_letters():
    letters = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵdđ"
    for ch in letters + letters.upper():
        assert db_fold(ch) == fold(ch), ch
        assert db_fold(unicodedata.normalize("NFD", ch)) == fold(ch), ch


@pytest.fixture
def honey(db, demo_users):
    from ocop.geo.models import AdminUnit, Era, Level

    unit = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="19").order_by("code").first()
    entity = make_entity(unit, name="HTX Mật ong Hoa Rừng")
    products = [make_product(entity, name=f"Mật ong hoa nhãn {i}") for i in range(3)]
    make_product(make_entity(unit, name="HTX Chè Tân Cương"), name="Chè xanh Tân Cương")
    User.objects.create_user(
        "ong.mat",
        full_name="Lê Thị Mật Ong",
        password="x-Kiểm-thử-123",
        role="province_officer",
        scope_unit=demo_users["tinh.thainguyen"].scope_unit,
    )
    return {"unit": unit, "entity": entity, "products": products}


@pytest.mark.django_db
def test_web_lists_find_with_or_without_diacritics_case_and_form(client, demo_users, honey):
    client.force_login(demo_users["tw.quantri"])
    for q in QUERIES:
        products = client.get(reverse("products:product_list"), {"q": q, "format": "xlsx"})
        _m, _h, rows = read_table(b"".join(products.streaming_content))
        assert len(rows) == 3 and all("Mật ong hoa nhãn" in " ".join(map(str, r)) for r in rows), q
        entities = client.get(reverse("products:entity_list"), {"q": q, "format": "xlsx"})
        _m, _h, rows = read_table(b"".join(entities.streaming_content))
        assert len(rows) == 1, q
        users = client.get(reverse("accounts:user_list"), {"q": q})
        assert users.status_code == 200 and "ong.mat" in users.content.decode(), q


@pytest.mark.django_db
def test_api_lists_find_with_or_without_diacritics_case_and_form(api, tokens, honey):
    central = api(tokens["tw.canbo"])
    for q in QUERIES:
        assert central.get("/products", {"q": q}).json()["count"] == 3, q
        assert central.get("/products/entities", {"q": q}).json()["count"] == 1, q
    for q in ("thái nguyên", "THAI NGUYEN", unicodedata.normalize("NFD", "Thái Nguyên")):
        names = {u["name"] for u in api().get("/units", {"q": q, "level": "province"}).json()["items"]}
        assert names == {"Tỉnh Thái Nguyên"}, q


@pytest.mark.django_db
def test_api_catalogue_uses_the_catalogue_search_and_publication_rule(client, api, demo_users):
    from ocop.geo.models import AdminUnit, Era, Level

    thai = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="19").order_by("code").first()
    quang_ninh = (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="22").order_by("code").first()
    )
    certified_product(quang_ninh, "Trà hoa vàng Ba Chẽ")
    certified_product(thai, "Chè xanh Tân Cương")
    # an older expired certificate, then a newer one revoked: the catalogue does not publish it
    revoked = certified_product(
        thai,
        "Chè búp Thái Nguyên",
        issued_on=dt.date(2020, 5, 1),
        valid_until=dt.date(2023, 5, 1),
        status=CertificateStatus.EXPIRED,
    )
    certify(revoked, issued_on=dt.date(2024, 5, 1), status=CertificateStatus.REVOKED)
    for q, expected in (("tra hoa vang", {"Trà hoa vàng Ba Chẽ"}), ("Thái Nguyên", {"Chè xanh Tân Cương"})):
        html = client.get(reverse("catalogue:list"), {"q": q}).content.decode()
        items = api().get("/catalogue/products", {"q": q}).json()["items"]
        assert {i["name"] for i in items} == expected, q
        assert all(name in html for name in expected) and "Chè búp Thái Nguyên" not in html, q
    assert api().get(f"/catalogue/products/{revoked.pk}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("typo", ["mat onh", "matong", "mat ongg", "MAT ONH"])
def test_catalogue_tolerates_typos_and_suggests(client, typo):
    from ocop.geo.models import AdminUnit, Era, Level

    unit = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="19").order_by("code").first()
    certified_product(unit, "Mật ong hoa nhãn", entity_name="HTX Ong Thái")
    certified_product(unit, "Mắm tôm chua", entity_name="HTX Thủy sản")
    response = client.get(reverse("catalogue:list"), {"q": typo})
    html = response.content.decode()
    assert "Có phải bạn tìm" in html and "mật ong" in html
    assert "Mật ong hoa nhãn" in html and "Mắm tôm chua" not in html
    assert 'data-count="1"' in html
