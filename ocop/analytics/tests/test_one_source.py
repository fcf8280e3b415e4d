"""One source of numbers (issue 18): the same hand-computed figure in the pivot page, the CSV of
`manage.py export_indicator`, the API (/api/v1/indicators/) and the page, file or report that shows the
same quantity — the national report (units expected, submitted, on time), the public statistics page,
the open-data file `recognitions-by-year` and the API's /catalogue/statistics (products certified per
year), and the programme board (documents, activities and funding of a period). The board and the
national report read the indicator service through ocop/programme/figures.py, and fail loudly without it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ocop.analytics.tests.world import build, province
from ocop.api.services.tokens import do_create_token
from ocop.geo.models import Era

pytestmark = pytest.mark.django_db


def pivot_total(client, params: dict) -> str:
    html = client.get(reverse("analytics:pivot"), params).content.decode()
    row = re.search(r'<tr data-key="total">(.*?)</tr>', html, re.S)
    assert row, params
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)]
    return cells[-1]


def pivot_row(client, params: dict, key: str) -> list[str]:
    html = client.get(reverse("analytics:pivot"), params).content.decode()
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', html, re.S)
    assert row, (params, key)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)][1:]


def csv_rows(tmp_path, *args) -> list[dict]:
    out = tmp_path / "out.csv"
    call_command("export_indicator", *args, "--output", str(out))
    return list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))


def api_body(client, token: str, code: str, params: dict) -> dict:
    response = client.get(f"/api/v1/indicators/{code}/", params, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return response.json()


def a_request():
    """The 2018 request of Công văn 9654/BNN-VPĐP to three legacy provinces, due "trước ngày 10/01/2019":
    Bắc Kạn submitted on 09/01 (on time), Thái Nguyên on 10/01 at 00:30 (late), Hà Tĩnh only a draft.
    Expected 3, submitted 2, on time 1, late 1."""
    from ocop.reporting.loader import load_templates
    from ocop.reporting.models import ReportRequest, ReportTemplate, Submission

    load_templates()
    template = ReportTemplate.objects.get(code="ocop-cv9654-2018", version=1)
    req = ReportRequest.objects.create(
        title="Báo cáo kết quả triển khai Chương trình OCOP năm 2018",
        template=template,
        status="open",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
        deadline_rule="before",
        document_number="9654/BNN-VPĐP",
        issued_on=dt.date(2018, 12, 12),
    )
    bk, tn, ht = province("06", Era.LEGACY), province("19", Era.LEGACY), province("42", Era.LEGACY)
    req.recipients.set([bk, tn, ht])
    tz = timezone.get_current_timezone()
    Submission.objects.create(
        request=req, unit=bk, status="submitted", data={}, first_submitted_at=dt.datetime(2019, 1, 9, 23, 0, tzinfo=tz)
    )
    Submission.objects.create(
        request=req, unit=tn, status="submitted", data={}, first_submitted_at=dt.datetime(2019, 1, 10, 0, 30, tzinfo=tz)
    )
    Submission.objects.create(request=req, unit=ht, status="draft", data={})
    return req


def test_units_submitted_in_the_pivot_csv_api_and_national_report(client, demo_users, tmp_path):
    from ocop.reporting import national_report
    from ocop.reporting.consolidation import consolidate

    req = a_request()
    central = demo_users["tw.canbo"]
    client.force_login(central)
    token = do_create_token(central, "kiểm thử")[1]
    for code, expected in (("reports_submitted", 2), ("reports_expected", 3)):
        params = {
            "indicator": code,
            "geography": "legacy",
            "period": "request",
            "from": "2018",
            "to": "2018",
            "rows": "unit",
            "cols": "period",
        }
        assert pivot_total(client, params) == str(expected)
        rows = csv_rows(
            tmp_path, code, "--period", "request", "--geography", "legacy", "--from", "2018", "--to", "2018"
        )
        assert sum(int(r["value"]) for r in rows) == expected
        body = api_body(client, token, code, {"period": "request", "geography": "legacy", "from": 2018, "to": 2018})
        assert body["total"] == expected
        assert body["totals"] == [
            {"period": str(req.pk), "period_label": body["totals"][0]["period_label"], "value": expected}
        ]
    # per unit: Bắc Kạn and Thái Nguyên submitted, Hà Tĩnh did not
    by_unit = {
        r["unit_code"]: r["value"]
        for r in api_body(
            client, token, "reports_submitted", {"period": "request", "geography": "legacy", "from": 2018, "to": 2018}
        )["rows"]
    }
    assert (by_unit["06"], by_unit["19"], by_unit["42"]) == (1, 1, 0)
    c = consolidate(req)
    assert (c.summary.expected, c.summary.submitted, c.summary.on_time) == (3, 2, 1)
    summary = national_report.context(c)["submission_summary"]
    assert "phải báo cáo: 3; đã gửi báo cáo: 2 (1 đúng hạn, 1 muộn); chưa gửi báo cáo: 1." in summary
    # the .xlsx of the same report prints the same counts
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(national_report.build_xlsx(c)))["Tổng hợp"]
    texts = [str(cell.value) for row in sheet.iter_rows(max_row=5) for cell in row if cell.value]
    assert any("Phải báo cáo: 3; đã nộp: 2 (đúng hạn 1, muộn 1)" in t and "chưa nộp: 1" in t for t in texts), texts


def test_products_certified_in_the_pivot_csv_api_and_statistics_page(client, demo_users, tmp_path):
    build()
    central = demo_users["tw.canbo"]
    client.force_login(central)
    # 2020, today's Thái Nguyên: legacy Thái Nguyên 2 + Bắc Kạn 1 = 3; every province: 4
    params = {
        "indicator": "products_certified",
        "geography": "current",
        "period": "year",
        "from": "2019",
        "to": "2026",
        "rows": "unit",
        "cols": "period",
    }
    assert pivot_row(client, params, "19")[1] == "3"
    rows = csv_rows(tmp_path, "products_certified", "--from", "2019", "--to", "2026")
    assert [r["value"] for r in rows if r["unit_code"] == "19" and r["period"] == "2020"] == ["3"]
    assert sum(int(r["value"]) for r in rows if r["period"] == "2020") == 4
    client.logout()
    body = client.get("/api/v1/indicators/products_certified/", {"from": 2019, "to": 2026}).json()
    assert [r["value"] for r in body["rows"] if r["unit_code"] == "19" and r["period"] == "2020"] == [3]
    assert body["totals"][1]["value"] == 4
    html = client.get(reverse("catalogue:statistics")).content.decode()
    table = re.search(r'data-testid="table-province-years".*?</table>', html, re.S).group(0)
    years = [int(y) for y in re.findall(r'<th scope="col" class="num">(\d{4})</th>', table)]
    tn = re.search(r'<tr><th scope="row">Thái Nguyên</th>(.*?)</tr>', table, re.S).group(1)
    assert re.findall(r'<td class="num">([^<]*)</td>', tn)[years.index(2020)] == "3"
    foot = re.findall(r'<td class="num">([^<]*)</td>', re.search(r"<tfoot>.*?</tfoot>", table, re.S).group(0))
    assert foot[years.index(2020)] == "4"


def test_board_period_counts_are_the_indicators_of_the_year(client, demo_users):
    """Board of 31/12/2026 for 01/01–31/12/2026 (34 provinces, legacy records rolled up) against the
    registry indicators of 2026 on the current geography."""
    from ocop.accounts.scope import Scope
    from ocop.analytics.services import Query, compute
    from ocop.programme.board import build_board
    from ocop.programme.models import Activity, DirectiveDocument, Funding

    bk, tn_old, hn = province("06", Era.LEGACY), province("19", Era.LEGACY), province("01", Era.CURRENT)
    tn = province("19", Era.CURRENT)
    DirectiveDocument.objects.create(
        unit=tn_old,
        kind="quyet_dinh",
        number="1/QĐ-UBND",
        date=dt.date(2026, 3, 1),
        issuer_kind="ubnd",
        summary="Kế hoạch OCOP năm 2026",
    )
    DirectiveDocument.objects.create(
        unit=tn,
        kind="ke_hoach",
        number="2/KH-UBND",
        date=dt.date(2025, 12, 31),
        issuer_kind="ubnd",
        summary="Năm trước, không tính",
    )
    Activity.objects.create(unit=bk, kind="training", title="Tập huấn", date=dt.date(2026, 2, 1), participants=40)
    Activity.objects.create(unit=hn, kind="fair_in", title="Hội chợ", date=dt.date(2026, 1, 5), participants=300)
    Funding.objects.create(unit=bk, year=2026, source="central", amount=500, date=dt.date(2026, 3, 1))
    Funding.objects.create(unit=tn, year=2026, source="local", amount=700, date=dt.date(2026, 5, 1))
    board = {
        r.province.code: r for r in build_board(dt.date(2026, 12, 31), (dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    }
    # by hand: Thái Nguyên 1 document, 1 activity (Bắc Kạn's), 1.200 đồng; Hà Nội 1 activity
    assert (board["19"].documents, board["19"].activities, board["19"].funding) == (1, 1, 1200)
    assert (board["01"].documents, board["01"].activities, board["01"].funding) == (0, 1, 0)
    national = Scope(national=True)
    for attr, code in (("documents", "directive_documents"), ("activities", "activities"), ("funding", "funding")):
        cube = compute(Query(code, "current", "year", 2026, 2026), national)
        for unit in cube.units:
            assert cube.total(unit=unit.key) == getattr(board[unit.code], attr), (code, unit.code)


def test_board_and_national_report_fail_loudly_without_the_indicator_service():
    """Analytics is installed in every profile; without its service the figures are an error, never zeros."""
    from ocop.programme import figures
    from ocop.programme.board import build_board
    from ocop.reporting import national_report
    from ocop.reporting.consolidation import consolidate

    req = a_request()
    c = consolidate(req)
    registered = figures.source()
    figures.register_figure_source(None)
    try:
        with pytest.raises(figures.FigureSourceMissing):
            build_board(dt.date(2026, 12, 31))
        with pytest.raises(figures.FigureSourceMissing):
            national_report.context(c)
    finally:
        figures.register_figure_source(registered)


def recognitions():
    """Four certificates of food products (thuc_pham), counted by hand:
    - 3★ issued 04/5/2020 on a legacy commune of Bắc Kạn (now Thái Nguyên): 2020;
    - 4★ issued 02/3/2021 on a current commune of Thái Nguyên, revoked in 2023: still a recognition of 2021;
    - 5★ numbered in the 2021 series (Certificate.year 2021) but issued 05/01/2022: a recognition of 2022;
    - 3★ issued 01/6/2022, of an entity deleted since: not counted.
    By year: 2020 {3★: 1}, 2021 {4★: 1}, 2022 {5★: 1}; every one in today's Thái Nguyên (19)."""
    from ocop.catalogue.tests.factories import certified_product, commune
    from ocop.evaluation.models_rounds import Certificate, CertificateStatus

    certified_product(
        commune("01888", Era.LEGACY),
        "Mật ong Ba Bể",
        stars=3,
        issued_on=dt.date(2020, 5, 4),
        valid_until=dt.date(2023, 5, 4),
        status=CertificateStatus.EXPIRED,
    )
    certified_product(
        commune("01840"), "Chè Đức Xuân", stars=4, issued_on=dt.date(2021, 3, 2), status=CertificateStatus.REVOKED
    )
    late = certified_product(commune("01840"), "Miến dong", stars=5, issued_on=dt.date(2022, 1, 5))
    Certificate.objects.filter(product=late).update(year=2021)
    gone = certified_product(commune("01840"), "Bánh chưng", stars=3, issued_on=dt.date(2022, 6, 1))
    gone.entity.deleted_at = timezone.now()
    gone.entity.save(update_fields=["deleted_at"])


