"""Bulk import of entities and products from Excel: template, dry run, commit, hostile files, scope,
all-or-nothing, and the row checker under arbitrary cell values (hypothesis)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from openpyxl import load_workbook

from ocop.audit.models import AuditEntry
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products import importer
from ocop.products.models import Entity, EntityKind, Product, ProductStatus, ProductStatusChange
from ocop.products.models_import import ImportBatch, ImportStatus
from ocop.products.tests.factories import commune, make_entity

pytestmark = pytest.mark.django_db

DUC_XUAN = "01840"  # current ward in Thái Nguyên
CHO_RA = "01888"  # legacy commune of Bắc Kạn (now Thái Nguyên)


def ha_tinh_code() -> str:
    return (
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province__code="42")
        .order_by("code")
        .first()
        .code
    )


def entity_row(n: int, **over) -> dict:
    row = {
        "entity.kind": "Hợp tác xã",
        "entity.name": f"HTX nhập {n}",
        "entity.registration_number": f"NH-{n:05d}",
        "entity.address": "Thôn 1",
        "entity.commune_code": DUC_XUAN,
        "entity.representative_name": "Nguyễn Văn B",
        "entity.phone": "0912345678",
        "entity.email": f"htx{n}@example.vn",
    }
    row.update(over)
    return row


def product_row(n: int, reg: str, **over) -> dict:
    row = {
        "product.entity_registration_number": reg,
        "product.name": f"Chè nhập {n}",
        "product.sector": "Thực phẩm",
        "product.registered_on": "15/03/2024",
    }
    row.update(over)
    return row


def xlsx(entities=(), products=(), name="nhap.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, importer.write_workbook(entities, products))


def upload(client, f):
    return client.post(reverse("products:import_start"), {"file": f})


def counts():
    return Entity.objects.count(), Product.objects.count(), ProductStatusChange.objects.count()


# --- template --------------------------------------------------------------------------------


def test_the_template_has_the_sheets_lists_and_only_the_communes_in_scope(client, officer):
    response = client.get(reverse("products:import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(io.BytesIO(response.content))
    assert {"Hướng dẫn", "Chủ thể", "Sản phẩm", "Mã xã", "DanhMuc"} <= set(wb.sheetnames)
    assert wb["DanhMuc"].sheet_state == "hidden" and wb["DanhMuc"].protection.sheet
    assert wb["Mã xã"].protection.sheet
    codes = {r[0] for r in wb["Mã xã"].iter_rows(min_row=2, values_only=True)}
    assert DUC_XUAN in codes and CHO_RA in codes and ha_tinh_code() not in codes
    ws = wb["Chủ thể"]
    assert ws["A1"].value == "Loại hình *" and ws["A2"].value == "ocop:entity.kind" and ws.row_dimensions[2].hidden
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert any("DanhMuc" in f for f in formulas)
    assert "HƯỚNG DẪN" in wb["Hướng dẫn"]["A1"].value
    # the empty template itself is read as "no rows"
    result = importer.check_file(officer, io.BytesIO(response.content))
    assert [e.message for e in result.errors] == [
        "Tệp không có dòng dữ liệu nào (trang “Chủ thể” và “Sản phẩm” đều trống)."
    ]


def test_entity_users_and_others_cannot_import(client, demo_users):
    for username in ("chuthe.demo", "xa.ducxuan", "tw.canbo", "hoidong.thainguyen"):
        client.force_login(demo_users[username])
        assert client.get(reverse("products:import_start")).status_code == 403, username
        assert client.get(reverse("products:import_template")).status_code == 403, username
        assert upload(client, xlsx([entity_row(1)])).status_code == 403, username
    assert not ImportBatch.objects.exists()


# --- valid file --------------------------------------------------------------------------------


def test_a_valid_file_is_checked_then_committed_all_audited(client, officer):
    existing = make_entity(commune(DUC_XUAN), name="HTX đã có")
    before = counts()
    audit_before = AuditEntry.objects.count()
    rows = [
        entity_row(1),
        entity_row(2, **{"entity.kind": "doanh nghiep", "entity.commune_code": CHO_RA, "entity.legacy": "Có"}),
    ]
    products = [
        product_row(1, "NH-00001"),
        product_row(2, "nh-00002", **{"product.registered_on": dt.datetime(2020, 5, 4), "product.sector": "Đồ uống"}),
        product_row(3, existing.registration_number, **{"product.registered_on": None, "product.commune_code": 1840}),
    ]
    response = upload(client, xlsx(rows, products))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("products:import_batch", args=[batch.token])
    assert batch.status == ImportStatus.READY and (batch.entity_rows, batch.product_rows, batch.error_count) == (
        2,
        3,
        0,
    )
    assert counts() == before  # the dry run saves nothing
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-commit"' in page

    response = client.post(reverse("products:import_commit", args=[batch.token]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and (batch.entities_created, batch.products_created) == (2, 3)
    assert counts() == (before[0] + 2, before[1] + 3, before[2] + 3)
    e2 = Entity.objects.get(registration_number="NH-00002")
    assert e2.kind == EntityKind.DOANH_NGHIEP and e2.unit.era == Era.LEGACY and e2.created_by == officer
    p2 = Product.objects.get(name="Chè nhập 2")
    assert (
        p2.entity == e2 and p2.registered_on == dt.date(2020, 5, 4) and p2.classification_instrument == "QĐ 1048/QĐ-TTg"
    )
    assert p2.status == ProductStatus.REGISTERED and p2.unit == e2.unit and p2.sector == "do_uong"
    p3 = Product.objects.get(name="Chè nhập 3")
    assert p3.entity == existing and p3.registered_on == dt.date.today() and p3.unit.code == DUC_XUAN
    # one entry for the import with its counts, one per object
    new = AuditEntry.objects.order_by("id")[audit_before:]
    actions = [e.action for e in new]
    assert actions.count("ocop.products.entity.created") == 2 and actions.count("ocop.products.product.created") == 3
    summary = AuditEntry.objects.get(action="ocop.products.import.committed")
    assert summary.after["entities"] == 2 and summary.after["products"] == 3 and summary.actor == officer
    assert AuditEntry.objects.filter(action="ocop.products.import.uploaded").count() == 1
    entry = AuditEntry.objects.get(action="ocop.products.entity.created", object_id=str(e2.pk))
    assert entry.after["registration_number"] == "NH-00002" and entry.unit == e2.unit and "lô" in entry.reason
    # committing twice does nothing more
    client.post(reverse("products:import_commit", args=[batch.token]))
    assert counts() == (before[0] + 2, before[1] + 3, before[2] + 3)


# --- errors ------------------------------------------------------------------------------------


def test_every_error_is_reported_by_row_and_column_and_nothing_is_saved(client, officer):
    taken = make_entity(commune(DUC_XUAN), name="HTX có sẵn", kind=EntityKind.HTX).registration_number
    rows = [
        entity_row(1),  # row 3: fine
        entity_row(2, **{"entity.commune_code": "99999"}),  # row 4: unknown commune (F)
        entity_row(3, **{"entity.registration_number": "NH-00001"}),  # row 5: duplicate of row 3 (C)
        entity_row(4, **{"entity.registration_number": taken}),  # row 6: duplicate in the database (C)
        entity_row(5, **{"entity.name": None, "entity.kind": "Công ty"}),  # row 7: missing name (B), unknown kind (A)
        entity_row(6, **{"entity.commune_code": ha_tinh_code()}),  # row 8: outside the scope (F)
        entity_row(7, **{"entity.commune_code": CHO_RA}),  # row 9: legacy code without the legacy flag (F)
        entity_row(8, **{"entity.email": "không-phải-email"}),  # row 10: bad e-mail (K)
    ]
    products = [
        product_row(1, "NH-00001"),  # row 3: fine
        product_row(2, "NH-00001", **{"product.registered_on": "31/02/2024"}),  # row 4: bad date (I)
        product_row(3, "KHONG-CO"),  # row 5: unknown entity (A)
        product_row(4, "NH-00001", **{"product.registered_on": "01/01/2199"}),  # row 6: future (I)
        product_row(5, "NH-00001", **{"product.name": "Chè nhập 1"}),  # row 7: same product twice (C)
        product_row(6, "NH-00002"),  # row 8: its entity row has errors (A)
        product_row(7, "NH-00001", **{"product.sector": None}),  # row 9: no group nor classification (D)
    ]
    before = counts()
    response = upload(client, xlsx(rows, products))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.INVALID
    found = {(e["sheet"], e["row"], e["column"]) for e in batch.errors}
    expected = {
        ("Chủ thể", 4, "F"),
        ("Chủ thể", 5, "C"),
        ("Chủ thể", 6, "C"),
        ("Chủ thể", 7, "B"),
        ("Chủ thể", 7, "A"),
        ("Chủ thể", 8, "F"),
        ("Chủ thể", 9, "F"),
        ("Chủ thể", 10, "K"),
        ("Sản phẩm", 4, "I"),
        ("Sản phẩm", 5, "A"),
        ("Sản phẩm", 6, "I"),
        ("Sản phẩm", 7, "C"),
        ("Sản phẩm", 8, "A"),
        ("Sản phẩm", 9, "D"),
    }
    assert found == expected, found ^ expected
    assert batch.error_count == len(batch.errors) == len(expected)
    messages = " ".join(e["message"] for e in batch.errors)
    for text in (
        "Không có xã, phường mã “99999”",
        "trùng với dòng 3 của tệp",
        "đã có trong hệ thống",
        "Chưa nhập tên chủ thể",
        "nằm ngoài phạm vi tài khoản của bạn",
        "ghi “Có” ở cột",
        "Ngày “31/02/2024” không hợp lệ",
        "ở tương lai",
        "Không có chủ thể số đăng ký “KHONG-CO”",
        "đang có lỗi; sửa dòng đó trước",
        "Chưa chọn nhóm sản phẩm",
    ):
        assert text in messages, text
    assert counts() == before
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-errors"' in page and 'data-row="4" data-column="F"' in page
    assert 'data-testid="import-commit"' not in page
    assert client.post(reverse("products:import_commit", args=[batch.token])).status_code == 302
    assert counts() == before
    # the error list exports to Excel
    from ocop.lib.listexport import read_list

    response = client.get(reverse("products:import_batch", args=[batch.token]), {"format": "xlsx"})
    _meta, header, data = read_list(b"".join(response.streaming_content))
    assert header == ["Trang", "Dòng", "Cột", "Trường", "Lỗi"] and len(data) == len(expected)


def test_a_sheet_without_the_required_columns_is_reported():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Chủ thể"
    ws.append(["Tên chủ thể", "Địa chỉ"])
    ws.append(["HTX A", "Thôn 1"])
    buffer = io.BytesIO()
    wb.save(buffer)
    from ocop.accounts.models import User

    result = importer.check_file(User(role="central_admin"), io.BytesIO(buffer.getvalue()))
    messages = [e.message for e in result.errors]
    assert any("thiếu cột bắt buộc “Loại hình”" in m for m in messages)


# --- hostile files -------------------------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="3"><c r="A3" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def _rewrite(content: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            zf.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, data in (add or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO(importer.write_workbook([entity_row(1)]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/media/padding.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(120):
                member.write(chunk)
    return out.getvalue()


HOSTILE = [
    ("bom.xlsx", zip_bomb, "dữ liệu nén bất thường"),
    (
        "cuoi.xlsx",
        lambda: _rewrite(importer.write_workbook([entity_row(1)]), {"xl/worksheets/sheet1.xml": BILLION_LAUGHS}),
        "khai báo thực thể XML",
    ),
    ("macro.xlsm", lambda: importer.write_workbook([entity_row(1)]), "Tệp có macro (.xlsm) không được chấp nhận"),
    (
        "vba.xlsx",
        lambda: _rewrite(importer.write_workbook([entity_row(1)]), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}),
        "Tệp có macro (VBA) không được chấp nhận",
    ),
    ("cu.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "định dạng cũ (.xls)"),
    ("hong.xlsx", lambda: b"PK\x03\x04 not really a zip" * 20, "tệp hỏng"),
]


@pytest.mark.parametrize("name, make, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_with_a_clear_message(client, officer, name, make, message):
    content = make()
    if name == "bom.xlsx":
        assert len(content) < 2 * 1024 * 1024
    before = counts()
    response = upload(client, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and name in page
    assert not ImportBatch.objects.exists() and counts() == before


def test_a_too_large_file_is_refused(client, officer, settings):
    settings.OCOP_IMPORT_MAX_MB = 0
    response = upload(client, xlsx([entity_row(1)]))
    assert "quá lớn" in response.content.decode() and not ImportBatch.objects.exists()


# --- all or nothing ----------------------------------------------------------------------------


def test_an_import_killed_mid_way_leaves_nothing_and_a_retry_completes(client, officer, monkeypatch):
    rows = [entity_row(i) for i in range(1, 6)]
    products = [product_row(i, f"NH-{i:05d}") for i in range(1, 6)]
    upload(client, xlsx(rows, products))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY
    before, audit_before = counts(), AuditEntry.objects.count()
    real = importer.build_product
    calls = {"n": 0}

    def dying(parsed):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("máy chủ bị tắt giữa chừng")
        return real(parsed)

    monkeypatch.setattr(importer.writing, "build_product", dying)  # the fault is injected from outside
    response = client.post(reverse("products:import_commit", args=[batch.token]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and "không dòng nào được ghi" in batch.message
    assert counts() == before and AuditEntry.objects.count() == audit_before  # not even the entities
    # the retry (the worker's, or the user's button) starts from scratch and completes
    monkeypatch.setattr(importer.writing, "build_product", real)
    from ocop.products.tasks import run_import

    result = run_import(batch_id=batch.pk, commit=True)
    assert result["status"] == ImportStatus.DONE and result["entities"] == 5 and result["products"] == 5
    assert counts()[0] == before[0] + 5


def test_a_commit_rechecks_the_file_against_the_database(client, officer):
    upload(client, xlsx([entity_row(1)]))
    batch = ImportBatch.objects.get()
    meanwhile = make_entity(commune(DUC_XUAN))  # registered by someone else between the dry run and the commit
    Entity.objects.filter(pk=meanwhile.pk).update(registration_number="NH-00001")
    client.post(reverse("products:import_commit", args=[batch.token]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID and "đã có trong hệ thống" in batch.errors[0]["message"]
    assert not Entity.objects.filter(name="HTX nhập 1").exists()


def test_another_users_batch_is_not_found(client, officer, demo_users):
    upload(client, xlsx([entity_row(1)]))
    batch = ImportBatch.objects.get()
    client.force_login(demo_users["tinh.hatinh"])
    assert client.get(reverse("products:import_batch", args=[batch.token])).status_code == 404
    assert client.post(reverse("products:import_commit", args=[batch.token])).status_code == 404
    assert not Entity.objects.filter(name="HTX nhập 1").exists()


def test_the_dry_run_and_commit_work_from_storage_on_another_node(client, officer):
    """Nothing is kept in process memory: the commit reads the batch row and the stored file only."""
    upload(client, xlsx([entity_row(1)]))
    token = ImportBatch.objects.get().token
    batch = ImportBatch.objects.get(token=token)
    assert batch.file.name.startswith("products/imports/") and batch.file.storage.exists(batch.file.name)
    from ocop.products.tasks import run_import

    result = run_import(batch_id=ImportBatch.objects.get(token=token).pk, commit=True)
    assert result["entities"] == 1


# --- large files ---------------------------------------------------------------------------------


def test_ten_thousand_rows_import_through_the_worker(client, officer, settings):
    entities = [entity_row(i) for i in range(1, 1001)]
    products = [product_row(i, f"NH-{(i % 1000) + 1:05d}") for i in range(1, 9001)]
    content = importer.write_workbook(entities, products)
    start = time.monotonic()
    response = upload(client, SimpleUploadedFile("lon.xlsx", content))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportStatus.CHECKING  # queued for the worker
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="ocop.products.tasks.process_import").count() == 1
    from ocop.products.tasks import run_import

    run_import(batch_id=batch.pk, commit=False)  # what the worker runs
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY and batch.entity_rows + batch.product_rows == 10000, batch.errors[:3]
    client.post(reverse("products:import_commit", args=[batch.token]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    run_import(batch_id=batch.pk, commit=True)
    batch.refresh_from_db()
    elapsed = time.monotonic() - start
    assert batch.status == ImportStatus.DONE and batch.products_created == 9000 and batch.entities_created == 1000
    assert Product.objects.filter(name__startswith="Chè nhập").count() == 9000
    assert elapsed < 120, elapsed


# --- the row checker under arbitrary values (hypothesis) --------------------------------------------

CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.sampled_from(
        ["Hợp tác xã", "Thực phẩm", "Có", "không", DUC_XUAN, CHO_RA, "99999", "31/12/2020", "=1+1", " ", "NH-00001"]
    ),
)


def _check(user, entity_values: list[dict], product_values: list[dict]) -> importer.CheckResult:
    entity_sheet = importer.SheetRows(
        {f.code: chr(65 + i) for i, f in enumerate(importer.ENTITY_FIELDS)},
        [(i + 3, row) for i, row in enumerate(entity_values)],
    )
    product_sheet = importer.SheetRows(
        {f.code: chr(65 + i) for i, f in enumerate(importer.PRODUCT_FIELDS)},
        [(i + 3, row) for i, row in enumerate(product_values)],
    )
    return importer.check_rows(user, {importer.ENTITY_SHEET: entity_sheet, importer.PRODUCT_SHEET: product_sheet})


def _rows(fields):
    return st.lists(st.fixed_dictionaries({f.code: CELL_VALUES for f in fields}), max_size=4)


@hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(entities=_rows(importer.ENTITY_FIELDS), products=_rows(importer.PRODUCT_FIELDS))
def test_arbitrary_cells_give_row_errors_never_exceptions(demo_users, entities, products):
    result = _check(demo_users["tinh.thainguyen"], entities, products)
    rows_with_errors = {(e.sheet, e.row) for e in result.errors}
    assert all(e.row is not None and e.message and e.sheet in ("Chủ thể", "Sản phẩm") for e in result.errors) or not (
        entities or products
    )
    # every row is either parsed or reported, never both, never lost
    parsed = {("Chủ thể", p.row) for p in result.entities} | {("Sản phẩm", p.row) for p in result.products}
    all_rows = {("Chủ thể", i + 3) for i in range(len(entities))} | {("Sản phẩm", i + 3) for i in range(len(products))}
    assert parsed | rows_with_errors == all_rows or (not entities and not products)
    assert not parsed & rows_with_errors
    for p in result.entities:
        assert p.entity.unit is not None and p.entity.name and p.entity.kind in EntityKind.values


@hsettings(max_examples=300, deadline=None)
@given(value=CELL_VALUES)
def test_cell_text_never_raises(value):
    text = importer.cell_text(value)
    assert isinstance(text, str) and text == text.strip()
    assert isinstance(importer._commune_code_text(value), str)


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    entities=st.lists(
        st.fixed_dictionaries(
            {
                "entity.name": st.text(min_size=1, max_size=80).filter(importer.cell_text),
                "entity.registration_number": st.text(min_size=1, max_size=20).filter(importer.cell_text),
            }
        ),
        min_size=1,
        max_size=5,
    )
)
def test_valid_rows_with_arbitrary_text_pass_the_dry_run(demo_users, entities):
    rows = [entity_row(i, **{k: v for k, v in e.items()}) for i, e in enumerate(entities)]
    result = _check(demo_users["tinh.thainguyen"], rows, [])
    numbers = [" ".join(importer.cell_text(r["entity.registration_number"]).split()).upper() for r in rows]
    duplicates = len(numbers) - len(set(numbers))
    assert len(result.errors) == duplicates, [e.message for e in result.errors]
