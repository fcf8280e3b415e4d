"""Deadline reminders: scheduled relative to the deadline, sent only to units that have not submitted.

A request's `reminder_offsets` (e.g. [-3, 0, 2]) are days relative to its deadline; each reminder
goes out at 08:00 Vietnam time on that day, by e-mail to the unit's officers (one e-mail per unit)
and as an in-app notification, and is recorded as a `ReminderSent` row.

How it runs:

- `schedule_reminders(request)` is called once the request is open (after the commit of
  `do_open_request`); it enqueues one background task per offset, `send_request_reminders`
  (ocop/reporting/tasks.py), with `run_after` = the send time. A `manage.py db_worker` process
  (`make worker`) runs it when due.
- the task calls `send_reminders_for(request, offset)`, which decides *at run time* who has not
  submitted (`missing_units`) and sends to those units only.
- `manage.py send_reminders` runs the due reminders synchronously (operators, catch-up after an
  outage).

Idempotent: for each unit, the `ReminderSent` row (unique per request, unit, offset), the
notifications, the audit entry and the e-mail are one transaction, the e-mail sent last. A retry
after a crash finds the row of every unit already reminded and sends nothing twice; a crash while
sending rolls the unit's row back, so the retry sends that unit's reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ocop.accounts.services.officers import unit_officers
from ocop.audit.services import log_action
from ocop.geo.models import AdminUnit
from ocop.notifications.services import notify
from ocop.reporting.models import ReportRequest, RequestStatus
from ocop.reporting.models_reminders import ReminderChannel, ReminderSent
from ocop.reporting.services.completeness import missing_units

logger = logging.getLogger(__name__)

REMINDER_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEND_AT = dt.time(8, 0)
# A reminder whose send time is more than this in the past is not scheduled (historical requests).
STALE_AFTER = dt.timedelta(days=1)
# A task that wakes up earlier than its send time minus this (the deadline was moved) reschedules.
EARLY_SLACK = dt.timedelta(minutes=5)

# The officer role that answers for a unit of each level.
# --- when ------------------------------------------------------------------------------------


def reminder_offsets(request: ReportRequest) -> list[int]:
    """The request's offsets as sorted distinct integers (anything else in the JSON is ignored)."""
    offsets = set()
    for value in request.reminder_offsets or []:
        if isinstance(value, bool):
            continue
        try:
            offsets.add(int(value))
        except (TypeError, ValueError):
            continue
    return sorted(offsets)


def send_time(request: ReportRequest, offset_days: int) -> dt.datetime:
    """08:00 Vietnam time on the last on-time day + offset (an aware datetime): for "trước ngày D"
    offset 0 is D − 1, the last day a report is still on time."""
    day = request.last_on_time_day + dt.timedelta(days=offset_days)
    return dt.datetime.combine(day, SEND_AT, tzinfo=REMINDER_TZ)


def due_offsets(
    request: ReportRequest, now: dt.datetime | None = None, within: dt.timedelta | None = None
) -> list[int]:
    """Offsets whose send time has come (and, with `within`, is not older than that)."""
    now = now or timezone.now()
    return [
        o
        for o in reminder_offsets(request)
        if send_time(request, o) <= now and (within is None or send_time(request, o) >= now - within)
    ]


def schedule_reminders(request: ReportRequest, now: dt.datetime | None = None) -> list:
    """Enqueue one `send_request_reminders` task per offset of an open request.

    A send time in the future becomes the task's `run_after`; one that has just passed (less than a
    day ago) runs as soon as a worker is free; older ones are skipped, so opening a historical
    request does not send a burst of stale reminders. Returns the task results (one per task)."""
    from ocop.reporting.tasks import send_request_reminders

    now = now or timezone.now()
    can_defer = send_request_reminders.get_backend().supports_defer
    results = []
    for offset in reminder_offsets(request):
        at = send_time(request, offset)
        if at < now - STALE_AFTER:
            continue
        if at > now and not can_defer:  # TASKS_BACKEND set to one without run_after (e.g. immediate)
            logger.warning("Task backend cannot defer: reminder %+d of request %s not scheduled", offset, request.pk)
            continue
        task = send_request_reminders.using(run_after=at) if at > now else send_request_reminders
        results.append(task.enqueue(request_id=request.pk, offset_days=offset))
    return results


# --- what --------------------------------------------------------------------------------------


def request_path(request: ReportRequest) -> str:
    try:
        return reverse("reporting:request_detail", args=[request.pk])
    except NoReverseMatch:
        return f"/reports/requests/{request.pk}/"


def days_phrase(deadline: dt.date, today: dt.date) -> str:
    days = (today - deadline).days
    if days < 0:
        return f"còn {-days} ngày nữa là đến hạn nộp"
    if days == 0:
        return "hôm nay là hạn nộp"
    return f"đã quá hạn nộp {days} ngày"


@dataclass
class ReminderMessage:
    subject: str
    body: str
    notice: str
    path: str


