"""Completeness and timeliness of a request: for every expected unit, where its report stands.

Counts every submission the same way whatever its source (typed, uploaded .xlsx, API). A unit is
"on time" when its first submission reached the system on or before the request's last on-time day
(local date): the day before the deadline for "trước ngày D", the deadline itself for "chậm nhất ngày D";
corrections after acceptance do not change timeliness.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from ocop.geo.models import AdminUnit
from ocop.geo.services import unit_on, units_by_pk
from ocop.lib.cachekeys import data_digest
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


class UnitStatus:
    """Where one expected unit's report stands. `submission` is its latest version; a unit status built
    by `unit_statuses` loads it lazily from the columns the status query read (the JSON columns are
    deferred: read `data` through `Submission.objects` or `with_data`)."""

    __slots__ = ("unit", "_submission", "_values", "state", "timeliness", "first_submitted_at")

    def __init__(
        self,
        unit: AdminUnit,
        submission: Submission | None,
        state: str,
        timeliness: str | None,
        first_submitted_at: dt.datetime | None,
        *,
        values: tuple | None = None,
    ):
        self.unit = unit
        self._submission = submission
        self._values = values  # _SUBMISSION_COLUMNS of the latest version, when `submission` is not built yet
        self.state = state
        self.timeliness = timeliness
        self.first_submitted_at = first_submitted_at

    @property
    def submission(self) -> Submission | None:
        if self._submission is None and self._values is not None:
            values = [_aware(v) if i in _DATETIME_INDEXES else v for i, v in enumerate(self._values)]
            self._submission = Submission.from_db(DEFAULT_DB_ALIAS, _SUBMISSION_FIELDS, values)
        return self._submission

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def timeliness_label(self) -> str:
        return str(TIMELINESS_LABELS[self.timeliness])

    def __repr__(self) -> str:
        return f"UnitStatus({self.unit.code}, {self.state}, {self.timeliness})"


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
    return (today or timezone.localdate()) > request.last_on_time_day


def timeliness_of(
    request: ReportRequest, first_submitted_at: dt.datetime | None, last_on_time_day: dt.date | None = None
) -> str | None:
    """ "on_time", "late" or None (never submitted); `last_on_time_day`: the request's, when already known."""
    if first_submitted_at is None:
        return None
    last = last_on_time_day or request.last_on_time_day
    return "on_time" if timezone.localdate(first_submitted_at) <= last else "late"


# the columns of a submission the status needs, in Submission.from_db order
_SUBMISSION_FIELDS = [
    "id",
    "request_id",
    "unit_id",
    "number",
    "previous_id",
    "status",
    "source",
    "first_submitted_at",
    "lock_version",
]  # the other columns are deferred on the row's `submission` (its data, submitted_at, reviewed_at…)
_DATETIME_COLUMNS = {"first_submitted_at"}
_DATETIME_INDEXES = {i for i, c in enumerate(_SUBMISSION_FIELDS) if c in _DATETIME_COLUMNS}


def _status_sql() -> str:
    """Every expected unit with each version of its report, in one query (by unit id, then version;
    the units are put in code order in Python, from the unit cache: no join with the units)."""
    through = ReportRequest.recipients.through._meta.db_table
    columns = ", ".join(f"s.{c}" for c in _SUBMISSION_FIELDS)
    return (
        f"SELECT r.adminunit_id, {columns} FROM {through} r "
        f"LEFT JOIN {Submission._meta.db_table} s ON s.request_id = r.reportrequest_id AND s.unit_id = r.adminunit_id "
        "WHERE r.reportrequest_id = %s ORDER BY r.adminunit_id, s.number"
    )


def _aware(value):
    """A datetime column as the ORM returns it (SQLite gives text; stored in UTC)."""
    if value is None or isinstance(value, dt.datetime) and not timezone.is_naive(value):
        return value
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)  # SQLite's "YYYY-MM-DD HH:MM:SS[.ffffff]"
        except ValueError:
            value = parse_datetime(value)
    if settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.timezone.utc)
    return value


