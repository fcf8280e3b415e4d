"""A report as an Excel workbook to fill offline, and reading it back.

`build_workbook` writes the workbook; `parse_workbook` reads a filled copy into the stored value
format of `ocop.reporting.schema` and reports every problem with its sheet and cell.

Hidden structure (parsing never depends on labels, sheet names or row positions):

- Sheet "Báo cáo" (the main sheet): the hidden column E holds, in row 1, the marker
  ``ocop:template=<code>;version=<n>`` (the workbook is refused for any other template or version),
  in rows 2–3 ``ocop:unit=<unit label>`` and ``ocop:request=<request label>``, and on every field
  row the field code. The value of that field is in column C of the same row. Table fields also
  have a row here (their code in E, a link to their sheet in C).
- One sheet per table field: column A of a hidden row (row 4 as written) holds
  ``ocop:table=<field code>`` and the same row holds the column codes above their columns; data
  rows follow it. Column A is the row number ("STT") and is ignored when reading. The marker row is
  looked for in the first 10 rows and columns are found by code, so added rows above or added
  columns do not break reading.
- A hidden sheet "DanhMuc" holds the option labels used by the drop-down lists.
- The workbook's core property "identifier" repeats ``<code>@<version>`` for people and tools.

The workbook is protected lightly: workbook structure locked and the main sheet protected, both
without password (Review › Unprotect works), so labels and codes are not changed by accident;
value cells are unlocked; table sheets are not protected so rows can be added freely.

Callers must run `ocop.lib.upload_safety.check_office_upload` on an upload *before*
`parse_workbook` (which opens the file with openpyxl, read-only, cached values only).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from xml.etree import ElementTree

from django.utils.translation import gettext as _
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, to_excel
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from ocop.lib import spreadsheet
from ocop.lib.text import clean_text
from ocop.reporting.schema import CODE_RE, MAX_ROWS, Field, Option, TemplateDef, coerce, display
from ocop.lib.dates import format_date

BROKEN_FILE_ERRORS = (
    KeyError,
    ValueError,
    TypeError,
    OSError,
    EOFError,
    zipfile.BadZipFile,
    ElementTree.ParseError,
    etree.XMLSyntaxError,
)

MAIN_SHEET = "Báo cáo"
LISTS_SHEET = "DanhMuc"
TEMPLATE_MARK = "ocop:template="
UNIT_MARK = "ocop:unit="
REQUEST_MARK = "ocop:request="
VERSION_MARK = "ocop:version="  # the lock_version of the report the workbook was made from
TABLE_MARK = "ocop:table="
VALUE_COL, HELP_COL, CODE_COL = 3, 4, 5  # C, D, E on the main sheet
HEADER_ROW = 6  # column headings of the main sheet; fields start below
TABLE_TITLE_ROW, TABLE_HELP_ROW, TABLE_HEADER_ROW, TABLE_CODE_ROW = 1, 2, 3, 4
EMPTY_TABLE_ROWS = 50
MAIN_ROW_LIMIT = 5000  # rows read on the main sheet
TABLE_ROW_LIMIT = 5000  # rows read after a table's code row
TABLE_COL_LIMIT = 200
MARK_SCAN_ROWS = 10
MARK_SCAN_COLS = 10

DATE_MIN, DATE_MAX = dt.date(1900, 3, 1), dt.date(2200, 12, 31)
NUMBER_FORMATS = {
    "integer": "#,##0",
    "money": "#,##0",
    "percent": "General",
    "date": "DD/MM/YYYY",
    "text": "@",
    "choice": "@",
}
HINTS = {
    "integer": "Số nguyên, không âm.",
    "money": "Số tiền (đồng), số nguyên không âm.",
    "percent": "Tỉ lệ phần trăm từ 0 đến 1000, ví dụ 12,5 (không cần gõ dấu %).",
    "date": "Ngày theo dạng dd/mm/yyyy.",
    "choice": "Chọn trong danh sách.",
    "text": "",
}

THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFF9E0")
SECTION_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)


@dataclass
class CellIssue:
    """A problem found while reading a workbook: where (sheet, cell like "C14") and what."""

    sheet: str
    cell: str
    message: str
    field: str = ""
    column: str = ""  # column code, for table cells

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return _("Trang tính “%(s)s”, ô %(c)s: %(m)s") % {"s": self.sheet, "c": self.cell, "m": self.message}
        if self.sheet:
            return _("Trang tính “%(s)s”: %(m)s") % {"s": self.sheet, "m": self.message}
        return self.message


# --- writing ----------------------------------------------------------------------------------------


_clean_text = spreadsheet.safe_text


def _excel_value(ftype: str, value, options: tuple[Option, ...] = ()):
    """A stored value as the cell value a person would have typed; invalid stored values are written
    as text so that they are visible (and reported when the workbook is read back)."""
    if value in (None, ""):
        return None
    typed, err = coerce(ftype, value, options)
    if err or typed is None:
        return _clean_text(value)
    if ftype in ("integer", "money"):
        return typed
    if ftype == "percent":
        number = Decimal(typed)
        return int(number) if number == number.to_integral() else float(number)
    if ftype == "date":
        return dt.date.fromisoformat(typed)
    if ftype == "choice":
        return next((o.label for o in options if o.value == typed), typed)
    return _clean_text(typed)


_set = spreadsheet.set_value  # text cleaned, never a formula


def _height(text: str, width: float, line: float = 15.0) -> float:
    lines = 0
    for part in (text or "").split("\n"):
        lines += max(1, math.ceil(len(part) * 1.1 / max(width, 1)))
    return max(line, lines * line)


def _sheet_title(base: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", " ", base)
    title = re.sub(r"\s+", " ", title).strip().strip("'") or "Bảng"
    title = title[:31].rstrip()
    candidate, n = title, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = title[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


class _Lists:
    """Option labels on the hidden sheet, one column per list, for list validations."""

    def __init__(self, wb: Workbook):
        self.ws = wb.create_sheet(LISTS_SHEET)
        self.ws.sheet_state = "hidden"
        self.col = 0

    def formula(self, key: str, options: tuple[Option, ...]) -> str:
        self.col += 1
        _set(self.ws.cell(row=1, column=self.col), key)
        for i, option in enumerate(options, start=2):
            _set(self.ws.cell(row=i, column=self.col), _clean_text(option.label))
        letter = get_column_letter(self.col)
        return f"{LISTS_SHEET}!${letter}$2:${letter}${len(options) + 1}"


def _validation(ftype: str, list_formula: str = "") -> DataValidation | None:
    common = {"allow_blank": True, "showErrorMessage": True, "errorTitle": _("Giá trị không hợp lệ")}
    if ftype == "integer":
        return DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            error=_("Nhập số nguyên không âm, ví dụ 125."),
            **common,
        )
    if ftype == "money":
        # "decimal" rather than "whole": amounts in đồng exceed what every spreadsheet accepts as
        # a whole number; a fractional amount is reported when the workbook is read back.
        return DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error=_("Nhập số tiền (đồng) không âm, ví dụ 1250000."),
            **common,
        )
    if ftype == "percent":
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="1000",
            error=_("Nhập tỉ lệ phần trăm từ 0 đến 1000, ví dụ 12,5."),
            **common,
        )
    if ftype == "date":
        return DataValidation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(DATE_MIN))),
            formula2=str(int(to_excel(DATE_MAX))),
            error=_("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2018."),
            **common,
        )
    if ftype == "choice" and list_formula:
        return DataValidation(
            type="list", formula1=list_formula, error=_("Chọn một giá trị trong danh sách."), **common
        )
    return None


def _style_input(cell, ftype: str) -> None:
    cell.protection = UNLOCKED
    cell.fill = INPUT_FILL
    cell.border = BOX
    cell.number_format = NUMBER_FORMATS[ftype]
    cell.alignment = WRAP_TOP if ftype == "text" else Alignment(vertical="top")


def build_workbook(
    template: TemplateDef,
    data: dict,
    *,
    title: str,
    unit_label: str,
    request_label: str,
    prefilled: dict | None = None,
    version: int | None = None,
) -> bytes:
    """A workbook (.xlsx bytes) to fill offline, with the values of `data` (falling back to the
    `prefilled` values from the system for fields that have no value yet). `version` is the report's
    lock_version: the workbook carries it, and an upload made from an older version is refused."""
    data = data or {}
    prefilled = prefilled or {}
    wb = Workbook()
    ws = wb.active
    ws.title = MAIN_SHEET
    used_titles = {MAIN_SHEET.casefold(), LISTS_SHEET.casefold()}
    table_sheets = {
        f.code: _sheet_title(f"{f.section} {f.label}", used_titles) for f in template.fields if f.type == "table"
    }
    lists = _Lists(wb)

    for letter, width in (("A", 10), ("B", 48), ("C", 42), ("D", 44), ("E", 16)):
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["E"].hidden = True

    _set(ws["A1"], _clean_text(title))
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    subtitle = template.title + (f" — {template.subtitle}" if template.subtitle else "")
    _set(
        ws["A2"],
        _clean_text(
            _("Mẫu: %(t)s (mã %(c)s, phiên bản %(v)s)") % {"t": subtitle, "c": template.code, "v": template.version}
        ),
    )
    ws["A2"].font = Font(italic=True)
    _set(ws["A3"], _clean_text(_("Đơn vị báo cáo: %(u)s") % {"u": unit_label}))
    _set(ws["A4"], _clean_text(_("Yêu cầu báo cáo: %(r)s") % {"r": request_label}))
    for r in (2, 3, 4):
        ws.merge_cells(f"A{r}:D{r}")
    instructions = _(
        "Hướng dẫn: nhập số liệu vào các ô nền vàng ở cột C (số nhập dạng số; ngày dạng dd/mm/yyyy; trường lựa chọn "
        "chọn trong danh sách). Các bảng kê nằm ở các trang tính riêng, mỗi dòng một mục, dòng trống được bỏ qua. "
        "Không đổi tên, xóa hay chèn trang tính, dòng, cột của mẫu. Trang tính được khóa (không mật khẩu) để tránh "
        "sửa nhầm. Điền xong, lưu tệp (.xlsx) và tải lên lại hệ thống."
    )
    _set(ws["A5"], instructions)
    ws["A5"].alignment = WRAP_TOP
    ws["A5"].font = Font(italic=True, size=10)
    ws.merge_cells("A5:D5")
    ws.row_dimensions[5].height = _height(instructions, 150, 13)
    for col, text in enumerate(
        (_("Mục"), _("Nội dung"), _("Số liệu / nội dung báo cáo"), _("Ghi chú, hướng dẫn")), start=1
    ):
        cell = ws.cell(row=HEADER_ROW, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    _set(ws.cell(row=1, column=CODE_COL), f"{TEMPLATE_MARK}{template.code};version={template.version}")
    _set(ws.cell(row=2, column=CODE_COL), UNIT_MARK + _clean_text(unit_label))
    _set(ws.cell(row=3, column=CODE_COL), REQUEST_MARK + _clean_text(request_label))
    if version is not None:
        _set(ws.cell(row=4, column=CODE_COL), f"{VERSION_MARK}{int(version)}")

    validations: dict[str, DataValidation] = {}

    def validate_cell(ftype: str, coordinate: str, key: str = "", options: tuple[Option, ...] = ()) -> None:
        if ftype == "choice":
            dv = _validation("choice", lists.formula(key, options))
            ws.add_data_validation(dv)
            dv.add(coordinate)
            return
        if ftype not in validations:
            dv = _validation(ftype)
            if dv is None:
                return
            validations[ftype] = dv
            ws.add_data_validation(dv)
        validations[ftype].add(coordinate)

    row = HEADER_ROW
    for section in template.sections:
        row += 1
        a = ws.cell(row=row, column=1)
        _set(a, _clean_text(section.number))
        a.font = Font(bold=True, size=12 if section.depth == 0 else 11)
        a.alignment = WRAP_TOP
        title_font = InlineFont(b=True, sz=12 if section.depth == 0 else 11)
        if section.prompt:
            b_value = CellRichText(
                TextBlock(title_font, _clean_text(section.title)),
                TextBlock(InlineFont(i=True), "\n" + _clean_text(section.prompt)),
            )
        else:
            b_value = CellRichText(TextBlock(title_font, _clean_text(section.title)))
        ws.cell(row=row, column=2).value = b_value
        ws.cell(row=row, column=2).alignment = WRAP_TOP
        for col in range(1, 5):
            ws.cell(row=row, column=col).fill = SECTION_FILL
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        ws.row_dimensions[row].height = _height(section.title, 125) + (
            _height(section.prompt, 125) if section.prompt else 0
        )
        for f in section.fields:
            row += 1
            _set(ws.cell(row=row, column=1), _clean_text(section.number))
            ws.cell(row=row, column=1).font = Font(color="7F7F7F", size=9)
            label = _("%(label)s (bắt buộc)") % {"label": f.label} if f.required else f.label
            b = ws.cell(row=row, column=2)
            _set(b, _clean_text(label))
            b.alignment = WRAP_TOP
            b.border = BOX
            _set(ws.cell(row=row, column=CODE_COL), f.code)
            notes = [f.help]
            if f.type == "table":
                c = ws.cell(row=row, column=VALUE_COL)
                _set(c, _("Nhập ở trang tính “%(s)s” →") % {"s": table_sheets[f.code]})
                c.hyperlink = Hyperlink(ref=c.coordinate, location=f"'{table_sheets[f.code]}'!A1")
                c.font = Font(color="0563C1", underline="single")
                c.border = BOX
                rows = data.get(f.code)
                notes.append(_("Bảng kê: mỗi dòng một mục."))
                if isinstance(rows, list) and rows:
                    notes.append(_("Hiện có %(n)s dòng.") % {"n": len(rows)})
            else:
                value = data.get(f.code)
                if value in (None, "") and prefilled.get(f.code) not in (None, ""):
                    value = prefilled[f.code]
                c = ws.cell(row=row, column=VALUE_COL)
                _set(c, _excel_value(f.type, value, f.options))
                _style_input(c, f.type)
                validate_cell(f.type, c.coordinate, f.code, f.options)
                notes.append(HINTS[f.type])
                if prefilled.get(f.code) not in (None, ""):
                    notes.append(
                        _("Số liệu điền sẵn từ hệ thống: %(v)s. Nếu sửa, cần nêu lý do khi nộp.")
                        % {"v": display(f.type, prefilled[f.code], f.options)}
                    )
            d = ws.cell(row=row, column=HELP_COL)
            _set(d, _clean_text(" ".join(n for n in notes if n)))
            d.alignment = WRAP_TOP
            d.font = Font(size=10, color="404040")
            d.border = BOX

    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False
    spreadsheet.print_setup(
        ws,
        title=title,
        widths=[ws.column_dimensions[c].width for c in "ABCD"],
        header_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )

    for f in template.fields:
        if f.type == "table":
            _table_sheet(wb, f, table_sheets[f.code], data.get(f.code), lists)

    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = _clean_text(title)[:250]
    wb.properties.subject = _clean_text(template.title)[:250]
    wb.properties.identifier = f"{template.code}@{template.version}"
    wb.properties.creator = "OCOP"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _table_sheet(wb: Workbook, f: Field, title: str, rows, lists: _Lists) -> None:
    ws = wb.create_sheet(title)
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    last_col = len(f.columns) + 1
    head = ws.cell(row=TABLE_TITLE_ROW, column=1)
    _set(head, _clean_text(f"{f.section}. {f.label}"))
    head.font = Font(bold=True, size=12)
    ws.merge_cells(start_row=TABLE_TITLE_ROW, start_column=1, end_row=TABLE_TITLE_ROW, end_column=max(last_col, 2))
    help_text = " ".join(
        x
        for x in (
            f.help,
            _("Mỗi dòng một mục; có thể thêm dòng ở cuối bảng; dòng trống được bỏ qua. Cột có dấu * là bắt buộc."),
        )
        if x
    )
    h = ws.cell(row=TABLE_HELP_ROW, column=1)
    _set(h, _clean_text(help_text))
    h.font = Font(italic=True, size=10)
    h.alignment = WRAP_TOP
    ws.merge_cells(start_row=TABLE_HELP_ROW, start_column=1, end_row=TABLE_HELP_ROW, end_column=max(last_col, 2))
    ws.row_dimensions[TABLE_HELP_ROW].height = _height(help_text, 10 + 20 * len(f.columns), 13)

    _set(ws.cell(row=TABLE_HEADER_ROW, column=1), _("STT"))
    _set(ws.cell(row=TABLE_CODE_ROW, column=1), TABLE_MARK + f.code)
    ws.column_dimensions["A"].width = 6
    for i, column in enumerate(f.columns, start=2):
        label = column.label + (" *" if column.required else "")
        _set(ws.cell(row=TABLE_HEADER_ROW, column=i), _clean_text(label))
        _set(ws.cell(row=TABLE_CODE_ROW, column=i), column.code)
        width = 40 if column.type == "text" else 16 if column.type != "choice" else 24
        ws.column_dimensions[get_column_letter(i)].width = max(width, min(len(column.label) + 2, 40))
    for col in range(1, last_col + 1):
        cell = ws.cell(row=TABLE_HEADER_ROW, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[TABLE_CODE_ROW].hidden = True

    first = TABLE_CODE_ROW + 1
    styled_rows = len(rows) + EMPTY_TABLE_ROWS
    for n in range(styled_rows):
        r = first + n
        stt = ws.cell(row=r, column=1, value=n + 1)
        stt.alignment = Alignment(horizontal="center", vertical="top")
        stt.font = Font(color="7F7F7F")
        stt.border = BOX
        values = rows[n] if n < len(rows) else {}
        for i, column in enumerate(f.columns, start=2):
            cell = ws.cell(row=r, column=i)
            _set(cell, _excel_value(column.type, values.get(column.code), column.options))
            _style_input(cell, column.type)
    validated_last = first + max(styled_rows, MAX_ROWS) - 1
    for i, column in enumerate(f.columns, start=2):
        letter = get_column_letter(i)
        formula = lists.formula(f"{f.code}.{column.code}", column.options) if column.type == "choice" else ""
        dv = _validation(column.type, formula)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}{first}:{letter}{validated_last}")
    ws.freeze_panes = ws.cell(row=first, column=2)
    spreadsheet.print_setup(
        ws,
        title=f"{f.section}. {f.label}",
        widths=[ws.column_dimensions[get_column_letter(i)].width for i in range(1, last_col + 1)],
        header_rows=f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}",
    )


# --- reading ----------------------------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _raw(ftype: str, value, number_format, epoch):
    """A cell value as input for schema.coerce."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):  # cleaned as every text from outside (NFC, no control characters)
        if ftype == "text":
            return spreadsheet.safe_text(value.replace("_x000D_", ""))
        return clean_text(value, multiline=False)
    if isinstance(value, dt.datetime):
        if ftype == "date":
            return value
        if ftype in ("text", "choice"):
            return format_date(value) if value.time() == dt.time() else value.strftime("%d/%m/%Y %H:%M")
        return str(value)
    if isinstance(value, (int, float)):
        if ftype == "percent" and number_format and "%" in str(number_format):
            number = Decimal(str(value)) * 100  # typed "12,5%" in Excel: stored as 0.125
            return int(number) if number == number.to_integral() else str(number.normalize())
        if ftype == "date":
            if isinstance(value, float) and not value.is_integer():
                return str(value)
            try:
                converted = from_excel(value, epoch=epoch)
            except (ValueError, OverflowError, TypeError):
                return str(value)
            day = converted.date() if isinstance(converted, dt.datetime) else converted
            return day if isinstance(day, dt.date) and DATE_MIN <= day <= DATE_MAX else str(value)
        if ftype in ("text", "choice"):
            if isinstance(value, float) and value.is_integer():
                return str(int(value))
            return str(value)
        return value
    return str(value)


