"""Background tasks of the evaluation app (django-tasks; run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from ocop.evaluation import certificates


@task()
def certificate_notices() -> dict:
    """Daily: expire certificates and send the expiry notices due (ocop/evaluation/certificates.py),
    then queue itself for 07:00 (Vietnam time) the next day. Safe to run more than once a day.
    Start the chain once with `certificates.schedule_daily_certificate_notices()`."""
    try:
        run = certificates.run_certificate_notices()
    finally:
        certificate_notices.using(run_after=certificates.next_run_at()).enqueue()
    return run.as_dict()
