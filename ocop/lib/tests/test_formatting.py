"""Issue 16: one helper for numbers as Vietnamese readers write them, whatever the active language."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from ocop.lib.dates import format_date
from ocop.lib.formatting import format_number


def test_numbers_group_thousands_with_a_dot_in_any_language():
    for language in ("vi", "en"):
        with translation.override(language):
            assert format_number(0) == "0"
            assert format_number(999) == "999"
            assert format_number(1000) == "1.000"
            assert format_number(1234567) == "1.234.567"
            assert format_number(-1234) == "-1.234"
            assert format_number(12.5, 1) == "12,5"


def test_dates_day_month_year():
    assert format_date(dt.date(2018, 12, 12)) == "12/12/2018"
    assert format_date(dt.date(2025, 3, 1)) == "01/03/2025"
    assert format_date(None) == ""


def test_typed_dates_read_as_the_accepted_formats_say():
    """parse_date: dd/mm/yyyy (one or two digits for day and month), dd-mm-yyyy and yyyy-mm-dd; a day
    that does not exist, a year outside 1900–2200 (ocop/lib/data/date_bounds.json) or any other
    shape is refused with the format to use."""
    import pytest

    from ocop.lib.dates import DateParseError, parse_date

    assert parse_date("24/05/2024") == dt.date(2024, 5, 24)
    assert parse_date(" 1/2/2024 ") == dt.date(2024, 2, 1)
    assert parse_date("29/02/2024") == dt.date(2024, 2, 29)
    assert parse_date("31-12-2018") == dt.date(2018, 12, 31)
    assert parse_date("2018-12-12") == dt.date(2018, 12, 12)
    assert parse_date("01/01/1900") == dt.date(1900, 1, 1)
    assert parse_date("31/12/2200") == dt.date(2200, 12, 31)
    for wrong in (
        "29/02/2023",
        "31/04/2024",
        "00/01/2024",
        "12/13/2024",
        "31/12/1899",
        "01/01/2201",
        "1/2/24",
        "24/05/2024 x",
        "24.05.2024",
        "123/05/2024",
    ):
        with pytest.raises(DateParseError, match="dd/mm/yyyy"):
            parse_date(wrong)
