"""A report as a Word document (.docx), laid out after Nghị định 30/2020/NĐ-CP.

A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13 pt (also as the
East Asian and complex-script font, so Word never substitutes another font for Vietnamese text).
Values are shown with `schema.display` (1.234.567; 12,5 %; 31/12/2018; option labels).
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from ocop.documents.fit import fit_size
from ocop.documents.reports import report_heading
from ocop.documents.text import section_label
from ocop.reporting.schema import NUMERIC_TYPES, Field, TemplateDef, display

FONT = "Times New Roman"
SIZE = Pt(13)
TABLE_SIZE = Pt(12)
EMPTY = "…"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text) -> str:
    return _XML_ILLEGAL.sub("", str(text if text is not None else "")).replace("\r\n", "\n").replace("\r", "\n")


def _set_fonts(rpr, name: str = FONT) -> None:
    """Set w:rFonts ascii/hAnsi/eastAsia/cs on an rPr and drop the theme fonts (which would win)."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        style.font.name = FONT
        style.font.size = SIZE
        _set_fonts(style.element.get_or_add_rPr())
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(6)
    normal.line_spacing = 1.15
    # the document defaults (docDefaults) may name a theme font; override there too
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        rpr = rpr_default.find(qn("w:rPr")) if rpr_default is not None else None
        if rpr is not None:
            _set_fonts(rpr)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:  # spelling and hyphenation in Vietnamese
                lang.set(qn("w:val"), "vi-VN")


def _para(doc_or_cell, text: str = "", *, bold=False, italic=False, align=None, size=None, indent=False, after=None):
    paragraph = doc_or_cell.add_paragraph()
    if text:
        run = paragraph.add_run(_clean(text))
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = size
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    if after is not None:
        paragraph.paragraph_format.space_after = after
    return paragraph


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.insert_element_before(
        borders,
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    )


