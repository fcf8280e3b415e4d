#!/usr/bin/env python3
"""Build the Word templates of the official documents: ocop/documents/docx_templates/*.docx.

    .venv/bin/python scripts/build_docx_templates.py

The outputs are committed. A clerk may open them in Word and change the layout (fonts, spacing,
margins, wording around the tags) as long as the docxtpl tags stay as they are: {{ doc.subject }},
{{r para }} (rich text), and the paragraph tags {%p for … %} / {%p if … %} / {%p endfor %} /
{%p endif %}, each alone in its paragraph. Running this script again overwrites such edits, so after
a clerk's change either keep the edited file (and do not run this again) or make the same change here.

The layout is that of Nghị định 30/2020/NĐ-CP, Phụ lục I (a công văn):
- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm;
- Times New Roman everywhere (also as the East Asian and complex-script font, so Word never
  substitutes a font for Vietnamese text; LibreOffice renders the metric-identical Liberation Serif);
- header table: the issuing body (bold, centred) above a short rule at the left, "Số: …" and the
  subject "V/v …" under it; the Quốc hiệu (bold, 12 pt, upper case) and Tiêu ngữ (bold, 13 pt) with
  a short rule under it at the right, then the place and date in italics;
- "Kính gửi:"; the body in 14 pt, justified, first line indented 1 cm, 6 pt between paragraphs;
- a bottom table: "Nơi nhận:" (bold italic 12 pt) with its list (11 pt) at the left, the signature
  block (bold, centred) at the right;
- page numbers centred at the top, from page 2 (a different, empty first-page header);
- for the request letter, the report outline as an appendix on a new page.

The rendering code (ocop/documents/services.py) fills the `doc` variable; see there for its keys.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "ocop" / "documents" / "docx_templates"
FONT = "Times New Roman"
LANG = "vi-VN"
TEXT_WIDTH = Mm(210 - 30 - 15)
# the header table is 1 cm wider than the text and starts 0.5 cm into the left margin, as usual for
# NĐ 30 headers: the issuer's name and the Quốc hiệu then fit on their lines
LEFT_COL, RIGHT_COL = Cm(7.0), Cm(10.5)
HEADER_INDENT = Cm(-0.5)


# --- low-level helpers ---------------------------------------------------------------------------


def set_fonts(rpr, name: str = FONT) -> None:
    """w:rFonts ascii/hAnsi/eastAsia/cs = name, no theme fonts; Vietnamese as the language."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANG)
    lang.set(qn("w:eastAsia"), LANG)


