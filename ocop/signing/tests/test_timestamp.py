"""PAdES B-T: with a timestamp authority configured (SIGNING_TSA_URL), each signature carries an
embedded RFC 3161 signature timestamp. The authority here is pyHanko's own test time stamper
(`DummyTimeStamper`) behind a loopback HTTP server in this process, with a TSA certificate issued by
the TEST CA: the configured HTTP path is exercised end to end, with no network."""

from __future__ import annotations

import asyncio
import datetime as dt
import http.server
import io
import threading

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ocop.signing import keys, services
from ocop.signing.tests.conftest import sign_letter

pytestmark = pytest.mark.django_db


def _tsa_identity():
    """A TSA certificate (extended key usage timeStamping, critical, RFC 3161 §2.3) from the TEST CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID

    ca_key, ca_cert = keys._load_or_make_ca()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(keys._name("OCOP TEST TSA (TEST)", keys.TEST_CA_ORG))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2018, 1, 1, tzinfo=dt.timezone.utc))
        .not_valid_after(ca_cert.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
        asn1_x509.Certificate.load(ca_cert.public_bytes(serialization.Encoding.DER)),
    )


@pytest.fixture
def tsa_url(identities, settings):
    tsa_cert, tsa_key, ca_cert = _tsa_identity()
    stamper = DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=[ca_cert])
    requests_seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests_seen.append(self.headers.get("Content-Type"))
            response = asyncio.run(stamper.async_request_tsa_response(tsp.TimeStampReq.load(body))).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SIGNING_TSA_URL = f"http://127.0.0.1:{server.server_address[1]}/"
    yield requests_seen
    server.shutdown()
    server.server_close()
    thread.join()


def test_with_a_timestamp_authority_the_signatures_are_b_t(identities, tsa_url, soffice):
    signed = sign_letter(identities, "y2026")
    # the configured authority was asked (RFC 3161 over HTTP), at least once per signature (pyHanko
    # may also ask once to size the placeholder)
    assert len(tsa_url) >= 2 and set(tsa_url) == {"application/timestamp-query"}
    ca = load_cert_from_pemder(str(keys.test_ca_path()))
    reader = PdfFileReader(io.BytesIO(signed))
    sigs = list(reader.embedded_signatures)
    assert [s.field_name for s in sigs] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    for sig in sigs:
        unsigned = sig.signer_info["unsigned_attrs"].native or []
        assert [a["type"] for a in unsigned] == ["signature_time_stamp_token"]  # PAdES B-T
        status = validate_pdf_signature(sig, ValidationContext(trust_roots=[ca], allow_fetching=False))
        assert status.intact and status.valid and status.trusted
        token = status.timestamp_validity
        assert token is not None and token.intact and token.valid and token.trusted
        assert token.timestamp.tzinfo is not None
    # the application's own report says so
    report = services.validate_pdf(signed)
    assert report.ok and [s.timestamped for s in report.signatures] == [True, True]


def test_without_a_timestamp_authority_the_signatures_are_b_b(identities, soffice):
    signed = sign_letter(identities, "y2026")
    for sig in PdfFileReader(io.BytesIO(signed)).embedded_signatures:
        assert not sig.signer_info["unsigned_attrs"].native
    assert [s.timestamped for s in services.validate_pdf(signed).signatures] == [False, False]
