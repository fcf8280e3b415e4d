"""Reading the workbook: the data rows of both sheets, found by field code (or header text), and
each cell's value as text. Nothing here looks at the database."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ocop.lib.dates import format_date
from ocop.lib.formatting import format_number
from ocop.lib.text import clean_text, fold
from ocop.products.importer.template import (
    ENTITY_SHEET,
    FIRST_DATA_ROW,
    PRODUCT_SHEET,
    SHEETS,
    Field,
    max_rows,
    sync_rows,
)

HEADER_SCAN_ROWS = 5
BROKEN_FILE_ERRORS = (
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    zipfile.BadZipFile,
    ElementTree.ParseError,
    etree.XMLSyntaxError,
)


# --- errors --------------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str  # column letter, "" for the whole row or file
    field: str  # header label, "" for the whole row or file
    message: str

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


class ImportFileError(Exception):
    """The file cannot be read as the import template at all (one message for the whole file)."""


# --- cell values ---------------------------------------------------------------------------------


def cell_text(value) -> str:
    """Any cell value as trimmed text: whole numbers without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else ""
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return str(value)
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return str(value)
    if isinstance(value, dt.datetime):
        return (
            format_date(value)
            if (value.hour, value.minute, value.second) == (0, 0, 0)
            else f"{format_date(value)} {value:%H:%M}"
        )
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = clean_text(value, multiline=False)  # NFC, no control characters or non-characters
    return " ".join(text.split())  # trims and collapses spaces, tabs and line breaks


_fold = fold  # "Hợp tác xã", "HOP TAC XA" and the decomposed form compare equal


def _commune_code_text(raw) -> str:
    if isinstance(raw, bool):
        return cell_text(raw)
    if isinstance(raw, int) or (
        isinstance(raw, float) and math.isfinite(raw) and raw == int(raw) and 0 <= raw < 100000
    ):
        return f"{int(raw):05d}" if 0 <= int(raw) < 100000 else str(raw)
    text = cell_text(raw)
    if text.isdigit() and len(text) < 5:
        text = text.zfill(5)
    return text


# --- reading the workbook -----------------------------------------------------------------------


@dataclass
class SheetRows:
    columns: dict[str, str]  # field code -> column letter
    rows: list[tuple[int, dict]]  # (Excel row number, {field code: raw value})


def _find_columns(header_rows: list[tuple], fields: list[Field]) -> tuple[int, dict[str, int]]:
    """(row index of the codes or headers, {field code: column index}) from the first rows."""
    markers = {f.marker: f.code for f in fields}
    for r, values in enumerate(header_rows, start=1):
        found = {markers[v.strip()]: c for c, v in enumerate(values) if isinstance(v, str) and v.strip() in markers}
        if found:
            return r, found
    labels = {_fold(str(f.label)): f.code for f in fields}
    for r, values in enumerate(header_rows, start=1):
        found = {}
        for c, v in enumerate(values):
            if isinstance(v, str):
                key = _fold(v.replace("*", ""))
                if key in labels:
                    found.setdefault(labels[key], c)
        if len(found) >= 2:
            return r, found
    return 0, {}


def read_rows(fileobj, on_progress: Callable[[int], None] | None = None) -> tuple[dict[str, SheetRows], list[RowError]]:
    """The data rows of both sheets (blank rows skipped). Raises ImportFileError for a file that is
    not the import template."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ImportFileError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx.")) from exc
    errors: list[RowError] = []
    result: dict[str, SheetRows] = {}
    try:
        for sheet_name, fields in SHEETS.items():
            ws = next((w for w in wb.worksheets if _fold(w.title) == _fold(sheet_name)), None)
            if ws is None:
                continue
            width = 60
            head = [
                tuple(r) for r in ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=width, values_only=True)
            ]
            header_row, found = _find_columns(head, fields)
            if not found:
                errors.append(
                    RowError(
                        sheet_name,
                        None,
                        "",
                        "",
                        _(
                            "Trang “%(s)s” không có hàng tiêu đề của mẫu — hãy tải mẫu Excel từ trang nhập rồi chép dữ liệu vào đó."
                        )
                        % {"s": sheet_name},
                    )
                )
                continue
            missing = [f for f in fields if f.required and f.code not in found]
            for f in missing:
                errors.append(
                    RowError(
                        sheet_name,
                        None,
                        "",
                        str(f.label),
                        _("Trang “%(s)s” thiếu cột bắt buộc “%(c)s” (đã xóa hoặc đổi tên cột?).")
                        % {"s": sheet_name, "c": f.label},
                    )
                )
            columns = {code: get_column_letter(c + 1) for code, c in found.items()}
            rows: list[tuple[int, dict]] = []
            start = max(header_row + 1, FIRST_DATA_ROW if header_row <= 2 else header_row + 1)
            last_col = max(found.values()) + 1
            for r, values in enumerate(ws.iter_rows(min_row=start, max_col=last_col, values_only=True), start=start):
                raw = {code: (values[c] if c < len(values) else None) for code, c in found.items()}
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                    continue
                rows.append((r, raw))
                if len(rows) > max_rows():
                    raise ImportFileError(
                        _("Tệp có quá nhiều dòng (trên %(n)s dòng ở trang “%(s)s”); hãy chia thành nhiều tệp.")
                        % {"n": format_number(max_rows()), "s": sheet_name}
                    )
                if on_progress and len(rows) % 1000 == 0:
                    on_progress(len(rows))
            if not missing:
                result[sheet_name] = SheetRows(columns, rows)
    except ImportFileError:
        raise
    except BROKEN_FILE_ERRORS as exc:
        raise ImportFileError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx.")) from exc
    finally:
        wb.close()
    if not result and not errors:
        raise ImportFileError(
            _("Tệp không có trang “%(a)s” hay “%(b)s” của mẫu nhập — hãy tải mẫu Excel từ trang nhập.")
            % {"a": ENTITY_SHEET, "b": PRODUCT_SHEET}
        )
    return result, errors


def estimate_rows(fileobj, limit: int | None = None) -> int:
    """The data rows of the data sheets that hold a value, counted up to `limit` (default: just past
    the background threshold). A sheet saved by LibreOffice Calc often declares about a thousand
    formatted but empty rows: those are not counted, so a 5-row file is not sent to the worker."""
    limit = sync_rows() + 1 if limit is None else limit
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception:
        return 0
    total = 0
    try:
        for ws in wb.worksheets:
            if _fold(ws.title) not in (_fold(ENTITY_SHEET), _fold(PRODUCT_SHEET)):
                continue
            ws.reset_dimensions()  # iterate the rows the file holds, not the declared range
            for values in ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=60, values_only=True):
                if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                    total += 1
                    if total >= limit:
                        return total
        return total
    except BROKEN_FILE_ERRORS:
        return 0
    finally:
        wb.close()
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