def bottom_rule(paragraph, indent_cm: float) -> None:
    """A short horizontal rule: the paragraph's bottom border, shortened by equal indents."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_before = fmt.space_after = Pt(0)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "6")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    ppr.insert_element_before(
        borders,
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:kinsoku",
        "w:wordWrap",
        "w:overflowPunct",
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        "w:spacing",
        "w:ind",
        "w:contextualSpacing",
        "w:mirrorIndents",
        "w:suppressOverlap",
        "w:jc",
        "w:textDirection",
        "w:textAlignment",
        "w:textboxTightWrap",
        "w:outlineLvl",
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    )
    for run in paragraph.runs:
        run.font.size = Pt(2)


def para(
    container,
    text: str = "",
    *,
    size: float | None = None,
    bold=None,
    italic=None,
    align=None,
    style: str | None = None,
    space_before: float | None = None,
    space_after: float | None = None,
    first_line: float | None = None,
    left: float | None = None,
    keep_next: bool = False,
    page_break_before: bool = False,
):
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
        if italic is not None:
            run.font.italic = italic
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if space_before is not None:
        fmt.space_before = Pt(space_before)
    if space_after is not None:
        fmt.space_after = Pt(space_after)
    if first_line is not None:
        fmt.first_line_indent = Cm(first_line)
    if left is not None:
        fmt.left_indent = Cm(left)
    if keep_next:
        fmt.keep_with_next = True
    if page_break_before:
        fmt.page_break_before = True
    return paragraph


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); docxtpl removes it when rendering."""
    paragraph = container.add_paragraph(text)
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def page_field(paragraph) -> None:
    """PAGE field: the page number."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "2"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(separate)
    run._r.append(text)
    run._r.append(end)


def plain_table(doc, widths, indent=None):
    """A borderless table with fixed column widths (the default table style has no borders), centred
    or, with `indent`, starting that far from the left margin."""
    table = doc.add_table(rows=1, cols=len(widths))
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    if indent is None:
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
    else:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(indent.twips))
        ind.set(qn("w:type"), "dxa")
        tbl_pr.insert_element_before(
            ind,
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
            "w:tblCaption",
            "w:tblDescription",
            "w:tblPrChange",
        )
    tbl_pr.get_or_add_tblLayout().set(qn("w:type"), "fixed")
    for column, width in zip(table.columns, widths):
        column.width = width
    for cell, width in zip(table.rows[0].cells, widths):
        cell.width = width
        # python-docx starts each cell with one empty paragraph: remove it (we add our own)
        for p in list(cell.paragraphs):
            p._p.getparent().remove(p._p)
    return table


# --- the document --------------------------------------------------------------------------------


def setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    set_fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    # the document defaults may name theme fonts: override them too
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
            set_fonts(rpr_default.find(qn("w:rPr")))
    for name in ("Header", "Footer", "Table Grid"):
        try:
            style = styles[name]
        except KeyError:
            continue
        style.font.name = FONT
        set_fonts(style.element.get_or_add_rPr())

    body = styles.add_style("ND30 Nội dung", WD_STYLE_TYPE.PARAGRAPH)
    body.base_style = normal
    body.font.size = Pt(14)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1)
    body.paragraph_format.space_before = Pt(6)
    body.paragraph_format.space_after = Pt(0)
    body.paragraph_format.line_spacing = 1.1
    body.paragraph_format.widow_control = True

    noi_nhan = styles.add_style("ND30 Nơi nhận", WD_STYLE_TYPE.PARAGRAPH)
    noi_nhan.base_style = normal
    noi_nhan.font.size = Pt(11)
    noi_nhan.paragraph_format.left_indent = Cm(0.25)
    noi_nhan.paragraph_format.first_line_indent = Cm(-0.25)

    outline = styles.add_style("ND30 Đề cương", WD_STYLE_TYPE.PARAGRAPH)
    outline.base_style = body

    # page numbers: centred at the top, not on page 1
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    first = section.first_page_header.paragraphs[0]
    first.text = ""
    header = section.header
    header.is_linked_to_previous = False
    number = header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(number)
    for run in number.runs:
        run.font.size = Pt(13)

    props = doc.core_properties
    props.title = "Công văn (Nghị định 30/2020/NĐ-CP)"
    props.author = "OCOP"
    props.comments = "Mẫu docxtpl: khi sửa trong Word, giữ nguyên các thẻ trong ngoặc nhọn."
    props.language = LANG


def header_table(doc) -> None:
    table = plain_table(doc, [LEFT_COL, RIGHT_COL], indent=HEADER_INDENT)
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER

    # each header line is rich text with its own size: 12 pt, or less when the line would not fit the
    # column (ocop/documents/fit.py), so a name never wraps mid-way
    tag(left, "{%p for line in doc.parent_lines %}")
    para(left, "{{r line }}", align=center)
    tag(left, "{%p endfor %}")
    tag(left, "{%p for line in doc.issuer_lines %}")
    para(left, "{{r line }}", align=center)
    tag(left, "{%p endfor %}")
    bottom_rule(para(left, " "), 1.9)
    para(left, "Số: {{ doc.number_and_symbol }}", size=13, align=center, space_before=6)
    tag(left, "{%p if doc.show_subject %}")
    para(left, "V/v {{ doc.subject }}", size=12, align=center, space_before=4)
    tag(left, "{%p endif %}")

    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=center)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=center)
    bottom_rule(para(right, " "), 2.4)
    para(right, "{{ doc.place_date }}", size=14, italic=True, align=center, space_before=8)


def main_part(doc) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    # a document other than a công văn: its name and subject as a title (e.g. BÁO CÁO / Kết quả …)
    tag(doc, "{%p if doc.kind_title %}")
    para(doc, "{{ doc.kind_title }}", size=14, bold=True, align=center, space_before=18)
    para(doc, "{{ doc.subject }}", size=14, bold=True, align=center)
    tag(doc, "{%p endif %}")

    # Kính gửi: one recipient on the same line, several as a list
    tag(doc, "{%p if doc.recipients|length == 1 %}")
    para(doc, "Kính gửi: {{ doc.recipients[0] }}", size=14, align=center, space_before=18, space_after=6)
    tag(doc, "{%p elif doc.recipients %}")
    para(doc, "Kính gửi:", size=14, left=2.5, space_before=18)
    tag(doc, "{%p for r in doc.recipients %}")
    para(doc, "- {{ r }}{{ '.' if loop.last else ';' }}", size=14, left=4.5)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")

    # the body: paragraphs (rich text), the numbered requests, the contact line; the last one is kept
    # with the signature block, which therefore never stands alone at the top of a page
    tag(doc, "{%p for p in doc.body_lead %}")
    para(doc, "{{r p }}", style="ND30 Nội dung")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if doc.body_last %}")
    para(doc, "{{r doc.body_last }}", style="ND30 Nội dung", keep_next=True)
    tag(doc, "{%p endif %}")


def cant_split(row) -> None:
    """A table row that never breaks across pages (w:cantSplit)."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def keep_cells_together(table) -> None:
    """Every paragraph of the table kept with the next: Word then keeps the whole row on one page
    (with cantSplit), LibreOffice keeps the row whole."""
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
                p.paragraph_format.keep_together = True


