"""The board export and the national report workbook printed through LibreOffice: a bounded page
count, every sheet one page wide, so page 1 shows more than column A (issue 20)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from ocop.documents.pdf import soffice_path
from ocop.lib.text import fold
from ocop.reporting.tests.test_consolidation import seed_request


def xlsx_to_pdf(content: bytes, tmp: Path) -> Path:
    (tmp / "book.xlsx").write_bytes(content)
    subprocess.run(
        [
            soffice_path(),
            f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:calc_pdf_Export",
            "--outdir",
            str(tmp),
            str(tmp / "book.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(tmp), "PATH": "/usr/bin:/bin"},
    )
    return tmp / "book.pdf"


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def page_text(pdf: Path, n: int) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.django_db
def test_board_export_prints_on_few_pages_with_every_column(client, demo_users, tmp_path):
    client.force_login(demo_users["tw.canbo"])
    response = client.get(reverse("programme:board_export", args=["xlsx"]), {"date": "12/12/2018"})
    pdf = xlsx_to_pdf(b"".join(response.streaming_content), tmp_path)
    # 63 provinces, one line each, landscape and one page wide: two or three A4 pages, not dozens
    assert 1 <= pages(pdf) <= 3
    first = fold(page_text(pdf, 1))
    assert "ma tinh" in first and "kinh phi" in first and "gom cac" in first  # the first and last columns
    assert "trang 1" in first


def test_national_report_workbook_prints_legibly(demo, tmp_path):
    from ocop.reporting import national_report
    from ocop.reporting.consolidation import consolidate

    content = national_report.build_xlsx(consolidate(seed_request()))
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == "Mục lục"
    links = [c.hyperlink.location for row in wb["Mục lục"].iter_rows() for c in row if c.hyperlink]
    assert len(links) == len(wb.sheetnames) - 1
    for ws in wb.worksheets:
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    pdf = xlsx_to_pdf(content, tmp_path)
    count = pages(pdf)
    # each of the sheets fits one page wide; long sheets run over a few pages down (was 130 pages)
    assert len(wb.sheetnames) <= count <= 3 * len(wb.sheetnames), count
    second = fold(page_text(pdf, 2))  # "Tổng hợp": more than column A on its first page
    assert "chi tieu" in second and "thap nhat" in second and "don vi tinh" in second
