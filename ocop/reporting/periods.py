"""Reporting periods, data cut-offs, working days and deadlines under NĐ 09/2019/NĐ-CP.

Pure Python: no database, no settings needed (messages go through Django's gettext only when Django
is configured). See docs/domain.md §6 for the rules implemented here.

Periods
    A periodic report covers a *period* (month, quarter, half-year, year) whose data run from a start
    date to a *cut-off* date (inclusive). NĐ 09/2019 does not follow calendar months: a month's data run
    from the 15th of the previous month to the 14th, so Q1 2026 is 15/12/2025–14/03/2026. The rules are
    data in `CUTOFF_RULES` (one entry per kind, with its source), not code, so an administrator reading
    the gazetted text can correct them. Periods are named by codes: "2026-M03", "2026-Q1", "2026-H2",
    "2026-Y" (`Period.code`, `parse_period_code`).

Working days
    Monday–Friday, except the public holidays, compensatory and swapped days off listed in
    `data/holidays.csv` (2018–2027; outside those years only weekends are days off). Saturdays that
    civil servants work to make up a swapped day are not modelled: every Saturday is a day off.

Deadlines
    NĐ 09 requires at least one working day between the data cut-off and the deadline, read here as:
    the deadline is on or after the first working day after the cut-off (`deadline_error`).
    `default_deadline` proposes a deadline from the rules in `DEADLINE_RULES`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ocop.lib.dates import format_date

__all__ = [
    "CUTOFF_RULES",
    "DEADLINE_RULES",
    "HOLIDAYS_FILE",
    "KINDS",
    "PERIODS_PER_YEAR",
    "CutoffRule",
    "DeadlineRule",
    "Period",
    "add_working_days",
    "deadline_error",
    "default_deadline",
    "format_date",
    "holiday_name",
    "is_working_day",
    "next_working_day",
    "parse_period_code",
    "period",
    "period_containing",
    "periods_in_year",
    "public_holidays",
    "working_days_between",
]


def _(message: str) -> str:
    """Translate through Django's catalogue when Django is set up; otherwise return the Vietnamese text."""
    try:
        from django.apps import apps
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is always installed in this project
        return message
    if settings.configured and apps.ready:
        from django.utils.translation import gettext

        return gettext(message)
    return message


# --- period kinds --------------------------------------------------------------------------------

MONTH = "month"
QUARTER = "quarter"
HALF_YEAR = "half_year"
YEAR = "year"
KINDS: tuple[str, ...] = (MONTH, QUARTER, HALF_YEAR, YEAR)

#: How many periods of each kind make a year.
PERIODS_PER_YEAR: Mapping[str, int] = MappingProxyType({MONTH: 12, QUARTER: 4, HALF_YEAR: 2, YEAR: 1})

#: Calendar months each period is named after: period `number` n covers months
#: (n - 1) * span + 1 .. n * span of its year.
_MONTH_SPAN = {MONTH: 1, QUARTER: 3, HALF_YEAR: 6, YEAR: 12}

MIN_YEAR = 1901  # the first period of MIN_YEAR may start in the previous year
MAX_YEAR = 2199


@dataclass(frozen=True)
class CutoffRule:
    """Where a period's data start and stop, relative to the calendar months it is named after.

    The data run from day `start_day` of the month `start_months_before` months before the period's
    first calendar month, to day `end_day` of its last calendar month (the cut-off, inclusive;
    clipped to the month's length, so 31 means "the last day of the month"). Consecutive periods tile
    without gaps when start_day = end_day + 1 and start_months_before = 1 (NĐ 09), or when start_day = 1,
    start_months_before = 0 and end_day = 31 (calendar periods).
    """

    start_day: int
    start_months_before: int
    end_day: int
    source: str
    confirmed: bool = True


#: NĐ 09/2019 cut-offs (Điều 12, "thời gian chốt số liệu"), as summarised in docs/domain.md §6.
#: Edit here if the gazetted text says otherwise; tests in tests/test_periods.py pin the current values.
CUTOFF_RULES: Mapping[str, CutoffRule] = MappingProxyType(
    {
        MONTH: CutoffRule(
            start_day=15,
            start_months_before=1,
            end_day=14,
            source="NĐ 09/2019/NĐ-CP Điều 12: từ ngày 15 tháng trước đến ngày 14 của tháng thuộc kỳ báo cáo",
        ),
        QUARTER: CutoffRule(
            start_day=15,
            start_months_before=1,
            end_day=14,
            source="NĐ 09/2019/NĐ-CP Điều 12: từ ngày 15 của tháng trước kỳ báo cáo đến ngày 14 của tháng cuối quý",
        ),
        HALF_YEAR: CutoffRule(
            start_day=15,
            start_months_before=1,
            end_day=14,
            source="NĐ 09/2019/NĐ-CP Điều 12: 6 tháng đầu năm 15/12 năm trước–14/6; 6 tháng cuối năm 15/6–14/12",
        ),
        YEAR: CutoffRule(
            start_day=15,
            start_months_before=1,
            end_day=14,
            source=(
                "15/12 năm trước–14/12 của kỳ báo cáo [?]: docs/domain.md §6 thấy quy tắc này ở một thông tư "
                "nhắc lại NĐ 09/2019, chưa đối chiếu với văn bản gốc"
            ),
            confirmed=False,
        ),
    }
)

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


