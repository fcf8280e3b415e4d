"""Background tasks of the products app (django-tasks; run by `manage.py db_worker`, `make worker`).

Arguments are JSON (ids, not objects): a task may run on another machine."""

from __future__ import annotations

from django_tasks import task


@task()
def process_import(batch_id: int, commit: bool = False) -> dict:
    """The dry run (commit=False) or the commit of an Excel import batch (ocop/products/importer.py).

    Safe to run again: a commit claims the batch with a conditional UPDATE (a batch already done, or
    being committed by a live worker, is left alone) and writes all rows in one transaction, so a
    worker killed mid-way leaves nothing and the retry starts from scratch."""
    from ocop.products import importer
    from ocop.products.models_import import ImportStatus

    if commit:
        batch = importer.commit_batch(batch_id)
    else:
        batch = importer.check_batch(batch_id)
        if batch.status == ImportStatus.READY and batch.commit_requested:
            batch = importer.commit_batch(batch_id)
    return {"batch": batch_id, "status": batch.status, "entities": batch.entities_created,
            "products": batch.products_created, "errors": batch.error_count}
