"""Issue 16: the law read by the products app lives in dated data files with their sources
(evaluation/data/instruments.json, products/data/product_groups.json); the expected values are
those of the instruments themselves, written out here by hand."""

from __future__ import annotations

import datetime as dt
import json

from ocop.products import instruments as law
from ocop.products import models as m
from ocop.products.models import DossierCategory, Sector


def test_classification_instruments_and_their_start_dates():
    assert [(i.label, i.valid_from) for i in law.CLASSIFICATION_INSTRUMENTS] == [
        ("QĐ 490/QĐ-TTg", dt.date(2018, 5, 7)),
        ("QĐ 1048/QĐ-TTg", dt.date(2019, 8, 21)),
        ("QĐ 148/QĐ-TTg", dt.date(2023, 2, 24)),
    ]
    assert law.classification_instrument_on(dt.date(2018, 12, 12)) == "QĐ 490/QĐ-TTg"
    assert law.classification_instrument_on(dt.date(2019, 8, 20)) == "QĐ 490/QĐ-TTg"
    assert law.classification_instrument_on(dt.date(2019, 8, 21)) == "QĐ 1048/QĐ-TTg"
    assert law.classification_instrument_on(dt.date(2023, 2, 23)) == "QĐ 1048/QĐ-TTg"
    assert law.classification_instrument_on(dt.date(2026, 3, 1)) == law.QD_148 == "QĐ 148/QĐ-TTg"


def test_instrument_on_is_the_one_with_criteria_in_force():
    # QĐ 490 set no national criteria: no score sheets before QĐ 1048 (21/8/2019)
    assert law.instrument_on(dt.date(2019, 8, 20)) is None
    assert law.instrument_on(dt.date(2019, 8, 21)).code == "QD1048"
    assert law.instrument_on(dt.date(2023, 2, 23)).code == "QD1048"
    # QĐ 1489 (6/7/2025) amends the procedure of QĐ 148, not its criteria
    assert law.instrument_on(dt.date(2023, 2, 24)).code == "QD148"
    assert law.instrument_on(dt.date(2026, 3, 1)).part_maxima == {"A": 40, "B": 25, "C": 35}


def test_product_groups_by_instrument():
    assert m.sector_of_code("148-5.1") == Sector.SINH_VAT_CANH  # QĐ 148 group 5: Sinh vật cảnh
    assert m.sector_of_code("1048-5.1") == Sector.THU_CONG  # QĐ 1048 group 5 (vải, may mặc): thủ công
    assert m.sector_of_code("490-3.1") == Sector.DUOC_LIEU
    assert m.sector_of_code("148-9.1") is None and m.sector_of_code("") is None


def test_required_dossier_categories():
    assert m.BASE_REQUIRED == (
        DossierCategory.REGISTRATION_FORM,
        DossierCategory.BUSINESS_PLAN,
        DossierCategory.BUSINESS_REGISTRATION,
        DossierCategory.QUALITY_DECLARATION,
        DossierCategory.PRODUCT_STORY,
    )
    food = m.Product(sector=Sector.THUC_PHAM)
    tourism = m.Product(sector=Sector.DU_LICH)
    assert m.required_categories(food) == [
        "registration_form",
        "business_plan",
        "business_registration",
        "quality_declaration",
        "product_story",
        "food_safety",
    ]
    assert m.required_categories(tourism) == [
        "registration_form",
        "business_plan",
        "business_registration",
        "product_story",
    ]
    assert all(isinstance(c, DossierCategory) for c in m.required_categories(food))


def test_the_data_files_name_their_sources():
    data = json.loads(m.PRODUCT_GROUPS_FILE.read_text(encoding="utf-8"))
    assert data["sector_by_group"]["source"] and data["required_dossier_categories"]["source"]
    assert data["required_dossier_categories"]["confirmed"] is False  # a declared gap [?]
    rows = json.loads(law.INSTRUMENTS_FILE.read_text(encoding="utf-8"))["instruments"]
    assert all(row["source"] for row in rows)
