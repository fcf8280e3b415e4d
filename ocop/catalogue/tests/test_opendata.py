"""Open data: content, headers and metadata of every dataset at its stable URL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from ocop.catalogue import opendata
from ocop.catalogue.tests.factories import certified_product, commune
from ocop.evaluation.models_rounds import CertificateStatus
from ocop.geo.models import Era
from ocop.products.models import EntityKind

pytestmark = pytest.mark.django_db

SLUGS = ["catalogue", "stats-by-province", "stats-by-legacy-province", "recognitions-by-year"]


@pytest.fixture
def products(db):
    import datetime as dt

    return [
        certified_product(
            commune("01840"), "Chè xanh Đức Xuân, loại “đặc biệt”", entity_name="HTX Chè; Đức Xuân", stars=4
        ),
        certified_product(
            commune("01888", Era.LEGACY),
            "Mật ong hoa rừng Ba Bể",
            kind=EntityKind.HO_KINH_DOANH,
            issued_on=dt.date(2020, 5, 4),
            valid_until=dt.date(2023, 5, 4),
            status=CertificateStatus.EXPIRED,
        ),
    ]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response) -> list[dict]:
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_catalogue_csv(client, products):
    response = client.get("/open-data/catalogue.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ocop-catalogue-')
    assert 'rel="describedby"' in response["Link"] and "/open-data/catalogue.metadata.json" in response["Link"]
    assert response["Access-Control-Allow-Origin"] == "*"
    rows = read_csv(response)
    assert [r["product_name"] for r in rows] == ["Chè xanh Đức Xuân, loại “đặc biệt”", "Mật ong hoa rừng Ba Bể"]
    tea, honey = rows
    assert list(tea) == [c.name for c in opendata.CATALOGUE_COLUMNS]
    assert tea["entity_name"] == "HTX Chè; Đức Xuân" and tea["stars"] == "4"
    assert tea["certificate_state"] == "con_hieu_luc" and tea["province_code"] == "19"
    assert tea["url"] == f"http://testserver/san-pham-ocop/{products[0].pk}/"
    assert honey["certificate_state"] == "het_hieu_luc" and honey["issued_on"] == "2020-05-04"
    assert (honey["province_name"], honey["legacy_province_name"], honey["entity_kind_code"]) == (
        "Thái Nguyên",
        "Bắc Kạn",
        "ho_kinh_doanh",
    )


def test_catalogue_csv_and_json_take_the_catalogue_filters(client, products):
    rows = read_csv(client.get("/open-data/catalogue.csv", {"q": "mat ong", "tinh_cu": "06"}))
    assert [r["product_name"] for r in rows] == ["Mật ong hoa rừng Ba Bể"]
    response = client.get("/open-data/catalogue.csv", {"sao": "7"})
    assert response.status_code == 400 and "Hạng sao “7” không hợp lệ" in response.content.decode()


def test_catalogue_json(client, products):
    response = client.get("/open-data/catalogue.json", {"hieu_luc": "con_hieu_luc"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    doc = json.loads(body(response))
    assert doc["metadata"]["name"] == "catalogue" and doc["metadata"]["licenses"][0]["name"] == "CC-BY-4.0"
    assert doc["metadata"]["fields"] == [c.name for c in opendata.CATALOGUE_COLUMNS]
    assert len(doc["data"]) == 1 and doc["data"][0]["stars"] == 4 and doc["data"][0]["product_id"] == products[0].pk


def test_an_empty_catalogue_is_still_valid_json_and_csv(client, db):
    assert json.loads(body(client.get("/open-data/catalogue.json")))["data"] == []
    assert read_csv(client.get("/open-data/catalogue.csv")) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_every_dataset_has_csv_json_and_metadata(client, products, slug):
    meta = client.get(f"/open-data/{slug}.metadata.json").json()
    for key in (
        "name",
        "title",
        "description",
        "licenses",
        "sources",
        "created",
        "schema",
        "distributions",
        "publisher",
    ):
        assert meta[key], key
    assert meta["name"] == slug and meta["encoding"] == "utf-8-sig"
    fields = meta["schema"]["fields"]
    assert all(f["name"] and f["type"] and f["title"] and f["description"] for f in fields)
    assert {d["path"] for d in meta["distributions"]} == {
        f"http://testserver/open-data/{slug}.csv",
        f"http://testserver/open-data/{slug}.json",
    }
    rows = read_csv(client.get(f"/open-data/{slug}.csv"))
    assert rows and list(rows[0]) == [f["name"] for f in fields]
    data = json.loads(body(client.get(f"/open-data/{slug}.json")))["data"]
    assert len(data) == len(rows)


def test_statistics_files(client, products):
    by_province = {r["province_code"]: r for r in read_csv(client.get("/open-data/stats-by-province.csv"))}
    assert len(by_province) == 34
    assert by_province["19"] == {
        "province_code": "19",
        "province_name": "Thái Nguyên",
        "products": "2",
        "valid": "1",
        "expired": "1",
        "stars_3": "1",
        "stars_4": "1",
        "stars_5": "0",
    }
    legacy = {r["province_code"]: r for r in read_csv(client.get("/open-data/stats-by-legacy-province.csv"))}
    assert len(legacy) == 63 and legacy["06"]["products"] == "2"
    years = read_csv(client.get("/open-data/recognitions-by-year.csv"))
    assert sum(int(r["certificates"]) for r in years) == 2
    assert {(r["year"], r["stars"], r["sector_code"]) for r in years} == {
        ("2020", "3", "thuc_pham"),
        ("2025", "4", "thuc_pham"),
    }


def test_datapackage_and_index(client, products):
    package = client.get("/open-data/datapackage.json").json()
    assert [r["name"] for r in package["resources"]] == SLUGS
    html = client.get(reverse("opendata:index")).content.decode()
    for slug in SLUGS:
        assert f"/open-data/{slug}.csv" in html and f"/open-data/{slug}.metadata.json" in html
    assert "Creative Commons" in html and "product_name" in html


def test_unknown_dataset_is_404(client, db):
    for url in ("/open-data/nope.csv", "/open-data/nope.json", "/open-data/nope.metadata.json"):
        assert client.get(url).status_code == 404


def test_large_catalogue_is_streamed_in_chunks(client, products, monkeypatch):
    monkeypatch.setattr(opendata, "CHUNK_ROWS", 1)
    response = client.get("/open-data/catalogue.csv")
    chunks = list(response.streaming_content)
    assert len(chunks) == 3  # header, then one chunk per row


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, db):
    certified_product(commune("01840"), '=HYPERLINK("http://x.invalid","Bấm")', entity_name="@SUM(1+1)")
    row = read_csv(client.get("/open-data/catalogue.csv"))[0]
    assert row["product_name"] == '\'=HYPERLINK("http://x.invalid","Bấm")' and row["entity_name"] == "'@SUM(1+1)"
    data = json.loads(body(client.get("/open-data/catalogue.json")))["data"]
    assert data[0]["product_name"].startswith("=HYPERLINK")  # JSON keeps the text as it is
