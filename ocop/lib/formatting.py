"""Numbers as Vietnamese readers write them, whatever the active language (issue 16: one helper
instead of f"{n:,}".replace(",", ".") in many files). The separators are Django's formats of the
`vi` locale (ocop/formats/vi/formats.py): "." groups thousands, "," separates decimals. Dates:
ocop.lib.dates.format_date (dd/mm/yyyy)."""

from __future__ import annotations

from django.utils import numberformat
from django.utils.formats import get_format


def format_number(value, decimal_pos: int | None = None) -> str:
    """1234567 -> "1.234.567"; -1234 -> "-1.234"; format_number(12.5, 1) -> "12,5"."""
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR", "vi"),
        decimal_pos=decimal_pos,
        grouping=get_format("NUMBER_GROUPING", "vi"),
        thousand_sep=get_format("THOUSAND_SEPARATOR", "vi"),
        force_grouping=True,
    )
