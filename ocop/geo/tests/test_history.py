"""Units as they stood on every date since 01/01/2018 (issue 14).

Expected values are facts from the GSO catalogue history and the resolutions it names (see
ocop/geo/data/HISTORY_SOURCES.md), not outputs of the code under test.
"""

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command

from ocop.accounts.models import Role, User
from ocop.accounts.scope import scope_for
from ocop.geo import services
from ocop.geo.loader import load_units
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession

pytestmark = pytest.mark.django_db


def export(*args) -> list[dict]:
    out = io.StringIO()
    call_command("export_units", *args, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def by_code(rows):
    return {r["code"]: r for r in rows}


def legacy(level, code):
    return AdminUnit.objects.get(era=Era.LEGACY, level=level, code=code)


# --- acceptance ----------------------------------------------------------------------------------


def test_2018_province_46_is_tinh_thua_thien_hue():
    rows = by_code(export("--date", "2018-12-12", "--level", "province"))
    assert len(rows) == 63
    assert (rows["46"]["name"], rows["46"]["type"]) == ("Thừa Thiên Huế", "Tỉnh")
    # 58 provinces and 5 centrally governed cities in 2018 (Huế became the 6th on 01/01/2025)
    assert Counter(r["type"] for r in rows.values()) == {"Tỉnh": 58, "Thành phố": 5}
    later = by_code(export("--date", "2025-01-01", "--level", "province"))
    assert (later["46"]["name"], later["46"]["type"]) == ("Huế", "Thành phố")
    assert by_code(export("--date", "2024-12-31", "--level", "province"))["46"]["type"] == "Tỉnh"


def test_2018_districts_include_ky_son_and_hcmc_districts_2_9_thu_duc():
    rows = by_code(export("--date", "2018-12-12", "--level", "district"))
    assert (rows["151"]["name"], rows["151"]["type"], rows["151"]["parent_code"]) == ("Kỳ Sơn", "Huyện", "17")
    assert (rows["769"]["name"], rows["769"]["type"], rows["769"]["parent_code"]) == ("2", "Quận", "79")
    assert (rows["763"]["name"], rows["763"]["type"], rows["763"]["parent_code"]) == ("9", "Quận", "79")
    assert (rows["762"]["name"], rows["762"]["type"], rows["762"]["parent_code"]) == ("Thủ Đức", "Quận", "79")
    assert len(rows) == 713  # 713 district-level units at the end of 2018 (GSO)
    after = by_code(export("--date", "2021-01-01", "--level", "district"))
    assert "151" not in after and "763" not in after and "762" not in after
    assert (after["769"]["name"], after["769"]["type"]) == ("Thủ Đức", "Thành phố")  # NQ 1111/NQ-UBTVQH14


def test_2025_07_01_provinces_keep_tinh_until_their_upgrade():
    rows = by_code(export("--date", "2025-07-01", "--level", "province"))
    assert len(rows) == 34
    for code in ("22", "24", "75"):  # Quảng Ninh, Bắc Ninh, Đồng Nai
        assert rows[code]["type"] == "Tỉnh", rows[code]
    assert Counter(r["type"] for r in rows.values()) == {"Tỉnh": 28, "Thành phố": 6}
    late = by_code(export("--date", "2026-12-01", "--level", "province"))
    assert late["22"]["type"] == "Thành phố"


def test_2025_07_01_communes():
    rows = export("--date", "2025-07-01", "--level", "commune")
    assert len(rows) == 3321
    assert Counter(r["type"] for r in rows) == {"Xã": 2621, "Phường": 687, "Đặc khu": 13}


# --- each kind of change ------------------------------------------------------------------------


def test_rename_and_type_change_keep_the_unit():
    hue = legacy(Level.PROVINCE, "46")
    assert services.name_on(hue, dt.date(2018, 12, 12)) == "Tỉnh Thừa Thiên Huế"
    assert services.name_on(hue, dt.date(2025, 3, 1)) == "Thành phố Huế"
    # Hương Nê and Lãng Ngâm (Ngân Sơn, Bắc Kạn) became xã Hiệp Lực on 01/02/2020 (855/NQ-UBTVQH14):
    # commune 01960 is renamed, 01966 abolished into it
    lang_ngam = legacy(Level.COMMUNE, "01960")
    assert services.name_on(lang_ngam, dt.date(2018, 6, 1)) == "Xã Lãng Ngâm"
    assert services.name_on(lang_ngam, dt.date(2020, 2, 1)) == "Xã Hiệp Lực"
    # type change: huyện Kinh Môn became a thị xã on 01/11/2019 (768/NQ-UBTVQH14)
    kinh_mon = legacy(Level.DISTRICT, "292")
    assert services.name_on(kinh_mon, dt.date(2019, 10, 31)) == "Huyện Kinh Môn"
    assert services.name_on(kinh_mon, dt.date(2019, 11, 1)) == "Thị xã Kinh Môn"
    version = services.version_on(kinh_mon, dt.date(2019, 11, 1))
    assert version[0] == dt.date(2019, 11, 1)


def test_merge_transfers_communes_and_records_the_successor():
    ky_son = legacy(Level.DISTRICT, "151")
    assert ky_son.valid_to == dt.date(2019, 12, 31)
    succession = UnitSuccession.objects.get(predecessor=ky_son)
    assert succession.successor.code == "148" and succession.effective == dt.date(2020, 1, 1)
    assert "830/NQ-UBTVQH14" in succession.basis and succession.kind == "merge"
    # its communes moved to thành phố Hòa Bình: their parent on each date follows
    on_2018 = [
        u
        for u in services.units_valid_on(dt.date(2018, 12, 12), Level.COMMUNE).filter(province__code="17")
        if u.parent_id == ky_son.pk
    ]
    assert len(on_2018) >= 5
    assert all(
        u.parent_id == legacy(Level.DISTRICT, "148").pk
        for u in services.units_valid_on(dt.date(2020, 6, 1), Level.COMMUNE).filter(pk__in=[u.pk for u in on_2018])
    )


def test_split_and_abolition():
    split = UnitSuccession.objects.filter(kind="split").select_related("predecessor", "successor").first()
    assert split is not None and split.is_split
    assert split.predecessor.valid_to == services.LEGACY_END  # the source district goes on
    assert split.successor.valid_from == split.effective  # the new one starts that day
    # abolition without a known successor is declared, not invented
    huong_ne = legacy(Level.COMMUNE, "01966")
    assert huong_ne.valid_to == dt.date(2020, 1, 31)
    assert not services.units_valid_on(dt.date(2020, 2, 1), Level.COMMUNE).filter(pk=huong_ne.pk).exists()


def test_crosswalk_through_two_successive_changes():
    # Hương Nê -> Hiệp Lực (01/02/2020) -> current commune 01960 (01/7/2025)
    huong_ne = legacy(Level.COMMUNE, "01966")
    current = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COMMUNE, code="01960")
    assert services.all_successor_ids(huong_ne.pk) == [current.pk]
    assert huong_ne.pk in services.all_predecessor_ids(current)
    # Quận 9 -> thành phố Thủ Đức (01/01/2021) -> wards of Hồ Chí Minh City (01/7/2025)
    rows = by_code(export("--date", "2018-12-12", "--level", "district", "--successors"))
    succ = rows["763"]["successor_codes"].split(";")
    hcmc = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="79")
    assert succ and set(succ) <= set(
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province=hcmc).values_list("code", flat=True)
    )


