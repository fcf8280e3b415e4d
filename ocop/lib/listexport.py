"""Every list page exports to .xlsx the rows it shows: same filters, same scope, all pages.

A list view computes its filtered, scoped queryset once, then either renders a page of it or, when
the query string has ``format=xlsx`` (the "Xuất Excel" button, `includes/export_xlsx.html`, keeps
the current filters and drops ``page``), hands the whole queryset to `export_response`:

    if wants_xlsx(request):
        return export_response(request, qs, ENTITY_COLUMNS, title=_("Danh sách chủ thể OCOP"),
                               filename="chu-the-ocop", filters=[(_("Loại hình"), kind_label)])

The workbook is written with openpyxl in write-only mode (rows streamed to a temporary file, never
held in memory) and served from that file. Layout of the sheet:

    row 1  the list's title (bold)
    row 2  "Bộ lọc: …" — the filters applied, or "không lọc"
    row 3  "Ngày trích xuất: dd/mm/yyyy HH:MM · Người trích xuất: <username>"
    row 4  (empty)
    row 5  the Vietnamese column headers (bold, frozen, with an auto-filter)
    row 6… one row per object
    last   "Tổng số: N dòng"

The sheet is written by the one spreadsheet writer (`ocop.lib.spreadsheet.write_table`): values keep
their type, text that Excel would take for a formula stays text, and characters XML cannot hold are
dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest

from ocop.lib import spreadsheet
from ocop.lib.spreadsheet import HEADER_ROW, XLSX_TYPE, describe_filters  # noqa: F401 (used by the list views and tests)

CHUNK = 2000


@dataclass(frozen=True)
class Col:
    """One exported column: its Vietnamese header and how to get the value from a row object.

    `get` is a callable, or an attribute path ("unit.province.name"); a path that meets None yields
    None. Choice fields give their label with "get_<field>_display"-style callables."""

    header: Any
    get: Callable[[Any], Any] | str
    width: int = 18

    def value(self, obj):
        if callable(self.get):
            return self.get(obj)
        value = obj
        for part in self.get.split("."):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        return value() if callable(value) else value


def wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def _values(rows: Iterable, columns: list[Col]):
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK)
    for obj in rows:
        yield [c.value(obj) for c in columns]


def _table(columns: list[Col], title, filters, user, sheet_title) -> dict:
    return {
        "title": title,
        "filters": filters,
        "user": user,
        "sheet_title": sheet_title,
        "widths": [c.width for c in columns],
    }


def write_list(
    fileobj,
    rows: Iterable,
    columns: list[Col],
    *,
    title: str,
    filters: Iterable[tuple[Any, Any]] | None = None,
    user=None,
    sheet_title: str | None = None,
) -> int:
    """Write the list to `fileobj` (a path or a binary file); return the number of data rows."""
    return spreadsheet.write_table(
        fileobj,
        [c.header for c in columns],
        _values(rows, columns),
        **_table(columns, title, filters, user, sheet_title),
    )


def export_response(
    request: HttpRequest,
    rows: Iterable,
    columns: list[Col],
    *,
    title: str,
    filename: str,
    filters: Iterable[tuple[Any, Any]] | None = None,
    sheet_title: str | None = None,
) -> FileResponse:
    """The list as an .xlsx download, written to a temporary file and streamed from it."""
    return spreadsheet.table_response(
        filename,
        [c.header for c in columns],
        _values(rows, columns),
        **_table(columns, title, filters, request.user, sheet_title),
    )


read_list = spreadsheet.read_table