# --- dates ---------------------------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - dt.timedelta(days=1)).day


def _month_day(year: int, month: int, day: int) -> dt.date:
    """The given day of a month (month may be ≤ 0 or > 12: it rolls over years), clipped to the month's end."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, min(day, _days_in_month(year, month)))


# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One reporting period. `end` is the data cut-off (inclusive)."""

    kind: str
    year: int
    number: int
    start: dt.date
    end: dt.date
    label_vi: str

    @property
    def code(self) -> str:
        """ "2026-M03", "2026-Q1", "2026-H2" or "2026-Y" (read back by `parse_period_code`)."""
        if self.kind == MONTH:
            return f"{self.year}-M{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == HALF_YEAR:
            return f"{self.year}-H{self.number}"
        return f"{self.year}-Y"

    @property
    def cutoff(self) -> dt.date:
        """The data cut-off date (same as `end`)."""
        return self.end

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label_vi


def _label_vi(kind: str, year: int, number: int) -> str:
    if kind == MONTH:
        return f"Tháng {number} năm {year}"
    if kind == QUARTER:
        return f"Quý {_ROMAN[number]} năm {year}"
    if kind == HALF_YEAR:
        return f"6 tháng {'đầu' if number == 1 else 'cuối'} năm {year}"
    return f"Năm {year}"


def _check_kind(kind: str) -> None:
    if kind not in CUTOFF_RULES:
        raise ValueError(
            _("Loại kỳ báo cáo “%(kind)s” không hợp lệ: chỉ nhận %(kinds)s.")
            % {"kind": str(kind)[:40], "kinds": ", ".join(KINDS)}
        )


def _check_year(year: int) -> None:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            _("Năm báo cáo “%(year)s” không hợp lệ (từ %(min)s đến %(max)s).")
            % {"year": str(year)[:40], "min": MIN_YEAR, "max": MAX_YEAR}
        )


def period(kind: str, year: int, number: int = 1) -> Period:
    """The period `number` of `kind` in `year`, with its NĐ 09 start and cut-off (see `CUTOFF_RULES`).

    `number` is the month (1–12), quarter (1–4), half (1–2) or 1 for a year. Raises ValueError with a
    Vietnamese message for an unknown kind, a year out of range or a number out of range.
    """
    _check_kind(kind)
    _check_year(year)
    count = PERIODS_PER_YEAR[kind]
    if not isinstance(number, int) or not 1 <= number <= count:
        raise ValueError(
            _("Số thứ tự kỳ “%(number)s” không hợp lệ: kỳ loại %(kind)s chỉ từ 1 đến %(count)s.")
            % {"number": str(number)[:40], "kind": kind, "count": count}
        )
    rule = CUTOFF_RULES[kind]
    span = _MONTH_SPAN[kind]
    first_month = (number - 1) * span + 1
    last_month = number * span
    start = _month_day(year, first_month - rule.start_months_before, rule.start_day)
    end = _month_day(year, last_month, rule.end_day)
    return Period(kind=kind, year=year, number=number, start=start, end=end, label_vi=_label_vi(kind, year, number))


def periods_in_year(kind: str, year: int) -> list[Period]:
    """All periods of `kind` named after `year`, in order (12 months, 4 quarters, 2 halves or 1 year)."""
    _check_kind(kind)
    return [period(kind, year, n) for n in range(1, PERIODS_PER_YEAR[kind] + 1)]


def period_containing(kind: str, day: dt.date) -> Period:
    """The period of `kind` whose data span includes `day` (e.g. 20/12/2025 is in Q1 2026)."""
    _check_kind(kind)
    for year in (day.year, day.year + 1, day.year - 1):
        if not MIN_YEAR <= year <= MAX_YEAR:
            continue
        for candidate in periods_in_year(kind, year):
            if day in candidate:
                return candidate
    raise ValueError(_("Ngày %(day)s không thuộc kỳ báo cáo nào.") % {"day": format_date(day)})


