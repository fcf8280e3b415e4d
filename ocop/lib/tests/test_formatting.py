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
