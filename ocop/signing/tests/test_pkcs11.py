"""The PKCS#11 path (government signers sign with USB tokens; docs/deploy.md §11): SoftHSM2, a
software token, holds a key and certificate from the TEST CA; SIGNING_KEYS maps the signer to it
exactly as a production `keys.json` would (module, token label, key and certificate labels, PIN from
an environment variable). The letter is signed by the token, then by the organisation's PKCS#12
file, and pyHanko's validator trusts both against the TEST CA.

SoftHSM2 is installed with apt when missing and the tests run as root (about 15 s, once per
machine); otherwise the test is skipped and says why."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ocop.signing import keys, services
from ocop.signing.tests.conftest import TEST_SIGNER, sign_letter

pytestmark = pytest.mark.django_db

SOFTHSM_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN, PIN, SO_PIN, LABEL = "OCOP TEST TOKEN", "123456", "654321", "ky-so"


def _module() -> str | None:
    return next((p for p in SOFTHSM_CANDIDATES if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def softhsm_module() -> str:
    if _module() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "softhsm2"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True,
            timeout=600,
            check=False,
        )
    module = _module()
    if module is None or not shutil.which("softhsm2-util"):
        pytest.skip("SoftHSM2 is not installed and could not be installed (apt-get install softhsm2, as root)")
    return module


@pytest.fixture(scope="session")
def token(softhsm_module, tmp_path_factory, signing_dir):
    """A SoftHSM2 token with a key and certificate "Người ký bằng USB token (TEST)" from the TEST CA."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from django.test import override_settings

    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the module when it is loaded (this process and softhsm2-util)
    with override_settings(SIGNING_DIR=signing_dir):
        p12 = keys.make_test_identity("signer:usb-token-thu-nghiem", "Người ký bằng USB token", "OCOP TEST")
        key, cert, _chain = pkcs12.load_key_and_certificates(p12.read_bytes(), keys.TEST_PASSPHRASE)
    key_pem = home / "key.pem"
    key_pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    run = {"check": True, "capture_output": True, "timeout": 60}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN], **run
    )
    subprocess.run(
        ["softhsm2-util", "--import", str(key_pem), "--token", TOKEN, "--label", LABEL, "--id", "01", "--pin", PIN],
        **run,
    )
    key_pem.unlink()
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    with pkcs11.lib(softhsm_module).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: LABEL,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.ISSUER: cert.issuer.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )
    return {"module": softhsm_module, "subject": cert.subject}


def test_the_signer_signs_with_a_pkcs11_token(identities, token, settings, monkeypatch, soffice):
    _configure(settings, monkeypatch, token, PIN)
    signed = sign_letter(identities, "y2026")
    ca = load_cert_from_pemder(str(keys.test_ca_path()))
    sigs = list(PdfFileReader(io.BytesIO(signed)).embedded_signatures)
    assert [s.field_name for s in sigs] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    # the first signature is the token's key: its certificate is the one stored on the token
    assert sigs[0].signer_cert.subject.native["common_name"] == "Người ký bằng USB token (TEST)"
    assert sigs[1].signer_cert.subject.native["common_name"] == "BNNMT-TEST (TEST)"
    for sig in sigs:
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[ca], allow_fetching=False))
        assert status.intact and status.valid and status.trusted
    assert services.validate_pdf(signed).ok


def _configure(settings, monkeypatch, token, pin):
    monkeypatch.setenv("OCOP_TEST_TOKEN_PIN", pin)
    settings.SIGNING_KEYS = {
        keys.signer_identity(TEST_SIGNER): {
            "pkcs11_module": token["module"],
            "token_label": TOKEN,
            "key_label": LABEL,
            "cert_label": LABEL,
            "pin_env": "OCOP_TEST_TOKEN_PIN",
        }
    }


def test_the_token_signs_again_after_a_signature(identities, token, settings, monkeypatch, soffice):
    """The session is closed after each signature (a worker signs many documents in one process)."""
    _configure(settings, monkeypatch, token, PIN)
    first, second = sign_letter(identities, "y2026"), sign_letter(identities, "seed")
    assert services.validate_pdf(first).ok and services.validate_pdf(second).ok


def test_a_wrong_pin_is_a_clear_error(identities, token, settings, monkeypatch, soffice):
    _configure(settings, monkeypatch, token, "000000")
    with pytest.raises(services.SigningError, match="sai mã PIN"):
        sign_letter(identities, "y2026")
