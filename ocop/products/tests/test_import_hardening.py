"""Excel import hardening (issue 15): a commit whose worker was killed is completed by the retry,
exactly once (finding 8); files saved by LibreOffice Calc: real rows counted, bare numbers in date
cells refused, .ods refused with the way out (finding 10)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ocop.audit.models import AuditEntry
from ocop.products import importer
from ocop.products.models import Entity
from ocop.products.models_import import ImportBatch, ImportStatus
from ocop.products.tasks import process_import, run_import
from ocop.products.tests.test_import import counts, entity_row, product_row, upload, xlsx

pytestmark = pytest.mark.django_db


def _ready_batch(client, n=5):
    upload(
        client, xlsx([entity_row(i) for i in range(1, n + 1)], [product_row(i, f"NH-{i:05d}") for i in range(1, n + 1)])
    )
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY
    return batch


def test_the_retry_of_a_commit_whose_worker_was_killed_takes_over_and_completes_once(client, officer):
    batch = _ready_batch(client)
    before = counts()
    # attempt 1 claimed the batch, then its worker was killed inside the write transaction (rolled back)
    assert importer.claim_commit(batch.pk) == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING and counts() == before
    # the worker's re-queue gives the task a second attempt, about a minute later: it takes over
    result = process_import.func(SimpleNamespace(attempt=2), batch_id=batch.pk, commit=True)
    assert result["status"] == ImportStatus.DONE and result["entities"] == 5 and result["products"] == 5
    assert counts()[0] == before[0] + 5 and counts()[1] == before[1] + 5
    # a further attempt (or the first one's retry) finds the batch done and writes nothing more
    again = process_import.func(SimpleNamespace(attempt=3), batch_id=batch.pk, commit=True)
    assert again["status"] == ImportStatus.DONE and counts()[0] == before[0] + 5
    assert AuditEntry.objects.filter(action="ocop.products.import.committed").count() == 1


def test_a_first_attempt_that_only_seems_dead_cannot_write_after_the_takeover(client, officer, monkeypatch):
    batch = _ready_batch(client)
    before = counts()
    real_check = importer.check_file
    calls = {"n": 0}

    def slow_check(actor, handle, on_progress=None):
        calls["n"] += 1
        if calls["n"] == 1:  # while attempt 1 reads the file, the retry takes the batch over
            assert importer.claim_commit(batch.pk, takeover=True) == 2
        return real_check(actor, handle, on_progress=on_progress)

    monkeypatch.setattr(importer.task, "check_file", slow_check)
    run_import(batch.pk, commit=True)  # attempt 1: superseded, writes nothing
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING and batch.attempts == 2
    result = run_import(batch.pk, commit=True, takeover=True)  # the retry completes the batch
    assert result["status"] == ImportStatus.DONE and counts()[0] == before[0] + 5


def test_without_takeover_a_fresh_running_batch_is_left_alone(client, officer):
    batch = _ready_batch(client, 1)
    assert importer.claim_commit(batch.pk) == 1
    assert importer.claim_commit(batch.pk) is None  # the same attempt's duplicate delivery


def _calc_like(content: bytes, empty_rows: int = 1000) -> bytes:
    """The workbook as LibreOffice Calc saves it: about a thousand formatted, empty rows below the data."""
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for r in range(ws.max_row + 1, ws.max_row + 1 + empty_rows):
            ws.cell(row=r, column=1).number_format = "@"
            ws.cell(row=r, column=2).number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_formatted_empty_rows_do_not_make_a_small_file_large(client, officer, settings):
    settings.OCOP_IMPORT_SYNC_ROWS = 500
    content = _calc_like(
        importer.write_workbook(
            [entity_row(i) for i in range(1, 4)], [product_row(1, "NH-00001"), product_row(2, "NH-00002")]
        )
    )
    assert load_workbook(io.BytesIO(content), read_only=True)["Chủ thể"].max_row > 1000
    assert importer.estimate_rows(io.BytesIO(content)) == 5
    upload(client, SimpleUploadedFile("calc.xlsx", content))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY and batch.entity_rows == 3 and batch.product_rows == 2  # checked at once


@pytest.mark.parametrize("number", [2026, 12.5])
def test_a_bare_number_in_a_date_cell_is_refused_with_a_cell_message(client, officer, number):
    content = importer.write_workbook([entity_row(1)], [product_row(1, "NH-00001", **{"product.registered_on": None})])
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Sản phẩm"]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(row=2, column=c).value == "ocop:product.registered_on")
    ws.cell(row=3, column=col).value = number
    ws.cell(row=3, column=col).number_format = "DD/MM/YYYY"  # as Calc keeps the column's date format
    out = io.BytesIO()
    wb.save(out)
    upload(client, SimpleUploadedFile("ngay.xlsx", out.getvalue()))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.INVALID and not Entity.objects.filter(name="HTX nhập 1").exists()
    error = next(e for e in batch.errors if e["row"] == 3 and "ngày" in e["field"].lower())
    assert "dd/mm/yyyy" in error["message"] and ("trước năm 1950" in error["message"])


def test_plain_numbers_in_a_date_column_are_refused_too(client, officer):
    upload(client, xlsx([entity_row(1)], [product_row(1, "NH-00001", **{"product.registered_on": 2026})]))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.INVALID and any("không phải ngày" in e["message"] for e in batch.errors)


def test_an_ods_file_is_refused_with_the_way_to_save_it_as_xlsx(client, officer):
    response = upload(client, SimpleUploadedFile("nhap.ods", b"PK\x03\x04 not really"))
    html = response.content.decode()
    assert "OpenDocument" in html and ".xlsx" in html and "Lưu thành" in html and not ImportBatch.objects.exists()
