"""Every list exports to .xlsx: typed cells, the description rows, and for several lists the same
scoped, filtered rows the page shows."""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ocop.accounts.models import Role, User
from ocop.accounts.scope import scope_for
from ocop.audit.models import AuditEntry
from ocop.audit.services import log_action
from ocop.geo.models import AdminUnit, Era, Level
from ocop.lib.listexport import HEADER_ROW, Col, read_list, write_list


def exported(client, url, params=None):
    response = client.get(url, {**(params or {}), "format": "xlsx"})
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    return read_list(b"".join(response.streaming_content))


def test_cells_keep_their_types_and_the_sheet_describes_the_extract():
    rows = [
        {
            "name": "Chè Tân Cương",
            "day": dt.date(2024, 5, 24),
            "at": dt.datetime(2024, 5, 24, 8, 30, tzinfo=dt.timezone.utc),
            "n": 1234567,
            "amount": Decimal("12.5"),
            "ok": True,
            "formula": '=HYPERLINK("http://x")',
            "bad": "a\x00b\x1fc",
        },
        {"name": None, "day": None, "at": None, "n": 0, "amount": 3.0, "ok": False, "formula": "", "bad": ""},
    ]
    columns = [
        Col("Tên", "name"),
        Col("Ngày", "day"),
        Col("Lúc", "at"),
        Col("Số", "n"),
        Col("Tiền", "amount"),
        Col("Đạt", "ok"),
        Col("Công thức", "formula"),
        Col("Lạ", lambda r: r["bad"]),
    ]
    buffer = io.BytesIO()
    count = write_list(buffer, rows, columns, title="Danh sách thử", filters=[("Tỉnh", "42"), ("Năm", "")])
    assert count == 2
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    ws = wb.active
    assert ws["A1"].value == "Danh sách thử" and ws["A1"].font.b
    assert ws["A2"].value == "Bộ lọc: Tỉnh: 42"
    assert ws["A3"].value.startswith("Ngày trích xuất: ")
    assert [c.value for c in ws[HEADER_ROW]] == ["Tên", "Ngày", "Lúc", "Số", "Tiền", "Đạt", "Công thức", "Lạ"]
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}" and ws.auto_filter.ref == f"A{HEADER_ROW}:H{HEADER_ROW + 2}"
    first = ws[HEADER_ROW + 1]
    assert first[1].value == dt.datetime(2024, 5, 24) and first[1].number_format == "DD/MM/YYYY"
    assert (
        first[2].value == dt.datetime(2024, 5, 24, 15, 30) and first[2].number_format == "DD/MM/YYYY HH:MM"
    )  # Asia/Ho_Chi_Minh
    assert first[3].value == 1234567 and first[3].number_format == "#,##0"
    assert first[4].value == 12.5 and first[4].number_format == "#,##0.00"
    assert first[5].value == "Có" and ws[HEADER_ROW + 2][5].value == "Không"
    assert first[6].data_type == "s" and first[6].value.startswith("=HYPERLINK")  # text, never a formula
    assert first[7].value == "abc"
    assert ws[HEADER_ROW + 4][0].value == "Tổng số: 2 dòng"
    meta, header, data = read_list(buffer.getvalue())
    assert len(data) == 2 and header[0] == "Tên" and meta[0] == "Danh sách thử"
    empty = io.BytesIO()
    write_list(empty, [], columns, title="Rỗng")
    assert read_list(empty.getvalue())[2] == [] and "không lọc" in read_list(empty.getvalue())[0][1]


def test_a_large_list_is_written_in_streaming_mode_quickly():
    rows = (
        {"a": f"Sản phẩm {i}", "b": i, "c": dt.date(2020, 1, 1) + dt.timedelta(days=i % 2000)} for i in range(50_000)
    )
    buffer = io.BytesIO()
    start = time.monotonic()
    assert write_list(buffer, rows, [Col("A", "a"), Col("B", "b"), Col("C", "c")], title="Lớn") == 50_000
    assert time.monotonic() - start < 30