def test_scope_follows_every_change():
    current = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COMMUNE, code="01960")
    officer = User.objects.create(username="xa.hiepluc", role=Role.COMMUNE_OFFICER, scope_unit=current)
    scope = scope_for(officer)
    assert scope.covers(legacy(Level.COMMUNE, "01966"))  # Hương Nê, abolished in 2020
    assert scope.covers(legacy(Level.COMMUNE, "01960"))
    assert not scope.covers(legacy(Level.COMMUNE, "01888"))  # Chợ Rã, elsewhere
    thai_nguyen = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19")
    province_officer = User.objects.create(username="tinh.tn2", role=Role.PROVINCE_OFFICER, scope_unit=thai_nguyen)
    assert scope_for(province_officer).covers(legacy(Level.COMMUNE, "01966"))


def test_2018_report_prefill_counts_2018_districts():
    from ocop.reporting.bindings import BindingContext

    hoa_binh = legacy(Level.PROVINCE, "17")
    ctx_2018 = BindingContext(hoa_binh, dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    ctx_2020 = BindingContext(hoa_binh, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    # Hòa Bình had 11 district-level units in 2018; Kỳ Sơn merged into thành phố Hòa Bình on 01/01/2020
    assert ctx_2018.districts.count() == 11
    assert ctx_2020.districts.count() == 10
    hcmc = legacy(Level.PROVINCE, "79")
    # 24 in 2018 (19 quận, 5 huyện); 22 after Quận 2, 9 and Thủ Đức became thành phố Thủ Đức
    assert BindingContext(hcmc, None, dt.date(2018, 12, 31)).districts.count() == 24
    assert BindingContext(hcmc, None, dt.date(2021, 12, 31)).districts.count() == 22


def test_reload_keeps_references_and_reports_changes(tmp_path):
    import shutil

    from ocop.geo import loader

    for f in loader.DATA_DIR.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    hue = legacy(Level.PROVINCE, "46")
    # a newer data version: one commune renamed in the final list
    path = tmp_path / "units_legacy.csv"
    text = path.read_text(encoding="utf-8").replace("01888,commune,Chợ Rã,", "01888,commune,Chợ Rã Mới,")
    path.write_text(text, encoding="utf-8")
    history = tmp_path / "units_history.csv"
    history.write_text(
        history.read_text(encoding="utf-8").replace("01888,commune,legacy,Chợ Rã,", "01888,commune,legacy,Chợ Rã Mới,"),
        encoding="utf-8",
    )
    report = load_units(tmp_path)
    assert not report.skipped
    assert report.updated == 1 and report.created == 0
    assert any("01888" in line and "Chợ Rã Mới" in line for line in report.changes)
    assert legacy(Level.PROVINCE, "46").pk == hue.pk
    load_units(force=True)  # back to the committed data
    assert legacy(Level.COMMUNE, "01888").name == "Chợ Rã"


# --- date-bound views ------------------------------------------------------------------------------


def test_the_2018_board_names_thua_thien_hue():
    from ocop.programme.board import build_board

    names = {row.province.code: row.province.full_name for row in build_board(dt.date(2018, 12, 12))}
    assert names["46"] == "Tỉnh Thừa Thiên Huế"
    assert build_board(dt.date(2025, 3, 1))[0].province.era == Era.LEGACY
    assert {row.province.code: row.province.full_name for row in build_board(dt.date(2025, 3, 1))}[
        "46"
    ] == "Thành phố Huế"


def test_catalogue_names_the_issuer_as_on_the_certificate_date():
    from ocop.catalogue.services import refresh_products
    from ocop.catalogue.models import CatalogueEntry
    from ocop.catalogue.tests.factories import certified_product

    commune = (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="22").order_by("code").first()
    )
    product = certified_product(commune, "Chả mực Hạ Long", issued_on=dt.date(2025, 7, 7))
    refresh_products([product.pk])
    entry = CatalogueEntry.objects.get(product=product)
    assert entry.issuer_name == "Tỉnh Quảng Ninh"  # the upgrade to thành phố came in 2026


def test_template_filter_names_a_unit_as_on_a_date():
    from django.template import Context, Template

    hue = legacy(Level.PROVINCE, "46")
    tpl = Template("{% load geo_units %}{{ unit|named_on:day }}")
    assert tpl.render(Context({"unit": hue, "day": dt.date(2018, 12, 12)})) == "Tỉnh Thừa Thiên Huế"
    assert tpl.render(Context({"unit": hue, "day": None})) == "Thành phố Huế"


def test_the_2018_report_names_its_units_as_on_the_cut_off(demo_users):
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportTemplate
    from ocop.reporting.services.completeness import unit_statuses
    from ocop.reporting.services.requests import do_create_request

    load_templates()
    req = do_create_request(
        demo_users["tw.canbo"],
        title="Báo cáo kết quả triển khai Chương trình OCOP năm 2018",
        template=ReportTemplate.objects.get(code="ocop-cv9654-2018", version=1),
        kind="adhoc",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
        deadline_rule="before",
        period_start=dt.date(2018, 1, 1),
        document_number="9654/BNN-VPĐP",
        issued_on=dt.date(2018, 12, 12),
    )
    units = {s.unit.code: s.unit for s in unit_statuses(req)}
    assert len(units) == 63
    assert units["46"].full_name == "Tỉnh Thừa Thiên Huế"
    assert legacy(Level.PROVINCE, "46").full_name == "Thành phố Huế"  # the stored row is untouched


def test_unit_pages_by_date(client, demo_users, demo_password):
    from django.urls import reverse

    client.login(username="tw.canbo", password=demo_password)
    ky_son, hoa_binh_city = legacy(Level.DISTRICT, "151"), legacy(Level.DISTRICT, "148")
    url = reverse("geo:unit_list")
    in_2018 = client.get(url, {"date": "12/12/2018", "level": "commune", "parent": "151"})
    in_2020 = client.get(url, {"date": "01/06/2020", "level": "commune", "parent": "148"})
    codes_2018 = {u.code for u in in_2018.context["page"]}
    codes_2020 = {u.code for u in in_2020.context["page"]}
    alive_2020 = set(services.units_valid_on(dt.date(2020, 6, 1), Level.COMMUNE).values_list("code", flat=True))
    moved = codes_2018 & alive_2020  # the ones not merged away in the same reorganisation
    assert moved and moved <= codes_2020  # Kỳ Sơn's communes went to thành phố Hòa Bình
    assert (
        not {
            u.code for u in client.get(url, {"date": "12/12/2018", "level": "commune", "parent": "148"}).context["page"]
        }
        & codes_2018
    )
    page = client.get(reverse("geo:unit_detail", args=[ky_son.pk])).content.decode()
    assert "830/NQ-UBTVQH14" in page and f"({hoa_binh_city.code})" in page
    hue = client.get(reverse("geo:unit_detail", args=[legacy(Level.PROVINCE, "46").pk])).content.decode()
    assert "Tỉnh Thừa Thiên Huế" in hue and "175/2024/QH15" in hue


def test_unit_list_search_ignores_case_and_diacritics(client, demo_users):
    from django.urls import reverse

    client.force_login(demo_users["tw.canbo"])
    url = reverse("geo:unit_list")
    for typed in ("thai nguyen", "THÁI NGUYÊN", "Thái Nguyên"):
        found = {(u.code, u.name) for u in client.get(url, {"date": "02/12/2026", "q": typed}).context["page"]}
        assert found == {("19", "Thái Nguyên")}, typed
    assert {u.code for u in client.get(url, {"date": "02/12/2026", "q": "19"}).context["page"]} == {"19"}
    bad = client.get(url, {"level": "tinh<b>"}).content.decode()
    assert "Cấp đơn vị “tinh&lt;b&gt;” không hợp lệ." in bad


def test_default_recipients_within_a_district_follow_the_date():
    from ocop.reporting.services.requests import default_recipients

    ky_son = legacy(Level.DISTRICT, "151")
    in_2018 = list(default_recipients(Level.COMMUNE, dt.date(2018, 12, 31), within=ky_son))
    assert in_2018 and all(u.parent_id == ky_son.pk for u in in_2018)
    assert list(default_recipients(Level.COMMUNE, dt.date(2020, 6, 1), within=ky_son)) == []
    hoa_binh = legacy(Level.PROVINCE, "17")
    assert default_recipients(Level.DISTRICT, dt.date(2018, 12, 31), within=hoa_binh).count() == 11
