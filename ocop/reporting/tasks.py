"""Background tasks of the reporting app (django-tasks; run by `manage.py db_worker`, `make worker`).

Arguments are JSON (ids, not objects): a task may run on another machine, days later."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from ocop.lib.formatting import format_number
from ocop.lib.prepared import Prepared
from ocop.reporting import reminders
from ocop.reporting.models_jobs import RenderJob

# A run where some units failed (mail server down) is retried this often, this long apart.
MAX_ATTEMPTS = 3
RETRY_DELAY = dt.timedelta(minutes=15)


class ReminderDeliveryError(Exception):
    """Some units could not be reminded; a retry is queued while attempts remain."""


@task()
def send_request_reminders(request_id: int, offset_days: int, attempt: int = 1) -> dict:
    """Send the reminder `offset_days` of request `request_id` to the units that have not submitted.

    Safe to run more than once (see ocop/reporting/reminders.py). If the deadline was moved later,
    the task re-queues itself for the new send time. If some units failed, a retry is queued (up to
    MAX_ATTEMPTS) and the task ends as failed, so that the failure shows in the task results."""
    run = reminders.send_reminders_for(request_id, offset_days)
    if run.status == "not_due" and run.run_after is not None:
        send_request_reminders.using(run_after=run.run_after).enqueue(request_id=request_id, offset_days=offset_days)
    if run.failed:
        if attempt < MAX_ATTEMPTS:
            send_request_reminders.using(run_after=timezone.now() + RETRY_DELAY).enqueue(
                request_id=request_id, offset_days=offset_days, attempt=attempt + 1
            )
        units = ", ".join(code for code, _error in run.failed)
        raise ReminderDeliveryError(
            f"Nhắc hạn yêu cầu {request_id} (mốc {offset_days:+d} ngày), lần {attempt}: "
            f"chưa gửi được cho {len(run.failed)} đơn vị ({units})."
        )
    return run.as_dict()


# --- the national synthesis report, rendered in the background ---------------------------------

# A job that has been running this long without finishing is taken for dead (its worker crashed):
# it may be started again, from scratch.
RENDER_STALE_AFTER = dt.timedelta(minutes=20)


def _job_update(job_id: int, **fields) -> None:
    """Write progress at once (the worker runs outside a transaction, so the page sees it)."""
    from ocop.reporting.models_jobs import RenderJob

    RenderJob.objects.filter(pk=job_id).update(**fields)


def render_file_name(job) -> str:
    """One name per job: a retry overwrites its own file instead of adding another."""
    return f"reporting/consolidation/tong-hop-{job.request_id}-{job.pk}.{job.format}"


def start_render_job(user, req, fmt: str, *, include_submitted: bool = False):
    """A job rendering `req`'s synthesis as `fmt`, queued for the worker. An identical job still
    queued or running is returned instead of a second one."""
    from django.db import transaction

    from ocop.reporting.models_jobs import RenderJob, RenderStatus

    with transaction.atomic():
        existing = (
            RenderJob.objects.select_for_update()
            .filter(
                request=req,
                format=fmt,
                include_submitted=include_submitted,
                status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None and not render_job_stale(existing):
            return existing
        job = RenderJob.objects.create(
            request=req,
            format=fmt,
            include_submitted=include_submitted,
            created_by=user,
            message="Đang chờ máy chạy nền xử lý.",
        )
        render_consolidation.enqueue(job_id=job.pk)
    return job


RECENT_JOBS = 6

# a request's latest render jobs, newest first, without Django building the query on every view of
# the consolidation page (issue 17)
_RECENT_JOBS = Prepared(
    lambda request: RenderJob.objects.filter(request=request).order_by("-created_at", "-id")[:RECENT_JOBS]
)


def recent_render_jobs(req) -> list:
    """The request's `RECENT_JOBS` latest render jobs, newest first (the consolidation page's list)."""
    return _RECENT_JOBS.list(request=req.pk)


def render_job_stale(job) -> bool:
    from ocop.reporting.models_jobs import RenderStatus

    if job.status != RenderStatus.RUNNING:
        return False
    return job.started_at is None or job.started_at < timezone.now() - RENDER_STALE_AFTER


def retry_render_job(job):
    """Queue a failed (or dead) job again; it starts from scratch."""
    from django.db import transaction

    from ocop.reporting.models_jobs import RenderStatus

    with transaction.atomic():
        _job_update(
            job.pk, status=RenderStatus.QUEUED, progress=0, message="Đang chờ máy chạy nền xử lý.", finished_at=None
        )
        render_consolidation.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


def run_render_job(job_id: int, *, takeover: bool = False) -> dict:
    """Render job `job_id` from scratch: 10 % consolidating, 50 % the .docx (or the .xlsx), 80 % the
    PDF, 100 % stored. Skipped when the job is done, or running in another (live) worker; with
    `takeover` (the task's earlier worker died: ocop/ops/workers.py) a running job is taken over."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db.models import F, Q

    from ocop.reporting import national_report
    from ocop.reporting.consolidation import consolidate
    from ocop.reporting.models_jobs import RenderJob, RenderStatus

    now = timezone.now()
    candidates = RenderJob.objects.filter(pk=job_id).exclude(status=RenderStatus.DONE)
    if not takeover:
        candidates = candidates.exclude(Q(status=RenderStatus.RUNNING) & Q(started_at__gte=now - RENDER_STALE_AFTER))
    claimed = candidates.update(
        status=RenderStatus.RUNNING,
        progress=0,
        message="Bắt đầu.",
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
    )
    if not claimed:
        state = RenderJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return {"job": job_id, "status": state or "missing", "skipped": True}
    job = RenderJob.objects.select_related("request__template").get(pk=job_id)
    name = render_file_name(job)
    try:
        # from scratch: whatever an earlier attempt stored goes first
        for old in {job.file.name, name} - {""}:
            if default_storage.exists(old):
                default_storage.delete(old)
        _job_update(job_id, file="", progress=10, message="Đang tổng hợp số liệu.")
        c = consolidate(job.request, include_submitted=job.include_submitted)
        if job.format == "xlsx":
            _job_update(job_id, progress=50, message="Đang tạo tệp Excel.")
            content = national_report.build_xlsx(c)
        else:
            _job_update(job_id, progress=50, message="Đang tạo tệp Word.")
            content = national_report.build_docx(c)
            if job.format == "pdf":
                _job_update(job_id, progress=80, message="Đang chuyển sang PDF (LibreOffice).")
                content = national_report.build_pdf(c, docx=content)
        _job_update(job_id, progress=95, message="Đang lưu tệp.")
        stored = default_storage.save(name, ContentFile(content))
    except Exception as exc:
        _job_update(
            job_id, status=RenderStatus.FAILED, message=f"Không tạo được tệp: {exc}"[:500], finished_at=timezone.now()
        )
        raise
    _job_update(
        job_id,
        status=RenderStatus.DONE,
        progress=100,
        file=stored,
        finished_at=timezone.now(),
        message=f"Đã xong ({format_number(len(content))} byte).",
    )
    return {"job": job_id, "status": "done", "file": stored, "bytes": len(content)}


@task(takes_context=True)
def render_consolidation(context, job_id: int) -> dict:
    """Render the national synthesis report of job `job_id` (see run_render_job). Safe to run again:
    a done job is left alone, a failed or dead one starts from scratch and overwrites its own file.
    A second attempt of the task means its first worker died mid-render (the task was re-queued by
    ocop/ops/workers.py): the job it left running is taken over at once."""
    return run_render_job(job_id, takeover=context.attempt > 1)
