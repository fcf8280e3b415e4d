"""Text helpers for official documents: Vietnamese alphabetical order, NĐ 30 dates, clean NFC text."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ocop.lib.collation import sort_key
from ocop.lib.dates import format_date

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")  # keeps \t (0x09) and \n (0x0a)


def vi_sort_key(text: str) -> tuple:
    """Sort key for Vietnamese alphabetical order (the one collation: ocop.lib.collation)."""
    return sort_key(text)


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text if text is not None else ""))


def clean(text) -> str:
    """NFC text without the control characters a .docx cannot hold (keeps tab and newline).

    Form feed and bell are removed too: docxtpl would turn them into page or paragraph breaks."""
    value = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", value)


def _two(n: int, pad: bool) -> str:
    return f"{n:02d}" if pad else str(n)


def nd30_date(day: dt.date) -> str:
    """ "ngày 12 tháng 12 năm 2018"; NĐ 30: a day below 10 and the months 1 and 2 take a leading zero."""
    return f"ngày {_two(day.day, day.day < 10)} tháng {_two(day.month, day.month < 3)} năm {day.year}"


def place_date(place: str, day: dt.date | None) -> str:
    """ "Hà Nội, ngày 12 tháng 12 năm 2018" (a draft without a date leaves the blanks)."""
    if day is None:
        return f"{place}, ngày      tháng      năm"
    return f"{place}, {nd30_date(day)}"


def dmy(day: dt.date | None) -> str:
    return format_date(day)


def number_text(number: int | None) -> str:
    """ "09" below 10 (NĐ 30), "9654" otherwise; blanks while the number is not given."""
    if number is None:
        return "     "
    return f"{number:02d}"


def section_label(number: str, depth: int) -> str:
    """The label an outline's section is printed with, numbered once: "I." (depth 0), "1." (depth 1),
    "a)" (depth 2), "-" deeper — the last part of "I.1.a" only, as the seed's outline prints it."""
    last = str(number or "").rstrip(".").split(".")[-1]
    if depth <= 1:
        return f"{last}."
    if depth == 2:
        return f"{last})"
    return "-"


def join_vi(items: list[str], last: str = ", ") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]
