"""The national synthesis report of a consolidated request: .docx (from the docxtpl template kept in
the repository), .pdf (the .docx through LibreOffice) and .xlsx (openpyxl).

The .docx template is ocop/documents/docx_templates/bao_cao_tong_hop.docx (built by
scripts/build_report_template.py; a clerk may edit it in Word as long as the tags stay). It is
always rendered with autoescape, so "&", "<", ">" and quotes in the provinces' texts reach Word as
text. The tables whose columns depend on the request's template are python-docx subdocuments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from xml.sax.saxutils import escape as xml_escape
from decimal import Decimal
from pathlib import Path

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml import parse_xml
from docx.shared import Cm, Emu, Pt
from docxtpl import DocxTemplate
from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Font

from ocop.documents.issuers import ministry_on, provincial_issuer
from ocop.documents.pdf import convert_to_pdf
from ocop.documents.services import header_line
from ocop.lib import spreadsheet
from ocop.lib.collation import vi_sorted
from ocop.reporting import schema
from ocop.reporting.consolidation import UNIT_OF_MEASURE, Consolidation, Stat, fmt, fmt_signed
from ocop.lib.dates import format_date
from ocop.programme import figures

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "documents" / "docx_templates" / "bao_cao_tong_hop.docx"
FONT = "Times New Roman"
TABLE_SIZE = Pt(11)
DETAIL_SIZE = Pt(9)
TEXT_WIDTH = 16.5  # cm between the margins of A4 portrait (210 - 30 - 15 mm)
COLUMN_CM = {"money": 2.6, "integer": 1.7, "percent": 1.7}  # the least a numeric column needs at 9 pt
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": PDF_TYPE, "xlsx": XLSX_TYPE}
FORMATS = tuple(CONTENT_TYPES)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# every name the template may use (a test checks the template asks for nothing else)
CONTEXT_KEYS = {
    "parent_lines",
    "issuer_lines",
    "document_number",
    "place_date",
    "subject",
    "subject_note",
    "intro",
    "submission_summary",
    "missing_count",
    "missing_heading",
    "missing_text",
    "late_count",
    "late_heading",
    "late_text",
    "pending_count",
    "pending_heading",
    "pending_text",
    "provisional_count",
    "provisional_note",
    "totals_intro",
    "totals_table",
    "choices",
    "regions_table",
    "comparison_intro",
    "has_comparison",
    "comparison_table",
    "shortcomings",
    "no_shortcomings",
    "proposals",
    "no_proposals",
    "narratives_intro",
    "narratives",
    "closing",
    "recipients",
    "signer_position",
    "signer_note",
    "signer_name",
    "appendix_title",
    "appendix_note",
    "detail_tables",
    "has_collated_tables",
    "collated_tables",
}


def clean(text) -> str:
    """Text safe for XML (no control characters), with \\n line ends."""
    return _XML_ILLEGAL.sub("", str(text if text is not None else "")).replace("\r\n", "\n").replace("\r", "\n")


def filename(consolidation: Consolidation, fmt_: str) -> str:
    return f"tong-hop-{consolidation.request.pk}.{fmt_}"


def _names(items) -> str:
    return ", ".join(items)


def _unit_names(units) -> str:
    return _names(u.name for u in units)


def report_day(consolidation: Consolidation, today: dt.date) -> dt.date:
    """The date the synthesis is issued on: today, or for an old request (more than a year after
    its deadline) its deadline, whose year the report bears."""
    deadline = consolidation.request.deadline
    return deadline if today.year - deadline.year > 1 else today


def issuer_for(consolidation: Consolidation, day: dt.date):
    """Who issues the synthesis, from the dated issuer data (ocop/documents/issuers.py): the ministry
    valid on the report's date (Bộ NN&PTNT until 28/02/2025, Bộ NN&MT from 01/3/2025) for a national
    request; the province's People's Committee valid on that date for its own collection."""
    owner = consolidation.request.owner_unit
    if owner is not None:
        return provincial_issuer(owner, day, "ubnd")
    return ministry_on(day)


def issuing_body_for(consolidation: Consolidation, today: dt.date | None = None) -> str:
    """The issuing body's name in capitals, on one line (e.g. "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG")."""
    day = report_day(consolidation, today or timezone.localdate())
    return " ".join(issuer_for(consolidation, day).facts_on(day).header_lines).upper()


def _subject(consolidation: Consolidation) -> str:
    title = consolidation.request.title.strip()
    title = re.sub(r"^báo cáo\s+", "", title, flags=re.I)
    return f"Tổng hợp {title[:1].lower()}{title[1:]} của các {consolidation.level_label}"


def _place_date(consolidation: Consolidation, today: dt.date, place: str = "Hà Nội") -> str:
    deadline = consolidation.request.deadline
    if today.year - deadline.year > 1:  # a synthesis of an old request: the date is left to fill in
        return f"{place}, ngày      tháng      năm {deadline.year}"
    return f"{place}, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}"


