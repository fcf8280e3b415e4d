"""Keys and certificates of the signers and organisations (docs/signing.md).

Development and demo: a local TEST CA made by `manage.py make_test_ca` under SIGNING_DIR
(var/signing, never in the repository), one PKCS#12 file per signer and per organisation.
Production: settings.SIGNING_KEYS maps an identity to a PKCS#12 file or a PKCS#11 token (USB
token of a government signer) through pyHanko; trust roots come from settings.SIGNING_TRUST_ROOTS.

An identity is "signer:<slug of the person's name>" or "org:<slug of the issuer code>"."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

TEST_CA_SUBJECT = "OCOP TEST CA - KHONG CO GIA TRI PHAP LY"
TEST_CA_ORG = "OCOP TEST - CHỈ DÙNG THỬ NGHIỆM"
TEST_PASSPHRASE = b"ocop-test-only"


class KeyMissing(RuntimeError):
    """No key is configured for an identity."""


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").replace("Đ", "D").replace("đ", "d")
    return slugify(text) or "x"


def signer_identity(name: str) -> str:
    return f"signer:{_slug(name)}"


def org_identity(code: str) -> str:
    return f"org:{_slug(code)}"


def signing_dir() -> Path:
    return Path(settings.SIGNING_DIR)


def test_p12_path(identity: str) -> Path:
    kind, _, slug = identity.partition(":")
    return signing_dir() / "keys" / f"{kind}-{slug}.p12"


def test_ca_path() -> Path:
    return signing_dir() / "test-ca.pem"


def trust_root_paths() -> list[Path]:
    """The configured roots; in development the test CA when it exists and none is configured."""
    roots = [Path(p) for p in getattr(settings, "SIGNING_TRUST_ROOTS", []) if p]
    if not roots and getattr(settings, "SIGNING_TRUST_TEST_CA", False) and test_ca_path().exists():
        roots = [test_ca_path()]
    return roots


def trust_roots():
    from pyhanko.keys import load_certs_from_pemder

    return list(load_certs_from_pemder([str(p) for p in trust_root_paths()]))


def configured_keys() -> dict:
    """settings.SIGNING_KEYS, and the JSON file named by SIGNING_KEYS_FILE (production)."""
    import json

    result = dict(getattr(settings, "SIGNING_KEYS", {}) or {})
    path = getattr(settings, "SIGNING_KEYS_FILE", "")
    if path:
        result.update(json.loads(Path(path).read_text(encoding="utf-8")))
    return result


def has_key(identity: str) -> bool:
    return identity in configured_keys() or test_p12_path(identity).exists()


def load_signer(identity: str):
    """A pyHanko signer for `identity`: settings.SIGNING_KEYS[identity] (PKCS#12 or PKCS#11), else
    the test CA's PKCS#12 file."""
    from pyhanko.sign import signers

    spec = configured_keys().get(identity)
    if spec is None:
        path = test_p12_path(identity)
        if not path.exists():
            raise KeyMissing(identity)
        return signers.SimpleSigner.load_pkcs12(str(path), passphrase=TEST_PASSPHRASE)
    if "pkcs12" in spec:
        passphrase = os.environ.get(spec.get("passphrase_env", ""), "") or None
        signer = signers.SimpleSigner.load_pkcs12(
            spec["pkcs12"], passphrase=passphrase.encode() if passphrase else None
        )
        if signer is None:
            raise KeyMissing(identity)
        return signer
    if "pkcs11_module" in spec:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11

        label = spec.get("token_label")
        session = pkcs11.open_pkcs11_session(
            spec["pkcs11_module"],
            token_criteria=TokenCriteria(label=label) if label else None,
            user_pin=os.environ.get(spec.get("pin_env", ""), None),
        )
        return pkcs11.PKCS11Signer(session, cert_label=spec.get("cert_label"), key_label=spec.get("key_label"))
    raise KeyMissing(identity)


# --- the local TEST CA ---------------------------------------------------------------------------


def _fit(text: str, limit: int = 64) -> str:
    """At most `limit` bytes of UTF-8 (the X.520 upper bound), cut between characters."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def _name(common_name: str, org: str = ""):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(org)))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)))
    return x509.Name(attrs)


def _load_or_make_ca():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key_path = signing_dir() / "test-ca.key"
    if key_path.exists() and test_ca_path().exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        return key, x509.load_pem_x509_certificate(test_ca_path().read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.timezone.utc)
    name = _name(TEST_CA_SUBJECT, TEST_CA_ORG)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    signing_dir().mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    os.chmod(key_path, 0o600)
    test_ca_path().write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def make_test_identity(identity: str, common_name: str, org: str = "") -> Path:
    """A certificate for `identity` signed by the TEST CA, stored as PKCS#12 under SIGNING_DIR/keys;
    an existing one is kept."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    path = test_p12_path(identity)
    if path.exists():
        return path
    ca_key, ca_cert = _load_or_make_ca()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{common_name} (TEST)", org))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc))
        .not_valid_after(ca_cert.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            identity.encode(), key, cert, [ca_cert], BestAvailableEncryption(TEST_PASSPHRASE)
        )
    )
    os.chmod(path, 0o600)
    return path
