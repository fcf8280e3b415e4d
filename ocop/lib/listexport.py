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

Values keep their type: dates and datetimes are real Excel dates shown dd/mm/yyyy (hh:mm), numbers
are numbers (thousands separator), booleans "Có"/"Không", None an empty cell. Text that Excel would
take for a formula ("=…") stays text, and characters XML cannot hold are dropped.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 5  # where the column headers are (the rows above describe the extract)
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
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


def describe_filters(filters: Iterable[tuple[Any, Any]] | None) -> str:
    parts = [f"{label}: {value}" for label, value in (filters or []) if value not in (None, "", [])]
    return "; ".join(parts) if parts else _("không lọc (toàn bộ danh sách trong phạm vi của bạn)")


def _text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


class _Cells:
    """Makes write-only cells; styled cells only where a format is needed (dates, numbers)."""

    def __init__(self, ws):
        self.ws = ws

    def styled(self, value, number_format=None, font=None):
        cell = WriteOnlyCell(self.ws, value=value)
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        return cell

    def convert(self, value):
        if value is None:
            return None
        if isinstance(value, bool):
            return _("Có") if value else _("Không")
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return self.styled(value.replace(tzinfo=None, microsecond=0), DATETIME_FORMAT)
        if isinstance(value, dt.date):
            return self.styled(value, DATE_FORMAT)
        if isinstance(value, int):
            return self.styled(value, INT_FORMAT)
        if isinstance(value, (float, Decimal)):
            if isinstance(value, float) and value != value:  # NaN
                return None
            integral = value == int(value) if value not in (float("inf"), float("-inf")) else False
            return self.styled(value, INT_FORMAT if integral else DECIMAL_FORMAT)
        text = _text(value)
        if text.startswith("="):
            cell = WriteOnlyCell(self.ws, value=text)
            cell.data_type = "s"  # text, never a formula
            return cell
        return text


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
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_text(sheet_title or title)[:31].replace("/", "-") or "Sheet1")
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    cells = _Cells(ws)
    bold = Font(bold=True)
    ws.append([cells.styled(_text(title), font=Font(bold=True, size=13))])
    ws.append([_text(_("Bộ lọc: %(f)s") % {"f": describe_filters(filters)})])
    now = timezone.localtime()
    who = user.get_username() if getattr(user, "is_authenticated", False) else ""
    extract = _("Ngày trích xuất: %(d)s") % {"d": now.strftime("%d/%m/%Y %H:%M")}
    if who:
        extract += " · " + _("Người trích xuất: %(u)s") % {"u": who}
    ws.append([_text(extract)])
    ws.append([])
    ws.append([cells.styled(_text(c.header), font=bold) for c in columns])
    if isinstance(rows, QuerySet):
        rows = rows.iterator(chunk_size=CHUNK)
    count = 0
    for obj in rows:
        ws.append([cells.convert(c.value(obj)) for c in columns])
        count += 1
    if columns:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{HEADER_ROW + max(count, 1)}"
    ws.append([])
    ws.append([cells.styled(_("Tổng số: %(n)s dòng") % {"n": f"{count:,}".replace(",", ".")}, font=bold)])
    wb.save(fileobj)
    return count


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
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_list(handle, rows, columns, title=title, filters=filters, user=request.user, sheet_title=sheet_title)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    name = f"{slugify(filename) or 'danh-sach'}-{timezone.localdate():%Y%m%d}.xlsx"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


def read_list(content: bytes) -> tuple[list[str], list[str], list[list]]:
    """(description rows, headers, data rows) of a workbook written by `write_list` — for tests and
    for tools that read an export back."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    try:
        ws = wb.worksheets[0]
        all_rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    meta = [r[0] for r in all_rows[: HEADER_ROW - 2] if r]
    header = [h for h in all_rows[HEADER_ROW - 1]]
    data = all_rows[HEADER_ROW:]
    if data and str((data[-1] or [""])[0] or "").startswith(_("Tổng số")):
        data.pop()  # the total
    while data and all(v is None for v in data[-1]):
        data.pop()  # the blank line before it
    return meta, header, data
