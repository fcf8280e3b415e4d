"""Build ocop/documents/docx_templates/bao_cao_tong_hop.docx: the national synthesis report of a
report request, as a docxtpl template a clerk can open and edit in Word.

    .venv/bin/python scripts/build_report_template.py

Layout after Nghị định 30/2020/NĐ-CP, Phụ lục I: A4 portrait; margins top/bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman (also as the East Asian and complex-script font) 14 pt body; header
block as a borderless table: issuing body at the left (bold, upper case, a short line under it) with
the number “Số: …”, Quốc hiệu (bold 12 pt) and Tiêu ngữ (bold 13 pt, a line under it) at the right
with place and date (italic); title “BÁO CÁO” and the subject in bold, centred; page numbers centred
at the top from page 2 (a different first-page header, the PAGE field in the others); signature block
and “Nơi nhận” at the end; the detailed tables in an appendix.

The template uses Jinja tags rendered by ocop/reporting/national_report.py with
`render(context, autoescape=True)`; the tables whose columns depend on the template of the request
are python-docx subdocuments (`{{p totals_table }}` …). A clerk may restyle and reword everything;
keep the tags (the names are listed in national_report.CONTEXT_KEYS, and a test checks that the
template asks for nothing else). Keep each `{%p … %}` tag alone in its paragraph.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "ocop" / "documents" / "docx_templates" / "bao_cao_tong_hop.docx"
FONT = "Times New Roman"
BODY = Pt(14)


def set_fonts(rpr) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]


def setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    for name in ("Normal", "Header", "Footer", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = BODY if name == "Normal" else Pt(12)
        set_fonts(style.element.get_or_add_rPr())
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(6)
    normal.line_spacing = 1.1
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        set_fonts(rpr)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "vi-VN")
    props = doc.core_properties
    props.title = "Báo cáo tổng hợp"
    props.subject = "Báo cáo tổng hợp kết quả báo cáo của các địa phương (mẫu docxtpl)"
    props.author = "OCOP"
    props.language = "vi-VN"
    props.keywords = "OCOP; NĐ 30/2020/NĐ-CP; docxtpl"


def page_numbers(doc) -> None:
    """No number on page 1; the page number centred at the top of every other page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    first = section.first_page_header.paragraphs[0]
    first.text = ""
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)

    def field_run(kind: str, text: str | None = None):
        run = p.add_run()
        run.font.size = Pt(13)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    field_run("begin")
    field_run("instr", " PAGE ")
    field_run("separate")
    field_run("text", "2")
    field_run("end")


def fixed_widths(table, widths) -> None:
    """Column widths on the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def para(
    container,
    text: str = "",
    *,
    bold=False,
    italic=False,
    size=None,
    align=None,
    indent=False,
    after=None,
    before=None,
    keep=False,
):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = size
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    if after is not None:
        p.paragraph_format.space_after = after
    if before is not None:
        p.paragraph_format.space_before = before
    if keep:
        p.paragraph_format.keep_with_next = True
    return p


def tag(container, text: str):
    """A paragraph holding only a docxtpl {%p … %} tag (removed when rendered)."""
    return para(container, text, after=Pt(0))


def rule(container, left_cm: float, right_cm: float):
    """A short horizontal line: an empty paragraph with a bottom border, narrowed by indents."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(left_cm), Cm(right_cm)
    fmt.space_after = Pt(0)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    ppr.insert_element_before(
        border,
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
    run = p.add_run()
    run.font.size = Pt(2)
    return p


def cell_para(cell, text: str, *, bold=False, italic=False, size=Pt(13), first=False):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        run.font.size = size
    return p


def heading_block(doc) -> None:
    # 7.0 + 10.5 cm, centred (0.5 cm into each margin, as NĐ 30 headers usually are): the Quốc hiệu
    # fits on one line; the issuer's lines are rich text sized to fit (ocop/documents/fit.py)
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(table)
    fixed_widths(table, (Cm(7.0), Cm(10.5)))
    left, right = table.rows[0].cells
    cell_para(left, "{%p for line in parent_lines %}", first=True)
    cell_para(left, "{{r line }}")
    cell_para(left, "{%p endfor %}")
    cell_para(left, "{%p for line in issuer_lines %}")
    cell_para(left, "{{r line }}")
    cell_para(left, "{%p endfor %}")
    rule(left, 2.0, 2.0)
    cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=Pt(12), first=True)
    cell_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=Pt(13))
    rule(right, 1.9, 1.9)
    left2, right2 = table.rows[1].cells
    p = cell_para(left2, "Số: {{ document_number }}", size=Pt(13), first=True)
    p.paragraph_format.space_before = Pt(6)
    p = cell_para(right2, "{{ place_date }}", italic=True, size=Pt(14), first=True)
    p.paragraph_format.space_before = Pt(6)


