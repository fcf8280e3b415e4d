"""The life of a batch: upload, dry run (`check_batch`), commit (`commit_batch`, exactly once,
all rows or none) and hand-over to the background worker (`queue_batch`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.permissions import can
from ocop.audit.services import log_action
from ocop.lib.upload_safety import check_office_upload
from ocop.products.importer.checking import CheckResult, check_file
from ocop.products.importer.parsing import RowError
from ocop.products.importer.template import MiB, max_bytes
from ocop.products.importer.writing import write_rows
from ocop.products.models_import import ImportBatch, ImportStatus
from ocop.products.tasks import process_import

# --- the batch: upload, dry run, commit -----------------------------------------------------------


def can_import(user) -> bool:
    return can(user, "products.manage")


def check_upload(upload) -> None:
    """The checks made before anything opens the file (ValidationError with a Vietnamese message)."""
    check_office_upload(upload, allowed=(".xlsx",), max_bytes=max_bytes(), max_unzipped=100 * MiB)


def do_upload(actor, upload, *, request=None) -> ImportBatch:
    """Check the upload, store it and create the batch (status "checking"). The caller runs the dry
    run (`check_batch`) at once for a small file, or queues it (`queue_batch`)."""
    if not can_import(actor):
        raise PermissionDenied
    check_upload(upload)
    batch = ImportBatch(
        created_by=actor,
        original_name=(getattr(upload, "name", "") or "tep.xlsx")[:255],
        size=getattr(upload, "size", 0) or 0,
    )
    upload.seek(0)
    batch.file.save(f"nhap-{batch.token}.xlsx", upload, save=False)
    batch.save()
    log_action(
        actor,
        "ocop.products.import.uploaded",
        batch,
        after={"file": batch.original_name, "size": batch.size},
        unit=actor.scope_unit,
        request=request,
    )
    return batch


def _update(batch_id: int, **fields) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(**fields)


def _progress_callback(batch_id: int, start: int, end: int):
    def report(done: int, total: int) -> None:
        pct = start + (end - start) * done // max(total, 1)
        _update(batch_id, progress=pct, message=_("Đang kiểm tra: %(d)s/%(t)s dòng.") % {"d": done, "t": total})

    return report


def _open(batch: ImportBatch):
    return default_storage.open(batch.file.name, "rb")


def _store_errors(batch: ImportBatch, result: CheckResult, **extra) -> None:
    _update(
        batch.pk,
        status=ImportStatus.INVALID,
        entity_rows=result.entity_rows,
        product_rows=result.product_rows,
        error_count=len(result.errors),
        errors=[e.as_dict() for e in result.errors],
        progress=100,
        message=_("Có %(n)s lỗi; chưa nhập dòng nào.") % {"n": len(result.errors)},
        finished_at=timezone.now(),
        **extra,
    )


def check_batch(batch_id: int) -> ImportBatch:
    """The dry run of a stored batch: every error by row and column, nothing saved."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    _update(batch_id, status=ImportStatus.CHECKING, progress=0, started_at=timezone.now(), message=_("Đang đọc tệp."))
    try:
        with _open(batch) as handle:
            result = check_file(batch.created_by, handle, on_progress=_progress_callback(batch_id, 0, 100))
    except FileNotFoundError:
        result = CheckResult(errors=[RowError("", None, "", "", _("Không còn tệp đã tải lên; hãy tải tệp lên lại."))])
    if result.errors:
        _store_errors(batch, result)
    else:
        _update(
            batch_id,
            status=ImportStatus.READY,
            entity_rows=result.entity_rows,
            product_rows=result.product_rows,
            error_count=0,
            errors=[],
            progress=100,
            finished_at=timezone.now(),
            message=_("Không có lỗi: %(e)s chủ thể, %(p)s sản phẩm sẵn sàng để nhập.")
            % {"e": result.entity_rows, "p": result.product_rows},
        )
    batch.refresh_from_db()
    return batch


STALE_AFTER = dt.timedelta(minutes=30)


class Superseded(Exception):
    """A later attempt took the batch over: this one must not write."""


