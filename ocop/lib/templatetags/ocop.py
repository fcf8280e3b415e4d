from django import template
from django.utils import formats

from ocop.lib.dates import format_date

register = template.Library()


@register.filter
def num(value, decimals=None):
    """A number with the locale's thousands separator ("." in Vietnamese): 1234567 -> 1.234.567."""
    if value is None or value == "":
        return ""
    try:
        if decimals is not None:
            return formats.number_format(value, decimal_pos=int(decimals), force_grouping=True)
        return formats.number_format(value, force_grouping=True)
    except (TypeError, ValueError):
        return value


@register.filter
def dmy(value):
    """A date as dd/mm/yyyy whatever the language."""
    if not value:
        return ""
    return format_date(value)