def compose(request: ReportRequest, unit: AdminUnit, today: dt.date) -> ReminderMessage:
    """The Vietnamese e-mail and in-app text of a reminder (always Vietnamese: official correspondence)."""
    deadline = request.deadline_text
    phrase = days_phrase(request.last_on_time_day, today)
    path = request_path(request)
    link = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"
    subject = f"[OCOP] Nhắc hạn nộp báo cáo: {request.title} (hạn {deadline})"
    body = "\n".join(
        [
            f"Kính gửi: {unit},",
            "",
            f"Hệ thống quản lý Chương trình OCOP xin nhắc: đơn vị chưa nộp báo cáo “{request.title}”.",
            f"Hạn nộp: {deadline} ({phrase}).",
            *([f"Căn cứ: {request.document_number}"] if request.document_number else []),
            "",
            f"Đề nghị đơn vị đăng nhập hệ thống và nộp báo cáo tại: {link}",
            "",
            "Nếu đơn vị đã nộp báo cáo, xin bỏ qua thư này.",
            "Đây là thư tự động, xin không trả lời.",
        ]
    )
    notice = f"Nhắc hạn: {unit} chưa nộp báo cáo “{request.title}”, hạn nộp {deadline} ({phrase})."
    return ReminderMessage(subject, body, notice, path)


# --- sending -----------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    """What one run for (request, offset) did."""

    request_id: int
    offset_days: int
    status: str = "done"  # done | not_open | not_planned | not_due | superseded | missing
    sent: list[str] = field(default_factory=list)  # unit codes reminded now
    already: list[str] = field(default_factory=list)  # unit codes reminded before (nothing sent)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (unit code, error)
    run_after: dt.datetime | None = None  # for not_due: when it should run

    def as_dict(self) -> dict:
        return {
            "request_id": self.request_id,
            "offset_days": self.offset_days,
            "status": self.status,
            "sent": self.sent,
            "already": self.already,
            "failed": [list(f) for f in self.failed],
        }


def send_reminder_to_unit(request: ReportRequest, unit: AdminUnit, offset_days: int, today: dt.date) -> bool:
    """Remind one unit, exactly once per (request, unit, offset). Returns False if it was done before.

    One transaction: the ReminderSent row, the notifications and the audit entry are written, then
    the e-mail is sent; if sending raises (or the process dies), all of it is rolled back."""
    officers = unit_officers(unit)
    emails = sorted({u.email.strip() for u in officers if u.email and u.email.strip()})
    with transaction.atomic():
        record, created = ReminderSent.objects.get_or_create(
            request=request,
            unit=unit,
            offset_days=offset_days,
            defaults={
                "recipients": ", ".join(emails),
                "channel": ReminderChannel.EMAIL if emails else ReminderChannel.APP,
            },
        )
        if not created:
            return False
        message = compose(request, unit, today)
        notify(officers, message.notice, message.path)
        log_action(
            None,
            "ocop.report.reminder_sent",
            request,
            after={
                "unit": str(unit),
                "unit_code": unit.code,
                "offset": offset_days,
                "channel": record.channel,
                "recipients": len(officers),
            },
            unit=unit,
        )
        if emails:
            send_mail(message.subject, message.body, None, emails, fail_silently=False)
    return True


def send_reminders_for(request: ReportRequest | int, offset_days: int, now: dt.datetime | None = None) -> ReminderRun:
    """Send the reminder `offset_days` of a request to every unit that has not submitted yet.

    Nothing is sent when the request is not open, when the offset is no longer planned, when its
    send time has not come (the deadline was moved later: `run.run_after` says when), or when a later
    reminder of the same request is already due (it supersedes this one: no double reminders after
    a worker outage). A failing unit is logged
    and recorded in `run.failed`; the other units are still reminded."""
    now = now or timezone.now()
    request_id = request if isinstance(request, int) else request.pk
    run = ReminderRun(request_id=request_id, offset_days=offset_days)
    try:
        req = ReportRequest.objects.get(pk=request_id)  # fresh: status and deadline as of now
    except ReportRequest.DoesNotExist:
        run.status = "missing"
        return run
    if req.status != RequestStatus.OPEN:
        run.status = "not_open"
        return run
    offsets = reminder_offsets(req)
    if offset_days not in offsets:
        run.status = "not_planned"
        return run
    at = send_time(req, offset_days)
    if at > now + EARLY_SLACK:
        run.status, run.run_after = "not_due", at
        return run
    if any(o > offset_days and send_time(req, o) <= now for o in offsets):
        run.status = "superseded"
        return run
    today = timezone.localtime(now, REMINDER_TZ).date()
    for unit in missing_units(req):
        try:
            if send_reminder_to_unit(req, unit, offset_days, today):
                run.sent.append(unit.code)
            else:
                run.already.append(unit.code)
        except Exception as exc:  # one unit's mail failure must not stop the others
            logger.exception("Reminder for request %s, unit %s, offset %s failed", req.pk, unit.code, offset_days)
            run.failed.append((unit.code, f"{type(exc).__name__}: {exc}"[:300]))
    return run