def _cell_text(cell, text: str, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, size=SIZE) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    for i, line in enumerate(_clean(text).split("\n")):
        if i:
            paragraph = cell.add_paragraph()
            paragraph.alignment = align
            paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = size


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _fixed(table, widths_cm) -> None:
    """Fixed layout with the widths on the grid (LibreOffice) and on every cell (Word)."""
    table.autofit = False
    table._tbl.tblPr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _rule(cell, indent_cm: float) -> None:
    """The short line under the issuer's name and under the Tiêu ngữ (NĐ 30): a bottom border."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_after = fmt.space_before = Pt(0)
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )
    p.add_run().font.size = Pt(2)


def _line(cell, text: str, *, size: float, bold=False, italic=False, first=False) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(_clean(text))
    run.bold, run.italic = bold or None, italic or None
    run.font.size = Pt(size)


HEADER_WIDTHS = (7.0, 10.5)  # cm; centred, 0.5 cm into each margin: the Quốc hiệu fits on one line


def _nd30_header(doc, parent_lines, header_lines, number: str, place_date: str) -> None:
    """Issuer (parent lines, name lines sized to fit, short rule, "Số: …") at the left; Quốc hiệu,
    Tiêu ngữ (bold, not underlined) with the short rule under it and the place and date at the right."""
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    _fixed(head, HEADER_WIDTHS)
    left, right = head.rows[0].cells
    first = True
    for line in parent_lines:
        _line(left, line, size=fit_size(line, HEADER_WIDTHS[0], 12, bold=False) or 10, first=first)
        first = False
    for line in header_lines:
        _line(left, line, size=fit_size(line, HEADER_WIDTHS[0], 12) or 10, bold=True, first=first)
        first = False
    _rule(left, 2.0)
    if number:
        _line(left, f"Số: {number}", size=13)
        left.paragraphs[-1].paragraph_format.space_before = Pt(6)
    _line(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), size=12, bold=True, first=True)
    _line(right, _("Độc lập - Tự do - Hạnh phúc"), size=13, bold=True)
    _rule(right, 2.4)
    if place_date:
        _line(right, place_date, size=14, italic=True)
        right.paragraphs[-1].paragraph_format.space_before = Pt(6)


def _heading(
    doc, template: TemplateDef, title: str, unit_label: str, request_label: str, submitted_label: str, frame=None
) -> None:
    if frame is not None:
        _nd30_header(doc, frame.parent_lines, frame.header_lines, frame.number, frame.place_date)
        _para(doc, "", after=Pt(6))
        _para(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14), after=Pt(0))
        _para(doc, frame.subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14), after=Pt(6))
        for to in frame.recipients:
            _para(doc, _("Kính gửi: %(to)s") % {"to": to}, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14), after=Pt(6))
        if frame.basis:
            _para(doc, f"{frame.basis}, {unit_label} báo cáo như sau:", indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        return
    _nd30_header(doc, [], [(unit_label or "").upper()], "", "")
    _para(doc, "", after=Pt(6))
    _para(doc, (title or template.title).upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14), after=Pt(0))
    subtitle = template.subtitle or (template.title if title and title != template.title else "")
    if subtitle:
        _para(doc, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=Pt(0))
    if template.attached_to:
        _para(doc, template.attached_to, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=Pt(0))
    _para(doc, "", after=Pt(0))
    if request_label:
        _para(
            doc,
            _("Yêu cầu báo cáo: %(r)s") % {"r": request_label},
            italic=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            after=Pt(0),
        )
    if submitted_label:
        _para(doc, submitted_label, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=Pt(0))
    _para(doc, "", after=Pt(6))


def _signature(doc, frame) -> None:
    """ "Nơi nhận" at the left and the signature block at the right, in one row that never splits
    across pages, kept with the paragraph before it."""
    spacer = _para(doc, "", after=Pt(0))
    spacer.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _fixed(table, (8.0, 8.5))
    _cant_split(table.rows[0])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    run = p.add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    for line in frame.noi_nhan:
        q = left.add_paragraph()
        q.add_run(f"- {_clean(line)}").font.size = Pt(11)
    for i, line in enumerate(frame.signature_lines):
        _line(right, line, size=14, bold=True, first=i == 0)
    for _i in range(4):
        _line(right, "", size=14)
    _line(right, frame.signer_name, size=14, bold=True)
    for cell in (left, right):
        for q in cell.paragraphs:
            q.paragraph_format.space_after = Pt(0)
            q.paragraph_format.keep_with_next = True
            q.paragraph_format.keep_together = True
    end = doc.add_paragraph()
    end.paragraph_format.space_after = Pt(0)


def _field(doc, f: Field, value) -> None:
    if f.type == "table":
        _table(doc, f, value)
        return
    text = display(f.type, value, f.options) if value not in (None, "") else ""
    if f.type == "text" and ("\n" in text or len(text) > 120):
        _para(doc, f.label + ":", indent=True, after=Pt(3))
        for line in _clean(text).split("\n"):
            if line.strip():
                _para(doc, line.strip(), indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        return
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1)
    p.add_run(_clean(f.label) + ": ")
    if text:
        p.add_run(_clean(text))
    else:
        p.add_run(EMPTY)


def _table(doc, f: Field, rows) -> None:
    _para(doc, f.label + ":", indent=True, after=Pt(3))
    rows = (
        [r for r in rows if isinstance(r, dict) and any(v not in (None, "") for v in r.values())]
        if isinstance(rows, list)
        else []
    )
    if not rows:
        _para(doc, _("(Không có số liệu)"), italic=True, indent=True)
        return
    table = doc.add_table(rows=1, cols=len(f.columns) + 1)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    repeat.set(qn("w:val"), "true")
    tr_pr.insert_element_before(repeat, "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
    _cell_text(header.cells[0], _("STT"), bold=True, size=TABLE_SIZE)
    for cell, column in zip(header.cells[1:], f.columns):
        _cell_text(cell, column.label, bold=True, size=TABLE_SIZE)
    for n, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        _cell_text(cells[0], str(n), size=TABLE_SIZE)
        for cell, column in zip(cells[1:], f.columns):
            value = row.get(column.code)
            align = (
                WD_ALIGN_PARAGRAPH.RIGHT
                if column.type in NUMERIC_TYPES
                else (WD_ALIGN_PARAGRAPH.CENTER if column.type == "date" else WD_ALIGN_PARAGRAPH.LEFT)
            )
            _cell_text(
                cell,
                display(column.type, value, column.options) if value not in (None, "") else "",
                align=align,
                size=TABLE_SIZE,
            )
    _para(doc, "", after=Pt(3))


def build_docx(
    template: TemplateDef,
    data: dict,
    *,
    title: str,
    unit_label: str,
    request_label: str,
    submitted_label: str = "",
    submission=None,
) -> bytes:
    """The report as .docx bytes: heading block, then each section (number and title in bold, the
    prompt in italics) with its fields as “label: value”, tables as Word tables, narratives as paragraphs."""
    data = data or {}
    doc = Document()
    _setup(doc)
    doc.core_properties.title = _clean(title)[:250]
    doc.core_properties.subject = _clean(template.title)[:250]
    doc.core_properties.identifier = f"{template.code}@{template.version}"
    doc.core_properties.language = "vi-VN"
    # with the submission, the report is a Báo cáo of its issuing body in the NĐ 30 layout (number,
    # place and date, Kính gửi, signature, Nơi nhận: ocop/documents/reports.py, as the print view)
    frame = None
    if submission is not None:
        frame = report_heading(submission)
    _heading(doc, template, title, unit_label, request_label, submitted_label, frame)
    for section in template.sections:
        p = _para(
            doc,
            f"{section_label(section.number, section.depth)} {section.title}",
            bold=True,
            italic=section.depth >= 2,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            after=Pt(3),
        )
        p.paragraph_format.keep_with_next = True
        if section.depth == 0:
            p.paragraph_format.space_before = Pt(6)
        if section.prompt:
            prompt = _para(doc, section.prompt, italic=True, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=Pt(3))
            prompt.paragraph_format.keep_with_next = True
        for f in section.fields:
            _field(doc, f, data.get(f.code))
    if frame is not None:
        _signature(doc, frame)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
