"""The catalogue's read model, its filters and search, and its public pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.catalogue.models import CatalogueEntry
from ocop.catalogue.services import (
    Filters,
    Provinces,
    counts_by_province,
    filter_entries,
    parse_filters,
    rebuild_catalogue,
    shared_provinces,
    summary,
    year_table,
)
from ocop.catalogue.tests.factories import certified_product, certify, commune, current_commune_from
from ocop.evaluation.models_rounds import CertificateStatus
from ocop.front.models import demo_present
from ocop.geo.models import AdminUnit, Era, Level
from ocop.geo.services import clear_unit_cache
from ocop.products.models import EntityKind, Sector
from ocop.products.tests.factories import make_entity, make_photo, make_product

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def products(db):
    """Products across Thái Nguyên (current ward, legacy Bắc Kạn commune, current commune carved from
    Bắc Kạn) and Hà Tĩnh, with stars, sectors, kinds and validity that the filters can tell apart."""
    ha_tinh_commune = (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").order_by("code").first()
    )
    return {
        "tea": certified_product(
            current_commune_from("19"), "Chè xanh Thái Nguyên", entity_name="HTX Chè Đức Xuân", stars=4
        ),
        "honey": certified_product(
            commune("01888", Era.LEGACY),
            "Mật ong hoa rừng Ba Bể",
            entity_name="Hộ kinh doanh Đinh Văn Đức",
            kind=EntityKind.HO_KINH_DOANH,
            stars=3,
            issued_on=dt.date(2020, 5, 4),
            valid_until=dt.date(2023, 5, 4),
            status=CertificateStatus.EXPIRED,
        ),
        "rice": certified_product(
            current_commune_from("06"),
            "Gạo nếp Bắc Kạn",
            kind=EntityKind.DOANH_NGHIEP,
            stars=5,
            issued_on=dt.date(2025, 9, 1),
        ),
        "wine": certified_product(
            ha_tinh_commune, "Rượu men lá Hà Tĩnh", sector=Sector.DO_UONG, stars=3, issued_on=dt.date(2024, 3, 1)
        ),
    }


def names(qs) -> set[str]:
    return {e.product_name for e in qs}


def search(**params) -> set[str]:
    return names(filter_entries(parse_filters(params, Provinces()), TODAY))


# --- the read model ---------------------------------------------------------------------------------


def test_a_certificate_puts_the_product_in_the_catalogue(products):
    entry = CatalogueEntry.objects.get(product=products["tea"])
    assert entry.listed and entry.stars == 4 and entry.is_valid
    assert entry.province.code == "19" and (entry.legacy_province.code, entry.legacy_province.era) == ("19", Era.LEGACY)
    assert entry.search_text.startswith(" che xanh thai nguyen ") and " htx che duc xuan " in entry.search_text
    assert entry.certificate_number.endswith("/OCOP-19")


def test_provinces_of_a_legacy_commune_and_of_a_current_commune_carved_from_it(products):
    honey = CatalogueEntry.objects.get(product=products["honey"])
    assert (honey.province.code, honey.province.era) == ("19", Era.CURRENT)  # Bắc Kạn → Thái Nguyên
    assert (honey.legacy_province.code, honey.legacy_province.era) == ("06", Era.LEGACY)
    rice = CatalogueEntry.objects.get(product=products["rice"])
    assert rice.province.code == "19" and rice.legacy_province.code == "06"


def test_provinces_are_shared_until_the_unit_cache_is_reloaded(db):
    """The filter lists' provinces are built once per generation of the unit cache: the same object
    on every page, and a renamed province shows once the cache holds new objects."""
    clear_unit_cache()
    first = shared_provinces()
    assert shared_provinces() is first and len(first.current) == 34 and len(first.legacy) == 63
    AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, code="19").update(name="Thái Nguyên (tên thử)")
    try:
        assert shared_provinces() is first  # the cache still holds the old objects
        clear_unit_cache()
        renamed = shared_provinces()
        assert renamed is not first and renamed.current_by_code("19").name == "Thái Nguyên (tên thử)"
    finally:
        clear_unit_cache()  # the rename is rolled back with the test; the cache must not keep it


def test_uncertified_products_are_not_in_the_catalogue(products):
    draft = make_product(make_entity(commune("01840")), name="Chè chưa công nhận")
    assert not CatalogueEntry.objects.filter(product=draft).exists()
    assert "Chè chưa công nhận" not in search(q="che")


def test_a_revoked_certificate_unlists_the_product_and_a_new_one_lists_it_again(products):
    tea = products["tea"]
    cert = tea.certificates.get()
    cert.status = CertificateStatus.REVOKED
    cert.save()
    assert not CatalogueEntry.objects.get(product=tea).listed
    assert "Chè xanh Thái Nguyên" not in search()
    certify(tea, stars=5, issued_on=dt.date(2026, 1, 5))
    entry = CatalogueEntry.objects.get(product=tea)
    assert entry.listed and entry.stars == 5 and entry.first_issued_on == dt.date(2025, 10, 1)


def test_an_upgrade_supersedes_the_old_certificate(products):
    tea = products["tea"]
    tea.certificates.update(status=CertificateStatus.SUPERSEDED)
    certify(tea, stars=5, issued_on=dt.date(2026, 2, 1))
    entry = CatalogueEntry.objects.get(product=tea)
    assert entry.stars == 5 and entry.issued_on == dt.date(2026, 2, 1)


def test_validity_follows_the_date_even_before_the_expiry_job(products):
    tea = products["tea"]
    cert = tea.certificates.get()
    cert.valid_until = TODAY  # the day it stops being valid; status still "valid"
    cert.save()
    entry = CatalogueEntry.objects.get(product=tea)
    assert entry.listed and not entry.is_valid
    assert "Chè xanh Thái Nguyên" in search(hieu_luc="het_hieu_luc")
    assert "Chè xanh Thái Nguyên" not in search(hieu_luc="con_hieu_luc")


def test_deleting_or_renaming_follow_the_sources(products):
    tea = products["tea"]
    tea.entity.name = "HTX Trà Tân Cương"
    tea.entity.save()
    assert "Chè xanh Thái Nguyên" in search(q="tan cuong")
    tea.deleted_at = timezone.now()
    tea.save()
    assert not CatalogueEntry.objects.get(product=tea).listed


def test_rebuild_gives_the_same_rows_as_the_signals(products):
    fields = ["product_id", "listed", "stars", "province_id", "legacy_province_id", "search_text", "certificate_id"]
    before = list(CatalogueEntry.objects.order_by("pk").values_list(*fields))
    CatalogueEntry.objects.all().delete()
    assert rebuild_catalogue() == 4
    assert list(CatalogueEntry.objects.order_by("pk").values_list(*fields)) == before
    assert rebuild_catalogue() == 4  # idempotent


# --- search and filters -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["che thai nguyen", "Chè Thái Nguyên", "CHÈ THÁI", "chè", "che xanh", "thai ng"])
def test_search_with_and_without_diacritics(products, query):
    assert "Chè xanh Thái Nguyên" in search(q=query)


def test_search_d_with_stroke_and_entity_and_province_names(products):
    assert search(q="dinh van duc") == {"Mật ong hoa rừng Ba Bể"}  # đ → d, entity name
    assert search(q="Đinh Văn Đức") == {"Mật ong hoa rừng Ba Bể"}
    assert search(q="ha tinh") == {"Rượu men lá Hà Tĩnh"}
    # the historical province name finds the products of its former territory
    assert search(q="bac kan") == {"Mật ong hoa rừng Ba Bể", "Gạo nếp Bắc Kạn"}


def test_search_matches_word_starts_only(products):
    assert "Chè xanh Thái Nguyên" not in search(q="he")  # not inside a word
    assert search(q="xyzzy") == set()


def test_filters(products):
    assert search(sao="5") == {"Gạo nếp Bắc Kạn"}
    assert search(nhom="do_uong") == {"Rượu men lá Hà Tĩnh"}
    assert search(tinh="19") == {"Chè xanh Thái Nguyên", "Mật ong hoa rừng Ba Bể", "Gạo nếp Bắc Kạn"}
    assert search(tinh_cu="06") == {"Mật ong hoa rừng Ba Bể", "Gạo nếp Bắc Kạn"}
    assert search(loai="ho_kinh_doanh") == {"Mật ong hoa rừng Ba Bể"}
    assert search(hieu_luc="het_hieu_luc") == {"Mật ong hoa rừng Ba Bể"}
    assert search(hieu_luc="con_hieu_luc", tinh="19", sao="4") == {"Chè xanh Thái Nguyên"}


def test_bad_filters_are_dropped_with_a_message(products):
    f = parse_filters(
        {
            "sao": "9",
            "nhom": "xx",
            "tinh": "99",
            "tinh_cu": "<b>",
            "loai": "x",
            "hieu_luc": "y",
            "sap_xep": "z",
            "q": "%%%",
        },
        Provinces(),
    )
    assert len(f.errors) == 8 and not f.active
    assert names(filter_entries(f, TODAY)) == {
        "Chè xanh Thái Nguyên",
        "Mật ong hoa rừng Ba Bể",
        "Gạo nếp Bắc Kạn",
        "Rượu men lá Hà Tĩnh",
    }


def test_sort_orders(products):
    by_stars = [e.product_name for e in filter_entries(Filters(), TODAY)]
    assert by_stars[0] == "Gạo nếp Bắc Kạn"
    by_name = [e.product_name for e in filter_entries(Filters(sort="ten"), TODAY)]
    assert by_name == ["Chè xanh Thái Nguyên", "Gạo nếp Bắc Kạn", "Mật ong hoa rừng Ba Bể", "Rượu men lá Hà Tĩnh"]
    newest = [e.product_name for e in filter_entries(Filters(sort="moi"), TODAY)]
    assert newest[0] == "Chè xanh Thái Nguyên"


# --- statistics -------------------------------------------------------------------------------------


def test_counts_by_province_both_eras(products):
    current = {r.unit.code: r for r in counts_by_province(Era.CURRENT, TODAY)}
    assert len(current) == 34
    assert (current["19"].total, current["19"].valid, current["19"].stars) == (3, 2, {3: 1, 4: 1, 5: 1})
    assert current["42"].total == 1 and current["01"].total == 0
    legacy = {r.unit.code: r for r in counts_by_province(Era.LEGACY, TODAY)}
    assert len(legacy) == 63 and legacy["06"].total == 2 and legacy["19"].total == 1


def test_summary_and_year_tables(products):
    s = summary(TODAY)
    assert (s["total"], s["valid"], s["expired"]) == (4, 3, 1)
    assert dict(s["stars"]) == {3: 2, 4: 1, 5: 1}
    stars = year_table("stars")
    assert stars.years == [2020, 2024, 2025]
    assert {label: counts for _k, label, counts, _t in stars.rows} == {
        "3 sao": [1, 1, 0],
        "4 sao": [0, 0, 1],
        "5 sao": [0, 0, 1],
    }
    assert stars.totals == [1, 1, 2] and stars.grand_total == 4
    provinces = year_table("province")
    assert len(provinces.rows) == 34 and provinces.grand_total == 4
    assert year_table("sector").grand_total == 4
    assert year_table("legacy_province").grand_total == 4


def test_a_revoked_certificate_still_counts_as_a_recognition_of_its_year(products):
    cert = products["wine"].certificates.get()
    cert.status = CertificateStatus.REVOKED
    cert.save()
    assert summary(TODAY)["total"] == 3
    assert year_table("stars").grand_total == 4


# --- pages ------------------------------------------------------------------------------------------


def test_list_page_is_public_and_one_query_per_page(
    client, products, django_assert_max_num_queries, django_assert_num_queries
):
    for i in range(30):
        p = certified_product(commune("01840"), f"Sản phẩm số {i:02d}", stars=3)
        make_photo(p)
    demo_present()  # the demo banner's check, kept for a minute: not part of the search
    # provinces for the filters (2) + catalogue version + whether the words match + count + page
    with django_assert_max_num_queries(6):
        response = client.get(reverse("catalogue:list"), {"q": "san pham so"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-count="30"' in html and html.count('data-testid="catalogue-item"') == 24
    assert "/san-pham-ocop/anh/" in html and 'loading="lazy"' in html
    # the same search again: count, page and rendered results come from the cache, kept under the
    # catalogue's version, which is the only query (no session: the public is not signed in)
    with django_assert_num_queries(1):
        again = client.get(reverse("catalogue:list"), {"q": "san pham so"})
    assert again.content.decode().count('data-testid="catalogue-item"') == 24


def test_cached_search_results_follow_every_change_of_the_catalogue(client, products):
    """The results are cached under the catalogue's version (issue 17): a new certified product, a
    renamed one and a removed one show in the very next search."""
    url = reverse("catalogue:list")
    first = certified_product(commune("01840"), "Mứt gừng Hạ Long", stars=3)
    html = client.get(url, {"q": "mut gung"}).content.decode()
    assert 'data-count="1"' in html and "Mứt gừng Hạ Long" in html
    second = certified_product(commune("01840"), "Mứt gừng Bắc Giang", stars=4)
    html = client.get(url, {"q": "mut gung"}).content.decode()
    assert 'data-count="2"' in html and "Mứt gừng Bắc Giang" in html
    second.name = "Mứt gừng Lục Ngạn"
    second.save()
    html = client.get(url, {"q": "mut gung"}).content.decode()
    assert 'data-count="2"' in html and "Mứt gừng Lục Ngạn" in html and "Mứt gừng Bắc Giang" not in html
    first.certificates.all().delete()
    html = client.get(url, {"q": "mut gung"}).content.decode()
    assert 'data-count="1"' in html and "Mứt gừng Hạ Long" not in html


def test_download_links_and_the_current_page_follow_each_request(client, products):
    """The links of the results (CSV, JSON, map, the suggested spelling) are built only when the
    results fragment is (issue 17), and the catalogue's menu is a fragment per page: each still names
    the filters of its own request, and the menu marks the page being shown."""
    url = reverse("catalogue:list")
    html = client.get(url, {"q": "che", "sao": "4"}).content.decode()
    assert "catalogue.csv?q=che&amp;sao=4" in html
    assert "catalogue.json?q=che&amp;sao=4" in html
    html = client.get(url, {"q": "mat ong", "sao": "3"}).content.decode()
    assert "catalogue.csv?q=mat+ong&amp;sao=3" in html and "sao=4" not in html
    current = 'aria-current="page"'
    listing = client.get(url).content.decode()
    assert listing.count(current) == 1 and f'href="{url}" {current}' in listing
    statistics = client.get(reverse("catalogue:statistics")).content.decode()
    assert statistics.count(current) == 1 and f'href="{reverse("catalogue:statistics")}" {current}' in statistics
    assert client.get(url).content.decode().count(f'href="{url}" {current}') == 1


def test_list_page_htmx_returns_the_results_only(client, products):
    response = client.get(
        reverse("catalogue:list"), {"q": "che"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalogue-results"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="catalogue-results"') and "<html" not in html
    assert "Chè xanh Thái Nguyên" in html


def test_list_page_bad_input_is_a_message_not_an_error(client, products):
    response = client.get(reverse("catalogue:list"), {"sao": "abc", "tinh": "999", "page": "xyz"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hạng sao “abc” không hợp lệ" in html and "mã “999”" in html


def test_product_page(client, products):
    honey = products["honey"]
    make_photo(honey)
    response = client.get(reverse("catalogue:product", args=[honey.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mật ong hoa rừng Ba Bể" in html and 'aria-label="3 sao"' in html
    assert honey.certificates.get().number_display in html and "Đã hết hiệu lực từ ngày 04/05/2023" in html
    assert "Tỉnh Bắc Kạn" in html and "Thái Nguyên" in html
    # the server-rendered map of the 34 provinces (issue 17): Thái Nguyên (19) coloured, a link to its products
    assert 'data-province-count="34"' in html and 'data-code="19" data-value="1"' in html
    assert html.count('data-value="') == 1 and "?tinh=19" in html


def test_cached_product_page_follows_every_change(client, products):
    """The product page is cached under the catalogue's version (issue 17): a renamed product, a new
    photo, a photo removed, a revoked certificate and a removed product show on the next request."""
    tea = products["tea"]
    url = reverse("catalogue:product", args=[tea.pk])
    assert "Chè xanh Thái Nguyên" in client.get(url).content.decode()
    tea.name = "Chè búp Tân Cương"
    tea.save()
    html = client.get(url).content.decode()
    assert "Chè búp Tân Cương" in html and "Chè xanh Thái Nguyên" not in html
    assert 'data-testid="product-photos"' not in html
    photo = make_photo(tea)
    assert reverse("catalogue:photo", args=[photo.pk]) in client.get(url).content.decode()
    photo.deleted_at = timezone.now()
    photo.save()
    assert reverse("catalogue:photo", args=[photo.pk]) not in client.get(url).content.decode()
    cert = tea.certificates.get()
    assert "Còn hiệu lực" in client.get(url).content.decode()
    cert.status = CertificateStatus.REVOKED
    cert.save()
    assert "Còn hiệu lực" not in client.get(url).content.decode()
    cert.delete()
    assert client.get(url).status_code == 404


def test_unlisted_products_and_their_photos_are_not_public(client, products):
    draft = make_product(make_entity(commune("01840")), name="Chưa công nhận")
    photo = make_photo(draft)
    assert client.get(reverse("catalogue:product", args=[draft.pk])).status_code == 404
    assert client.get(reverse("catalogue:photo", args=[photo.pk])).status_code == 404
    listed = make_photo(products["tea"])
    response = client.get(reverse("catalogue:photo", args=[listed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_map_page_both_eras(client, products):
    html = client.get(reverse("catalogue:map")).content.decode()
    assert "provinces-current.geojson" in html and "&quot;19&quot;: 3" in html and "?tinh={code}" in html
    html = client.get(reverse("catalogue:map"), {"thoi_ky": "truoc_2025", "sao": "3"}).content.decode()
    assert "provinces-legacy.geojson" in html and "&quot;06&quot;: 1" in html and "tinh_cu={code}" in html
    assert client.get(reverse("catalogue:map"), {"thoi_ky": "x"}).status_code == 200


def test_statistics_page_has_charts_and_tables(client, products):
    html = client.get(reverse("catalogue:statistics")).content.decode()
    for testid in (
        "chart-stars",
        "chart-sector",
        "chart-province",
        "table-stars",
        "table-sector",
        "table-province-current",
        "table-province-years",
    ):
        assert f'data-testid="{testid}"' in html
    # server-rendered SVG stacked bars (issue 17): no chart library on the page
    assert 'class="svg-chart svg-bar" data-testid="chart-stars"' in html and "echarts" not in html


def test_anonymous_home_and_login_link_to_the_catalogue(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert reverse("catalogue:list") in html and reverse("opendata:index") in html


def test_search_indexes(db):
    """The search column is indexed on every database; PostgreSQL also gets the trigram index when
    pg_trgm can be created (the migration skips it otherwise)."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, CatalogueEntry._meta.db_table)
        assert constraints["catalogue_search_idx"]["columns"] == ["listed", "search_text"]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            if cursor.fetchone():
                assert "catalogue_search_trgm" in constraints