@pytest.mark.django_db
def test_user_list_export_is_as_scoped_and_filtered_as_the_page(client, demo_users):
    officer = demo_users["tinh.hatinh"]
    far = User.objects.create(
        username="thai.nguyen.2", role=Role.COMMUNE_OFFICER, scope_unit=demo_users["xa.ducxuan"].scope_unit
    )
    near = User.objects.create(
        username="ha.tinh.2",
        role=Role.COMMUNE_OFFICER,
        scope_unit=AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").first(),
    )
    client.force_login(officer)
    from ocop.accounts.services.users import manageable_users

    meta, header, data = exported(client, reverse("accounts:user_list"))
    assert header[:3] == ["Tên đăng nhập", "Họ và tên", "Vai trò"] and meta[0] == "Danh sách người dùng"
    names = [r[0] for r in data]
    assert len(data) == manageable_users(officer).count() and near.username in names and far.username not in names
    assert "tinh.thainguyen" not in names and "tw.quantri" not in names
    _meta, _h, filtered = exported(client, reverse("accounts:user_list"), {"role": Role.COMMUNE_OFFICER})
    assert [r[0] for r in filtered] == [near.username] and "Vai trò: Cán bộ cấp xã" in _meta[1]
    # the button keeps the filters and drops the page number
    html = client.get(reverse("accounts:user_list"), {"role": Role.COMMUNE_OFFICER, "page": "1"}).content.decode()
    assert f'href="?role={Role.COMMUNE_OFFICER}&amp;format=xlsx"' in html and "Xuất Excel" in html


@pytest.mark.django_db
def test_audit_export_lacks_other_provinces(client, demo_users):
    officer = demo_users["tinh.hatinh"]
    ha_tinh = officer.scope_unit
    thai_nguyen = demo_users["tinh.thainguyen"].scope_unit
    for i in range(3):
        log_action(None, "test.near", officer, unit=ha_tinh, reason=f"gần {i}")
    log_action(None, "test.far", officer, unit=thai_nguyen, reason="xa")
    client.force_login(officer)
    _meta, header, data = exported(client, reverse("audit:entry_list"))
    visible = scope_for(officer).filter(AuditEntry.objects.all(), "unit")
    assert len(data) == visible.count() and len(data) < AuditEntry.objects.count()
    reasons = [r[header.index("Lý do")] for r in data]
    assert "xa" not in reasons and "gần 0" in reasons
    assert isinstance(data[0][0], dt.datetime)
    _m, _h, filtered = exported(client, reverse("audit:entry_list"), {"action": "test.near"})
    assert len(filtered) == 3


@pytest.mark.django_db
def test_entity_and_product_exports_are_scoped(client, demo_users):
    from ocop.products.services import readable_entities, readable_products
    from ocop.products.tests.factories import commune, make_entity, make_product

    near = make_entity(
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").first(), name="HTX Hà Tĩnh"
    )
    far = make_entity(commune("01840"), name="HTX Thái Nguyên")
    make_product(near, name="Cam Vũ Quang")
    make_product(far, name="Chè Tân Cương")
    officer = demo_users["tinh.hatinh"]
    client.force_login(officer)
    _meta, header, data = exported(client, reverse("products:entity_list"))
    assert [r[0] for r in data] == ["HTX Hà Tĩnh"] and len(data) == readable_entities(officer).count()
    assert header[header.index("Số sản phẩm")] and data[0][header.index("Số sản phẩm")] == 1
    _meta, header, data = exported(client, reverse("products:product_list"))
    assert [r[0] for r in data] == ["Cam Vũ Quang"] and len(data) == readable_products(officer).count()
    assert data[0][header.index("Ngày đăng ký")] == dt.datetime(2025, 9, 1)
    client.force_login(demo_users["tw.canbo"])
    _meta, _h, data = exported(client, reverse("products:product_list"), {"province": "19"})
    assert [r[0] for r in data] == ["Chè Tân Cương"]


