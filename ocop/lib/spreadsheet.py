"""The one spreadsheet writer: every .xlsx and .csv the application hands out goes through here.

Two guarantees, whatever a user has typed into the data:

* **No formula from data.** A text that Excel or LibreOffice would take for a formula (starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) stays text: in .xlsx the cell is
  typed as a string (never ``f``) and marked with a quote prefix, so editing it keeps it text; in
  .csv the value is written with a leading apostrophe (the OWASP "CSV injection" rule).
* **Only characters XML can hold.** Control characters other than tab and newline, surrogates and
  the non-characters (U+FFFE, U+FFFF…) are dropped (`ocop.lib.text.clean_text`): a stored
  character never makes an export fail.

Values keep their type: dates and datetimes are real dates shown dd/mm/yyyy (hh:mm), integers
``#,##0``, decimals ``#,##0.00``, booleans "Có"/"Không", None an empty cell.

Building blocks:

* `cell(ws, value, …)` — a write-only cell, typed, formatted and guarded; `put(ws, row, col, value)`
  — the same for an ordinary (editable) worksheet, used by the workbooks users fill in;
* `safe_text(value)` — text as a cell may hold it;
* `write_table(…)` / `table_response(…)` — a titled, filtered, frozen table (the list exports and the
  status board); `read_table(content)` reads one back;
* `csv_value(value)`, `csv_response(…)` — guarded CSV (UTF-8 with BOM by default; ``;`` variant).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from ocop.lib.text import clean_text
from ocop.lib.formatting import format_number

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
MONEY_FORMAT = '#,##0" đ"'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_ROW = 5  # in `write_table`: title, filters, extract date, blank, then the headers
CHUNK = 2000
WRAP_AT = 60  # a text longer than this is a narrative: its column is capped and its cells wrap
MIN_WIDTH, MAX_WIDTH = 8, 60
PORTRAIT_WIDTH = 95  # column widths (characters) that fit an A4 portrait page; wider prints landscape
WIDTH_SAMPLE = 200  # rows looked at to size the columns


class Percent(float):
    """A share written as a percentage cell: Percent(0.125) shows 12.5 %."""


class Money(int):
    """An amount of money in đồng: #,##0 đ."""


class Text(str):
    """A code a reader needs as it is (unit code, document number): a text cell, leading zeros kept."""


# --- values ----------------------------------------------------------------------------------------


def safe_text(value) -> str:
    """Text a cell can hold: NFC, without the characters XML refuses (tab and newline kept)."""
    return clean_text(value, multiline=True)


def looks_like_formula(text: str) -> bool:
    return bool(text) and text.startswith(FORMULA_START)


def _typed(value) -> tuple[Any, str | None]:
    """(value to store, number format) for a Python value; text is returned cleaned."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return (_("Có") if value else _("Không")), None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if isinstance(value, Percent):
        return float(value), PERCENT_FORMAT
    if isinstance(value, Money):
        return int(value), MONEY_FORMAT
    if isinstance(value, int):
        return value, INT_FORMAT
    if isinstance(value, (float, Decimal)):
        if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
            return None, None
        integral = value == int(value)
        if isinstance(value, Decimal):
            value = int(value) if integral else float(value)
        return value, INT_FORMAT if integral else DECIMAL_FORMAT
    return safe_text(value), None


def _guard(cell, text_value) -> None:
    if isinstance(text_value, str):
        cell.data_type = "s"  # text, never a formula
        if looks_like_formula(text_value):
            cell.quotePrefix = True  # stays text when the user edits the cell


def cell(
    ws,
    value,
    *,
    number_format: str | None = None,
    font: Font | None = None,
    wrap: bool = False,
    alignment: Alignment | None = None,
) -> WriteOnlyCell:
    """A write-only cell for `value`: typed, formatted, guarded."""
    stored, fmt = _typed(value)
    out = WriteOnlyCell(ws, value=stored)
    _guard(out, stored)
    if number_format or fmt:
        out.number_format = number_format or fmt
    if font is not None:
        out.font = font
    if alignment is not None:
        out.alignment = alignment
    elif wrap:
        out.alignment = Alignment(wrap_text=True, vertical="top")
    return out


def put(ws, row: int, column: int, value, *, number_format: str | None = None):
    """Set a cell of an ordinary worksheet to `value`, typed, formatted and guarded; returns it."""
    stored, fmt = _typed(value)
    target = ws.cell(row=row, column=column)
    target.value = stored
    _guard(target, stored)
    if number_format or fmt:
        target.number_format = number_format or fmt
    return target


def set_value(target, value) -> None:
    """Set an existing cell (of any worksheet) to `value` as it is, text cleaned and guarded; the
    caller keeps its own number format."""
    if isinstance(value, str):
        value = safe_text(value)
    target.value = value
    _guard(target, value)


def link_cell(ws, text: str, sheet: str, target: str = "A1") -> WriteOnlyCell:
    """A write-only cell showing `text` that opens `sheet` of the same workbook."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    out = cell(ws, text, font=Font(color="0563C1", underline="single"))
    out.hyperlink = Hyperlink(ref="", location=f"'{sheet}'!{target}", display=safe_text(text))
    return out