def _structure_message(label: str, where: str) -> str:
    return _("Không tìm thấy trường “%(label)s”%(where)s — tệp không được tạo từ mẫu này hoặc đã bị sửa cấu trúc.") % {
        "label": label,
        "where": where,
    }


def parse_workbook(
    template: TemplateDef,
    fileobj,
    *,
    unit_label: str | None = None,
    request_label: str | None = None,
    expected_version: int | None = None,
) -> tuple[dict, list[CellIssue]]:
    """Read a workbook made by `build_workbook` for `template`.

    `fileobj` is a path or a binary file-like object. The caller must have checked it with
    `ocop.lib.upload_safety.check_office_upload` first (size, zip bomb, macros, XML entities).
    With `unit_label` / `request_label`, a workbook made for another unit or request is refused.
    With `expected_version` (the report's lock_version now), a workbook made from another version
    of the report, or one that does not say, is refused: uploading it would silently undo the
    changes saved since it was downloaded.

    Returns (data, issues). `data` has every field of the template: scalar fields as stored values
    (None when empty), tables as lists of {column code: value or None} without fully empty rows.
    Only type checks are done here (required fields and rules are `schema.validate`'s job, at
    submission). When there is any issue, `data` is {} and nothing should be saved.
    """
    broken = [CellIssue("", "", _("Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx."))]
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, zip/XML errors) for broken files
        return {}, broken
    try:
        return _parse(template, wb, unit_label, request_label, expected_version)
    except BROKEN_FILE_ERRORS:  # a damaged sheet part is only parsed while iterating its rows
        return {}, broken
    finally:
        wb.close()