def _stat_text(stat: Stat, unit_label: str) -> str:
    f = stat.field
    if stat.is_percent:
        if stat.average is None:
            return f"{f.label}: chưa có số liệu"
        return (
            f"{f.label}: bình quân {fmt('percent', stat.average)} (thấp nhất {fmt('percent', stat.minimum)}, "
            f"cao nhất {fmt('percent', stat.maximum)}; {stat.count} {unit_label} có số liệu)"
        )
    unit = UNIT_OF_MEASURE.get(f.type, "")
    if unit and f"({unit})" in f.label:
        unit = ""
    return f"{f.label}: {fmt(f.type, stat.total)}{' ' + unit if unit else ''}"


# --- python-docx helpers for the subdocuments ---------------------------------------------------


class Fragment:
    """A subdocument: python-docx paragraphs and tables inserted with `{{p name }}`.

    What docxtpl's `tpl.new_subdoc()` gives for a new, empty subdocument, without its optional
    dependency (docxcompose, only needed to merge the relationships of images and links, which these
    fragments do not have)."""

    def __init__(self):
        self.document = Document()

    def add_paragraph(self, *args, **kwargs):
        return self.document.add_paragraph(*args, **kwargs)

    def add_table(self, rows: int, cols: int):
        return self.document.add_table(rows, cols)

    def __html__(self) -> str:
        body = self.document.element.body
        if body.sectPr is not None:
            body.remove(body.sectPr)
        return re.sub(r"</?w:body[^>]*>", "", etree.tostring(body, encoding="unicode"))

    __str__ = __html__


def _set_fonts(rpr) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)


def _para(doc, text, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=Pt(13), before=Pt(6)):
    paragraph = doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = before
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(clean(text))
    run.bold = bold or None
    run.italic = italic or None
    run.font.size = size
    _set_fonts(run._r.get_or_add_rPr())
    return paragraph


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _run_text_xml(text: str) -> str:
    """A run's content as python-docx's run.text writes it: \n a line break, \t a tab."""
    parts = []
    for i, line in enumerate(clean(text).split("\n")):
        if i:
            parts.append("<w:br/>")
        for k, piece in enumerate(line.split("\t")):
            if k:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{xml_escape(piece)}</w:t>')
    return "".join(parts)


def _cell_xml(text, width: int, *, bold=False, italic=False, align="left", size=TABLE_SIZE, span: int = 1) -> str:
    """One table cell as _cell formats it (no spacing, no indent, single line spacing, Times New Roman)."""
    fonts = "".join(f' w:{a}="{FONT}"' for a in ("ascii", "hAnsi", "eastAsia", "cs"))
    rpr = (
        f"<w:rFonts{fonts}/>"
        + ("<w:b/>" if bold else "")
        + ("<w:i/>" if italic else "")
        + f'<w:sz w:val="{int(size.pt * 2)}"/>'
    )
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{span_xml}</w:tcPr>'
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{align}"/></w:pPr>'
        f"<w:r><w:rPr>{rpr}</w:rPr>{_run_text_xml(text)}</w:r></w:p></w:tc>"
    )


