"""Signing the seed letter 9654/BNN-VPĐP (2018) and a 2026 letter as NĐ 30/2020 prescribes, validated
with pyHanko's own validator against the TEST CA; the appearance checked with pdfplumber coordinates."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ocop.signing import keys, services
from ocop.signing.tests.conftest import TEST_SIGNER, sign_letter

pytestmark = pytest.mark.django_db
MM = 72 / 25.4


def pyhanko_statuses(data: bytes, roots):
    reader = PdfFileReader(io.BytesIO(data))
    return [
        (sig.field_name, sig, validate_pdf_signature(sig, ValidationContext(trust_roots=roots, allow_fetching=False)))
        for sig in reader.embedded_signatures
    ]


@pytest.mark.parametrize("which", ["seed", "y2026"])
def test_two_signatures_in_order_intact_and_trusted(identities, which, soffice):
    signed = sign_letter(identities, which)
    ca = load_cert_from_pemder(str(keys.test_ca_path()))
    assert "TEST CA" in ca.subject.native["common_name"]
    statuses = pyhanko_statuses(signed, [ca])
    assert [name for name, _, _ in statuses] == ["ChuKyNguoiKy", "ChuKyCoQuan"]
    for _, _, status in statuses:
        assert status.intact and status.valid and status.trusted
    signer, org = (sig.signer_cert.subject.native for _, sig, _ in statuses)
    assert signer["common_name"] == "Người Ký Thử Nghiệm (TEST)"
    issuer = {
        "seed": ("BNN-VPĐP (TEST)", "Bộ Nông nghiệp và Phát triển nông thôn"),
        "y2026": ("BNNMT-TEST (TEST)", "Bộ Nông nghiệp và Môi trường"),
    }[which]
    assert (org["common_name"], org["organization_name"]) == issuer
    # the organisation's signature covers the whole file; the signer's is followed only by it
    assert statuses[1][2].coverage.name == "ENTIRE_FILE"
    assert statuses[0][2].modification_level.name in ("FORM_FILLING", "LTA_UPDATES")
    # without the TEST CA among the roots, nothing is trusted
    assert not any(status.trusted for _, _, status in pyhanko_statuses(signed, []))


def test_one_changed_byte_fails_validation(identities, soffice):
    signed = sign_letter(identities, "y2026")
    at = signed.index(b"/Producer")  # inside the first signed revision (LibreOffice's info dictionary)
    tampered = signed[: at + 2] + bytes([signed[at + 2] ^ 0x01]) + signed[at + 3 :]
    assert len(tampered) == len(signed) and tampered != signed
    ca = load_cert_from_pemder(str(keys.test_ca_path()))
    assert not any(status.intact for _, _, status in pyhanko_statuses(tampered, [ca]))
    report = services.validate_pdf(tampered)
    assert report.signatures and not report.ok
    assert services.validate_pdf(signed).ok


def _widgets(page):
    return {
        a["data"].get("T").decode() if isinstance(a["data"].get("T"), bytes) else str(a["data"].get("T")): a
        for a in page.annots
    }


def test_the_seal_overlaps_the_left_third_of_the_signature_between_position_and_name(identities, soffice):
    signed = sign_letter(identities, "y2026")
    with pdfplumber.open(io.BytesIO(signed)) as pdf:
        page = pdf.pages[-1]
        widgets = _widgets(page)
        sig, seal = widgets["ChuKyNguoiKy"], widgets["ChuKyCoQuan"]
        words = page.extract_words()
        position = [w for w in words if w["text"] == "TRƯỞNG" and w["x0"] > page.width / 2][-1]  # "THỨ TRƯỞNG"
        name = [w for w in words if w["text"] == "Nghiệm"][-1]  # "Người Ký Thử Nghiệm"
        first = [w for w in words if w["text"] == "Người" and abs(w["top"] - name["top"]) < 1][-1]
        name = {"x0": first["x0"], "x1": name["x1"], "top": name["top"]}
    # pdfplumber coordinates: top grows downwards
    assert position["bottom"] <= sig["top"] < sig["bottom"] <= name["top"]
    assert abs((sig["x0"] + sig["x1"]) / 2 - (name["x0"] + name["x1"]) / 2) < 2  # centred on the name
    third = sig["x0"] + (sig["x1"] - sig["x0"]) / 3
    assert seal["x0"] < sig["x0"] < seal["x1"] <= third + 1  # over the left third, not beyond
    assert seal["top"] < sig["bottom"] and seal["bottom"] > sig["top"]
    assert abs((seal["x1"] - seal["x0"]) - 35 * MM) < 1  # the seal at its real size (35 mm demo seal)


def test_the_images_are_transparent_pngs_in_the_appearance(identities, soffice):
    from pypdf import PdfReader

    signed = sign_letter(identities, "y2026")
    page = PdfReader(io.BytesIO(signed)).pages[-1]
    found = {}
    for annot in page["/Annots"]:
        annot = annot.get_object()
        stream = annot["/AP"]["/N"].get_object()
        images = []

        def walk(xobj, images: list) -> None:
            for value in (xobj.get("/Resources", {}).get("/XObject", {}) or {}).values():
                value = value.get_object()
                if value.get("/Subtype") == "/Image":
                    images.append(value)
                else:
                    walk(value, images)

        walk(stream, images)
        found[annot["/T"]] = images
    for field in ("ChuKyNguoiKy", "ChuKyCoQuan"):
        assert found[field], field
        assert all("/SMask" in image for image in found[field])  # transparent background kept


def test_an_attachment_is_signed_at_the_top_right_of_page_one_in_10_pt(identities, soffice):
    doc = identities["y2026"]
    signed = services.sign_attachment(
        identities["y2026_pdf"], number_and_symbol=doc.number_and_symbol, organisation_code=doc.issuer.code
    )
    with pdfplumber.open(io.BytesIO(signed)) as pdf:
        page = pdf.pages[0]
        widget = _widgets(page)["ChuKyCoQuanPhuLuc"]
        assert widget["x0"] > page.width / 2 and widget["x1"] <= page.width - 15 * MM + 1
        assert widget["top"] < 25 * MM  # above the text, in the top margin
    from pypdf import PdfReader

    annot = next(
        a.get_object()
        for a in PdfReader(io.BytesIO(signed)).pages[0]["/Annots"]
        if a.get_object()["/T"] == "ChuKyCoQuanPhuLuc"
    )
    ap = annot["/AP"]["/N"].get_object()

    def contents(xobj, out):
        out.append(xobj.get_data())
        for value in (xobj.get("/Resources", {}).get("/XObject", {}) or {}).values():
            contents(value.get_object(), out)
        return out

    data = b"\n".join(contents(ap, []))
    assert b" 10 Tf" in data
    assert b"/Image" not in data
    fonts = str(ap.get("/Resources"))
    statuses = pyhanko_statuses(signed, [load_cert_from_pemder(str(keys.test_ca_path()))])
    assert [(name, status.intact, status.trusted) for name, _, status in statuses] == [
        ("ChuKyCoQuanPhuLuc", True, True)
    ]
    assert fonts  # the font resources are embedded in the appearance


def test_the_signing_time_text_is_iso_8601_in_vietnam_time():
    moment = dt.datetime(2026, 12, 2, 7, 5, 9, 450000, tzinfo=dt.timezone.utc)
    assert services.vietnam_time_iso(moment) == "2026-12-02T14:05:09+07:00"


def test_a_document_without_signer_name_or_title_is_refused_clearly(identities, soffice):
    with pytest.raises(services.SigningError, match="họ tên người ký"):
        services.sign_pdf(identities["y2026_pdf"], signature_title="THỨ TRƯỞNG", signer_name="", organisation_code="X")
    with pytest.raises(services.SigningError, match="chức vụ"):
        services.signature_layout(identities["y2026_pdf"], "", TEST_SIGNER)
