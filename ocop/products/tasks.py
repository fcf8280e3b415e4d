"""Background tasks of the products app (django-tasks; run by `manage.py db_worker`, `make worker`).

Arguments are JSON (ids, not objects): a task may run on another machine."""

from __future__ import annotations

from django_tasks import task


def run_import(batch_id: int, commit: bool = False, *, takeover: bool = False) -> dict:
    """The dry run (commit=False) or the commit of an Excel import batch (ocop/products/importer/).

    Safe to run again: a commit claims the batch with a conditional UPDATE (a batch already done, or
    being committed by a live worker, is left alone) and writes all rows in one transaction, so a
    worker killed mid-way leaves nothing. With `takeover` (this is a later attempt of the task: its
    earlier worker died, see ocop/ops/workers.py) a batch left "running" is claimed at once and
    committed from scratch; the earlier attempt, should it still be alive, can no longer finish."""
    from ocop.products import importer
    from ocop.products.models_import import ImportStatus

    if commit:
        batch = importer.commit_batch(batch_id, takeover=takeover)
    else:
        batch = importer.check_batch(batch_id)
        if batch.status == ImportStatus.READY and batch.commit_requested:
            batch = importer.commit_batch(batch_id, takeover=takeover)
    return {
        "batch": batch_id,
        "status": batch.status,
        "entities": batch.entities_created,
        "products": batch.products_created,
        "errors": batch.error_count,
    }


@task(takes_context=True)
def process_import(context, batch_id: int, commit: bool = False) -> dict:
    """`run_import`; an attempt after the first (the task was re-queued because its worker died)
    takes the batch over."""
    return run_import(batch_id, commit, takeover=context.attempt > 1)