def build() -> Path:
    doc = Document()
    setup(doc)
    page_numbers(doc)
    heading_block(doc)
    J = WD_ALIGN_PARAGRAPH.JUSTIFY
    C = WD_ALIGN_PARAGRAPH.CENTER

    para(doc, "", after=Pt(6))
    para(doc, "BÁO CÁO", bold=True, size=Pt(14), align=C, after=Pt(0))
    para(doc, "{{ subject }}", bold=True, size=Pt(14), align=C, after=Pt(0))
    para(doc, "{{ subject_note }}", italic=True, size=Pt(13), align=C, after=Pt(0))
    rule(doc, 6.3, 6.3)
    para(doc, "", after=Pt(6))

    para(doc, "{{ intro }}", indent=True, align=J)

    # I. Who reported
    para(doc, "I. TÌNH HÌNH GỬI BÁO CÁO CỦA CÁC ĐỊA PHƯƠNG", bold=True, align=J, keep=True, before=Pt(6))
    para(doc, "{{ submission_summary }}", indent=True, align=J)
    tag(doc, "{%p if missing_count %}")
    p = para(doc, "", indent=True, align=J)
    p.add_run("{{ missing_heading }}: ").bold = True
    p.add_run("{{ missing_text }}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if late_count %}")
    p = para(doc, "", indent=True, align=J)
    p.add_run("{{ late_heading }}: ").bold = True
    p.add_run("{{ late_text }}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if pending_count %}")
    p = para(doc, "", indent=True, align=J)
    p.add_run("{{ pending_heading }}: ").bold = True
    p.add_run("{{ pending_text }}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if provisional_count %}")
    para(doc, "{{ provisional_note }}", italic=True, indent=True, align=J)
    tag(doc, "{%p endif %}")

    # II. Figures
    para(doc, "II. KẾT QUẢ TỔNG HỢP SỐ LIỆU", bold=True, align=J, keep=True, before=Pt(6))
    para(doc, "1. Số liệu tổng hợp chung", bold=True, italic=True, align=J, keep=True)
    para(doc, "{{ totals_intro }}", indent=True, align=J)
    para(doc, "{{p totals_table }}")
    tag(doc, "{%p for c in choices %}")
    para(doc, "{{ c.text }}", indent=True, align=J)
    tag(doc, "{%p endfor %}")
    para(doc, "2. Số liệu theo vùng kinh tế - xã hội", bold=True, italic=True, align=J, keep=True)
    para(doc, "{{p regions_table }}")
    para(doc, "3. So sánh với kỳ báo cáo trước", bold=True, italic=True, align=J, keep=True)
    para(doc, "{{ comparison_intro }}", indent=True, align=J)
    tag(doc, "{%p if has_comparison %}")
    para(doc, "{{p comparison_table }}")
    tag(doc, "{%p endif %}")

    # III, IV. Shortcomings and proposals, grouped
    for number, title, key, empty in (
        ("III", "NHỮNG TỒN TẠI, KHÓ KHĂN CÁC ĐỊA PHƯƠNG NÊU", "shortcomings", "{{ no_shortcomings }}"),
        ("IV", "ĐỀ XUẤT, KIẾN NGHỊ CỦA CÁC ĐỊA PHƯƠNG", "proposals", "{{ no_proposals }}"),
    ):
        para(doc, f"{number}. {title}", bold=True, align=J, keep=True, before=Pt(6))
        tag(doc, f"{{%p for g in {key} %}}")
        para(doc, "{{ g.heading }}", bold=True, italic=True, align=J, keep=True)
        tag(doc, "{%p for item in g.points %}")
        p = para(doc, "- {{ item.text }} ", indent=True, align=J)
        p.add_run("({{ item.units_text }}).").italic = True
        tag(doc, "{%p endfor %}")
        tag(doc, "{%p endfor %}")
        tag(doc, f"{{%p if not {key} %}}")
        para(doc, empty, indent=True, align=J)
        tag(doc, "{%p endif %}")

    # V. Narratives by section, each unit under its name
    para(doc, "V. TỔNG HỢP BÁO CÁO CỦA CÁC ĐỊA PHƯƠNG THEO TỪNG NỘI DUNG", bold=True, align=J, keep=True, before=Pt(6))
    para(doc, "{{ narratives_intro }}", indent=True, align=J)
    tag(doc, "{%p for s in narratives %}")
    para(doc, "{{ s.heading }}", bold=True, align=J, keep=True)
    tag(doc, "{%p for f in s.fields %}")
    tag(doc, "{%p if f.show_label %}")
    para(doc, "{{ f.label }}", italic=True, align=J, keep=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for e in f.entries %}")
    p = para(doc, "", indent=True, align=J)
    p.add_run("{{ e.unit }}: ").bold = True
    p.add_run("{{ e.text }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")

    para(doc, "{{ closing }}", indent=True, align=J, before=Pt(6), keep=True)
    para(doc, "", after=Pt(0), keep=True)

    # Signature block and recipients: one row that never splits across pages, kept with the closing
    sign = doc.add_table(rows=1, cols=2)
    sign.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(sign)
    fixed_widths(sign, (Cm(7.7), Cm(8.8)))
    tr_pr = sign.rows[0]._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    tr_pr.append(cant)
    left, right = sign.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    tag(left, "{%p for r in recipients %}")
    p = left.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run("- {{ r }}").font.size = Pt(11)
    tag(left, "{%p endfor %}")
    cell_para(right, "{{ signer_position }}", bold=True, size=Pt(14), first=True)
    cell_para(right, "{{ signer_note }}", italic=True, size=Pt(13))
    for _ in range(4):
        cell_para(right, "")
    cell_para(right, "{{ signer_name }}", bold=True, size=Pt(14))
    for cell in (left, right):
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.keep_together = True

    # Appendix: the detailed tables (row per unit) and the collated table fields
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)
    para(doc, "Phụ lục", bold=True, size=Pt(14), align=C, after=Pt(0), keep=True)
    para(doc, "{{ appendix_title }}", bold=True, size=Pt(14), align=C, after=Pt(0), keep=True)
    para(doc, "{{ appendix_note }}", italic=True, size=Pt(13), align=C)
    para(doc, "{{p detail_tables }}")
    tag(doc, "{%p if has_collated_tables %}")
    para(doc, "{{p collated_tables }}")
    tag(doc, "{%p endif %}")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    path = build()
    print(f"Wrote {path.relative_to(ROOT)}")
