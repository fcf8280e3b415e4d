"""OCOP product certificates signed by the issuing body as NĐ 30/2020 prescribes (issue 19, section 5):
the signer, then the seal; stored once with its SHA-256, audited; validated with pyHanko's own
validator against the TEST CA; the verification page recognises the certificate of the register; the
QR code's page links to the signature check."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ocop.audit.models import AuditEntry
from ocop.evaluation import certificates as evaluation_certificates
from ocop.evaluation import rounds
from ocop.evaluation.models_rounds import CertificateStatus
from ocop.evaluation.tests.test_round_rules import _closed_certificate, decode_qr, world  # noqa: F401 (fixture)
from ocop.signing import certificates, keys
from ocop.signing.demo import ensure_issuer
from ocop.signing.models import SignedCertificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(world, soffice):  # noqa: F811 - the evaluation tests' fixture
    cert = _closed_certificate(world)
    _signer, _org, (issuer, _facts) = certificates.identities(cert)
    ensure_issuer(issuer)  # TEST keys and demo images of the UBND tỉnh Thái Nguyên (signer's name unknown)
    return cert


def statuses(data: bytes, roots):
    reader = PdfFileReader(io.BytesIO(data))
    return [
        (sig.field_name, sig, validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False)))
        for sig in reader.embedded_signatures
    ]


def test_a_certificate_is_signed_by_the_issuing_body_then_its_seal(cert, world):
    officer = world["tinh.thainguyen"]
    item = certificates.do_sign_certificate(officer, cert)
    data = certificates.signed_bytes(item)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    ca = load_cert_from_pemder(str(keys.test_ca_path()))
    found = statuses(data, [ca])
    assert [name for name, _, _ in found] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    assert all(status.intact and status.valid and status.trusted for _, _, status in found)
    issuer, _facts = evaluation_certificates.issuing_body(cert)
    signer, org = (sig.signer_cert.subject.native for _, sig, _ in found)
    assert signer["common_name"] == f"Người ký chưa rõ tên - {issuer.code} (TEST)"
    assert org["common_name"] == f"{issuer.code} (TEST)"
    assert issuer.name.startswith("Ủy ban nhân dân") and "Thái Nguyên" in issuer.name
    # the certificate itself, one page: its number, and the QR code of its public check
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[0]
    assert "1/2025/OCOP-19" in page.extract_text() and len(PdfReader(io.BytesIO(data)).pages) == 1
    assert [evaluation_certificates.verification_url(cert)] in [decode_qr(image.image) for image in page.images]
    # audited; made once
    entry = AuditEntry.objects.get(action="ocop.certificate.signed")
    assert entry.actor == officer and entry.after["sha256"] == item.sha256 and entry.after["number"] == "1/2025/OCOP-19"
    assert certificates.do_sign_certificate(officer, cert).pk == item.pk
    assert SignedCertificate.objects.filter(certificate=cert).count() == 1
    assert AuditEntry.objects.filter(action="ocop.certificate.signed").count() == 1


def test_printing_hands_out_the_signed_file(client, cert, world):
    client.force_login(world["tinh.thainguyen"])
    response = client.get(reverse("evaluation:certificate_pdf", args=[cert.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    item = SignedCertificate.objects.get(certificate=cert)
    assert hashlib.sha256(response.content).hexdigest() == item.sha256
    # printed again: the same stored file, never signed again
    again = client.get(reverse("evaluation:certificate_pdf", args=[cert.pk]))
    assert again.content == response.content and SignedCertificate.objects.count() == 1


def test_a_certificate_no_longer_valid_is_not_signed_afterwards(cert, world):
    rounds.do_revoke_certificate(world["tinh.thainguyen"], cert, "Thử thu hồi")
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.REVOKED
    with pytest.raises(ValidationError):
        certificates.do_sign_certificate(None, cert)
    assert certificates.printable(cert) is None  # the unsigned PDF is handed out


def test_the_round_closing_queues_the_signing(world, settings, django_capture_on_commit_callbacks):  # noqa: F811
    from django_tasks_db.models import DBTaskResult

    from ocop.signing.tasks import sign_certificate

    settings.SIGNING_ON_ISSUE = True
    with django_capture_on_commit_callbacks(execute=True):
        cert = _closed_certificate(world)
    queued = DBTaskResult.objects.filter(task_path=sign_certificate.module_path)
    assert [row.args_kwargs["kwargs"]["certificate_id"] for row in queued] == [cert.pk]


def test_the_verification_page_recognises_the_certificate_and_a_changed_byte(client, cert):
    item = certificates.do_sign_certificate(None, cert)
    data = certificates.signed_bytes(item)
    url = reverse("signing:verify")
    html = client.post(url, {"tep": _upload(data)}).content.decode()
    assert 'data-verdict="valid"' in html and 'data-register="certificate"' in html
    assert cert.product.name in html and 'data-testid="register-stars">4 ★' in html
    assert "1/2025/OCOP-19" in html and 'data-status="valid"' in html
    last_day = cert.valid_until.toordinal() - 1
    import datetime as dt

    assert dt.date.fromordinal(last_day).strftime("%d/%m/%Y") in html
    # the link from the register (?ma=) shows the same
    linked = client.get(url, {"ma": item.sha256}).content.decode()
    assert 'data-verdict="valid"' in linked and 'data-register="certificate"' in linked
    # one changed byte: invalid, and no longer the certificate of the register
    at = data.index(b"/Producer") + 2
    tampered = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
    html = client.post(url, {"tep": _upload(tampered)}).content.decode()
    assert 'data-verdict="invalid"' in html and "Không nguyên vẹn" in html and 'data-register="none"' in html


def test_the_qr_code_page_links_to_the_signature_check(client, cert):
    item = certificates.do_sign_certificate(None, cert)
    html = client.get(reverse("catalogue:verify"), {"so": cert.number_display}).content.decode()
    assert f"{reverse('signing:verify')}?ma={item.sha256}" in html
    assert 'data-testid="check-signed-certificate"' in html


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("giay-chung-nhan.pdf", data, content_type="application/pdf")


def test_a_re_evaluation_issues_a_new_certificate_with_a_new_file(client, cert, world):  # noqa: F811
    """Re-issuing never edits a signed file: the product evaluated again gets a new certificate, signed
    into its own file; the first file stays as it was and the register says it was superseded."""
    import datetime as dt

    from ocop.evaluation.models_rounds import Certificate, RoundProduct
    from ocop.evaluation.tests.test_rounds import _members, choices_for_total

    first = certificates.do_sign_certificate(None, cert)
    first_bytes = certificates.signed_bytes(first)
    officer = world["tinh.thainguyen"]
    again = rounds.do_create_round(
        officer, name="Kỳ đánh giá lại", level="province", unit=cert.issuer_unit, held_on=dt.date(2025, 10, 1)
    )
    entry = RoundProduct.objects.create(
        round=again,
        product=cert.product,
        dossier=cert.round_product.dossier,
        criteria_set=cert.round_product.criteria_set,
        added_by=officer,
    )
    council_ = _members(again, officer, 3)
    for member in council_:
        rounds.do_submit_score(member, entry, choices_for_total(entry.criteria_set.parsed, 80))
    rounds.do_close_round(council_[0], again)
    new = Certificate.objects.get(round_product=entry)
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.SUPERSEDED and new.status == CertificateStatus.VALID
    second = certificates.do_sign_certificate(None, new)
    assert second.pk != first.pk and second.sha256 != first.sha256 and second.file.name != first.file.name
    assert certificates.signed_bytes(first) == first_bytes  # untouched
    old_page = client.get(reverse("signing:verify"), {"ma": first.sha256}).content.decode()
    assert 'data-register="certificate"' in old_page and 'data-status="superseded"' in old_page
    assert 'data-verdict="valid"' in old_page  # the signatures themselves stay valid
