"""Fixtures of the signing tests: the demo (with the seed letter 9654) built once per module, a
temporary SIGNING_DIR for the TEST CA, PDFs rendered once by LibreOffice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings

from ocop.documents.tests.conftest import soffice  # noqa: F401 - PDF tests fail without LibreOffice


@pytest.fixture(scope="session")
def signing_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _signing_settings(settings, signing_dir, media_root):
    settings.MEDIA_ROOT = media_root
    settings.SIGNING_DIR = signing_dir
    settings.SIGNING_TRUST_ROOTS = []
    settings.SIGNING_TRUST_TEST_CA = True
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_KEYS = {}


@pytest.fixture(scope="module")
def letters(django_db_setup, django_db_blocker, media_root):
    """The demo's seed letter 9654/BNN-VPĐP (2018) and a 2026 letter of Bộ Nông nghiệp và Môi trường,
    issued, with their PDFs, in a transaction rolled back at the end."""
    from ocop.demo.accounts import create_demo_users
    from ocop.demo.programme import create_demo_programme
    from ocop.demo.reporting import create_demo_reporting
    from ocop.documents import services
    from ocop.demo.documents import create_demo_documents
    from ocop.documents.models import Issuer, OutgoingDocument
    from ocop.reporting.loader import load_templates

    with override_settings(MEDIA_ROOT=media_root), django_db_blocker.unblock():
        with transaction.atomic():
            create_demo_users()
            create_demo_programme()
            load_templates()
            create_demo_reporting()
            create_demo_documents()
            seed = OutgoingDocument.objects.select_related("issuer").get(
                issuer__code="BNN-VPĐP", year=2018, number=9654
            )
            ministry = Issuer.objects.create(
                code="BNNMT-TEST",
                name="Bộ Nông nghiệp và Môi trường",
                header="BỘ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG",
                place="Hà Nội",
                archive="VT",
                signature_title="KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG",
                signer_name="Người Ký Thử Nghiệm",
            )
            draft = services.do_create_draft(
                None,
                issuer=ministry,
                subject="Báo cáo kết quả thực hiện Chương trình OCOP năm 2026",
                date=dt.date(2026, 11, 20),
                recipients=["Ủy ban nhân dân các tỉnh, thành phố"],
                content={
                    "opening": [
                        "Bộ Nông nghiệp và Môi trường đề nghị Ủy ban nhân dân các tỉnh, thành phố "
                        "báo cáo kết quả thực hiện Chương trình OCOP năm 2026."
                    ]
                },
                noi_nhan=["Như trên;", "Lưu: VT."],
            )
            letter_2026 = services.do_issue(None, draft)
            yield {
                "seed": seed,
                "seed_pdf": services.render(seed, "pdf"),
                "y2026": letter_2026,
                "y2026_pdf": services.render(letter_2026, "pdf"),
            }
            transaction.set_rollback(True)


TEST_SIGNER = "Người Ký Thử Nghiệm"


@pytest.fixture
def identities(db, letters):
    """TEST CA keys and demo images for the test signer and the two issuers."""
    from ocop.signing.demo import ensure_identity

    ensure_identity(TEST_SIGNER, letters["seed"].issuer)
    ensure_identity(TEST_SIGNER, letters["y2026"].issuer)
    return letters


def sign_letter(letters, which: str) -> bytes:
    from ocop.signing import keys, services

    doc = letters[which]
    return services.sign_pdf(
        letters[f"{which}_pdf"],
        signature_title=doc.signature_title,
        signer_name=doc.signer_name,
        organisation_code=doc.issuer.code,
        signer=keys.signer_identity(TEST_SIGNER),
    )
