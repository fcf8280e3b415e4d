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
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")


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


def _heading(doc, template: TemplateDef, title: str, unit_label: str, request_label: str, submitted_label: str) -> None:
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    _no_borders(head)
    left, right = head.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    _cell_text(left, (unit_label or "").upper(), bold=True, size=Pt(12))
    _cell_text(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=Pt(12))
    motto = right.add_paragraph()
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto.paragraph_format.space_after = Pt(0)
    run = motto.add_run(_("Độc lập - Tự do - Hạnh phúc"))
    run.bold = True
    run.underline = True
    run.font.size = SIZE

    _para(doc, "", after=Pt(6))
    _para(doc, (title or template.title).upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(14), after=Pt(0))
    subtitle = template.subtitle or (template.title if title and title != template.title else "")
    if subtitle:
        _para(doc, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=Pt(0))
    if template.attached_to:
        _para(doc, template.attached_to, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=Pt(0))
    _para(doc, "", after=Pt(0))
    if request_label:
        _para(doc, _("Yêu cầu báo cáo: %(r)s") % {"r": request_label}, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=Pt(0))
    if submitted_label:
        _para(doc, submitted_label, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=Pt(0))
    _para(doc, "", after=Pt(6))


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
    rows = [r for r in rows if isinstance(r, dict) and any(v not in (None, "") for v in r.values())] if isinstance(rows, list) else []
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
            align = WD_ALIGN_PARAGRAPH.RIGHT if column.type in NUMERIC_TYPES else (
                WD_ALIGN_PARAGRAPH.CENTER if column.type == "date" else WD_ALIGN_PARAGRAPH.LEFT)
            _cell_text(cell, display(column.type, value, column.options) if value not in (None, "") else "",
                       align=align, size=TABLE_SIZE)
    _para(doc, "", after=Pt(3))


def build_docx(
    template: TemplateDef,
    data: dict,
    *,
    title: str,
    unit_label: str,
    request_label: str,
    submitted_label: str = "",
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
    _heading(doc, template, title, unit_label, request_label, submitted_label)
    for section in template.sections:
        number = section.number.rstrip(".")
        p = _para(doc, f"{number}. {section.title}", bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=Pt(3))
        p.paragraph_format.keep_with_next = True
        if section.depth == 0:
            p.paragraph_format.space_before = Pt(6)
        if section.prompt:
            prompt = _para(doc, section.prompt, italic=True, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=Pt(3))
            prompt.paragraph_format.keep_with_next = True
        for f in section.fields:
            _field(doc, f, data.get(f.code))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