def _find_main(wb) -> tuple[object, int] | tuple[None, int]:
    """The sheet whose first row carries the template marker, and the marker's column."""
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=1, max_row=1, max_col=MARK_SCAN_COLS, values_only=True):
            for col, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith(TEMPLATE_MARK):
                    return ws, col
    return None, 0


def stale_issue(found: str, expected_version: int) -> CellIssue | None:
    """The refusal of a workbook made from another version of the report (None when it is current)."""
    if found == str(expected_version):
        return None
    if not found.isdigit():
        return CellIssue(
            "",
            "",
            _(
                "Tệp Excel không ghi phiên bản báo cáo mà nó được tạo ra (tệp tải về từ trước hoặc đã bị sửa), nên không "
                "biết tệp có cũ hơn những gì đã lưu hay không. Để không ghi đè số liệu mới hơn, tệp không được nhập. Hãy tải "
                "mẫu Excel mới từ trang báo cáo (đã có số liệu mới nhất), nhập phần thay đổi của bạn rồi tải lên lại."
            ),
        )
    return CellIssue(
        "",
        "",
        _(
            "Tệp Excel được tạo từ phiên bản %(old)s của báo cáo, nhưng báo cáo đã được lưu lại sau đó (nay là phiên bản "
            "%(new)s). Nhập tệp này sẽ ghi đè những thay đổi mới hơn, nên tệp không được nhập. Hãy tải mẫu Excel mới từ "
            "trang báo cáo (đã có số liệu mới nhất), nhập lại phần thay đổi của bạn rồi tải lên."
        )
        % {"old": found, "new": expected_version},
    )