def claim_commit(batch_id: int, *, takeover: bool = False) -> int | None:
    """Mark the batch running if it is ready (or queued, failed, or running in a dead worker): one
    committer only, across nodes and workers. Returns the attempt number claimed, or None.

    A batch running for longer than STALE_AFTER is taken over by anyone; with `takeover` (a later
    attempt of the task, whose earlier worker died: ocop/ops/workers.py re-queues it after a lease
    of about a minute) a running batch is taken over at once."""
    now = timezone.now()
    running = (
        Q(status=ImportStatus.RUNNING) if takeover else Q(status=ImportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    )
    with transaction.atomic():
        claimed = (
            ImportBatch.objects.filter(pk=batch_id)
            .filter(Q(status__in=[ImportStatus.READY, ImportStatus.QUEUED, ImportStatus.FAILED]) | running)
            .update(
                status=ImportStatus.RUNNING,
                progress=0,
                attempts=F("attempts") + 1,
                started_at=now,
                finished_at=None,
                message=_("Đang kiểm tra lại tệp trước khi nhập."),
            )
        )
        if not claimed:
            return None
        return ImportBatch.objects.filter(pk=batch_id).values_list("attempts", flat=True).get()


def commit_batch(batch_id: int, *, request=None, takeover: bool = False) -> ImportBatch:
    """Check the file again and write every row, or none, in one transaction, audited. The rows and
    the "done" state are written only while this attempt still holds the batch (exactly once)."""
    attempt = claim_commit(batch_id, takeover=takeover)
    if attempt is None:
        return ImportBatch.objects.get(pk=batch_id)
    batch = ImportBatch.objects.select_related("created_by", "created_by__scope_unit").get(pk=batch_id)
    mine = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.RUNNING, attempts=attempt)
    actor = batch.created_by
    try:
        if not can_import(actor):
            raise PermissionDenied
        with _open(batch) as handle:
            result = check_file(actor, handle, on_progress=_progress_callback(batch_id, 0, 60))
        if result.errors:
            if mine.exists():
                _store_errors(batch, result)
            batch.refresh_from_db()
            return batch
        mine.update(
            progress=60,
            message=_("Đang ghi %(n)s dòng vào cơ sở dữ liệu.") % {"n": result.entity_rows + result.product_rows},
        )
        with transaction.atomic():
            # hold the batch row: a later attempt cannot take it over while these rows are written
            if not mine.select_for_update().exists():
                raise Superseded
            entities, products = write_rows(actor, result, batch)
            log_action(
                actor,
                "ocop.products.import.committed",
                batch,
                after={
                    "file": batch.original_name,
                    "entities": entities,
                    "products": products,
                    "entity_rows": result.entity_rows,
                    "product_rows": result.product_rows,
                },
                unit=actor.scope_unit,
                request=request,
                reason=_("Nhập hàng loạt chủ thể và sản phẩm từ tệp Excel"),
            )
            # the batch is marked done in the same transaction as its rows: all or nothing
            if not mine.update(
                status=ImportStatus.DONE,
                entities_created=entities,
                products_created=products,
                entity_rows=result.entity_rows,
                product_rows=result.product_rows,
                error_count=0,
                errors=[],
                progress=100,
                finished_at=timezone.now(),
                message=_("Đã nhập %(e)s chủ thể và %(p)s sản phẩm.") % {"e": entities, "p": products},
            ):
                raise Superseded
    except Superseded:
        return ImportBatch.objects.get(pk=batch_id)
    except Exception as exc:
        mine.update(
            status=ImportStatus.FAILED,
            progress=0,
            finished_at=timezone.now(),
            message=(_("Nhập không thành công, không dòng nào được ghi: %(m)s") % {"m": exc})[:500],
        )
        raise
    batch.refresh_from_db()
    return batch


def queue_batch(batch: ImportBatch, *, commit: bool) -> ImportBatch:
    """Hand the batch to the background worker (dry run, or commit)."""
    with transaction.atomic():
        if commit:
            updated = ImportBatch.objects.filter(
                pk=batch.pk, status__in=[ImportStatus.READY, ImportStatus.FAILED]
            ).update(
                status=ImportStatus.QUEUED,
                commit_requested=True,
                progress=0,
                message=_("Đang chờ máy chạy nền nhập dữ liệu."),
            )
            if not updated:
                batch.refresh_from_db()
                return batch
        else:
            _update(batch.pk, status=ImportStatus.CHECKING, message=_("Đang chờ máy chạy nền kiểm tra tệp."))
        process_import.enqueue(batch_id=batch.pk, commit=commit)
    batch.refresh_from_db()
    return batch


def errors_of(batch: ImportBatch) -> list[RowError]:
    return [RowError(**e) for e in batch.errors or []]
