"""Every .xlsx export the application offers, found by walking the URL configuration (not listed by
hand), reads and prints like a file a clerk made: Vietnamese headers, no bare field code, dates as
date cells, frozen header with a filter, A4 one page wide with repeated headers and page numbers
(issue 20)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ocop.lib.spreadsheet import HEADER_ROW, XLSX_TYPE

pytestmark = pytest.mark.django_db

FIELD_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")  # province_code, plan_status, funding_vnd
DATE_AS_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}/\d{1,2}/\d{4}$")
SKIP_NAMESPACES = {"admin", "api", "bench", "opendata"}  # the admin, JSON and open data (its own documented dialect)


def _patterns(resolver: URLResolver, namespace: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            yield from _patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def _export_urls():
    """(name, url) of every page that answers with an .xlsx: pages without arguments asked with
    ?format=xlsx (the list exports), and views taking a `fmt` argument asked for "xlsx"."""
    urls = []
    for name, pattern in _patterns(get_resolver()):
        args = set(pattern.pattern.converters)
        if not args:
            urls.append((name, reverse(name) + "?format=xlsx"))
        elif args == {"fmt"}:
            urls.append((name, reverse(name, kwargs={"fmt": "xlsx"})))
    return urls


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_export_reads_and_prints_like_a_clerks_file(client, demo_users):
    client.force_login(demo_users["tw.quantri"])
    checked = []
    for name, url in _export_urls():
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith(XLSX_TYPE):
            continue
        wb = openpyxl.load_workbook(io.BytesIO(_content(response)))
        if wb.security is not None and wb.security.lockStructure:
            continue  # a protected workbook to fill in (the import template), not an export
        ws = wb.worksheets[0]
        header = [c.value for c in ws[HEADER_ROW] if c.value is not None]
        assert header, name
        assert not [h for h in header if FIELD_CODE.match(str(h))], (name, header)
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:"), name
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.page_setup.orientation in ("portrait", "landscape"), name
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}", name
        assert "&P" in (ws.oddFooter.right.text or ""), name
        for row in ws.iter_rows(min_row=HEADER_ROW + 1):
            for c in row:
                if isinstance(c.value, str):
                    assert not DATE_AS_TEXT.match(c.value), (name, c.coordinate, c.value)
                    assert c.data_type == "s", (name, c.coordinate)
        checked.append(name)
    # the walk found the exports (every list page, the status board), not a handful
    assert "programme:board_export" in checked and "products:product_list" in checked and len(checked) >= 10, checked


def test_board_export_has_vietnamese_values_real_dates_and_money(client, demo_users):
    from ocop.geo.models import AdminUnit, Era, Level
    from ocop.programme.models import ProvincialPlan

    bac_kan = AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06")
    ProvincialPlan.objects.create(
        unit=bac_kan,
        kind="de_an",
        title="Đề án OCOP",
        phase="2018-2020",
        status="approved",
        drafting_since="2018-01-15",
        decision_number="0851/QĐ-UBND",
        decision_date="2018-05-24",
        issuer="UBND tỉnh",
    )
    client.force_login(demo_users["tw.canbo"])
    response = client.get(reverse("programme:board_export", args=["xlsx"]), {"date": "12/12/2018"})
    ws = openpyxl.load_workbook(io.BytesIO(_content(response))).active
    row = next(r for r in ws.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "06")
    assert row[0].data_type == "s"  # the code as text, leading zero kept
    assert row[2].value == "Đã phê duyệt" and row[3].value == "Đề án" and row[4].value == "0851/QĐ-UBND"
    assert row[5].is_date and row[5].number_format == "DD/MM/YYYY"
    assert row[13].data_type == "n" and "đ" in row[13].number_format
    assert not any(c.value in ("approved", "de_an", "none") for r in ws.iter_rows() for c in r)
