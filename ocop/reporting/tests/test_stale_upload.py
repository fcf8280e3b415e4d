"""A report workbook carries the version it was made from: an upload made before another officer
saved is refused with a clear message and loses nothing; a form POST without a version is refused
(issue 15, finding 7)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.reporting.services import submissions as svc
from ocop.reporting.tests.conftest import legacy_province
from ocop.reporting.tests.test_upload_views import fill_main_sheet, form_post

pytestmark = pytest.mark.django_db


def test_a_stale_workbook_does_not_overwrite_newer_work(client, demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    old_workbook = client.get(reverse("reporting:submission_download", args=[sub.pk, "xlsx"])).content

    # another officer saves after the download
    svc.do_save_draft(
        officer, sub, {"direction_text": "Bản mới hơn, lưu sau khi tải tệp"}, expected_version=sub.lock_version
    )
    sub.refresh_from_db()
    version = sub.lock_version

    stale = fill_main_sheet(old_workbook, {"direction_text": "Bản cũ trong tệp Excel"})
    response = client.post(
        reverse("reporting:submission_upload", args=[sub.pk]), {"file": SimpleUploadedFile("cu.xlsx", stale)}
    )
    html = response.content.decode()
    assert response.status_code == 422 and "phiên bản" in html and "ghi đè" in html
    sub.refresh_from_db()
    assert sub.data["direction_text"] == "Bản mới hơn, lưu sau khi tải tệp" and sub.lock_version == version

    # a fresh download carries the current version and is accepted
    fresh = client.get(reverse("reporting:submission_download", args=[sub.pk, "xlsx"])).content
    filled = fill_main_sheet(fresh, {"direction_text": "Bản từ tệp mới"})
    response = client.post(
        reverse("reporting:submission_upload", args=[sub.pk]), {"file": SimpleUploadedFile("moi.xlsx", filled)}
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.data["direction_text"] == "Bản từ tệp mới"


def test_a_workbook_without_a_version_is_refused(client, demo_users, seed_request):
    import io

    from openpyxl import load_workbook

    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    content = client.get(reverse("reporting:submission_download", args=[sub.pk, "xlsx"])).content
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Báo cáo"]
    ws["E4"].value = None  # the version mark removed, as in a workbook made before versions were recorded
    out = io.BytesIO()
    wb.save(out)
    filled = fill_main_sheet(out.getvalue(), {"direction_text": "Không rõ phiên bản"})
    response = client.post(
        reverse("reporting:submission_upload", args=[sub.pk]), {"file": SimpleUploadedFile("x.xlsx", filled)}
    )
    assert response.status_code == 422 and "không ghi phiên bản" in response.content.decode()
    sub.refresh_from_db()
    assert sub.data.get("direction_text") != "Không rõ phiên bản"


def test_a_form_post_without_a_version_is_refused(client, demo_users, seed_request):
    officer = demo_users["tinh.hatinh"]
    sub = svc.do_open_submission(officer, seed_request, legacy_province("42"))
    client.force_login(officer)
    data = form_post(sub, {"direction_text": "Gửi không kèm phiên bản"})
    del data["lock_version"]
    version = sub.lock_version
    response = client.post(reverse("reporting:submission", args=[sub.pk]), data)
    assert response.status_code == 409 and "Gửi không kèm phiên bản" in response.content.decode()  # typed text kept
    autosave = client.post(
        reverse("reporting:submission_autosave", args=[sub.pk]), {"f__direction_text": "Tự lưu không phiên bản"}
    )
    assert autosave.status_code == 200
    sub.refresh_from_db()
    assert sub.lock_version == version and sub.data.get("direction_text") not in (
        "Gửi không kèm phiên bản",
        "Tự lưu không phiên bản",
    )
