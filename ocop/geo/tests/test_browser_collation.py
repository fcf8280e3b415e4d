"""Browser test: a province drop-down and a product list in Vietnamese order (issue 14)."""

from __future__ import annotations

import pytest

from ocop.conftest import log_in
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.tests.factories import make_entity, make_product

pytestmark = pytest.mark.browser

# The 34 provinces from 01/7/2025 in Vietnamese order, written by hand (a < ă < â, d < đ < e,
# a space before any letter, tone marks only break ties).
PROVINCES_IN_ORDER = [
    "An Giang",
    "Bắc Ninh",
    "Cà Mau",
    "Cao Bằng",
    "Cần Thơ",
    "Đà Nẵng",
    "Đắk Lắk",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Phòng",
    "Hồ Chí Minh",
    "Huế",
    "Hưng Yên",
    "Khánh Hòa",
    "Lai Châu",
    "Lạng Sơn",
    "Lào Cai",
    "Lâm Đồng",
    "Nghệ An",
    "Ninh Bình",
    "Phú Thọ",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sơn La",
    "Tây Ninh",
    "Thái Nguyên",
    "Thanh Hóa",
    "Tuyên Quang",
    "Vĩnh Long",
]
PRODUCTS_IN_ORDER = [
    "Ăn liền miến dong",
    "Cà phê bột",
    "Cao gắm",
    "Dầu lạc",
    "Đặc sản dê núi",
    "Ếch khô",
    "Hà thủ ô",
    "Huế mè xửng",
    "Ô mai mơ",
    "Ớt tương",
]


def test_province_drop_down_is_in_vietnamese_order(page, site):
    page.goto(f"{site}/san-pham-ocop/")
    options = page.get_by_test_id("filter-province").locator("option").all_inner_texts()
    assert options[1:] == PROVINCES_IN_ORDER  # after "Tất cả"


def test_product_list_is_in_vietnamese_order(page, site):
    unit = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="19").order_by("code").first()
    entity = make_entity(unit, name="HTX Kiểm thử thứ tự")
    for name in reversed(PRODUCTS_IN_ORDER):
        make_product(entity, name=name)
    log_in(page, site, "tw.canbo")
    page.goto(f"{site}/products/list/")
    names = page.get_by_test_id("product-table").locator("tbody tr td:first-child a").all_inner_texts()
    assert names == PRODUCTS_IN_ORDER
