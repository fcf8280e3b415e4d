"""Deadline reminders: only to units that have not submitted, once per (request, unit, offset), by
e-mail and in the app, scheduled as django-tasks on the database backend and run by its worker."""

from __future__ import annotations

import datetime as dt
import io
import signal
import smtplib

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from ocop.accounts.models import User
from ocop.audit.models import AuditEntry
from ocop.geo.models import AdminUnit, Era, Level
from ocop.notifications.models import Notification
from ocop.reporting import reminders
from ocop.reporting.models import ReminderSent, ReportRequest, ReportTemplate, Submission
from ocop.reporting.tasks import send_request_reminders

pytestmark = pytest.mark.django_db

TASK_PATH = "ocop.reporting.tasks.send_request_reminders"
VN = reminders.REMINDER_TZ
DEFINITION = {
    "code": "t",
    "version": 1,
    "title": "T",
    "sections": [{"number": "I", "title": "A", "fields": [{"code": "x", "label": "X", "type": "text"}]}],
}


def province(code: str, era: str = Era.CURRENT) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.PROVINCE, code=code)


@pytest.fixture
def make_request(demo_users):
    template = ReportTemplate.objects.create(code="t", version=1, title="T", definition=DEFINITION)

    def make(deadline: dt.date, *, status="open", offsets=(-3, 0, 2), units=("42", "19")) -> ReportRequest:
        req = ReportRequest.objects.create(
            title="Báo cáo kết quả thực hiện Chương trình OCOP",
            template=template,
            status=status,
            cutoff=deadline - dt.timedelta(days=20),
            deadline=deadline,
            reminder_offsets=list(offsets),
        )
        req.recipients.set([u if isinstance(u, AdminUnit) else province(u) for u in units])
        return req

    return make


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()  # TIME_ZONE is Asia/Ho_Chi_Minh


@pytest.fixture
def overdue(make_request, today):
    """An open request whose deadline was yesterday: the "on the day" reminder (0) is due, the
    "2 days after" one (+2) is not yet, and "3 days before" (-3) is superseded by 0."""
    return make_request(today - dt.timedelta(days=1))


def submit(req: ReportRequest, code: str) -> Submission:
    return Submission.objects.create(
        request=req, unit=province(code), status="submitted", first_submitted_at=timezone.now()
    )