_CODE_RE = re.compile(r"^(?P<year>\d{4})-(?:M(?P<month>\d{1,2})|Q(?P<quarter>\d)|H(?P<half>\d)|(?P<whole>Y))$")


def parse_period_code(code: str) -> Period:
    """Read "2026-M03", "2026-Q1", "2026-H2" or "2026-Y" (case and surrounding spaces ignored).

    Raises ValueError with a Vietnamese message for anything else.
    """
    text = (code or "").strip().upper() if isinstance(code, str) else ""
    match = _CODE_RE.match(text)
    if not match:
        raise ValueError(
            _(
                "Mã kỳ báo cáo “%(code)s” không hợp lệ. Dùng dạng 2026-M03 (tháng), 2026-Q1 (quý), "
                "2026-H1 hoặc 2026-H2 (6 tháng), 2026-Y (năm)."
            )
            % {"code": str(code)[:40]}
        )
    year = int(match["year"])
    if match["month"]:
        kind, number = MONTH, int(match["month"])
    elif match["quarter"]:
        kind, number = QUARTER, int(match["quarter"])
    elif match["half"]:
        kind, number = HALF_YEAR, int(match["half"])
    else:
        kind, number = YEAR, 1
    try:
        return period(kind, year, number)
    except ValueError as exc:
        raise ValueError(
            _("Mã kỳ báo cáo “%(code)s” không hợp lệ: %(reason)s") % {"code": str(code)[:40], "reason": exc}
        ) from exc


# --- working days --------------------------------------------------------------------------------

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays.csv"


@functools.lru_cache(maxsize=1)
def public_holidays() -> Mapping[dt.date, str]:
    """Days off other than ordinary weekends, from `data/holidays.csv`: {date: name}. Read once.

    Lines starting with "#" are comments. Call `public_holidays.cache_clear()` after editing the file
    in a running process.
    """
    with HOLIDAYS_FILE.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    holidays: dict[dt.date, str] = {}
    for row in csv.DictReader(lines):
        day = dt.date.fromisoformat(row["date"].strip())
        if day in holidays:
            raise ValueError(f"{HOLIDAYS_FILE.name}: ngày {row['date']} bị lặp")
        holidays[day] = row["name"].strip()
    return MappingProxyType(holidays)


def holiday_name(day: dt.date) -> str | None:
    """The name of the holiday or day off on `day`, or None."""
    return public_holidays().get(day)


def is_working_day(day: dt.date) -> bool:
    """Monday–Friday and not a public holiday, compensatory or swapped day off."""
    return day.weekday() < 5 and day not in public_holidays()


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    candidate = day + dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate += dt.timedelta(days=1)
    return candidate


