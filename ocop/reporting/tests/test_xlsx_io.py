"""Excel round trip, error reporting with cell references, hostile uploads, and the Word output."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ocop.lib.text import clean_text
from ocop.lib.upload_safety import check_office_upload
from ocop.reporting.docx_out import build_docx
from ocop.reporting.schema import coerce, parse_definition, validate
from ocop.reporting.xlsx_io import MAIN_SHEET, CellIssue, build_workbook, parse_workbook

KINDS = [{"value": "fair", "label": "Hội chợ, triển lãm"}, {"value": "training", "label": "Tập huấn"}]
DEFINITION = {
    "code": "ocop-test",
    "version": 3,
    "title": "Báo cáo kết quả thực hiện Chương trình OCOP",
    "subtitle": "Năm 2018",
    "sections": [
        {
            "number": "I",
            "title": "Thông tin chung",
            "prompt": "Nêu căn cứ và tình hình xây dựng kế hoạch.",
            "fields": [
                {"code": "report_date", "label": "Ngày báo cáo", "type": "date", "required": True},
                {
                    "code": "plan_status",
                    "label": "Tình trạng kế hoạch",
                    "type": "choice",
                    "options": [
                        {"value": "approved", "label": "Đã phê duyệt"},
                        {"value": "drafting", "label": "Đang xây dựng"},
                    ],
                },
                {"code": "plan_decision", "label": "Quyết định phê duyệt", "type": "text"},
            ],
        },
        {
            "number": "II",
            "title": "Kết quả",
            "fields": [
                {"code": "products_total", "label": "Tổng số sản phẩm", "type": "integer"},
                {"code": "products_4star", "label": "Sản phẩm 4 sao", "type": "integer"},
                {
                    "code": "funding_total",
                    "label": "Tổng kinh phí",
                    "type": "money",
                    "binding": "programme.funding_total",
                },
                {"code": "funding_central", "label": "Ngân sách trung ương", "type": "money"},
                {"code": "funding_local", "label": "Ngân sách địa phương", "type": "money"},
                {"code": "completion_rate", "label": "Tỉ lệ hoàn thành", "type": "percent"},
                {"code": "participants_total", "label": "Tổng số người tham gia", "type": "integer"},
            ],
        },
        {
            "number": "II.1",
            "title": "Các hoạt động xúc tiến",
            "prompt": "Liệt kê các hoạt động đã tổ chức.",
            "fields": [
                {
                    "code": "activities",
                    "label": "Danh sách hoạt động",
                    "type": "table",
                    "columns": [
                        {"code": "name", "label": "Tên hoạt động", "type": "text", "required": True},
                        {"code": "held_on", "label": "Ngày tổ chức", "type": "date"},
                        {"code": "participants", "label": "Số người", "type": "integer"},
                        {"code": "cost", "label": "Kinh phí", "type": "money"},
                        {"code": "kind", "label": "Loại", "type": "choice", "options": KINDS},
                        {"code": "share", "label": "Tỉ lệ", "type": "percent"},
                    ],
                },
            ],
        },
        {
            "number": "III",
            "title": "Đánh giá chung",
            "fields": [{"code": "narrative", "label": "Đánh giá", "type": "text"}],
        },
    ],
    "rules": [
        {"kind": "sum_equals", "target": "funding_total", "terms": ["funding_central", "funding_local"]},
        {"kind": "table_sum_equals", "target": "participants_total", "table": "activities", "column": "participants"},
        {"kind": "less_or_equal", "left": "products_4star", "right": "products_total"},
        {"kind": "required_if", "field": "plan_decision", "when": "plan_status", "equals": "approved"},
        {"kind": "range", "field": "completion_rate", "min": 0, "max": 100},
    ],
}
TEMPLATE = parse_definition(DEFINITION)
LABELS = {
    "title": "Báo cáo năm 2018",
    "unit_label": "Tỉnh Bắc Giang",
    "request_label": "Báo cáo năm 2018 (hạn 15/01/2019)",
}
TABLE_SHEET = "II.1 Danh sách hoạt động"


def make(data=None, template=TEMPLATE, **kwargs) -> bytes:
    return build_workbook(template, data or {}, **{**LABELS, **kwargs})


def open_wb(content: bytes):
    return load_workbook(io.BytesIO(content))


def save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(ws, label: str) -> int:
    """The row a person finds by reading the labels in column B."""
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row=row, column=2).value
        if isinstance(value, str) and value.split(" (bắt buộc)")[0] == label:
            return row
    raise AssertionError(label)


def col_of(ws, label: str) -> int:
    for col in range(1, ws.max_column + 1):
        value = ws.cell(row=3, column=col).value
        if isinstance(value, str) and value.rstrip(" *") == label:
            return col
    raise AssertionError(label)


def put(ws, label: str, value) -> str:
    cell = ws.cell(row=row_of(ws, label), column=3)
    cell.value = value
    return cell.coordinate


def put_row(ws, n: int, values: dict) -> None:
    """Fill the n-th (1-based) data row of a table sheet by column labels."""
    for label, value in values.items():
        ws.cell(row=4 + n, column=col_of(ws, label)).value = value


# --- round trip -------------------------------------------------------------------------------------


def test_round_trip_gives_the_same_data_as_typing_it():
    existing = {
        "products_total": 12,
        "activities": [
            {
                "name": "Hội chợ OCOP Bắc Giang",
                "held_on": "2018-10-05",
                "participants": 50,
                "cost": 120000000,
                "kind": "fair",
                "share": "40",
            },
        ],
    }
    content = make(existing, prefilled={"funding_total": 1000000000})
    wb = open_wb(content)
    ws = wb[MAIN_SHEET]
    assert ws.column_dimensions["E"].hidden
    assert ws.cell(row=row_of(ws, "Tổng kinh phí"), column=3).value == 1000000000  # pre-filled from the system
    assert ws.cell(row=row_of(ws, "Tổng số sản phẩm"), column=3).value == 12

    put(ws, "Ngày báo cáo", dt.datetime(2018, 12, 31))
    put(ws, "Tình trạng kế hoạch", "Đã phê duyệt")  # chosen from the drop-down: the label
    put(ws, "Quyết định phê duyệt", "Quyết định số 12/QĐ-UBND\nngày 01/02/2019")
    put(ws, "Sản phẩm 4 sao", 5)
    put(ws, "Ngân sách trung ương", 600000000)
    put(ws, "Ngân sách địa phương", 400000000.0)  # Excel stores numbers as floats
    put(ws, "Tỉ lệ hoàn thành", 12.5)
    put(ws, "Tổng số người tham gia", 150)
    ws[put(ws, "Đánh giá", "=Kết quả tốt.\nCòn khó khăn về vốn.")].data_type = "s"  # text cell: "=" is just text
    table = wb[TABLE_SHEET]
    assert table.row_dimensions[4].hidden
    put_row(
        table,
        2,
        {
            "Tên hoạt động": "Tập huấn chủ thể",
            "Ngày tổ chức": dt.datetime(2018, 11, 20),
            "Số người": 100,
            "Kinh phí": 2500000,
            "Loại": "Tập huấn",
            "Tỉ lệ": 60,
        },
    )
    put_row(table, 5, {"Tên hoạt động": "Khảo sát", "Loại": "training"})  # rows 3–4 left empty
    data, issues = parse_workbook(
        TEMPLATE, io.BytesIO(save(wb)), unit_label=LABELS["unit_label"], request_label=LABELS["request_label"]
    )
    assert issues == []

    typed = {  # what the same person would type in the web form
        "report_date": ("date", "31/12/2018"),
        "plan_status": ("choice", "approved"),
        "plan_decision": ("text", "Quyết định số 12/QĐ-UBND\nngày 01/02/2019"),
        "products_total": ("integer", "12"),
        "products_4star": ("integer", "5"),
        "funding_total": ("money", "1.000.000.000"),
        "funding_central": ("money", "600.000.000"),
        "funding_local": ("money", "400.000.000"),
        "completion_rate": ("percent", "12,5"),
        "participants_total": ("integer", "150"),
        "narrative": ("text", "=Kết quả tốt.\nCòn khó khăn về vốn."),
    }
    options = {"plan_status": TEMPLATE.field("plan_status").options}
    expected = {code: coerce(t, raw, options.get(code, ()))[0] for code, (t, raw) in typed.items()}
    expected["activities"] = [
        {
            "name": "Hội chợ OCOP Bắc Giang",
            "held_on": "2018-10-05",
            "participants": 50,
            "cost": 120000000,
            "kind": "fair",
            "share": coerce("percent", "40")[0],
        },
        {
            "name": "Tập huấn chủ thể",
            "held_on": "2018-11-20",
            "participants": 100,
            "cost": 2500000,
            "kind": "training",
            "share": coerce("percent", "60")[0],
        },
        {"name": "Khảo sát", "held_on": None, "participants": None, "cost": None, "kind": "training", "share": None},
    ]
    assert data == expected
    assert expected["completion_rate"] == "12.5" and expected["report_date"] == "2018-12-31"
    assert validate(TEMPLATE, data) == []  # the rules hold for these numbers


def test_stored_data_written_back_unchanged():
    data = {
        "report_date": "2019-01-15",
        "plan_status": "drafting",
        "plan_decision": None,
        "products_total": 7,
        "products_4star": 2,
        "funding_total": 10,
        "funding_central": 4,
        "funding_local": 6,
        "completion_rate": "99.75",
        "participants_total": 0,
        "narrative": "Một dòng",
        "activities": [],
    }
    parsed, issues = parse_workbook(TEMPLATE, io.BytesIO(make(data)))
    assert issues == []
    assert parsed == data


def test_percent_typed_with_percent_sign_in_excel():
    wb = open_wb(make())
    ws = wb[MAIN_SHEET]
    coordinate = put(ws, "Tỉ lệ hoàn thành", 0.125)
    ws[coordinate].number_format = "0.0%"  # what Excel does when "12,5%" is typed
    data, issues = parse_workbook(TEMPLATE, io.BytesIO(save(wb)))
    assert issues == [] and data["completion_rate"] == "12.5"


# --- errors -----------------------------------------------------------------------------------------


def test_every_error_is_reported_with_sheet_and_cell_and_no_data_is_used():
    wb = open_wb(make({"activities": [{"name": "Hội chợ", "participants": 10}]}))
    ws = wb[MAIN_SHEET]
    c_int = put(ws, "Tổng số sản phẩm", "abc")
    c_date = put(ws, "Ngày báo cáo", "31/02/2018")
    c_choice = put(ws, "Tình trạng kế hoạch", "Không rõ")
    c_money = put(ws, "Ngân sách trung ương", -5)
    c_fraction = put(ws, "Ngân sách địa phương", 1000.5)
    table = wb[TABLE_SHEET]
    participants = get_column_letter(col_of(table, "Số người"))
    put_row(table, 1, {"Số người": "nhiều"})
    put_row(table, 3, {"Tên hoạt động": "Tập huấn", "Ngày tổ chức": "hôm qua"})
    held_on = get_column_letter(col_of(table, "Ngày tổ chức"))

    data, issues = parse_workbook(TEMPLATE, io.BytesIO(save(wb)))
    assert data == {}
    found = {(i.sheet, i.cell, i.field): i.message for i in issues}
    assert len(issues) == 7, issues
    assert "“abc” không phải là số nguyên" in found[(MAIN_SHEET, c_int, "products_total")]
    assert "31/02/2018" in found[(MAIN_SHEET, c_date, "report_date")]
    assert "không nằm trong các lựa chọn" in found[(MAIN_SHEET, c_choice, "plan_status")]
    assert found[(MAIN_SHEET, c_money, "funding_central")] == "Không được là số âm."
    assert "thập phân" in found[(MAIN_SHEET, c_fraction, "funding_local")]
    assert "Số người" in found[(TABLE_SHEET, f"{participants}5", "activities")]
    assert "hôm qua" in found[(TABLE_SHEET, f"{held_on}7", "activities")]
    assert str(CellIssue(MAIN_SHEET, "C14", "x")) == "Trang tính “Báo cáo”, ô C14: x"


def test_workbook_of_another_template_or_version_or_request_is_refused():
    other = parse_definition({**DEFINITION, "code": "ocop-other"})
    data, issues = parse_workbook(TEMPLATE, io.BytesIO(make({"products_total": 1}, template=other)))
    assert data == {} and len(issues) == 1 and "ocop-other" in issues[0].message

    newer = parse_definition({**DEFINITION, "version": 4})
    data, issues = parse_workbook(TEMPLATE, io.BytesIO(make(template=newer)))
    assert data == {} and "phiên bản 4" in issues[0].message

    data, issues = parse_workbook(TEMPLATE, io.BytesIO(make()), unit_label="Tỉnh Lạng Sơn")
    assert data == {} and "Tỉnh Bắc Giang" in issues[0].message


def test_changed_structure_is_reported():
    wb = open_wb(make())
    ws = wb[MAIN_SHEET]
    ws.cell(row=row_of(ws, "Sản phẩm 4 sao"), column=5).value = None  # the hidden code is gone
    wb[TABLE_SHEET].cell(row=4, column=col_of(wb[TABLE_SHEET], "Kinh phí")).value = None
    data, issues = parse_workbook(TEMPLATE, io.BytesIO(save(wb)))
    assert data == {}
    messages = " | ".join(i.message for i in issues)
    assert "Không tìm thấy trường “Sản phẩm 4 sao”" in messages
    assert "Không tìm thấy cột “Kinh phí”" in messages

    wb = open_wb(make())
    del wb[TABLE_SHEET]
    data, issues = parse_workbook(TEMPLATE, io.BytesIO(save(wb)))
    assert data == {} and "Danh sách hoạt động" in issues[0].message

    data, issues = parse_workbook(TEMPLATE, io.BytesIO(b"PK\x03\x04 not really"))
    assert data == {} and "tệp hỏng" in issues[0].message


def test_damaged_sheet_is_reported_not_raised():
    source = zipfile.ZipFile(io.BytesIO(make()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            content = source.read(info)
            zf.writestr(info, content[: len(content) // 2] if info.filename == "xl/worksheets/sheet1.xml" else content)
    data, issues = parse_workbook(TEMPLATE, io.BytesIO(damaged.getvalue()))
    assert data == {} and "tệp hỏng" in issues[0].message


def test_sheet_renamed_by_user_still_reads():
    wb = open_wb(make({"activities": [{"name": "A"}]}))
    wb[TABLE_SHEET].title = "Hoạt động"
    wb[MAIN_SHEET].title = "BC"
    data, issues = parse_workbook(TEMPLATE, io.BytesIO(save(wb)))
    assert issues == [] and data["activities"] == [
        {"name": "A", "held_on": None, "participants": None, "cost": None, "kind": None, "share": None}
    ]


# --- hostile uploads --------------------------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'


def upload(content: bytes, name: str = "bao-cao.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def minimal_xlsx(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": WORKBOOK, **members}.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def refused(content: bytes, name: str = "bao-cao.xlsx", **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_office_upload(upload(content, name), **kwargs)
    message = info.value.message % info.value.params
    assert name in message  # the message names the file
    info.value.text = message
    return info.value


def test_a_real_workbook_passes():
    f = upload(make({"products_total": 1}))
    check_office_upload(f)
    assert f.tell() == 0
    check_office_upload(upload(build_docx(TEMPLATE, {}, **LABELS), "bao-cao.docx"), allowed=(".docx",))


def zeros_member(name: str, megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        with zf.open(name, "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_from_the_directory():
    content = zeros_member("xl/worksheets/sheet1.xml", 200)
    assert len(content) < 1024 * 1024
    assert refused(content).code == "zip_bomb"
    # under the total limit, but compressed 1000:1
    assert refused(zeros_member("xl/worksheets/sheet1.xml", 20)).code == "zip_bomb"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="&lol9;"/></sheets></workbook>"""


