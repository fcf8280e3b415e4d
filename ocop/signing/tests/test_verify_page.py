"""The public verification page: no login, upload a PDF or follow a link, every signature shown,
the register matched by SHA-256, one changed byte reported, size-limited, rate-limited, nothing stored."""

from __future__ import annotations

import hashlib
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ocop.signing.models import SignedFile
from ocop.signing.tests.conftest import sign_letter

pytestmark = pytest.mark.django_db
URL = "/xac-minh-van-ban/"


def upload(client, data: bytes, name="van-ban.pdf"):
    return client.post(URL, {"tep": SimpleUploadedFile(name, data, content_type="application/pdf")})


def files_under(root) -> set[str]:
    return {os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs} if os.path.exists(root) else set()


def test_the_url_is_public():
    assert reverse("signing:verify") == URL


def test_a_signed_letter_is_valid_with_both_signatures_and_nothing_is_stored(client, identities, settings, soffice):
    signed = sign_letter(identities, "y2026")
    before = files_under(settings.MEDIA_ROOT)
    response = upload(client, signed)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="valid"' in html
    assert "Các chữ ký số của tệp hợp lệ." in html
    assert html.count('data-testid="signature"') == 2
    assert "Người Ký Thử Nghiệm (TEST)" in html and "BNNMT-TEST (TEST)" in html
    assert "Bộ Nông nghiệp và Môi trường" in html
    assert hashlib.sha256(signed).hexdigest() in html
    assert "không trùng khớp" in html  # not in the register
    assert files_under(settings.MEDIA_ROOT) == before


def test_the_register_match_by_sha256_and_the_link(client, identities, soffice):
    signed = sign_letter(identities, "y2026")
    doc = identities["y2026"]
    entry = SignedFile(document=doc, sha256=hashlib.sha256(signed).hexdigest())
    entry.file.save("x.pdf", ContentFile(signed), save=False)
    entry.save()
    html = upload(client, signed).content.decode()
    assert "Tệp trùng khớp với văn bản số 01/BNNMT-TEST ngày 20/11/2026 của Bộ Nông nghiệp và Môi trường" in html
    linked = client.get(URL, {"ma": entry.sha256})
    assert linked.status_code == 200
    assert 'data-verdict="valid"' in linked.content.decode()
    assert client.get(URL, {"ma": "0" * 64}).status_code == 404


def test_one_changed_byte_is_reported(client, identities, soffice):
    signed = sign_letter(identities, "y2026")
    at = signed.index(b"/Producer") + 2
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    html = upload(client, tampered).content.decode()
    assert 'data-verdict="invalid"' in html
    assert "Không nguyên vẹn" in html


def test_bad_input_gets_a_clear_message(client, identities, soffice, settings):
    assert "Tệp không có chữ ký số." in upload(client, identities["y2026_pdf"]).content.decode()
    not_pdf = upload(client, b"hello", name="a.pdf")
    assert not_pdf.status_code == 400 and "Tệp không phải PDF." in not_pdf.content.decode()
    assert client.post(URL, {}).status_code == 400
    settings.SIGNING_VERIFY_MAX_BYTES = 1024
    big = upload(client, b"%PDF-" + b"x" * 200_000)
    assert big.status_code == 413 and "Tệp quá lớn" in big.content.decode()
    broken = upload(client, b"%PDF-1.7\n garbage")
    assert broken.status_code == 200 and "Không đọc được tệp PDF" in broken.content.decode()


def test_look_ups_are_rate_limited(client, db):
    from ocop.evaluation import certificates

    for _ in range(certificates.VERIFY_LIMIT):
        assert client.get(URL, {"ma": "1" * 64}).status_code == 404
    refused = client.get(URL, {"ma": "1" * 64})
    assert refused.status_code == 429
    assert "quá nhiều lần" in refused.content.decode()


def test_the_verification_page_is_reachable_from_the_public_catalogue_and_the_register(client, demo_users):
    """No one has to know the address: the catalogue's menu (public) and the document register link to it;
    the register links the images page only for those who may manage it."""
    verify = reverse("signing:verify")
    assert f'href="{verify}"' in client.get(reverse("catalogue:list")).content.decode()
    client.force_login(demo_users["tw.quantri"])
    html = client.get(reverse("documents:list")).content.decode()
    assert f'href="{verify}"' in html and f'href="{reverse("signing:images")}"' in html
    client.force_login(demo_users["tw.canbo"])
    html = client.get(reverse("documents:list")).content.decode()
    assert f'href="{verify}"' in html and 'data-testid="signing-images-link"' not in html
