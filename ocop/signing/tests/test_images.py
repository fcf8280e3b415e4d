"""Signature and seal images: PNG with a transparent background, checked on upload; demo images drawn."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from ocop.audit.models import AuditEntry
from ocop.signing import images
from ocop.signing.models import SignatureImage
from ocop.signing.services_images import do_add_image


def png(mode="RGBA", color=(0, 0, 255, 0), size=(200, 80), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, fmt)
    return buf.getvalue()


def test_a_transparent_png_is_accepted():
    assert images.check_png(png()) == (200, 80)


@pytest.mark.parametrize(
    "data, message",
    [
        (png("RGB", (255, 255, 255), fmt="JPEG"), "PNG"),
        (png("RGB", (255, 255, 255)), "trong suốt"),
        (png("RGBA", (0, 0, 255, 255)), "trong suốt"),
        (b"\x89PNG\r\n\x1a\nbroken", "Không đọc được"),
        (png(size=(5, 5)), "Kích thước"),
    ],
)
def test_other_images_are_refused_in_vietnamese(data, message):
    with pytest.raises(ValidationError, match=message):
        images.check_png(data)


def test_the_demo_images_are_transparent_pngs():
    assert images.check_png(images.demo_signature_png("Người Ký Thử Nghiệm"))
    seal = Image.open(io.BytesIO(images.demo_seal_png("Bộ Nông nghiệp và Môi trường"))).convert("RGBA")
    r, g, b, a = seal.getpixel((300, 16))  # on the outer ring: red
    assert a > 0 and r > 150 and g < 80 and b < 80
    assert seal.getpixel((0, 0))[3] == 0  # outside the ring: transparent


@pytest.mark.django_db
def test_uploading_replaces_the_previous_image_and_is_audited(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = do_add_image(None, png(), organisation_code="BNN-VPĐP", width_mm=36)
    second = do_add_image(None, png(), organisation_code="BNN-VPĐP")
    first.refresh_from_db()
    assert not first.active and second.active and second.identity == "org:bnn-vpdp"
    assert AuditEntry.objects.filter(action="ocop.signing.image_added").count() == 2
    with pytest.raises(ValidationError):
        do_add_image(None, png(), signer_name="A", organisation_code="B")
    with pytest.raises(ValidationError):
        do_add_image(None, png("RGB", (1, 2, 3)), signer_name="Người Ký")
    assert SignatureImage.objects.count() == 2


@pytest.mark.django_db
def test_an_administrator_uploads_a_seal_and_a_wrong_file_is_refused(client, demo_users, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(demo_users["tw.quantri"])
    url = "/documents/signing-images/"
    bad = client.post(
        url, {"kind": "seal", "who": "BNN-VPĐP", "image": SimpleUploadedFile("dau.png", png("RGB", (200, 0, 0)))}
    )
    assert bad.status_code == 200 and "nền trong suốt" in bad.content.decode()
    assert not SignatureImage.objects.exists()
    good = client.post(
        url, {"kind": "seal", "who": "BNN-VPĐP", "width_mm": "36", "image": SimpleUploadedFile("dau.png", png())}
    )
    assert good.status_code == 302
    item = SignatureImage.objects.get()
    assert (item.kind, item.identity, str(item.width_mm), item.uploaded_by.username) == (
        "seal",
        "org:bnn-vpdp",
        "36.0",
        "tw.quantri",
    )
    assert "BNN-VPĐP" in client.get(url).content.decode()
    client.force_login(demo_users["tw.canbo"])  # central officer: no documents.issuers
    assert client.get(url).status_code == 403
