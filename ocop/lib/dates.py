"""Reading dates as people type them: dd/mm/yyyy (Vietnamese usage) or ISO yyyy-mm-dd."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

ACCEPTED_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


class DateParseError(ValueError):
    pass


def parse_date(value: str | None) -> dt.date:
    """Parse a date in dd/mm/yyyy or yyyy-mm-dd, raising DateParseError with a Vietnamese message."""
    text = (value or "").strip()
    if not text:
        raise DateParseError(_("Chưa nhập ngày. Nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2018."))
    for fmt in ACCEPTED_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if parsed.year < 1900 or parsed.year > 2200:
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
    return value.strftime("%d/%m/%Y") if value else ""
