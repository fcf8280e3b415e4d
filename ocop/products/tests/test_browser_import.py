"""Browser test of the Excel import: a province officer downloads the template, fills it, uploads a
file with errors, sees every error by row and column, fixes the file, passes the dry run, commits,
sees the products in the list and exports the list back to Excel."""

import io

import pytest
from openpyxl import load_workbook

from ocop.conftest import log_in
from ocop.lib.listexport import read_list
from ocop.products.models import Product

pytestmark = pytest.mark.browser


def fill(template: bytes, entity_commune: str, registered_on: str) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb["Chủ thể"]
    ws.append(
        [
            "Hợp tác xã",
            "HTX Chè Tân Cương trình duyệt",
            "BR-0001",
            "4600123456",
            "Xóm Nam Đồng",
            entity_commune,
            None,
            "Trần Thị C",
            "Giám đốc",
            "0280123456",
            "htx@example.vn",
        ]
    )
    ws = wb["Sản phẩm"]
    ws.append(
        [
            "BR-0001",
            None,
            "Chè xanh Tân Cương trình duyệt",
            "Thực phẩm",
            None,
            None,
            None,
            None,
            registered_on,
            "Chè búp",
        ]
    )
    ws.append(["BR-0001", None, "Trà hoa vàng trình duyệt", "Đồ uống", None, None, None, None, "02/01/2024", None])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_import_screen_from_template_to_products(page, site, tmp_path):
    log_in(page, site, "tinh.thainguyen")
    page.goto(f"{site}/products/list/")
    page.get_by_test_id("import-link").click()
    page.wait_for_load_state()
    with page.expect_download() as info:
        page.get_by_test_id("import-template").click()
    template = tmp_path / "mau.xlsx"
    info.value.save_as(template)
    content = template.read_bytes()
    assert "Chủ thể" in load_workbook(io.BytesIO(content)).sheetnames

    # a file with errors: an unknown commune code and an impossible date
    page.set_input_files(
        "#id_file",
        {"name": "co-loi.xlsx", "mimeType": "application/octet-stream", "buffer": fill(content, "99999", "31/02/2024")},
    )
    page.get_by_test_id("import-upload").click()
    page.wait_for_load_state()
    table = page.get_by_test_id("import-errors")
    assert table.is_visible()
    text = table.inner_text()
    assert "Không có xã, phường mã “99999”" in text and "Ngày “31/02/2024” không hợp lệ" in text
    assert page.locator('tr[data-row="3"][data-column="F"]').count() == 1  # Chủ thể, row 3, commune code
    assert page.locator('tr[data-row="3"][data-column="I"]').count() == 1  # Sản phẩm, row 3, date
    assert page.get_by_test_id("import-commit").count() == 0
    assert not Product.objects.filter(name__endswith="trình duyệt").exists()

    # fixed: the dry run passes, then the commit
    page.get_by_test_id("import-again").click()
    page.wait_for_load_state()
    page.set_input_files(
        "#id_file",
        {"name": "da-sua.xlsx", "mimeType": "application/octet-stream", "buffer": fill(content, "01840", "31/01/2024")},
    )
    page.get_by_test_id("import-upload").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("import-status").get_attribute("data-status") == "ready", page.locator(
        "main"
    ).inner_text()[:1500]
    page.get_by_test_id("import-commit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("import-done").is_visible()
    page.get_by_test_id("import-see-products").click()
    page.wait_for_load_state()
    products = page.get_by_test_id("product-table").inner_text()
    assert "Chè xanh Tân Cương trình duyệt" in products and "Trà hoa vàng trình duyệt" in products
    assert Product.objects.filter(name__endswith="trình duyệt", entity__registration_number="BR-0001").count() == 2

    # the list, filtered, exports to Excel with the same rows
    page.goto(f"{site}/products/list/?q=trình+duyệt")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "list.xlsx"
    info.value.save_as(path)
    _meta, header, rows = read_list(path.read_bytes())
    assert sorted(r[0] for r in rows) == ["Chè xanh Tân Cương trình duyệt", "Trà hoa vàng trình duyệt"]