def _previous_working_day(day: dt.date) -> dt.date:
    candidate = day - dt.timedelta(days=1)
    while not is_working_day(candidate):
        candidate -= dt.timedelta(days=1)
    return candidate


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (before it when n < 0); `day` itself when n == 0.

    add_working_days(d, 1) == next_working_day(d), whether or not `d` is a working day.
    """
    result = day
    step = next_working_day if n >= 0 else _previous_working_day
    for _i in range(abs(n)):
        result = step(result)
    return result


def working_days_between(a: dt.date, b: dt.date) -> int:
    """How many working days `b` is after `a`: the working days d with a < d ≤ b.

    When b < a the count is negative: minus the working days d with b ≤ d < a. Either way this is the
    inverse of `add_working_days`: working_days_between(d, add_working_days(d, n)) == n.
    """
    if b < a:
        return -sum(1 for offset in range((a - b).days) if is_working_day(b + dt.timedelta(days=offset)))
    return sum(1 for offset in range(1, (b - a).days + 1) if is_working_day(a + dt.timedelta(days=offset)))


# --- deadlines -----------------------------------------------------------------------------------


def deadline_error(cutoff: dt.date, deadline: dt.date) -> str | None:
    """A Vietnamese message when `deadline` is too close to the data `cutoff`, else None.

    NĐ 09/2019: at least one working day between the cut-off and the deadline, read as: the deadline is
    on or after the first working day after the cut-off.
    """
    earliest = next_working_day(cutoff)
    if deadline >= earliest:
        return None
    values = {"deadline": format_date(deadline), "cutoff": format_date(cutoff), "earliest": format_date(earliest)}
    if deadline < cutoff:
        return (
            _(
                "Hạn nộp %(deadline)s sớm hơn ngày chốt số liệu %(cutoff)s: phải cách ngày chốt ít nhất "
                "một ngày làm việc (sớm nhất %(earliest)s)."
            )
            % values
        )
    return (
        _(
            "Hạn nộp %(deadline)s quá sát ngày chốt số liệu %(cutoff)s: phải cách ít nhất một ngày làm việc "
            "(sớm nhất %(earliest)s)."
        )
        % values
    )


@dataclass(frozen=True)
class DeadlineRule:
    """How a default deadline follows from a period.

    Either `day_of_last_month` (a fixed day of the period's last calendar month, e.g. the 25th) or
    `working_days_after_cutoff` (the earliest date at least that many working days after the cut-off).
    Whichever applies, the result is never earlier than `deadline_error` allows.
    """

    source: str
    working_days_after_cutoff: int = 3
    day_of_last_month: int | None = None


_DEFAULT_RULE = DeadlineRule(
    working_days_after_cutoff=3,
    source="Mặc định của hệ thống: 3 ngày làm việc sau ngày chốt số liệu (NĐ 09/2019 chỉ đòi ít nhất 1 ngày)",
)

#: Default deadlines, by rule name: a period kind, a request kind of the reporting app (periodic,
#: thematic, adhoc) or a named reporting flow. Change the numbers here, not in code.
DEADLINE_RULES: Mapping[str, DeadlineRule] = MappingProxyType(
    {
        MONTH: _DEFAULT_RULE,
        QUARTER: _DEFAULT_RULE,
        HALF_YEAR: _DEFAULT_RULE,
        YEAR: _DEFAULT_RULE,
        "periodic": _DEFAULT_RULE,
        "thematic": _DEFAULT_RULE,
        "adhoc": _DEFAULT_RULE,
        "province_to_government": DeadlineRule(
            day_of_last_month=25,
            source="docs/domain.md §6: tỉnh báo cáo Chính phủ chậm nhất ngày 25 của tháng cuối kỳ báo cáo",
        ),
    }
)


def default_deadline(kind: str, period: Period | dt.date) -> dt.date:
    """A proposed deadline for `period` under the rule `DEADLINE_RULES[kind]`.

    `kind` is a period kind ("quarter"...), a request kind ("periodic", "thematic", "adhoc") or a flow
    ("province_to_government"). `period` is a `Period` or, for thematic and ad-hoc reports, the bare
    cut-off date. With the default rule, a quarter cut off on Saturday 14/03/2026 is due 18/03/2026.
    Raises ValueError for an unknown rule name.
    """
    rule = DEADLINE_RULES.get(kind)
    if rule is None:
        raise ValueError(
            _("Không có quy tắc hạn nộp cho “%(kind)s”: chỉ có %(kinds)s.")
            % {"kind": str(kind)[:40], "kinds": ", ".join(DEADLINE_RULES)}
        )
    cutoff = period.end if isinstance(period, Period) else period
    earliest = next_working_day(cutoff)
    if rule.day_of_last_month is not None:
        if isinstance(period, Period):
            last_month = period.number * _MONTH_SPAN[period.kind]
            candidate = _month_day(period.year, last_month, rule.day_of_last_month)
        else:
            candidate = _month_day(cutoff.year, cutoff.month, rule.day_of_last_month)
        return max(candidate, earliest)
    return max(add_working_days(cutoff, rule.working_days_after_cutoff), earliest)


# --- how a request states its deadline -----------------------------------------------------------

#: "trước ngày D": on time up to D − 1 (the seed's "trước ngày 10/01/2019", domain.md §11);
#: "chậm nhất ngày D": on time up to D itself.
DEADLINE_BEFORE = "before"
DEADLINE_BY = "by"
DEADLINE_WORDS = {DEADLINE_BEFORE: "trước ngày", DEADLINE_BY: "chậm nhất ngày"}


def last_on_time_day(rule: str, deadline: dt.date) -> dt.date:
    """The last day a report counts as on time under `rule` ("before" or "by")."""
    if rule == DEADLINE_BEFORE:
        return deadline - dt.timedelta(days=1)
    if rule == DEADLINE_BY:
        return deadline
    raise ValueError(f"unknown deadline rule {rule!r}")


def deadline_wording(rule: str, deadline: dt.date) -> str:
    """The deadline as a letter states it: "trước ngày 10/01/2019" or "chậm nhất ngày 05/01/2027".

    The same rule drives timeliness (`last_on_time_day`), so a letter and the completeness count
    cannot disagree."""
    if rule not in DEADLINE_WORDS:
        raise ValueError(f"unknown deadline rule {rule!r}")
    return f"{DEADLINE_WORDS[rule]} {format_date(deadline)}"