@pytest.fixture
def run_worker(monkeypatch):
    """Run `manage.py db_worker --batch`: claim and run every due task once, then exit.

    The test runs inside a transaction, which the worker's periodic `close_old_connections()`
    (there for week-long worker processes) would break; signal handlers it installs are restored."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        try:
            call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
        finally:
            for sig, handler in saved.items():
                signal.signal(sig, handler)

    return run


def officer_email(demo_users, username):
    return demo_users[username].email


# --- sending -----------------------------------------------------------------------------------


def test_reminders_go_only_to_units_that_have_not_submitted(overdue, demo_users, mailoutbox):
    submit(overdue, "42")  # Hà Tĩnh has submitted; Thái Nguyên has not

    result = send_request_reminders.call(request_id=overdue.pk, offset_days=0)

    assert result["sent"] == ["19"] and result["failed"] == []
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [officer_email(demo_users, "tinh.thainguyen")]
    assert "Báo cáo kết quả thực hiện Chương trình OCOP" in message.subject
    deadline = overdue.deadline.strftime("%d/%m/%Y")
    # the request's rule as its letter words it ("chậm nhất ngày D" here: the default)
    assert deadline in message.subject and f"Hạn nộp: chậm nhất ngày {deadline} (đã quá hạn nộp 1 ngày)" in message.body
    assert f"/reports/requests/{overdue.pk}/" in message.body
    assert "Kính gửi: Tỉnh Thái Nguyên" in message.body

    # in the app: the unit's officers only (not the council member of the same province)
    notices = Notification.objects.all()
    assert [n.user.username for n in notices] == ["tinh.thainguyen"]
    assert notices[0].url == reminders.request_path(overdue) and notices[0].read_at is None
    assert "Thái Nguyên" in notices[0].text and deadline in notices[0].text

    # recorded, and audited
    sent = ReminderSent.objects.get()
    assert (sent.request, sent.unit.code, sent.offset_days, sent.channel) == (overdue, "19", 0, "email")
    assert sent.recipients == officer_email(demo_users, "tinh.thainguyen")
    entry = AuditEntry.objects.get(action="ocop.report.reminder_sent")
    assert entry.unit.code == "19" and entry.object_id == str(overdue.pk) and entry.actor is None
    assert entry.after["offset"] == 0 and entry.after["unit"] == "Tỉnh Thái Nguyên"


def test_every_missing_unit_gets_one_message_to_its_own_officers(overdue, demo_users, mailoutbox):
    send_request_reminders.call(request_id=overdue.pk, offset_days=0)

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [officer_email(demo_users, "tinh.hatinh"), officer_email(demo_users, "tinh.thainguyen")]
    )
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert sorted(ReminderSent.objects.values_list("unit__code", flat=True)) == ["19", "42"]
    assert Notification.objects.filter(user=demo_users["tinh.hatinh"]).count() == 1


def test_running_twice_sends_nothing_new(overdue, mailoutbox):
    first = send_request_reminders.call(request_id=overdue.pk, offset_days=0)
    second = send_request_reminders.call(request_id=overdue.pk, offset_days=0)

    assert sorted(first["sent"]) == ["19", "42"]
    assert second["sent"] == [] and sorted(second["already"]) == ["19", "42"]
    assert len(mailoutbox) == 2
    assert ReminderSent.objects.count() == 2 and Notification.objects.count() == 2
    assert AuditEntry.objects.filter(action="ocop.report.reminder_sent").count() == 2


@pytest.mark.parametrize("status", ["closed", "draft"])
def test_a_request_that_is_not_open_sends_nothing(make_request, today, mailoutbox, status):
    req = make_request(today - dt.timedelta(days=1), status=status)

    result = send_request_reminders.call(request_id=req.pk, offset_days=0)

    assert result["status"] == "not_open"
    assert mailoutbox == [] and not ReminderSent.objects.exists() and not Notification.objects.exists()


def test_a_unit_whose_officers_have_no_address_is_reminded_in_the_app(overdue, demo_users, mailoutbox):
    User.objects.filter(username="tinh.thainguyen").update(email="")

    send_request_reminders.call(request_id=overdue.pk, offset_days=0)

    assert [m.to for m in mailoutbox] == [[officer_email(demo_users, "tinh.hatinh")]]
    by_unit = {r.unit.code: r for r in ReminderSent.objects.all()}
    assert by_unit["19"].channel == "app" and by_unit["19"].recipients == ""
    assert Notification.objects.filter(user=demo_users["tinh.thainguyen"]).count() == 1


def test_a_legacy_unit_is_reminded_through_the_officers_of_its_successor(make_request, today, demo_users, mailoutbox):
    bac_kan = province("06", Era.LEGACY)  # absorbed by Thái Nguyên (19) in 2025
    req = make_request(today - dt.timedelta(days=1), units=(bac_kan,))

    send_request_reminders.call(request_id=req.pk, offset_days=0)

    assert [m.to for m in mailoutbox] == [[officer_email(demo_users, "tinh.thainguyen")]]
    assert ReminderSent.objects.get().unit == bac_kan


def test_timing_rules(make_request, today, mailoutbox):
    req = make_request(today - dt.timedelta(days=1))
    assert send_request_reminders.call(request_id=req.pk, offset_days=-3)["status"] == "superseded"  # 0 is due too
    assert send_request_reminders.call(request_id=req.pk, offset_days=5)["status"] == "not_planned"
    # +2 is not due yet (the deadline was moved after scheduling): the task puts itself back
    assert send_request_reminders.call(request_id=req.pk, offset_days=2)["status"] == "not_due"
    row = DBTaskResult.objects.get(task_path=TASK_PATH)
    tomorrow_8am = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(8), VN)
    assert row.run_after == reminders.send_time(req, 2) == tomorrow_8am
    assert mailoutbox == [] and not ReminderSent.objects.exists()


# --- scheduling --------------------------------------------------------------------------------


def test_schedule_reminders_enqueues_one_task_per_offset_at_8_am(make_request, today):
    req = make_request(today + dt.timedelta(days=10))

    results = reminders.schedule_reminders(req)

    assert len(results) == 3
    rows = DBTaskResult.objects.filter(task_path=TASK_PATH).order_by("run_after")
    assert [r.args_kwargs for r in rows] == [
        {"args": [], "kwargs": {"request_id": req.pk, "offset_days": o}} for o in (-3, 0, 2)
    ]
    expected = [dt.datetime.combine(req.deadline + dt.timedelta(days=o), dt.time(8, 0), VN) for o in (-3, 0, 2)]
    assert [r.run_after for r in rows] == expected
    assert {r.status for r in rows} == {"READY"} and {r.backend_name for r in rows} == {"default"}
    assert not DBTaskResult.objects.ready().exists()  # nothing due yet
    assert {str(r.pk) for r in rows} == {r.id for r in results}


def test_schedule_runs_a_just_missed_reminder_now_and_skips_stale_ones(make_request, today):
    req = make_request(today + dt.timedelta(days=3))
    opened = dt.datetime.combine(req.deadline, dt.time(10, 0), VN)  # opened at 10:00 on the deadline

    reminders.schedule_reminders(req, now=opened)

    rows = {r.args_kwargs["kwargs"]["offset_days"]: r for r in DBTaskResult.objects.filter(task_path=TASK_PATH)}
    assert set(rows) == {0, 2}  # -3 (three days before) is stale: not sent at all
    assert rows[0].run_after == get_date_max()  # as soon as a worker is free
    assert rows[2].run_after == dt.datetime.combine(req.deadline + dt.timedelta(days=2), dt.time(8), VN)

    historical = make_request(dt.date(2018, 12, 31))
    assert reminders.schedule_reminders(historical) == []


# --- the worker ----------------------------------------------------------------------------------


def test_the_worker_runs_a_due_reminder_task(overdue, run_worker, demo_users, mailoutbox):
    submit(overdue, "42")
    reminders.schedule_reminders(overdue, now=reminders.send_time(overdue, 0) + dt.timedelta(hours=2))
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 2  # 0 now, +2 tomorrow

    run_worker()

    done = DBTaskResult.objects.get(task_path=TASK_PATH, status="SUCCESSFUL")
    assert done.args_kwargs["kwargs"]["offset_days"] == 0 and done.return_value["sent"] == ["19"]
    assert DBTaskResult.objects.get(task_path=TASK_PATH, status="READY").args_kwargs["kwargs"]["offset_days"] == 2
    assert [m.to for m in mailoutbox] == [[officer_email(demo_users, "tinh.thainguyen")]]
    assert list(ReminderSent.objects.values_list("unit__code", "offset_days")) == [("19", 0)]

    run_worker()  # nothing due: nothing more
    assert len(mailoutbox) == 1


def failing_once_for(monkeypatch, address: str, exc: BaseException):
    """Make the e-mail to `address` raise `exc` the first time it is sent."""
    real = reminders.send_mail
    state = {"raised": False}

    def send_mail(subject, body, from_email, to, **kwargs):
        if address in to and not state["raised"]:
            state["raised"] = True
            raise exc
        return real(subject, body, from_email, to, **kwargs)

    monkeypatch.setattr(reminders, "send_mail", send_mail)
    return state


def assert_each_unit_reminded_exactly_once(mailoutbox, demo_users):
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [officer_email(demo_users, "tinh.hatinh"), officer_email(demo_users, "tinh.thainguyen")]
    )
    assert sorted(ReminderSent.objects.values_list("unit__code", flat=True)) == ["19", "42"]
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["tinh.hatinh", "tinh.thainguyen"]
    assert AuditEntry.objects.filter(action="ocop.report.reminder_sent").count() == 2


def test_a_mail_failure_is_retried_without_duplicates(overdue, run_worker, monkeypatch, mailoutbox, demo_users):
    # units run in code order: 19 (Thái Nguyên) then 42 (Hà Tĩnh), whose e-mail fails once
    ha_tinh = officer_email(demo_users, "tinh.hatinh")
    failing_once_for(monkeypatch, ha_tinh, smtplib.SMTPServerDisconnected("mất kết nối"))
    send_request_reminders.enqueue(request_id=overdue.pk, offset_days=0)

    run_worker()

    failed = DBTaskResult.objects.get(task_path=TASK_PATH, status="FAILED")
    assert failed.exception_class_path == "ocop.reporting.tasks.ReminderDeliveryError"
    assert list(ReminderSent.objects.values_list("unit__code", flat=True)) == ["19"]  # 42 rolled back
    assert not Notification.objects.filter(user=demo_users["tinh.hatinh"]).exists()
    retry = DBTaskResult.objects.get(task_path=TASK_PATH, status="READY")
    assert retry.args_kwargs["kwargs"] == {"request_id": overdue.pk, "offset_days": 0, "attempt": 2}
    assert retry.run_after > timezone.now() + dt.timedelta(minutes=10)

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # 15 minutes later
    run_worker()

    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert_each_unit_reminded_exactly_once(mailoutbox, demo_users)


class WorkerKilled(BaseException):
    """Stands for the worker process dying mid-task (not an ordinary error the task could handle)."""


def test_a_worker_killed_mid_task_loses_nothing(overdue, run_worker, monkeypatch, mailoutbox, demo_users):
    failing_once_for(monkeypatch, officer_email(demo_users, "tinh.hatinh"), WorkerKilled())
    task = send_request_reminders.enqueue(request_id=overdue.pk, offset_days=0)

    run_worker()

    assert DBTaskResult.objects.get(pk=task.id).status == "FAILED"
    assert list(ReminderSent.objects.values_list("unit__code", flat=True)) == ["19"]
    assert len(mailoutbox) == 1

    # the retry: the same task again, then the operators' catch-up command on top
    send_request_reminders.enqueue(request_id=overdue.pk, offset_days=0)
    run_worker()
    assert_each_unit_reminded_exactly_once(mailoutbox, demo_users)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "đã gửi 0 đơn vị, 2 đơn vị đã được nhắc trước đó" in out.getvalue()
    assert_each_unit_reminded_exactly_once(mailoutbox, demo_users)


# --- the operators' command ----------------------------------------------------------------------


def test_send_reminders_command(overdue, make_request, today, mailoutbox):
    submit(overdue, "42")
    make_request(dt.date(2018, 12, 31))  # an old request left open: no stale reminders

    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "1 đơn vị chưa nộp, sẽ nhắc 1 đơn vị (19)" in out.getvalue() and mailoutbox == []

    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    text = out.getvalue()
    assert f"Yêu cầu #{overdue.pk}" in text and "mốc nhắc +0 ngày: đã gửi 1 đơn vị" in text
    assert "Tổng cộng: 1 lời nhắc đã gửi" in text
    assert len(mailoutbox) == 1 and ReminderSent.objects.count() == 1
