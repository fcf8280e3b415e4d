"""The filtering layer shared by the web lists and the API lists (issue 16): one django-filter
FilterSet per list, in its app's `filters.py`, applied by the web view to `request.GET` and by the
API endpoint to its validated query parameters, so the same parameters give the same rows.

- `SearchFilter`: the `q` of every list, through `ocop.lib.text.text_search` (every word found,
  ignoring case, diacritics and Unicode form, in one of the named columns).
- `IdFilter`: a whole-number id (`unit_id`, `entity_id`…); `YearFilter`: a year.
- `shown(filterset)`: the values the filters took, for the page's form and the Excel export's
  "filters" lines; a value that is not understood (an unknown choice, a word where a number was
  expected) filters nothing on the web and shows as "".
"""

from __future__ import annotations

import django_filters as df
from django import forms

from ocop.lib.text import text_search


class SearchFilter(df.CharFilter):
    """Every word of the value found, ignoring case and diacritics, in one of `search_fields`."""

    def __init__(self, *args, search_fields: tuple[str, ...], **kwargs):
        self.search_fields = tuple(search_fields)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return text_search(qs, value, *self.search_fields)


class IdFilter(df.NumberFilter):
    field_class = forms.IntegerField


class YearFilter(df.NumberFilter):
    """A year (1900–2200; outside it the value is not understood)."""

    class field_class(forms.IntegerField):  # noqa: N801 - django-filter's attribute name
        def __init__(self, *args, **kwargs):
            super().__init__(*args, min_value=1900, max_value=2200, **kwargs)


def shown(filterset: df.FilterSet) -> dict:
    """name -> the value the filter took ("" when absent or not understood)."""
    filterset.is_valid()
    data = getattr(filterset.form, "cleaned_data", {})
    return {name: ("" if data.get(name) is None else data[name]) for name in filterset.filters}


def choice_label(choices, value) -> str:
    """The label of `value` among `choices` ("" for no value)."""
    return str(dict(choices).get(value, "")) if value not in (None, "") else ""