def _parse(template: TemplateDef, wb, unit_label, request_label, expected_version=None) -> tuple[dict, list[CellIssue]]:
    issues: list[CellIssue] = []
    ws, mark_col = _find_main(wb)
    if ws is None:
        return {}, [
            CellIssue(
                "",
                "",
                _(
                    "Tệp không phải mẫu Excel của hệ thống (không có mã mẫu báo cáo) — "
                    "hãy tải mẫu Excel từ trang báo cáo rồi nhập số liệu vào đó."
                ),
            )
        ]
    if mark_col != CODE_COL:
        return {}, [
            CellIssue(
                ws.title,
                "",
                _("Cấu trúc trang tính đã bị sửa (chèn hoặc xóa cột) — hãy tải lại mẫu Excel và nhập lại số liệu."),
            )
        ]
    rows = ws.iter_rows(min_row=1, max_row=MAIN_ROW_LIMIT, min_col=VALUE_COL, max_col=CODE_COL)
    main: dict[str, tuple[int, object]] = {}
    marks: dict[str, str] = {}
    for r, cells in enumerate(rows, start=1):
        value_cell, code = cells[0], cells[2].value
        if not isinstance(code, str):
            continue
        code = code.strip()
        if code.startswith("ocop:"):
            key, _sep, rest = code.partition("=")
            marks[key + "="] = rest
            continue
        if not CODE_RE.match(code):
            continue
        f = template.field(code)
        if f is None:
            issues.append(
                CellIssue(ws.title, f"E{r}", _("Trường “%(c)s” không có trong mẫu báo cáo này.") % {"c": code}, code)
            )
            continue
        if code in main:
            issues.append(
                CellIssue(
                    ws.title,
                    f"E{r}",
                    _("Trường “%(l)s” xuất hiện hai lần (dòng %(a)s và %(b)s) — không sao chép dòng của mẫu.")
                    % {"l": f.label, "a": main[code][0], "b": r},
                    code,
                )
            )
            continue
        main[code] = (r, value_cell)

    found = marks.get(TEMPLATE_MARK, "")
    expected = f"{template.code};version={template.version}"
    if found != expected:
        other_code, _sep, other_version = found.partition(";version=")
        return {}, [
            CellIssue(
                ws.title,
                "",
                _(
                    "Tệp được tạo cho mẫu “%(oc)s” phiên bản %(ov)s, không phải mẫu “%(c)s” phiên bản %(v)s của yêu cầu này — "
                    "hãy tải mẫu Excel của yêu cầu này và nhập số liệu vào đó."
                )
                % {"oc": other_code or "?", "ov": other_version or "?", "c": template.code, "v": template.version},
            )
        ]
    for mark, label, expected_label in (
        (UNIT_MARK, _("đơn vị"), unit_label),
        (REQUEST_MARK, _("yêu cầu báo cáo"), request_label),
    ):
        if expected_label is not None and marks.get(mark, "") != _clean_text(expected_label):
            return {}, [
                CellIssue(
                    ws.title,
                    "",
                    _(
                        "Tệp được tạo cho %(what)s “%(found)s”, không phải “%(expected)s” — hãy tải mẫu Excel của đúng %(what)s."
                    )
                    % {"what": label, "found": marks.get(mark, "?"), "expected": expected_label},
                )
            ]

    if expected_version is not None:
        stale = stale_issue(marks.get(VERSION_MARK, "").strip(), expected_version)
        if stale is not None:
            return {}, [stale]

    epoch = wb.epoch
    data: dict = {}
    for f in template.fields:
        if f.type == "table":
            continue
        if f.code not in main:
            issues.append(
                CellIssue(ws.title, "", _structure_message(f.label, _(" (mục %(n)s)") % {"n": f.section}), f.code)
            )
            continue
        r, cell = main[f.code]
        value, err = coerce(f.type, _raw(f.type, cell.value, cell.number_format, epoch), f.options)
        if err:
            issues.append(CellIssue(ws.title, f"{get_column_letter(VALUE_COL)}{r}", err, f.code))
        data[f.code] = value

    tables = {f.code: f for f in template.fields if f.type == "table"}
    if tables:
        located = _find_tables(wb, ws, tables, issues)
        for code, f in tables.items():
            if code not in located:
                issues.append(
                    CellIssue(
                        "",
                        "",
                        _structure_message(f.label, _(" (bảng của mục %(n)s, trang tính riêng)") % {"n": f.section}),
                        code,
                    )
                )
                data[code] = []
                continue
            table_ws, code_row = located[code]
            data[code] = _read_table(f, table_ws, code_row, epoch, issues)

    if issues:
        return {}, issues
    return data, []


