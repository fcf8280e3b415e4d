"""Reading dates as people type them: dd/mm/yyyy (Vietnamese usage) or ISO yyyy-mm-dd, and the one
place that bounds them (`check_date`, `BoundedDateField`, `api_date`):

- every date lies between EARLIEST_RECORD and LATEST_RECORD (a sanity frame: no year 1 or 9999);
- dates of the programme itself (a product's registration…) start at PROGRAMME_START (QĐ 490/QĐ-TTg);
- dates that record what already happened (a registration, a document's date) are not after today.

The bounds and their sources are data: ocop/lib/data/date_bounds.json.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Callable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

ACCEPTED_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", re.ASCII)  # the first format's usual form
_BOUNDS = json.loads((Path(__file__).with_name("data") / "date_bounds.json").read_text(encoding="utf-8"))
PROGRAMME_START = dt.date.fromisoformat(_BOUNDS["programme_start"]["date"])
EARLIEST_RECORD = dt.date.fromisoformat(_BOUNDS["earliest_record"]["date"])
LATEST_RECORD = dt.date.fromisoformat(_BOUNDS["latest_record"]["date"])
TODAY = "today"  # a bound meaning the current local date


class DateParseError(ValueError):
    pass


def parse_date(value: str | None) -> dt.date:
    """Parse a date in dd/mm/yyyy or yyyy-mm-dd, raising DateParseError with a Vietnamese message."""
    text = (value or "").strip()
    if not text:
        raise DateParseError(_("Chưa nhập ngày. Nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2018."))
    usual = _DAY_MONTH_YEAR.fullmatch(text)
    if usual is not None:  # "%d/%m/%Y" without strptime (issue 17: 10,000 dates per Excel import)
        try:
            parsed = dt.date(int(usual[3]), int(usual[2]), int(usual[1]))
        except ValueError:
            parsed = None
        if parsed is not None and EARLIEST_RECORD <= parsed <= LATEST_RECORD:
            return parsed
    for fmt in ACCEPTED_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not EARLIEST_RECORD <= parsed <= LATEST_RECORD:
            break
        return parsed
    raise DateParseError(
        _("Ngày “%(value)s” không hợp lệ. Nhập theo dạng dd/mm/yyyy (ví dụ 31/12/2018) hoặc yyyy-mm-dd.")
        % {"value": text[:40]}
    )


def parse_date_or_today(value: str | None, today: dt.date | None = None) -> tuple[dt.date, str | None]:
    """For query-string dates: return (date, error message or None); an empty value means today."""
    from django.utils import timezone

    if not (value or "").strip():
        return today or timezone.localdate(), None
    try:
        return parse_date(value), None
    except DateParseError as exc:
        return today or timezone.localdate(), str(exc)


def format_date(value: dt.date | None) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def _resolve(bound):
    if bound == TODAY:
        return timezone.localdate()
    return bound() if callable(bound) else bound


def check_date(
    value: dt.date | None,
    *,
    not_before=EARLIEST_RECORD,
    not_after=LATEST_RECORD,
    before_reason: str = "",
    after_reason: str = "",
) -> str | None:
    """A Vietnamese message when `value` lies outside [not_before, not_after] (a date, TODAY or a
    callable), else None. The reasons name the bound ("the programme began with QĐ 490…")."""
    if value is None:
        return None
    low, high = _resolve(not_before) or EARLIEST_RECORD, _resolve(not_after) or LATEST_RECORD
    if value < low:
        message = _("Ngày %(d)s sớm hơn ngày %(b)s.") % {"d": format_date(value), "b": format_date(low)}
        return f"{message} {before_reason}".strip()
    if value > high:
        if not_after == TODAY:
            message = _("Ngày %(d)s ở tương lai (hôm nay là %(b)s).") % {
                "d": format_date(value),
                "b": format_date(high),
            }
        else:
            message = _("Ngày %(d)s muộn hơn ngày %(b)s.") % {"d": format_date(value), "b": format_date(high)}
        return f"{message} {after_reason}".strip()
    return None


PROGRAMME_REASON = _l("Chương trình OCOP bắt đầu từ Quyết định 490/QĐ-TTg ngày 07/5/2018.")


def registration_date_error(value: dt.date | None) -> str | None:
    """A product's (or entity's) registration in the programme: from QĐ 490 to today."""
    return check_date(value, not_before=PROGRAMME_START, not_after=TODAY, before_reason=str(PROGRAMME_REASON))


def date_bounds_validator(
    not_before=EARLIEST_RECORD, not_after=LATEST_RECORD, before_reason: str = "", after_reason: str = ""
) -> Callable:
    """A field validator with the same bounds and messages, for date fields built elsewhere (ModelForms)."""

    def validate(value):
        message = check_date(
            value,
            not_before=not_before,
            not_after=not_after,
            before_reason=str(before_reason),
            after_reason=str(after_reason),
        )
        if message:
            raise forms.ValidationError(message, code="out_of_range")

    return validate


class BoundedDateField(forms.DateField):
    """A form date field (dd/mm/yyyy) that refuses dates outside [not_before, not_after] with a
    Vietnamese message; by default the sanity frame 1900–2200 (no 01/01/0001, no 31/12/9999)."""

    def __init__(
        self,
        *args,
        not_before=EARLIEST_RECORD,
        not_after=LATEST_RECORD,
        before_reason: str = "",
        after_reason: str = "",
        **kwargs,
    ):
        self.not_before, self.not_after = not_before, not_after
        self.before_reason, self.after_reason = before_reason, after_reason
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid", _l("Ngày không hợp lệ. Nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2018.")
        )
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        message = check_date(
            value,
            not_before=self.not_before,
            not_after=self.not_after,
            before_reason=str(self.before_reason),
            after_reason=str(self.after_reason),
        )
        if message:
            raise forms.ValidationError(message, code="out_of_range")


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def api_date(not_before=EARLIEST_RECORD, not_after=LATEST_RECORD, before_reason: str = "") -> Callable:
    """A pydantic "before" validator for API dates: only a "YYYY-MM-DD" string (no Unix number, no
    other form), within the bounds. Used as Annotated[dt.date, BeforeValidator(api_date(...))]."""

    def validate(value):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            parsed = value
        elif isinstance(value, str) and ISO_DATE.match(value.strip()):
            try:
                parsed = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(_("Ngày “%(v)s” không có thật.") % {"v": value[:20]}) from None
        else:
            raise ValueError(_("Ngày phải là chuỗi dạng YYYY-MM-DD (ví dụ 2026-01-05), không phải số hay dạng khác."))
        message = check_date(parsed, not_before=not_before, not_after=not_after, before_reason=before_reason)
        if message:
            raise ValueError(message)
        return parsed

    return validate
