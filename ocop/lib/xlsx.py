"""Excel output: one sheet, a bold header, numbers as numbers, dates as dates (dd/mm/yyyy)."""

from __future__ import annotations

import datetime as dt
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_xlsx(sheet_title: str, header: list[str], rows: list[list], title: str | None = None) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31] or "Sheet1")
    bold = Font(bold=True)
    if title:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True, size=13)
        ws.append([cell])
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(ws, value=str(name))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, (dt.date, dt.datetime)):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            elif isinstance(value, bool) or value is None:
                out.append("" if value is None else ("x" if value else ""))
            elif isinstance(value, (int, float)):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "#,##0"
                out.append(cell)
            else:
                out.append(str(value))
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheet_title: str, header: list[str], rows: list[list], title: str | None = None) -> HttpResponse:
    response = HttpResponse(build_xlsx(sheet_title, header, rows, title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