def _table(
    doc,
    header: list[str],
    rows: list[tuple[list, dict]],
    *,
    widths: list[float] | None = None,
    numeric_from: int = 1,
    size=TABLE_SIZE,
) -> None:
    """rows: (cells, style) with style keys bold/italic/merge (a section header row spanning the table).

    The table is written as one piece of XML (issue 17: building it cell by cell through python-docx's
    object model took ~10 s for the 63-province report): single borders set on the table itself (not
    through a style Word may drop), a repeated header row, fixed column widths (cm) written to the
    grid as well (LibreOffice reads the grid)."""
    cols = len(header)
    if widths:
        twips = [int(Cm(w).twips) for w in widths]
    else:  # python-docx's add_table: the text width shared out equally
        twips = [int(Emu(doc.document._block_width // cols).twips)] * cols
    borders = "".join(
        f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    out = [
        f'<w:tbl {_W}><w:tblPr><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        + ('<w:tblLayout w:type="fixed"/>' if widths else "")
        + '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
        'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>'
    ]
    out += [f'<w:gridCol w:w="{w}"/>' for w in twips]
    out.append('</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>')
    out += [_cell_xml(text, w, bold=True, align="center", size=size) for text, w in zip(header, twips)]
    out.append("</w:tr>")
    for cells, style in rows:
        out.append("<w:tr>")
        if style.get("merge"):
            out.append(_cell_xml(cells[0], sum(twips), bold=True, italic=True, size=size, span=cols))
        else:
            for i, (text, w) in enumerate(zip(cells, twips)):
                align = "right" if i >= numeric_from else "left"
                if i == 0 and numeric_from > 1:
                    align = "center"
                out.append(
                    _cell_xml(
                        text,
                        w,
                        bold=style.get("bold", False),
                        italic=style.get("italic", False),
                        align=align,
                        size=size,
                    )
                )
            out += [_cell_xml("", w, size=size) for w in twips[len(cells) :]]  # as add_row: every cell present
        out.append("</w:tr>")
    out.append("</w:tbl>")
    doc.document.element.body._insert_tbl(parse_xml("".join(out)))
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(3)


def _chunks(fields, budget: float):
    """Numeric fields cut into tables that fit `budget` cm, each with its column widths (the room
    left shared out)."""
    chunks, current, used = [], [], 0.0
    for f in fields:
        need = COLUMN_CM.get(f.type, 2.0)
        if current and used + need > budget:
            chunks.append(current)
            current, used = [], 0.0
        current.append(f)
        used += need
    if current:
        chunks.append(current)
    result = []
    for chunk in chunks:
        needs = [COLUMN_CM.get(f.type, 2.0) for f in chunk]
        extra = (budget - sum(needs)) / len(chunk)
        result.append((chunk, [n + extra for n in needs]))
    return result


def _stat_cell(stat: Stat) -> str:
    if stat.count == 0 and stat.is_percent:
        return ""
    return stat.display


# --- the subdocuments ---------------------------------------------------------------------------


def _totals_subdoc(c: Consolidation):
    doc = Fragment()
    rows: list[tuple[list, dict]] = []
    n = 0
    for table in c.section_tables:
        rows.append(([table.section.title], {"merge": True}))  # numbered once: no "I.1." under "II. 1."
        for f in table.fields:
            n += 1
            stat = c.totals[f.code]
            unit = UNIT_OF_MEASURE.get(f.type, "")
            value = (
                stat.display
                if not stat.is_percent
                else (f"TB {stat.display} ({stat.range_display})" if stat.count else "")
            )
            rows.append(([str(n), f.label, unit, value, str(stat.count)], {}))
    _table(
        doc,
        ["STT", "Chỉ tiêu", "Đơn vị tính", c.scope_label, f"Số {c.level_label.split(',')[0]} có số liệu"],
        rows,
        widths=[1.3, 8.0, 1.6, 3.6, 2.0],
        numeric_from=3,
    )
    return doc


def _regions_subdoc(c: Consolidation):
    doc = Fragment()
    for table in c.section_tables:
        for index, (fields, widths) in enumerate(_chunks(table.fields, TEXT_WIDTH - 4.4), start=1):
            suffix = f" (tiếp theo, phần {index})" if index > 1 else ""
            _para(doc, f"{table.section.title}{suffix}", bold=True, italic=True, size=Pt(12))
            rows: list[tuple[list, dict]] = []
            for group in c.regions:
                cells = [_stat_cell(st) for st in group.cells(fields)]
                rows.append(([f"{group.label} ({len(group.units)})"] + cells, {}))
            rows.append(([c.scope_label.upper()] + [_stat_cell(c.totals[f.code]) for f in fields], {"bold": True}))
            _table(doc, ["Vùng (số đơn vị)"] + [f.label for f in fields], rows, widths=[4.4] + widths, size=DETAIL_SIZE)
    return doc


def _comparison_subdoc(c: Consolidation):
    doc = Fragment()
    cmp = c.comparison
    rows = []
    for row in cmp.rows if cmp else []:
        change = row.change_pct
        rows.append(
            (
                [
                    row.field.label,
                    fmt(row.field.type, row.current),
                    fmt(row.field.type, row.previous),
                    fmt_signed(row.field.type, row.difference),
                    fmt_signed("percent", change) if change is not None else "",
                ],
                {},
            )
        )
    _table(
        doc,
        ["Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng (+), giảm (−)", "Tỉ lệ tăng, giảm"],
        rows,
        widths=[6.5, 2.6, 2.6, 2.6, 2.2],
        size=Pt(10),
    )
    return doc


def _detail_subdoc(c: Consolidation):
    doc = Fragment()
    unit_word = "Tỉnh, thành phố" if c.request.recipient_level == "province" else "Đơn vị"
    for number, table in enumerate(c.section_tables, start=1):
        for index, (fields, widths) in enumerate(_chunks(table.fields, TEXT_WIDTH - 4.4), start=1):
            suffix = f" (tiếp theo, phần {index})" if index > 1 else ""
            _para(doc, f"Biểu {number}. {table.section.title}{suffix}", bold=True, size=Pt(12))
            header = ["STT", unit_word] + [f.label for f in fields]
            rows: list[tuple[list, dict]] = []
            for n, row in enumerate(c.rows, start=1):
                name = row.name + (" (*)" if row.provisional else "")
                rows.append(([str(n), name] + [fmt(f.type, v) for f, v in zip(fields, row.cells(fields))], {}))
            for group in c.regions:
                cells = [_stat_cell(s) for s in group.cells(fields)]
                rows.append((["", f"Vùng {group.label} ({len(group.units)})"] + cells, {"italic": True}))
            for group in c.provinces:
                rows.append(
                    (
                        ["", f"{group.label} ({len(group.units)})"] + [_stat_cell(s) for s in group.cells(fields)],
                        {"italic": True},
                    )
                )
            rows.append((["", c.scope_label.upper()] + [_stat_cell(c.totals[f.code]) for f in fields], {"bold": True}))
            _table(doc, header, rows, widths=[1.0, 3.4] + widths, numeric_from=2, size=DETAIL_SIZE)
    if any(r.provisional for r in c.rows):
        _para(
            doc, "(*) Báo cáo đã nộp nhưng chưa được tiếp nhận; số liệu có thể còn thay đổi.", italic=True, size=Pt(11)
        )
    _para(
        doc,
        f"Số liệu tỉ lệ phần trăm ở dòng vùng và {c.scope_label.lower()} là số bình quân của các đơn vị có số liệu.",
        italic=True,
        size=Pt(11),
        before=Pt(0),
    )
    return doc


def _collated_subdoc(c: Consolidation):
    doc = Fragment()
    for table in c.tables:
        if not table.rows:
            continue
        f = table.field
        _para(doc, f"Bảng tổng hợp: {f.label} ({len(table.rows)} dòng)", bold=True)
        header = ["STT", "Đơn vị"] + [col.label for col in f.columns]
        rows = []
        for n, (unit, row) in enumerate(table.rows, start=1):
            rows.append(
                (
                    [str(n), unit]
                    + [
                        schema.display(col.type, row.get(col.code), col.options)
                        if row.get(col.code) not in (None, "")
                        else ""
                        for col in f.columns
                    ],
                    {},
                )
            )
        if table.totals:
            rows.append(
                (
                    ["", "Tổng cộng"]
                    + [fmt(col.type, table.totals[col.code]) if col.code in table.totals else "" for col in f.columns],
                    {"bold": True},
                )
            )
        # columns share the width after the length of what they hold (a summary gets more than a date)
        weights = []
        for i, col in enumerate(f.columns, start=2):
            mean = sum(len(cells[i]) for cells, _style in rows) / max(len(rows), 1)
            weights.append(max(mean, len(col.label) / 2, 6) ** 0.5)
        rest = TEXT_WIDTH - 1.0 - 2.6
        widths = [rest * w / sum(weights) for w in weights]
        _table(doc, header, rows, widths=[1.0, 2.6] + widths, numeric_from=99, size=DETAIL_SIZE)
    return doc


# --- the context --------------------------------------------------------------------------------


def _issue_context(c: Consolidation, kind: str) -> list[dict]:
    groups = []
    for group in c.issues_of(kind):
        if not group.items:
            continue
        # numbered under its own part (III. or IV.): "1.", "2." — the outline's "I.3" is not repeated
        groups.append(
            {
                "heading": clean(f"{len(groups) + 1}. {group.section.title}"),
                "points": [
                    {
                        "text": clean(item.text),
                        "count": item.count,
                        "units_text": clean(f"{item.count} {c.level_label.split(',')[0]}: {_names(item.units)}"),
                    }
                    for item in group.items
                ],
            }
        )
    return groups


def submission_figures(c: Consolidation):
    """The request's units expected, submitted, on time, late and missing as the indicator service counts
    them (`reports_expected`, `reports_submitted`, the numerator of `report_timeliness`; issue 18: one
    source of numbers, through ocop/programme/figures.py); returned and accepted stay the consolidation's."""
    pk = c.request.pk
    expected = figures.of_request("reports_expected", pk)
    submitted = figures.of_request("reports_submitted", pk)
    on_time = figures.of_request("report_timeliness", pk, "num")
    return dataclasses.replace(
        c.summary,
        expected=expected,
        submitted=submitted,
        on_time=on_time,
        late=submitted - on_time,
        missing=expected - submitted,
    )


def context(
    c: Consolidation,
    *,
    issuer=None,
    signer_position: str | None = None,
    signer_name: str | None = None,
    recipients: list[str] | None = None,
    today: dt.date | None = None,
) -> dict:
    """The template's context. The issuing body, its header lines, the symbol of the number, the
    place and the signature block come from the issuer's facts on the report's date (dated data,
    ocop/documents/issuers.py); `issuer`, `signer_position`, `signer_name` override them."""
    req = c.request
    s = submission_figures(c)
    today = today or timezone.localdate()
    day = report_day(c, today)
    issuer = issuer or issuer_for(c, day)
    facts = issuer.facts_on(day)
    signer_position = facts.signature_title if signer_position is None else signer_position
    signer_name = facts.signer_name if signer_name is None else signer_name
    level = c.level_label
    word = level.split(",")[0]  # "tỉnh"
    body_name = facts.name
    on_time = s.on_time
    basis = req.document_number and f"Công văn số {req.document_number}" + (
        f" ngày {format_date(req.issued_on)}" if req.issued_on else ""
    )
    intro = (
        f"Thực hiện {basis + ' về ' if basis else ''}{req.title[:1].lower()}{req.title[1:]} "
        f"(số liệu tính đến hết ngày {format_date(req.cutoff)}, hạn gửi báo cáo ngày {format_date(req.deadline)}), "
        f"trên cơ sở báo cáo của các {level}, {body_name} tổng hợp kết quả như sau:"
    )
    summary = (
        f"Tổng số {level} phải báo cáo: {s.expected}; đã gửi báo cáo: {s.submitted} ({on_time} đúng hạn, {s.late} "
        f"muộn); chưa gửi báo cáo: {s.missing}. Số báo cáo đã được tiếp nhận và đưa vào tổng hợp: "
        f"{len(c.rows) - len(c.provisional)}"
        + (
            f"; đưa vào tổng hợp tạm thời {len(c.provisional)} báo cáo đã nộp nhưng chưa được tiếp nhận"
            if c.provisional
            else ""
        )
        + "."
    )
    late_text = _names(
        f"{st.unit.name} (gửi ngày {format_date(timezone.localtime(st.first_submitted_at))})" for st in c.late
    )
    totals_intro = (
        f"Tổng hợp từ {len(c.rows)} báo cáo của các {level}; số liệu tỉ lệ phần trăm là số bình quân của các đơn vị có "
        "số liệu (không cộng dồn). Một số chỉ tiêu chính: "
        + "; ".join(_stat_text(c.totals[f.code], word) for f in _key_fields(c))
        + "."
    )
    choices = []
    for ch in c.choices:
        parts = [f"{cnt.label.lower()}: {cnt.count}" for cnt in ch.counts if cnt.count]
        if parts:
            choices.append({"text": clean(f"{ch.field.label}: " + "; ".join(parts) + ".")})
    cmp = c.comparison
    if cmp:
        comparison_intro = (
            f"So với {cmp.request.title[:1].lower()}{cmp.request.title[1:]} (số liệu đến hết ngày "
            f"{format_date(cmp.request.cutoff)}, {cmp.units} báo cáo được tiếp nhận):"
        )
    else:
        comparison_intro = "Chưa có kỳ báo cáo trước cùng mẫu báo cáo để so sánh."
    narratives = []
    for ns in c.narratives:
        narratives.append(
            {
                "heading": clean(f"{len(narratives) + 1}. {ns.section.title}"),
                "fields": [
                    {
                        "label": clean(nf.field.label),
                        "show_label": len(ns.fields) > 1,
                        "entries": [
                            {"unit": clean(e.unit + (" (*)" if e.provisional else "")), "text": clean(e.text)}
                            for e in nf.entries
                        ],
                    }
                    for nf in ns.fields
                ],
            }
        )
    if recipients is None:
        recipients = (
            [
                "Ban Chỉ đạo Trung ương các Chương trình MTQG (để b/c);",
                "Lãnh đạo Bộ (để b/c);",
                f"UBND các {level};",
                "Lưu: VT, VPĐP.",
            ]
            if c.is_national
            else [
                "Văn phòng Điều phối nông thôn mới Trung ương (để b/c);",
                f"UBND các {level};",
                "Lưu: VT.",
            ]
        )
    number = f"        /BC-{facts.symbol}"
    ctx = {
        "parent_lines": [header_line(line, bold=False) for line in facts.parent_lines],
        "issuer_lines": [header_line(line, bold=True) for line in facts.header_lines],
        "document_number": number,
        "place_date": _place_date(c, today, facts.place),
        "subject": clean(_subject(c)),
        "subject_note": clean(
            f"(Tổng hợp ngày {format_date(timezone.localtime(c.generated_at))} từ {len(c.rows)} báo cáo"
            f" của {s.expected} {level} phải báo cáo)"
        ),
        "intro": clean(intro),
        "submission_summary": clean(summary),
        "missing_count": len(c.missing),
        "missing_heading": f"Các {level} chưa gửi báo cáo ({len(c.missing)})",
        "missing_text": clean(_unit_names(c.missing)),
        "late_count": len(c.late),
        "late_heading": f"Các {level} gửi báo cáo muộn ({len(c.late)})",
        "late_text": clean(late_text),
        "pending_count": len(c.pending),
        "pending_heading": f"Báo cáo đã nộp, chưa được tiếp nhận nên chưa đưa vào tổng hợp ({len(c.pending)})",
        "pending_text": clean(_unit_names(st.unit for st in c.pending)),
        "provisional_count": len(c.provisional),
        "provisional_note": clean(
            f"(*) Đưa vào tổng hợp tạm thời {len(c.provisional)} báo cáo đã nộp nhưng chưa được tiếp nhận: "
            f"{_names(r.name for r in c.provisional)}; số liệu của các báo cáo này có thể còn thay đổi."
        ),
        "totals_intro": clean(totals_intro),
        "totals_table": _totals_subdoc(c),
        "choices": choices,
        "regions_table": _regions_subdoc(c),
        "comparison_intro": clean(comparison_intro),
        "has_comparison": bool(cmp and cmp.rows),
        "comparison_table": _comparison_subdoc(c),
        "shortcomings": _issue_context(c, "shortcomings"),
        "no_shortcomings": f"Các {level} không nêu tồn tại, khó khăn.",
        "proposals": _issue_context(c, "proposals"),
        "no_proposals": f"Các {level} không có đề xuất, kiến nghị.",
        "narratives_intro": clean(
            f"Nội dung báo cáo của từng {word} theo các mục của đề cương, xếp theo mã đơn vị hành chính."
        ),
        "narratives": narratives,
        "closing": clean(
            f"Trên đây là báo cáo {_subject(c)[:1].lower()}{_subject(c)[1:]}, {body_name} trân trọng báo cáo./."
        ),
        "recipients": [clean(r) for r in recipients],
        "signer_position": clean(signer_position),
        "signer_note": "",
        "signer_name": clean(signer_name),
        "appendix_title": clean(f"SỐ LIỆU CHI TIẾT THEO TỪNG {word.upper()}"),
        "appendix_note": clean(
            f"(Kèm theo Báo cáo số {number.strip()} ngày {_dmy_or_blank(c, today)} của {body_name})"
        ),
        "detail_tables": _detail_subdoc(c),
        "has_collated_tables": any(t.rows for t in c.tables),
        "collated_tables": _collated_subdoc(c),
    }
    return ctx


def _dmy_or_blank(c: Consolidation, today: dt.date) -> str:
    """The report's date as dd/mm/yyyy, or "     /     /yyyy" where the date is left to fill in."""
    deadline = c.request.deadline
    if today.year - deadline.year > 1:
        return f"     /     /{deadline.year}"
    return format_date(today)


def _key_fields(c: Consolidation):
    """The figures quoted in the text: the first numeric field of each section with data."""
    fields = []
    for table in c.section_tables:
        candidates = [f for f in table.fields if c.totals[f.code].value]
        totals = [f for f in candidates if f.code.endswith("_total") or f.label.lower().startswith("tổng")]
        if totals or candidates:
            fields.append((totals or candidates)[0])
    return fields


def build_docx(consolidation: Consolidation, **options) -> bytes:
    """The national synthesis report as .docx bytes (docxtpl, autoescaped)."""
    tpl = DocxTemplate(TEMPLATE_PATH)
    ctx = context(consolidation, **options)
    tpl.render(ctx, autoescape=True)
    props = tpl.docx.core_properties  # (get_docx() would reload the unrendered template)
    props.title = clean(_subject(consolidation))[:250]
    props.subject = clean(consolidation.request.title)[:250]
    props.identifier = f"ocop-consolidation-{consolidation.request.pk}"
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


def build_pdf(consolidation: Consolidation, docx: bytes | None = None, **options) -> bytes:
    """The .docx through LibreOffice (ocop.documents.pdf)."""
    return convert_to_pdf(docx if docx is not None else build_docx(consolidation, **options))


# --- Excel --------------------------------------------------------------------------------------

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(text: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", clean(text)).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def _xl(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class _Sheet:
    """A sheet of the workbook, printed as the writer prints every export (ocop/lib/spreadsheet.py):
    A4 one page wide, portrait or landscape by width, `header_rows` repeated on every page."""

    def __init__(self, wb: Workbook, title: str, used: set[str], header_rows: str | None = None):
        self.ws = wb.create_sheet(title=_sheet_name(title, used))
        self.bold = Font(bold=True)
        self.italic = Font(italic=True)
        self.header_rows = header_rows

    def row(self, values, *, bold=False, italic=False, wrap=False, title=False):
        font = Font(bold=True, size=13) if title else self.bold if bold else self.italic if italic else None
        cells = []
        for value in values:
            value = _xl(value)
            number_format = "#,##0.0##" if isinstance(value, float) else None
            cells.append(spreadsheet.cell(self.ws, value, font=font, wrap=wrap, number_format=number_format))
        self.ws.append(cells)

    def widths(self, *widths):
        from openpyxl.utils import get_column_letter

        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        spreadsheet.print_setup(self.ws, title=self.ws.title, widths=widths, header_rows=self.header_rows)


def _stat_xl(stat: Stat):
    return _xl(stat.value) if (stat.count or not stat.is_percent) else None


def build_xlsx(c: Consolidation) -> bytes:
    """Sheets: Tổng hợp (national figures, regions), one per section table (a row per unit), Ma trận
    (units × every numeric field), the table fields, Tồn tại - kiến nghị, Ý kiến (narratives),
    Thiếu - muộn (missing, late and pending units)."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    req = c.request
    contents = _Sheet(wb, "Mục lục", used)
    # units and provinces in Vietnamese alphabetical order (ocop/lib/collation.py)
    rows = vi_sorted(c.rows, key=lambda r: r.name)
    provinces = vi_sorted(c.provinces, key=lambda g: g.label)

    ws = _Sheet(wb, "Tổng hợp", used, header_rows="5:5")
    ws.widths(8, 60, 18, 14, 14, 14, 12)
    ws.row([f"Tổng hợp: {req.title}"], title=True)
    ws.row(
        [
            f"Số liệu đến hết ngày {format_date(req.cutoff)}; hạn nộp {format_date(req.deadline)}; tổng hợp lúc "
            f"{timezone.localtime(c.generated_at):%H:%M %d/%m/%Y}"
        ]
    )
    s = submission_figures(c)
    ws.row(
        [
            f"Phải báo cáo: {s.expected}; đã nộp: {s.submitted} (đúng hạn {s.on_time}, muộn {s.late}); đã tiếp nhận: "
            f"{s.accepted}; chưa nộp: {s.missing}; đưa vào tổng hợp: {len(c.rows)}"
            + (f" (tạm thời {len(c.provisional)})" if c.provisional else "")
        ]
    )
    ws.row([])
    ws.row(
        [
            "Mục",
            "Chỉ tiêu",
            f"{c.scope_label} (tổng / bình quân)",
            "Thấp nhất",
            "Cao nhất",
            "Số đơn vị có số liệu",
            "Đơn vị tính",
        ],
        bold=True,
        wrap=True,
    )
    for table in c.section_tables:
        for f in table.fields:
            stat = c.totals[f.code]
            ws.row(
                [
                    table.section.number,
                    f.label,
                    _stat_xl(stat),
                    _xl(stat.minimum),
                    _xl(stat.maximum),
                    stat.count,
                    UNIT_OF_MEASURE.get(f.type, ""),
                ]
            )
    ws.row([])
    ws.row(["Theo vùng kinh tế - xã hội"], bold=True)
    ws.row(
        ["", "Chỉ tiêu"] + [f"{g.label} ({len(g.units)})" for g in c.regions] + [c.scope_label], bold=True, wrap=True
    )
    for f in c.numeric_fields:
        ws.row(["", f.label] + [_stat_xl(g.stats[f.code]) for g in c.regions] + [_stat_xl(c.totals[f.code])])
    if c.provinces:
        ws.row([])
        ws.row(["Theo tỉnh, thành phố"], bold=True)
        ws.row(["", "Chỉ tiêu"] + [f"{g.label} ({len(g.units)})" for g in provinces], bold=True, wrap=True)
        for f in c.numeric_fields:
            ws.row(["", f.label] + [_stat_xl(g.stats[f.code]) for g in provinces])
    if c.comparison:
        cmp = c.comparison
        ws.row([])
        ws.row(
            [f"So sánh với kỳ trước: {cmp.request.title} (đến hết ngày {format_date(cmp.request.cutoff)})"], bold=True
        )
        ws.row(["", "Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng, giảm", "Tỉ lệ tăng, giảm (%)"], bold=True, wrap=True)
        for row in cmp.rows:
            ws.row(
                [
                    "",
                    row.field.label,
                    _xl(row.current),
                    _xl(row.previous),
                    _xl(row.difference),
                    float(round(row.change_pct, 1)) if row.change_pct is not None else None,
                ]
            )
    for ch in c.choices:
        ws.row([])
        ws.row([ch.field.label], bold=True)
        for cnt in ch.counts:
            ws.row(["", cnt.label, cnt.count, _names(cnt.units)])

    for table in c.section_tables:
        sheet = _Sheet(wb, f"{table.section.number} {table.section.title}", used, header_rows="2:2")
        sheet.widths(8, 26, 30, 12, *[16] * len(table.fields))
        sheet.row([f"{table.section.number}. {table.section.title}"], title=True)
        sheet.row(["Mã đơn vị", "Đơn vị", "Vùng", "Trạng thái"] + [f.label for f in table.fields], bold=True, wrap=True)
        for row in rows:
            state = "Tạm thời (chưa tiếp nhận)" if row.provisional else "Đã tiếp nhận"
            sheet.row([row.code, row.name, row.region, state] + [_xl(v) for v in row.cells(table.fields)])
        for group in c.regions:
            sheet.row(
                ["", f"Vùng {group.label}", f"{len(group.units)} đơn vị", ""]
                + [_stat_xl(st) for st in group.cells(table.fields)],
                italic=True,
            )
        for group in provinces:
            sheet.row(
                ["", group.label, f"{len(group.units)} đơn vị", ""]
                + [_stat_xl(st) for st in group.cells(table.fields)],
                italic=True,
            )
        sheet.row(
            ["", c.scope_label.upper(), f"{len(c.rows)} đơn vị", ""]
            + [_stat_xl(c.totals[f.code]) for f in table.fields],
            bold=True,
        )

    matrix = _Sheet(wb, "Ma trận", used, header_rows="1:1")
    matrix.widths(8, 26, 30, 10, *[14] * len(c.numeric_fields))
    matrix.row(["Mã đơn vị", "Đơn vị", "Vùng", "Tạm thời"] + [f.label for f in c.numeric_fields], bold=True, wrap=True)
    for row in rows:
        matrix.row(
            [row.code, row.name, row.region, "x" if row.provisional else ""]
            + [_xl(v) for v in row.cells(c.numeric_fields)]
        )
    matrix.row(["", c.scope_label.upper(), "", ""] + [_stat_xl(c.totals[f.code]) for f in c.numeric_fields], bold=True)

    for table in c.tables:
        f = table.field
        sheet = _Sheet(wb, f"Bảng {f.label}", used, header_rows="2:2")
        sheet.widths(26, *[22] * len(f.columns))
        sheet.row([f.label], title=True)
        sheet.row(["Đơn vị"] + [col.label for col in f.columns], bold=True)
        for unit, row in table.rows:
            values = []
            for col in f.columns:
                value = row.get(col.code)
                if value in (None, ""):
                    values.append(None)
                elif col.type in ("integer", "money"):
                    values.append(_xl(schema.numeric(value)) if _is_number(value) else str(value))
                elif col.type == "date":
                    values.append(_date(value))
                else:
                    values.append(schema.display(col.type, value, col.options))
            sheet.row([unit] + values)
        if table.totals:
            sheet.row(
                ["Tổng cộng"]
                + [_xl(table.totals.get(col.code)) if col.code in table.totals else None for col in f.columns],
                bold=True,
            )

    issues = _Sheet(wb, "Tồn tại - kiến nghị", used, header_rows="1:1")
    issues.widths(22, 14, 90, 10, 80)
    issues.row(["Nhóm", "Mục", "Nội dung (đã gộp trùng)", "Số đơn vị", "Đơn vị nêu"], bold=True)
    for group in c.issues:
        for item in group.items:
            issues.row([group.kind_label, group.section.number, item.text, item.count, _names(item.units)], wrap=True)

    texts = _Sheet(wb, "Ý kiến", used, header_rows="1:1")
    texts.widths(8, 40, 8, 26, 120)
    texts.row(["Mục", "Nội dung", "Mã", "Đơn vị", "Ý kiến"], bold=True)
    for ns in c.narratives:
        for nf in ns.fields:
            for e in nf.entries:
                texts.row([ns.section.number, nf.field.label, e.code, e.unit, e.text], wrap=True)

    gaps = _Sheet(wb, "Thiếu - muộn", used)
    gaps.widths(10, 30, 22, 40)
    gaps.row([f"Chưa gửi báo cáo ({len(c.missing)})"], bold=True)
    gaps.row(["Mã", "Đơn vị", "Tình trạng"], bold=True)
    by_unit = {st.unit.pk: st for st in c.statuses}
    for unit in c.missing:
        gaps.row([unit.code, unit.name, by_unit[unit.pk].state_label])
    gaps.row([])
    gaps.row([f"Gửi báo cáo muộn (hạn {format_date(req.deadline)}) ({len(c.late)})"], bold=True)
    gaps.row(["Mã", "Đơn vị", "Nộp lần đầu"], bold=True)
    for st in c.late:
        gaps.row([st.unit.code, st.unit.name, timezone.localtime(st.first_submitted_at).replace(tzinfo=None)])
    gaps.row([])
    gaps.row([f"Đã nộp, chưa được tiếp nhận: chưa đưa vào tổng hợp ({len(c.pending)})"], bold=True)
    gaps.row(["Mã", "Đơn vị", "Tình trạng"], bold=True)
    for st in c.pending:
        gaps.row([st.unit.code, st.unit.name, st.state_label])
    if c.provisional:
        gaps.row([])
        gaps.row([f"Đưa vào tổng hợp tạm thời ({len(c.provisional)})"], bold=True)
        for row in c.provisional:
            gaps.row([row.code, row.name, "Đã nộp, chưa tiếp nhận"])

    # the contents: one line per sheet, each a link to it
    contents.widths(6, 60)
    contents.row([f"Mục lục: {req.title}"], title=True)
    contents.row(["STT", "Trang tính (bấm để mở)"], bold=True)
    for i, sheet in enumerate(wb.worksheets[1:], start=1):
        contents.ws.append(
            [spreadsheet.cell(contents.ws, i), spreadsheet.link_cell(contents.ws, sheet.title, sheet.title)]
        )

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _is_number(value) -> bool:
    try:
        schema.numeric(value)
        return True
    except Exception:  # noqa: BLE001
        return False


def _date(value):
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)


def render(c: Consolidation, fmt_: str, **options) -> bytes:
    if fmt_ == "docx":
        return build_docx(c, **options)
    if fmt_ == "pdf":
        return build_pdf(c, **options)
    if fmt_ == "xlsx":
        return build_xlsx(c)
    raise ValueError(fmt_)
