"""Upload limits: wrong type, disguised content, too big — refused in Vietnamese, nothing stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.products import services as svc
from ocop.products.models import DossierFile, ProductPhoto
from ocop.products.tests.factories import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "định dạng không được chấp nhận"),
        (SimpleUploadedFile("gia.pdf", b"<html>not a pdf</html>"), "nội dung không phải tệp PDF hợp lệ"),
        (SimpleUploadedFile("rong.pdf", b""), "rỗng"),
    ],
)
def test_bad_dossier_files_are_refused(client, sets, demo_users, media, upload, message):
    dossier = sets["own"]["dossier"]
    before_rows, before_files = DossierFile.objects.count(), len(stored_files(media))
    with pytest.raises(ValidationError) as exc:
        svc.do_upload_dossier_file(demo_users["chuthe.demo"], dossier, "product_story", upload)
    assert message in " ".join(exc.value.messages)
    assert DossierFile.objects.count() == before_rows and len(stored_files(media)) == before_files


def test_too_big_file_is_refused_through_the_page(client, sets, demo_users, media, settings):
    settings.OCOP_MAX_UPLOAD_MB = 1
    dossier = sets["own"]["dossier"]
    before_rows, before_files = DossierFile.objects.count(), len(stored_files(media))
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    client.force_login(demo_users["chuthe.demo"])
    response = client.post(
        reverse("products:dossier_upload", args=[dossier.pk]), {"category": "product_story", "file": big}, follow=True
    )
    html = response.content.decode()
    assert "quá lớn" in html and "tối đa 1 MB" in html
    assert DossierFile.objects.count() == before_rows and len(stored_files(media)) == before_files


def test_a_good_file_is_stored_and_audited(client, sets, demo_users):
    dossier = sets["own"]["dossier"]
    client.force_login(demo_users["chuthe.demo"])
    response = client.post(
        reverse("products:dossier_upload", args=[dossier.pk]),
        {"category": "product_story", "file": pdf_upload("cau-chuyen.pdf")},
    )
    assert response.status_code == 302
    item = dossier.files.get(category="product_story")
    assert item.name == "cau-chuyen.pdf" and item.uploaded_by == demo_users["chuthe.demo"]
    from ocop.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="ocop.products.dossier.file_added", object_id=str(dossier.pk)).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload("anh.pdf"), "Chỉ nhận ảnh JPG hoặc PNG"),
        (SimpleUploadedFile("anh.png", b"GIF89a\x01\x00"), "không phải ảnh PNG hợp lệ"),
        (SimpleUploadedFile("anh.jpg", b"\x89PNG\r\n\x1a\n0000"), "không phải ảnh JPG hợp lệ"),
    ],
)
def test_bad_photos_are_refused(sets, demo_users, media, upload, message):
    product = sets["own"]["product"]
    before_rows, before_files = ProductPhoto.objects.count(), len(stored_files(media))
    with pytest.raises(ValidationError) as exc:
        svc.do_add_photo(demo_users["chuthe.demo"], product, upload)
    assert message in " ".join(exc.value.messages)
    assert ProductPhoto.objects.count() == before_rows and len(stored_files(media)) == before_files


def test_photo_size_limit_and_serving(client, sets, demo_users, settings):
    settings.OCOP_MAX_PHOTO_MB = 1
    product = sets["own"]["product"]
    big = SimpleUploadedFile("lon.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10))
    client.force_login(demo_users["chuthe.demo"])
    html = client.post(reverse("products:photo_add", args=[product.pk]), {"image": big}, follow=True).content.decode()
    assert "quá lớn" in html
    assert (
        client.post(
            reverse("products:photo_add", args=[product.pk]), {"image": png_upload(), "caption": "Gói 200 g"}
        ).status_code
        == 302
    )
    photo = product.photos.get(caption="Gói 200 g")
    response = client.get(reverse("products:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