def test_products_certified_by_year_in_the_open_data_the_api_statistics_and_the_pivot(client, demo_users):
    recognitions()
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get("/open-data/recognitions-by-year.csv").streaming_content).decode("utf-8-sig")
            )
        )
    )
    assert [
        (r["year"], r["province_code"], r["legacy_province_code"], r["sector_code"], r["stars"], r["certificates"])
        for r in rows
    ] == [
        ("2020", "19", "06", "thuc_pham", "3", "1"),
        ("2021", "19", "", "thuc_pham", "4", "1"),
        ("2022", "19", "", "thuc_pham", "5", "1"),
    ]
    body = client.get("/api/v1/catalogue/statistics").json()
    assert body["by_year"] == [
        {"year": 2020, "total": 1, "by_stars": {"3": 1}},
        {"year": 2021, "total": 1, "by_stars": {"4": 1}},
        {"year": 2022, "total": 1, "by_stars": {"5": 1}},
    ]
    assert client.get("/api/v1/catalogue/statistics", {"year": 2022}).json()["by_year"] == [
        {"year": 2022, "total": 1, "by_stars": {"5": 1}}
    ]
    assert client.get("/api/v1/catalogue/statistics", {"province": "19"}).json()["by_year"] == body["by_year"]
    assert client.get("/api/v1/catalogue/statistics", {"sector": "do_uong"}).json()["by_year"] == []
    indicator = client.get("/api/v1/indicators/products_certified/", {"from": 2020, "to": 2022, "by": "star"}).json()
    assert [t["value"] for t in indicator["totals"]] == [1, 1, 1]
    client.force_login(demo_users["tw.canbo"])
    params = {
        "indicator": "products_certified",
        "geography": "current",
        "period": "year",
        "from": "2020",
        "to": "2022",
        "rows": "unit",
        "cols": "period",
    }
    assert pivot_row(client, params, "19")[:3] == ["1", "1", "1"]
