"""Completeness and timeliness of a request: for every expected unit, where its report stands.

Counts every submission the same way whatever its source (typed, uploaded .xlsx, API). A unit is
"on time" when its first submission reached the system on or before the deadline (local date);
corrections after acceptance do not change timeliness.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop.geo.models import AdminUnit
from ocop.reporting.models import ReportRequest, Submission, SubmissionStatus

STATE_LABELS = {
    "missing": _("Chưa nộp"),
    "draft": _("Đang soạn, chưa nộp"),
    "submitted": _("Đã nộp, chờ xem xét"),
    "returned": _("Trả lại để sửa"),
    "accepted": _("Đã tiếp nhận"),
}
TIMELINESS_LABELS = {"on_time": _("Đúng hạn"), "late": _("Muộn"), None: ""}
# map colours: value per state
STATE_VALUE = {"missing": 0, "draft": 1, "returned": 2, "submitted": 3, "accepted": 4}


@dataclass
class UnitStatus:
    unit: AdminUnit
    submission: Submission | None  # the latest version
    state: str
    timeliness: str | None
    first_submitted_at: dt.datetime | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def timeliness_label(self) -> str:
        return str(TIMELINESS_LABELS[self.timeliness])


@dataclass
class Summary:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    accepted: int = 0
    submitted: int = 0  # ever submitted
    missing: int = 0

    @property
    def completeness_pct(self) -> int:
        return round(100 * self.submitted / self.expected) if self.expected else 0

    @property
    def timeliness_pct(self) -> int:
        return round(100 * self.on_time / self.expected) if self.expected else 0


def deadline_passed(request: ReportRequest, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()) > request.deadline


def timeliness_of(request: ReportRequest, first_submitted_at: dt.datetime | None) -> str | None:
    if first_submitted_at is None:
        return None
    return "on_time" if timezone.localdate(first_submitted_at) <= request.deadline else "late"


def unit_statuses(request: ReportRequest) -> list[UnitStatus]:
    """One row per expected unit (two queries)."""
    latest: dict[int, Submission] = {}
    first: dict[int, dt.datetime] = {}
    for sub in Submission.objects.filter(request=request).order_by("unit_id", "number"):
        latest[sub.unit_id] = sub  # ordered by number: the last one wins
        if sub.first_submitted_at and (sub.unit_id not in first or sub.first_submitted_at < first[sub.unit_id]):
            first[sub.unit_id] = sub.first_submitted_at
    rows = []
    for unit in request.recipients.order_by("code"):
        sub = latest.get(unit.pk)
        first_at = first.get(unit.pk)
        if sub is None:
            state = "missing"
        elif sub.status == SubmissionStatus.DRAFT and first_at is None:
            state = "draft"
        elif sub.status == SubmissionStatus.DRAFT:
            state = "accepted" if sub.previous_id else "submitted"  # a correction in progress keeps the accepted state
        else:
            state = sub.status
        rows.append(UnitStatus(unit, sub, state, timeliness_of(request, first_at), first_at))
    return rows


def summarise(rows: list[UnitStatus]) -> Summary:
    s = Summary(expected=len(rows))
    for row in rows:
        if row.first_submitted_at:
            s.submitted += 1
            if row.timeliness == "on_time":
                s.on_time += 1
            else:
                s.late += 1
        else:
            s.missing += 1
        if row.state == "returned":
            s.returned += 1
        if row.state == "accepted":
            s.accepted += 1
    return s


def missing_units(request: ReportRequest) -> list[AdminUnit]:
    """Expected units that have not submitted anything yet (reminders go only to these)."""
    submitted = Submission.objects.filter(request=request, first_submitted_at__isnull=False).values("unit_id")
    return list(request.recipients.exclude(pk__in=submitted).order_by("code"))
