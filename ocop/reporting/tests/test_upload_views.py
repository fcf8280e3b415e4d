"""An .xlsx downloaded from a request, filled and uploaded, gives the same submission as typing
the same values in the browser form; a broken one is refused with cell-precise messages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from ocop.reporting.models import Submission
from ocop.reporting.services import submissions as svc
from ocop.reporting.tests.conftest import NARRATIVE, legacy_province

pytestmark = pytest.mark.django_db

TYPED = {**NARRATIVE, "planned_funding_2019": 1_500_000_000, "planned_products_2019": 12, "ranked_share": "12.5"}


def fill_main_sheet(content: bytes, values: dict) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    ws = next(ws for ws in wb.worksheets if str(ws["E1"].value or "").startswith("ocop:template="))
    rows = {ws.cell(row=r, column=5).value: r for r in range(2, ws.max_row + 1)}
    for code, value in values.items():
        ws.cell(row=rows[code], column=3).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def form_post(sub: Submission, values: dict) -> dict:
    """The POST the browser form sends: every scalar field as text, tables as row cells."""
    from ocop.reporting import formdata

    template = sub.request.template.parsed
    data = {"lock_version": sub.lock_version, "save": "1"}
    for f in template.fields:
        if f.type == "table":
            rows = sub.data.get(f.code) or []
            data[formdata.rows_name(f.code)] = len(rows)
            for i, row in enumerate(rows):
                for c in f.columns:
                    data[formdata.cell_name(f.code, i, c.code)] = formdata.input_text(c.type, row.get(c.code))
        else:
            value = values.get(f.code, sub.data.get(f.code))
            data[formdata.scalar_name(f.code)] = formdata.input_text(f.type, value)
    return data


def test_xlsx_round_trip_equals_typing(client, demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    typed = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    response = client.post(
        reverse("reporting:submission", args=[typed.pk]), form_post(typed, {**TYPED, "ranked_share": "12,5"})
    )
    assert response.status_code == 302
    typed.refresh_from_db()

    # the same unit's report for a second request of the same template, filled offline in Excel
    from ocop.reporting.services.requests import do_create_request, do_open_request

    other = do_create_request(
        demo_users["tw.canbo"],
        title="Lần 2",
        template=seed_request.template,
        kind="adhoc",
        cutoff=seed_request.cutoff,
        period_start=seed_request.period_start,
        deadline=seed_request.deadline,
    )
    do_open_request(demo_users["tw.canbo"], other)
    offline = svc.do_open_submission(officer, other, legacy_province("42"))
    xlsx = client.get(reverse("reporting:submission_download", args=[offline.pk, "xlsx"]))
    assert xlsx.status_code == 200
    filled = fill_main_sheet(xlsx.content, {**TYPED, "ranked_share": 12.5})
    response = client.post(
        reverse("reporting:submission_upload", args=[offline.pk]), {"file": SimpleUploadedFile("bao-cao.xlsx", filled)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offline.refresh_from_db()
    assert offline.source == "xlsx"
    assert offline.data == typed.data
    assert svc.submission_issues(offline) == []


def test_broken_xlsx_is_refused_cell_by_cell_and_nothing_is_saved(client, demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    before = dict(Submission.objects.get(pk=sub.pk).data)
    xlsx = client.get(reverse("reporting:submission_download", args=[sub.pk, "xlsx"])).content
    broken = fill_main_sheet(
        xlsx, {"direction_text": "Hợp lệ", "planned_products_2019": "mười hai", "plan_approval_date": "32/13/2018"}
    )
    response = client.post(
        reverse("reporting:submission_upload", args=[sub.pk]), {"file": SimpleUploadedFile("loi.xlsx", broken)}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("<tr><td>") >= 2 and "“mười hai”" in html
    wb = load_workbook(io.BytesIO(broken))
    ws = next(ws for ws in wb.worksheets if str(ws["E1"].value or "").startswith("ocop:template="))
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=5).value == "planned_products_2019")
    assert f"<td>C{row}</td>" in html and f"<td>{ws.title}</td>" in html
    assert Submission.objects.get(pk=sub.pk).data == before


@pytest.mark.parametrize(
    "name,content,fragment",
    [
        ("macro.xlsm", b"PK\x03\x04", "macro"),
        ("random.xlsx", b"\x00\x01not a zip at all" * 10, "không phải Excel"),
    ],
)
def test_hostile_uploads_are_refused_with_a_message(client, demo_users, seed_request, name, content, fragment):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    response = client.post(
        reverse("reporting:submission_upload", args=[sub.pk]), {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert fragment in response.content.decode()
    assert Submission.objects.get(pk=sub.pk).source == "web"


def test_autosave_saves_valid_fields_and_detects_conflicts(client, demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    url = reverse("reporting:submission_autosave", args=[sub.pk])
    response = client.post(
        url, {"lock_version": sub.lock_version, "f__direction_text": "Đang viết dở", "f__planned_products_2019": "abc"}
    )
    html = response.content.decode()
    assert "Đã tự động lưu" in html and "1 ô chưa hợp lệ" in html
    sub.refresh_from_db()
    assert sub.data["direction_text"] == "Đang viết dở" and "planned_products_2019" not in sub.data
    stale = client.post(url, {"lock_version": sub.lock_version - 1, "f__direction_text": "Bản cũ"})
    assert "người khác vừa lưu" in stale.content.decode()
    sub.refresh_from_db()
    assert sub.data["direction_text"] == "Đang viết dở"


def test_print_and_word_download(client, demo_users, seed_request):
    import docx

    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    html = client.get(reverse("reporting:submission_print", args=[sub.pk])).content.decode()
    assert "Công tác chỉ đạo, điều hành" in html and "TỈNH HÀ TĨNH" in html
    word = client.get(reverse("reporting:submission_download", args=[sub.pk, "docx"]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "Công tác chỉ đạo, điều hành" in text


def test_the_form_page_file_inputs_are_labelled_with_their_own_ids(client, demo_users, seed_request):
    """The Excel upload and the attachment input are written in the page (issue 17: Django's widget
    rendering cost 0.17 ms each) and no longer share the id "id_file": every id on the page is unique
    and each file input has its label."""
    import re

    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    html = client.get(reverse("reporting:submission", args=[sub.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    inputs = re.findall(r'<input type="file" name="file" required id="([^"]+)"', html)
    assert inputs == ["upload-file", "attachment-file"]
    for input_id in inputs:
        assert f'<label for="{input_id}"' in html