def unit_statuses(request: ReportRequest) -> list[UnitStatus]:
    """One row per expected unit, in unit code order: one query (the units come from the cache of
    administrative units, ocop/geo/services.py `units_by_pk`). Date columns stay as the database
    gives them until used (SQLite gives ISO text, whose order is the time order): only each unit's
    first submission time is converted here, the others when the row's `submission` is built."""
    latest: dict[int, list] = {}
    first: dict[int, object] = {}
    order: list[int] = []
    first_index = _SUBMISSION_FIELDS.index("first_submitted_at")
    with connection.cursor() as cursor:
        cursor.execute(_status_sql(), [request.pk])
        for unit_id, *values in cursor.fetchall():
            if unit_id not in latest:
                order.append(unit_id)
                latest[unit_id] = None
            if values[0] is None:
                continue
            latest[unit_id] = values  # ordered by number: the last one wins
            first_at = values[first_index]
            if first_at and (unit_id not in first or first_at < first[unit_id]):
                first[unit_id] = first_at
    units = units_by_pk(order)
    order.sort(key=lambda pk: (units[pk].code, pk))  # unit code order
    status_index = _SUBMISSION_FIELDS.index("status")
    previous_index = _SUBMISSION_FIELDS.index("previous_id")
    last_on_time_day = request.last_on_time_day
    rows = []
    for unit_id in order:
        values = latest[unit_id]
        first_at = _aware(first.get(unit_id))
        if values is None:
            state = "missing"
        elif values[status_index] == SubmissionStatus.DRAFT and first_at is None:
            state = "draft"
        elif values[status_index] == SubmissionStatus.DRAFT:
            state = (
                "accepted" if values[previous_index] else "submitted"
            )  # a correction in progress keeps the accepted state
        else:
            state = values[status_index]
        # each unit named as on the cut-off date (Tỉnh Thừa Thiên Huế in a 2018 report)
        rows.append(
            UnitStatus(
                unit_on(units[unit_id], request.cutoff),
                None,
                state,
                timeliness_of(request, first_at, last_on_time_day),
                first_at,
                values=tuple(values) if values is not None else None,
            )
        )
    return rows


def rows_version(request: ReportRequest, rows: list[UnitStatus]) -> str:
    """A digest of everything the completeness table, map and summary show: the request's own fields
    and, per row, the unit (as named on the cut-off date), its state, timeliness and the columns of
    its latest report (id, status, dates, lock version). The rendered table is cached under it
    (issue 17, goal 3): computed from the rows just read, so a cached table can never be stale."""
    parts = [[(f.attname, getattr(request, f.attname)) for f in request._meta.concrete_fields]]
    for r in rows:
        values = r._values
        if values is None and r._submission is not None:
            sub = r._submission
            values = tuple(getattr(sub, name) for name in _SUBMISSION_FIELDS)
        parts.append(
            (r.unit.pk, r.unit.code, r.unit.name, r.unit.level, r.state, r.timeliness, r.first_submitted_at, values)
        )
    return data_digest(*parts)


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


@dataclass
class Counts:
    """ "x/N đã nộp, y đúng hạn" of one request."""

    expected: int = 0
    submitted: int = 0
    on_time: int = 0


def counts_for(requests: list[ReportRequest]) -> dict[int, Counts]:
    """Expected, submitted and on-time counts for several requests (a page of the list) in one query:
    one row per expected unit with its earliest first submission."""
    by_pk = {r.pk: r for r in requests}
    result = {pk: Counts() for pk in by_pk}
    if not by_pk:
        return result
    through = ReportRequest.recipients.through._meta.db_table
    placeholders = ", ".join(["%s"] * len(by_pk))
    sql = (
        f"SELECT r.reportrequest_id, r.adminunit_id, MIN(s.first_submitted_at) FROM {through} r "
        f"LEFT JOIN {Submission._meta.db_table} s ON s.request_id = r.reportrequest_id AND s.unit_id = r.adminunit_id "
        f"WHERE r.reportrequest_id IN ({placeholders}) GROUP BY r.reportrequest_id, r.adminunit_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(by_pk))
        for request_id, _unit_id, first_at in cursor.fetchall():
            c = result[request_id]
            c.expected += 1
            if first_at is not None:
                c.submitted += 1
                if timeliness_of(by_pk[request_id], _aware(first_at)) == "on_time":
                    c.on_time += 1
    return result