def signature_table(doc) -> None:
    para(doc, "", space_after=6, keep_next=True)
    table = plain_table(doc, [Cm(8.0), Cm(8.5)])
    cant_split(table.rows[0])
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(left, "Nơi nhận:", size=12, bold=True, italic=True)
    tag(left, "{%p for line in doc.noi_nhan %}")
    para(left, "- {{ line }}", style="ND30 Nơi nhận")
    tag(left, "{%p endfor %}")

    tag(right, "{%p for line in doc.signature_lines %}")
    para(right, "{{ line }}", size=14, bold=True, align=center)
    tag(right, "{%p endfor %}")
    for _i in range(4):
        para(right, "", size=14)
    para(right, "{{ doc.signer_name }}", size=14, bold=True, align=center)
    keep_cells_together(table)


def appendix(doc) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    tag(doc, "{%p if doc.appendix %}")
    # NĐ 30: the appendix's own caption: "Phụ lục", its title, "(Kèm theo Công văn số … ngày … của …)"
    para(doc, "Phụ lục", size=14, bold=True, align=center, page_break_before=True, keep_next=True)
    para(doc, "{{ doc.appendix.title }}", size=14, bold=True, align=center, keep_next=True)
    tag(doc, "{%p if doc.appendix.subtitle %}")
    para(doc, "{{ doc.appendix.subtitle }}", size=14, italic=True, align=center)
    tag(doc, "{%p endif %}")
    para(
        doc,
        "(Kèm theo {{ doc.kind_name }} số {{ doc.number_and_symbol }} ngày {{ doc.date_dmy }}",
        size=14,
        italic=True,
        align=center,
    )
    para(doc, "của {{ doc.issuer_name }})", size=14, italic=True, align=center, space_after=12)
    tag(doc, "{%p for s in doc.appendix.sections %}")
    para(doc, "{{r s.heading }}", style="ND30 Đề cương", keep_next=True)
    tag(doc, "{%p if s.prompt %}")
    para(doc, "{{ s.prompt }}", style="ND30 Đề cương")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    # a document must not end with a table: a last, tiny empty paragraph
    end = para(doc, "")
    end.paragraph_format.space_before = end.paragraph_format.space_after = Pt(0)
    end.paragraph_format.line_spacing = Pt(2)


def build_cong_van() -> Document:
    doc = Document()
    setup(doc)
    # Document() starts with one empty paragraph: drop it so the header table comes first
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    header_table(doc)
    main_part(doc)
    signature_table(doc)
    appendix(doc)
    return doc


def main() -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    target = OUT_DIR / "cong_van.docx"
    build_cong_van().save(target)
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