def test_xml_entity_declarations_are_refused():
    error = refused(minimal_xlsx({"xl/workbook.xml": BILLION_LAUGHS}))
    assert error.code == "xml_entity" and "tệp chứa khai báo thực thể XML" in error.text
    # the same in UTF-16, and pushed behind 70 KB of comment
    utf16 = (
        BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
        .decode()
        .encode("utf-16")
    )
    assert refused(minimal_xlsx({"xl/workbook.xml": utf16})).code == "xml_entity"
    padded = b'<?xml version="1.0"?><!--' + b" " * 70000 + b"-->" + BILLION_LAUGHS.split(b"?>", 1)[1]
    assert refused(minimal_xlsx({"xl/sharedStrings.xml": padded})).code == "odd"
    external = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>'
    assert refused(minimal_xlsx({"xl/styles.xml": external})).code == "xml_entity"
    utf7 = b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<x/>'
    assert refused(minimal_xlsx({"xl/styles.xml": utf7})).code == "odd"


def test_macros_are_refused():
    error = refused(make(), "bao-cao.xlsm")
    assert error.code == "macro" and "Tệp có macro (.xlsm) không được chấp nhận" in error.text
    assert refused(minimal_xlsx({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"})).code == "macro"
    # a real workbook with a VBA project added
    buffer = io.BytesIO(make())
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.writestr("xl/vbaProject.bin", os.urandom(512))
    assert refused(buffer.getvalue()).code == "macro"


def test_other_bad_files_are_refused():
    error = refused(os.urandom(4096))
    assert error.code == "unreadable" and "tệp hỏng hoặc không phải Excel" in error.text
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(600)).code == "encrypted"
    assert refused(make(), "bao-cao.xls").code == "extension"
    assert refused(make(), "bao-cao.xlsb").code == "extension"
    assert refused(make(), "bao-cao.csv").code == "extension"
    assert refused(b"", "bao-cao.xlsx").code == "empty"
    oversize = refused(make() + os.urandom(11 * 1024 * 1024))
    assert oversize.code == "size" and "quá lớn" in oversize.text
    assert refused(minimal_xlsx({"../evil.xml": b"<x/>"})).code == "odd"
    no_workbook = io.BytesIO()
    with zipfile.ZipFile(no_workbook, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", b"<x/>")
    assert refused(no_workbook.getvalue()).code == "unreadable"


def test_encrypted_member_is_refused():
    content = bytearray(minimal_xlsx({}))
    # set the "encrypted" flag bit of the first entry, both in the local header and the central directory
    content[6] |= 1
    content[content.find(b"PK\x01\x02") + 8] |= 1
    assert refused(bytes(content)).code == "encrypted"


# --- Word -------------------------------------------------------------------------------------------


def test_build_docx():
    data = {
        "report_date": "2018-12-31",
        "plan_status": "approved",
        "funding_total": 1234567,
        "completion_rate": "12.5",
        "narrative": "Đoạn một.\nĐoạn hai & kết luận.",
        "activities": [
            {"name": "Hội chợ", "held_on": "2018-10-05", "participants": 50, "cost": 2000000, "kind": "fair"}
        ],
    }
    content = build_docx(TEMPLATE, data, submitted_label="Nộp ngày 10/01/2019", **LABELS)
    document = docx.Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    # headings numbered once, as the outline prints them: "II.1" is "1." under "II."
    labels = {"I": "I.", "II": "II.", "II.1": "1.", "III": "III."}
    for section in TEMPLATE.sections:
        assert f"{labels[section.number]} {section.title}" in text.split("\n")
    assert "Tổng kinh phí: 1.234.567" in text
    assert "Tỉ lệ hoàn thành: 12,5 %" in text
    assert "Ngày báo cáo: 31/12/2018" in text
    assert "Tình trạng kế hoạch: Đã phê duyệt" in text
    assert "Đoạn hai & kết luận." in text.split("\n")
    assert "Nộp ngày 10/01/2019" in text
    assert ["STT", "Tên hoạt động", "Ngày tổ chức", "Số người", "Kinh phí", "Loại", "Tỉ lệ"] == [
        c.text for c in document.tables[1].rows[0].cells
    ]
    assert "2.000.000" in cells and "Hội chợ, triển lãm" in cells and "05/10/2018" in cells
    assert "TỈNH BẮC GIANG" in [c.strip() for c in cells] and "Độc lập - Tự do - Hạnh phúc" in " ".join(cells)
    section = document.sections[0]
    measured = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    wanted = (Mm(210), Mm(297), Mm(20), Mm(20), Mm(30), Mm(15))
    assert all(abs(a - b) < Mm(0.1) for a, b in zip(measured, wanted))  # stored in twips
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Times New Roman"
    assert [p for p in document.paragraphs if p.text == "I. Thông tin chung"][0].runs[0].bold
    assert [p for p in document.paragraphs if p.text.startswith("Nêu căn cứ")][0].runs[0].italic


# --- property: whatever valid value goes out comes back ----------------------------------------------

PROPERTY_TEMPLATE = parse_definition(
    {
        "code": "prop",
        "version": 1,
        "title": "P",
        "sections": [
            {
                "number": "1",
                "title": "S",
                "fields": [
                    {"code": "t", "label": "Văn bản", "type": "text"},
                    {"code": "i", "label": "Số nguyên", "type": "integer"},
                    {"code": "m", "label": "Tiền", "type": "money"},
                    {"code": "p", "label": "Tỉ lệ", "type": "percent"},
                    {"code": "d", "label": "Ngày", "type": "date"},
                    {"code": "c", "label": "Chọn", "type": "choice", "options": KINDS},
                    {
                        "code": "rows",
                        "label": "Bảng",
                        "type": "table",
                        "columns": [
                            {"code": "t", "label": "Văn bản", "type": "text"},
                            {"code": "i", "label": "Số", "type": "integer"},
                            {"code": "m", "label": "Tiền", "type": "money"},
                            {"code": "p", "label": "Tỉ lệ", "type": "percent"},
                            {"code": "d", "label": "Ngày", "type": "date"},
                            {"code": "c", "label": "Chọn", "type": "choice", "options": KINDS},
                        ],
                    },
                ],
            }
        ],
    }
)

text_values = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")), st.just("\n")), max_size=80
).map(lambda s: coerce("text", clean_text(s))[0])  # stored text is clean NFC (ocop/lib/text.py)
percent_values = st.decimals(min_value=0, max_value=1000, places=2).map(lambda d: coerce("percent", str(d))[0])
VALUES = {
    "t": text_values,
    "i": st.integers(0, 10**9),
    "m": st.integers(0, 10**15),
    "p": percent_values,
    "d": st.dates(dt.date(1900, 3, 1), dt.date(2200, 12, 31)).map(dt.date.isoformat),
    "c": st.sampled_from([o["value"] for o in KINDS]),
}


def maybe(strategy):
    return st.one_of(st.none(), strategy)


rows_strategy = st.lists(
    st.fixed_dictionaries({code: maybe(s) for code, s in VALUES.items()}).filter(
        lambda r: any(v is not None for v in r.values())
    ),
    max_size=4,
)
data_strategy = st.fixed_dictionaries({**{code: maybe(s) for code, s in VALUES.items()}, "rows": rows_strategy})


def comparable(data: dict) -> dict:
    def fix(code, value):
        return Decimal(value) if code == "p" and value is not None else value

    out = {k: fix(k, v) for k, v in data.items() if k != "rows"}
    out["rows"] = [{k: fix(k, v) for k, v in row.items()} for row in data["rows"]]
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data_strategy)
def test_property_build_then_parse_returns_the_values(data):
    content = build_workbook(PROPERTY_TEMPLATE, data, title="T", unit_label="U", request_label="R")
    parsed, issues = parse_workbook(PROPERTY_TEMPLATE, io.BytesIO(content))
    assert issues == []
    assert comparable(parsed) == comparable(data)
