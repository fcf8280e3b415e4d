"""Issued documents get their signed PDF once, stored with its SHA-256 and audited; the demo's
TEST CA covers the seed letter, whose signer's name is a gap."""

from __future__ import annotations

import hashlib

import pytest

from ocop.audit.models import AuditEntry
from ocop.signing import services
from ocop.signing.demo import create_test_ca
from ocop.signing.issue import do_sign_issued, signed_pdf
from ocop.signing.models import SignedFile

pytestmark = pytest.mark.django_db


def test_the_seed_letter_is_signed_once_stored_and_audited(letters, soffice):
    counts = create_test_ca()
    assert counts["organisations"] >= 2 and counts["images"] >= 4
    seed = letters["seed"]
    item = do_sign_issued(None, seed)
    data = signed_pdf(seed)
    assert hashlib.sha256(data).hexdigest() == item.sha256
    report = services.validate_pdf(data)
    assert report.ok
    assert [s.signer for s in report.signatures] == ["Người ký chưa rõ tên - BNN-VPĐP (TEST)", "BNN-VPĐP (TEST)"]
    assert [s.modified_after for s in report.signatures] == ["signatures", "none"]
    # never signed again, never edited
    assert do_sign_issued(None, seed).pk == item.pk
    assert SignedFile.objects.filter(document=seed).count() == 1
    entry = AuditEntry.objects.get(action="ocop.document.signed", object_id=str(seed.pk))
    assert entry.after["sha256"] == item.sha256


def test_a_changed_stored_file_is_refused(letters, soffice):
    from django.core.exceptions import ValidationError

    create_test_ca()
    item = do_sign_issued(None, letters["y2026"])
    with item.file.open("wb") as fh:
        fh.write(b"%PDF-1.7 changed")
    with pytest.raises(ValidationError, match="SHA-256"):
        signed_pdf(letters["y2026"])


def test_a_draft_is_not_signed(letters):
    from django.core.exceptions import ValidationError

    from ocop.documents import services as documents

    draft = documents.do_create_draft(None, issuer=letters["y2026"].issuer, subject="Dự thảo")
    with pytest.raises(ValidationError, match="đã ban hành"):
        do_sign_issued(None, draft)


def test_the_signed_pdf_is_made_on_request_and_downloaded_by_central_users(client, letters, soffice):
    from ocop.accounts.models import User

    doc = letters["y2026"]
    url = f"/documents/{doc.pk}/signed.pdf"
    client.force_login(User.objects.get(username="tw.canbo"))
    not_yet = client.get(url)
    assert not_yet.status_code == 302 and not_yet["Location"] == f"/documents/{doc.pk}/"
    assert client.get(f"/documents/{doc.pk}/sign/").status_code == 405
    missing = client.post(f"/documents/{doc.pk}/sign/")  # no key for this issuer yet: a clear message
    assert missing.status_code == 302 and not SignedFile.objects.filter(document=doc).exists()
    create_test_ca()
    made = client.post(f"/documents/{doc.pk}/sign/")
    assert made.status_code == 302 and made["Location"] == f"/documents/{doc.pk}/"
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response)
    assert hashlib.sha256(data).hexdigest() == SignedFile.objects.get(document=doc).sha256
    assert services.validate_pdf(data).ok
    client.force_login(User.objects.get(username="tinh.thainguyen"))
    assert client.get(url).status_code == 403


def test_issuing_queues_the_signing_task_which_signs(letters, settings, soffice):
    from django_tasks_db.models import DBTaskResult

    from ocop.signing.tasks import after_issue, sign_issued_document

    doc = letters["y2026"]
    settings.SIGNING_ON_ISSUE = False
    after_issue(doc)
    assert not DBTaskResult.objects.filter(task_path__endswith="sign_issued_document").exists()
    settings.SIGNING_ON_ISSUE = True
    after_issue(doc)
    queued = DBTaskResult.objects.get(task_path__endswith="sign_issued_document")
    assert queued.args_kwargs["kwargs"]["document_id"] == doc.pk
    create_test_ca()
    result = sign_issued_document.call(document_id=doc.pk)
    assert result["sha256"] == SignedFile.objects.get(document=doc).sha256


def test_export_document_signed_writes_the_signed_file(letters, tmp_path, soffice):
    from django.core.management import CommandError, call_command

    create_test_ca()
    out = tmp_path / "cv9654.pdf"
    call_command("export_document", "9654/BNN-VPĐP", "--year", "2018", "--format", "pdf", "--signed", "--out", str(out))
    data = out.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SignedFile.objects.get(document=letters["seed"]).sha256
    report = services.validate_pdf(data)
    assert report.ok and len(report.signatures) == 2
    with pytest.raises(CommandError, match="--format pdf"):
        call_command(
            "export_document",
            "9654/BNN-VPĐP",
            "--year",
            "2018",
            "--format",
            "docx",
            "--signed",
            "--out",
            str(tmp_path / "x.docx"),
        )


def test_make_test_ca_names_a_test_ca(letters, capsys):
    from django.core.management import call_command

    from ocop.signing import keys

    call_command("make_test_ca")
    out = capsys.readouterr().out
    assert "OCOP TEST CA - KHONG CO GIA TRI PHAP LY" in out
    assert keys.test_p12_path("org:bnn-vpdp").exists() and keys.test_ca_path().exists()
    assert oct(keys.test_p12_path("org:bnn-vpdp").stat().st_mode & 0o777) == "0o600"