def row_cells(ws, values: Iterable, **kwargs) -> list[WriteOnlyCell]:
    return [cell(ws, v, **kwargs) for v in values]


# --- a titled table --------------------------------------------------------------------------------


def describe_filters(filters: Iterable[tuple[Any, Any]] | None) -> str:
    parts = [f"{label}: {value}" for label, value in (filters or []) if value not in (None, "", [])]
    return "; ".join(parts) if parts else _("không lọc (toàn bộ danh sách trong phạm vi của bạn)")


def sheet_name(title: str) -> str:
    name = safe_text(title).replace("\n", " ")
    for ch in "[]:*?/\\":
        name = name.replace(ch, "-")
    return name[:31].strip() or "Sheet1"


def _display_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 16 if isinstance(value, dt.datetime) else 10
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return len(f"{value:,.2f}") if isinstance(value, float) else len(f"{value:,}")
    return max((len(line) for line in str(value).split("\n")), default=0)


def _lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` characters wide, wrapping between words."""
    import math

    lines = 0
    for paragraph in text.split("\n"):
        used, count = 0, 1
        for word in paragraph.split():
            if used and used + 1 + len(word) > width - 1:
                count, used = count + 1, len(word)
            else:
                used += (1 if used else 0) + len(word)
        lines += max(count, math.ceil(len(paragraph) / max(width - 1, 1)) if " " not in paragraph else count)
    return max(lines, 1)


def column_widths(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Widths (characters) from the header and a sample of rows: at least MIN_WIDTH, a narrative
    column capped at MAX_WIDTH (its cells wrap)."""
    widths = []
    for i, head in enumerate(header):
        longest = max([min(len(w), 24) for w in str(head).split()] + [0])  # a header may wrap between words
        for values in rows:
            if i < len(values):
                longest = max(longest, _display_length(values[i]))
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, longest + 2)))
    return widths


def print_setup(ws, *, title: str, widths: Sequence[float], header_rows: str | None = None) -> None:
    """A4, portrait or landscape by the columns' total width, one page wide (as many pages down as
    needed), the header rows repeated on every page, the title and "Trang x/y" in the footer."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if sum(widths) > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddFooter.left.text = safe_text(title).replace("&", "&&")[:120]
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Trang &P/&N"
    ws.oddFooter.right.size = 8


def write_table(
    fileobj,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
    filters: Iterable[tuple[Any, Any]] | None = None,
    user=None,
    sheet_title: str | None = None,
    widths: Sequence[int] | None = None,
) -> int:
    """Write a one-sheet table to `fileobj` (a path or a binary file); return the number of data rows.

        row 1  the title (bold)
        row 2  "Bộ lọc: …" — the filters applied, or "không lọc"
        row 3  "Ngày trích xuất: dd/mm/yyyy HH:MM · Người trích xuất: <username>"
        row 4  (empty)
        row 5  the headers (bold, wrapped, frozen, with an auto-filter; repeated on every printed page)
        row 6… one row per item (narrative text wraps)
        last   "Tổng số: N dòng"

    Column widths come from `widths` or from the header and the first rows; the sheet prints on A4,
    one page wide, portrait or landscape by its width, with the title and page numbers in the footer.
    """
    from itertools import chain, islice

    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    sample = [list(r) for r in islice(rows, WIDTH_SAMPLE)]
    widths = list(widths) if widths else column_widths(header, sample)
    wrap = {i for i, w in enumerate(widths) if w >= WRAP_AT - 2} | {
        i for values in sample for i, v in enumerate(values) if isinstance(v, str) and len(v) > WRAP_AT
    }
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_name(sheet_title or title))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width, MAX_WIDTH) if i - 1 in wrap else width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    print_setup(ws, title=str(title), widths=widths, header_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    bold = Font(bold=True)
    ws.append([cell(ws, str(title), font=Font(bold=True, size=13))])
    ws.append([cell(ws, _("Bộ lọc: %(f)s") % {"f": describe_filters(filters)})])
    now = timezone.localtime()
    who = user.get_username() if getattr(user, "is_authenticated", False) else ""
    extract = _("Ngày trích xuất: %(d)s") % {"d": now.strftime("%d/%m/%Y %H:%M")}
    if who:
        extract += " · " + _("Người trích xuất: %(u)s") % {"u": who}
    ws.append([cell(ws, extract)])
    ws.append([])
    head_alignment = Alignment(wrap_text=True, vertical="top")
    # a wrapped header needs its height: spreadsheets do not grow a written row by themselves
    lines = max([_lines(str(h), w) for h, w in zip(header, widths)] + [1])
    ws.row_dimensions[HEADER_ROW].height = 15 * lines
    ws.append([cell(ws, str(h), font=bold, alignment=head_alignment) for h in header])
    count = 0
    for values in chain(sample, rows):
        ws.append([cell(ws, v, wrap=i in wrap and isinstance(v, str)) for i, v in enumerate(values)])
        count += 1
    if header:
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(header))}{HEADER_ROW + max(count, 1)}"
    ws.append([])
    ws.append([cell(ws, _("Tổng số: %(n)s dòng") % {"n": format_number(count)}, font=bold)])
    wb.save(fileobj)
    return count


def file_response(handle, filename: str, content_type: str = XLSX_TYPE) -> FileResponse:
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def download_name(filename: str, extension: str = "xlsx") -> str:
    return f"{slugify(filename) or 'danh-sach'}-{timezone.localdate():%Y%m%d}.{extension}"


def table_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], **kwargs) -> FileResponse:
    """The table as an .xlsx download, written to a temporary file and streamed from it."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_table(handle, header, rows, **kwargs)
    except BaseException:
        handle.close()
        raise
    return file_response(handle, download_name(filename))


def read_table(content: bytes) -> tuple[list[str], list[str], list[list]]:
    """(description rows, headers, data rows) of a workbook written by `write_table` — for tests and
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
    header = list(all_rows[HEADER_ROW - 1])
    data = all_rows[HEADER_ROW:]
    if data and str((data[-1] or [""])[0] or "").startswith(_("Tổng số")):
        data.pop()  # the total
    while data and all(v is None for v in data[-1]):
        data.pop()  # the blank line before it
    return meta, header, data


# --- CSV -------------------------------------------------------------------------------------------


def csv_value(value) -> Any:
    """A CSV field: text cleaned and, when it would start a formula, prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = safe_text(value)
    return "'" + text if looks_like_formula(text) else text


def csv_response(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ",", bom: bool = True
) -> HttpResponse:
    """A guarded CSV download: UTF-8 with a byte-order mark (Excel then reads the accents), comma
    separated, or semicolon separated for machines whose list separator is ";"."""
    response = HttpResponse(content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename) or "du-lieu"}.csv"'
    if bom:
        response.write("\ufeff")
    writer = csv.writer(response, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([csv_value(h) for h in header])
    for values in rows:
        writer.writerow([csv_value(v) for v in values])
    return response