@pytest.mark.django_db
def test_unit_list_export_matches_the_page_count(client, demo_users):
    client.force_login(demo_users["xa.ducxuan"])
    params = {"date": "01/07/2025", "level": "commune", "parent": "19"}
    page = client.get(reverse("geo:unit_list"), params)
    total = page.context["page"].paginator.count
    _meta, header, data = exported(client, reverse("geo:unit_list"), params)
    assert len(data) == total > 50 and header[:2] == ["Mã", "Tên"]
    assert (
        len({r[header.index("Tỉnh, thành phố")] for r in data}) == 1
        and "Thái Nguyên" in data[0][header.index("Tỉnh, thành phố")]
    )


@pytest.mark.django_db
def test_other_lists_export(client, demo_users):
    from ocop.notifications.models import Notification
    from ocop.reporting.loader import load_templates

    load_templates()
    central = demo_users["tw.canbo"]
    Notification.objects.create(user=central, text="Báo cáo mới")
    Notification.objects.create(user=demo_users["tinh.hatinh"], text="Của người khác")
    client.force_login(central)
    _m, _h, data = exported(client, reverse("notifications:list"))
    assert [r[1] for r in data] == ["Báo cáo mới"]
    _m, header, data = exported(client, reverse("reporting:template_list"))
    assert len(data) >= 1 and header[0] == "Mã"
    _m, header, data = exported(client, reverse("reporting:request_list"))
    assert header[0] == "Tiêu đề"
    _m, header, data = exported(client, reverse("documents:list"))
    assert header[2] == "Số, ký hiệu"
    for name in (
        "notifications:list",
        "reporting:template_list",
        "reporting:request_list",
        "documents:list",
        "geo:unit_list",
        "audit:entry_list",
        "accounts:user_list",
        "products:entity_list",
        "products:product_list",
    ):
        assert 'data-testid="export-xlsx"' in client.get(reverse(name)).content.decode(), name


@pytest.mark.django_db
def test_evaluation_lists_export_only_the_scope(client, demo_users):
    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.models import CriteriaSet
    from ocop.evaluation.models_rounds import Certificate, Round, RoundProduct
    from ocop.products.tests.factories import commune, fixture_set

    load_criteria()
    cs = CriteriaSet.objects.filter(structure_only=False).first()
    day = dt.date(2025, 10, 1)
    ha_tinh_commune = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42").first()
    made = {}
    for code, unit_ in (("42", ha_tinh_commune), ("19", commune("01840"))):
        province = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=code)
        objs = fixture_set(unit_, name=f"HTX {code}")
        r = Round.objects.create(name=f"Kỳ {code}", level="province", unit=province, held_on=day)
        entry = RoundProduct.objects.create(round=r, product=objs["product"], dossier=objs["dossier"], criteria_set=cs)
        made[code] = Certificate.objects.create(
            product=objs["product"],
            round_product=entry,
            issuer_unit=province,
            year=2025,
            number=int(code),
            issued_on=day,
            valid_until=dt.date(2028, 10, 1),
            stars=4,
        )
    client.force_login(demo_users["tinh.hatinh"])
    _m, header, data = exported(client, reverse("evaluation:round_list"))
    assert [r[0] for r in data] == ["Kỳ 42"]
    _m, header, data = exported(client, reverse("evaluation:certificate_list"))
    assert [r[0] for r in data] == [made["42"].number_display] and data[0][header.index("Hạng sao")] == 4
    assert data[0][header.index("Ngày công nhận")] == dt.datetime(2025, 10, 1)
    _m, header, data = exported(client, reverse("evaluation:application_list"))
    assert data == [] and header[1] == "Sản phẩm"
    client.force_login(demo_users["tw.canbo"])
    _m, _h, data = exported(client, reverse("evaluation:certificate_list"))
    assert len(data) == 2
