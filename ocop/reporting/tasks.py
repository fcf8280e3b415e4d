"""Background tasks of the reporting app (django-tasks; run by `manage.py db_worker`, `make worker`).

Arguments are JSON (ids, not objects): a task may run on another machine, days later."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from ocop.reporting import reminders

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