def _find_tables(wb, main_ws, tables: dict[str, Field], issues: list[CellIssue]) -> dict[str, tuple[object, int]]:
    located: dict[str, tuple[object, int]] = {}
    for ws in wb.worksheets:
        if ws.title in (main_ws.title, LISTS_SHEET):
            continue
        for r, (value,) in enumerate(
            ws.iter_rows(min_row=1, max_row=MARK_SCAN_ROWS, max_col=1, values_only=True), start=1
        ):
            if isinstance(value, str) and value.startswith(TABLE_MARK):
                code = value[len(TABLE_MARK) :].strip()
                if code not in tables:
                    issues.append(
                        CellIssue(
                            ws.title, f"A{r}", _("Bảng “%(c)s” không có trong mẫu báo cáo này.") % {"c": code}, code
                        )
                    )
                elif code in located:
                    issues.append(
                        CellIssue(
                            ws.title,
                            "",
                            _("Bảng “%(l)s” xuất hiện ở hai trang tính (“%(a)s” và “%(b)s”).")
                            % {"l": tables[code].label, "a": located[code][0].title, "b": ws.title},
                            code,
                        )
                    )
                else:
                    located[code] = (ws, r)
                break
    return located


def _read_table(f: Field, ws, code_row: int, epoch, issues: list[CellIssue]) -> list[dict]:
    header = next(ws.iter_rows(min_row=code_row, max_row=code_row, max_col=TABLE_COL_LIMIT, values_only=True), ())
    positions: dict[str, int] = {}
    for col, value in enumerate(header, start=1):
        if col > 1 and isinstance(value, str) and value.strip():
            code = value.strip()
            if f.column(code) is None or code in positions:
                issues.append(
                    CellIssue(
                        ws.title,
                        f"{get_column_letter(col)}{code_row}",
                        _("Cột “%(c)s” không có trong bảng “%(l)s” hoặc bị trùng.") % {"c": code, "l": f.label},
                        f.code,
                        code,
                    )
                )
                continue
            positions[code] = col
    missing = [c for c in f.columns if c.code not in positions]
    for c in missing:
        issues.append(
            CellIssue(
                ws.title,
                "",
                _(
                    "Không tìm thấy cột “%(c)s” của bảng “%(l)s” — tệp không được tạo từ mẫu này "
                    "hoặc đã bị sửa cấu trúc."
                )
                % {"c": c.label, "l": f.label},
                f.code,
                c.code,
            )
        )
    if missing:
        return []
    last = max(positions.values())
    result: list[dict] = []
    too_many = False
    for r, cells in enumerate(
        ws.iter_rows(min_row=code_row + 1, max_row=code_row + TABLE_ROW_LIMIT, max_col=last), start=code_row + 1
    ):
        if all(_blank(cells[positions[c.code] - 1].value) for c in f.columns):
            continue
        if len(result) >= MAX_ROWS:
            too_many = True
            break
        row: dict = {}
        for c in f.columns:
            cell = cells[positions[c.code] - 1]
            value, err = coerce(c.type, _raw(c.type, cell.value, cell.number_format, epoch), c.options)
            if err:
                issues.append(
                    CellIssue(
                        ws.title,
                        f"{get_column_letter(positions[c.code])}{r}",
                        _("Cột “%(c)s”: %(e)s") % {"c": c.label, "e": err},
                        f.code,
                        c.code,
                    )
                )
            row[c.code] = value
        result.append(row)
    if too_many:
        issues.append(
            CellIssue(ws.title, "", _("Bảng “%(l)s” có quá %(n)s dòng.") % {"l": f.label, "n": MAX_ROWS}, f.code)
        )
    return result
