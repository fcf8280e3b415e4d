"""A unit's report as a Báo cáo of its issuing body: the Word export and the print view share the
NĐ 30 frame (ocop/documents/reports.py). The PDF of the Word export is checked page by page in
test_layout_pdf.py."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse
from docx.oxml.ns import qn

from ocop.documents.models import Issuer
from ocop.documents.reports import report_heading
from ocop.reporting.docx_out import build_docx
from ocop.reporting.services import submissions as sv
from ocop.reporting.tests.conftest import legacy_province, seed_request, seed_template  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def hatinh_report(seed_request, demo_users):  # noqa: F811
    officer = demo_users["tinh.hatinh"]
    return sv.do_open_submission(officer, seed_request, legacy_province("42"))


def test_the_frame_of_a_2018_province_report(hatinh_report):
    frame = report_heading(hatinh_report)
    assert frame.header_lines == ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"]
    assert frame.number.strip() == "/BC-UBND"
    assert frame.recipients == ["Bộ Nông nghiệp và Phát triển nông thôn"]  # the ministry on the request's date
    # not submitted yet: the day and month are left blank; dated at the latest on the deadline (10/01/2019)
    assert frame.place_date == "Hà Tĩnh, ngày      tháng      năm 2019"
    assert report_heading(hatinh_report).header_lines[1] == "TỈNH HÀ TĨNH"
    ubnd = Issuer.objects.get(code__startswith="UBND-42-")
    assert ubnd.unit == legacy_province("42")  # the 2018 province, not its 2025 successor
    assert frame.signature_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert frame.signer_name == "" and any("[?]" in g for g in frame.gaps)  # unknown, not invented
    assert frame.noi_nhan[-1] == "Lưu: VT."


def test_the_word_export_is_a_bao_cao(hatinh_report):
    sub = hatinh_report
    data = build_docx(
        sub.request.template.parsed,
        sub.data,
        title=sub.request.title,
        unit_label=str(sub.unit),
        request_label=sub.request.title,
        submission=sub,
    )
    document = docx.Document(io.BytesIO(data))
    head, sign = document.tables[0], document.tables[-1]
    left = [p.text for p in head.rows[0].cells[0].paragraphs if p.text]
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"] and left[-1].replace(" ", "") == "Số:/BC-UBND"
    runs = {r.text: r for p in head.rows[0].cells[1].paragraphs for r in p.runs}
    motto = runs["Độc lập - Tự do - Hạnh phúc"]
    assert motto.bold and not motto.underline  # NĐ 30: the short rule under it, not an underline
    assert head._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts and "Kính gửi: Bộ Nông nghiệp và Phát triển nông thôn" in texts
    assert sign.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:"
    assert sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert [p.text for p in sign.rows[0].cells[1].paragraphs][:3] == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    ]


def test_the_print_view_matches(client, hatinh_report, demo_users):
    client.force_login(demo_users["tinh.hatinh"])
    html = client.get(reverse("reporting:submission_print", args=[hatinh_report.pk])).content.decode()
    for needle in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "TỈNH HÀ TĨNH",
        "/BC-UBND",
        "BÁO CÁO",
        "Kính gửi: Bộ Nông nghiệp và Phát triển nông thôn",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "Lưu: VT.",
    ):
        assert needle in html, needle
    assert "text-decoration: none" in html  # the motto is not underlined


def test_the_word_download_is_the_bao_cao(client, hatinh_report, demo_users):
    """What the province officer downloads (“Tải Word”) is the same Báo cáo frame, not a bare form."""
    client.force_login(demo_users["tinh.hatinh"])
    response = client.get(reverse("reporting:submission_download", args=[hatinh_report.pk, "docx"]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs if p.text]
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"]
    assert document.tables[-1].rows[0].cells[0].paragraphs[0].text == "Nơi nhận:"
