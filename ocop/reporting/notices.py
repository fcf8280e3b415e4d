"""In-app notices about reports: a request opened, a report submitted, returned or accepted.
(Deadline reminders, by e-mail and in the app, are in reminders.py.)"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.accounts.models import NATIONAL_ROLES, Role, User
from ocop.lib.dates import format_date
from ocop.notifications.services import notify
from ocop.reporting.models import ReportRequest, Submission


def unit_officers(units) -> list[User]:
    """Active officers whose scope unit is one of `units`."""
    return list(
        User.objects.filter(
            is_active=True,
            scope_unit__in=units,
            role__in=[Role.PROVINCE_OFFICER, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER],
        )
    )


def reviewers_of(req: ReportRequest) -> list[User]:
    if req.owner_unit_id is None:
        return list(User.objects.filter(is_active=True, role__in=NATIONAL_ROLES))
    return unit_officers([req.owner_unit])


def notify_recipients_opened(req: ReportRequest) -> None:
    notify(
        unit_officers(req.recipients.all()),
        _("Yêu cầu báo cáo mới: “%(t)s”, hạn nộp %(d)s.") % {"t": req.title, "d": format_date(req.deadline)},
        reverse("reporting:request_detail", args=[req.pk]),
    )


def notify_reviewers(submission_id: int) -> None:
    sub = Submission.objects.select_related("request", "unit").get(pk=submission_id)
    notify(
        reviewers_of(sub.request),
        _("%(u)s đã nộp báo cáo “%(t)s”.") % {"u": sub.unit, "t": sub.request.title},
        reverse("reporting:submission", args=[sub.pk]),
    )


def notify_unit(submission_id: int, text: str) -> None:
    sub = Submission.objects.select_related("unit").get(pk=submission_id)
    notify(unit_officers([sub.unit]), text, reverse("reporting:submission", args=[sub.pk]))
