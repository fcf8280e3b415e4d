"""Signing PDFs as NĐ 30/2020/NĐ-CP prescribes (Phụ lục I, Phần I, Mục II; docs/signing.md) with
pyHanko, and validating signed PDFs.

- The signer signs first: a visible PAdES signature whose appearance is the image of the
  handwritten signature, centred between the signer's position (last line of the title) and name.
- The organisation (văn thư) signs second: the image of its seal, at its real size, overlapping
  about the left third of the signer's image.
- An attachment in a separate file: the organisation signs at the top right of page 1, no image,
  the text "number/symbol" and the signing time (ISO 8601, Vietnam time zone), Times New Roman 10 pt.

PAdES B-B; B-T (embedded timestamp) when settings.SIGNING_TSA_URL names a timestamp authority."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.signing import keys

VN_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MM = 72 / 25.4
SIGNER_FIELD = "ChuKyNguoiKy"
ORG_FIELD = "ChuKyCoQuan"
ATTACHMENT_FIELD = "ChuKyCoQuanPhuLuc"
SIGNATURE_MAX_WIDTH_MM = 50
ATTACHMENT_FONT_SIZE = 10
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
    "/usr/share/fonts/truetype/msttcorefonts/times.ttf",
    # metric-compatible with Times New Roman; the one LibreOffice itself substitutes
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)


class SigningError(ValidationError):
    pass


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().casefold()


@dataclass
class Box:
    x0: float
    y0: float  # PDF user space: from the bottom of the page
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x0), round(self.y0), round(self.x1), round(self.y1))


@dataclass
class SignatureLayout:
    page_index: int
    signature: Box
    seal: Box


def _place(
    page_index: int,
    page_height: float,
    title_line: dict,
    below_top: float,
    centre_x: float,
    seal_width_mm: float,
    signature_aspect: float,
) -> SignatureLayout:
    top = page_height - title_line["bottom"]  # PDF y of the bottom of the title
    bottom = page_height - below_top  # PDF y of the top of the name (or of the blank name line)
    gap = top - bottom
    if gap < 20:
        raise SigningError(_("Không đủ chỗ giữa chức vụ và họ tên người ký để đặt chữ ký."))
    sig_h = gap - 4
    sig_w = min(sig_h * signature_aspect, SIGNATURE_MAX_WIDTH_MM * MM)
    sig = Box(centre_x - sig_w / 2, bottom + 2, centre_x + sig_w / 2, top - 2)
    seal_d = float(seal_width_mm) * MM
    centre_y = (sig.y0 + sig.y1) / 2
    # the seal's right edge at the end of the left third of the signature image
    right = sig.x0 + sig.width / 3
    return SignatureLayout(page_index, sig, Box(right - seal_d, centre_y - seal_d / 2, right, centre_y + seal_d / 2))


def text_segments(page, gap: float = 12.0) -> list[dict]:
    """The page's text lines, split where words stand far apart (the two columns of the signature
    block: "Nơi nhận" on the left, the signer on the right, share baselines)."""
    segments: list[dict] = []
    words = sorted(
        page.extract_words(keep_blank_chars=False, use_text_flow=False), key=lambda w: (round(w["top"]), w["x0"])
    )
    for word in words:
        last = segments[-1] if segments else None
        if last and abs(word["top"] - last["top"]) < 2 and 0 <= word["x0"] - last["x1"] < gap:
            last.update(
                text=last["text"] + " " + word["text"], x1=word["x1"], bottom=max(last["bottom"], word["bottom"])
            )
        else:
            segments.append(
                {"text": word["text"], "x0": word["x0"], "x1": word["x1"], "top": word["top"], "bottom": word["bottom"]}
            )
    return segments


BLANK_NAME_GAP = 25 * MM  # the blank lines left for the signature when the name is not known


def signature_layout(
    pdf: bytes, signature_title: str, signer_name: str, *, seal_width_mm: float = 35, signature_aspect: float = 2.5
) -> SignatureLayout:
    """Where the two images go: found on the rendered PDF, on the last page where the signer's name
    stands below the last line of the title (boxes 7b and 7c of NĐ 30); centred on the name. When the
    name is blank (a gap of the seed letter), under the title, centred on it, in the blank lines left
    for the signature."""
    import pdfplumber

    name = _norm(signer_name)
    title_lines = [_norm(line) for line in (signature_title or "").splitlines() if line.strip()]
    if not title_lines:
        raise SigningError(_("Văn bản chưa có quyền hạn, chức vụ người ký: không ký số được."))
    last_title = title_lines[-1]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for index in range(len(doc.pages) - 1, -1, -1):
            page = doc.pages[index]
            lines = text_segments(page)
            titles = [ln for ln in lines if _norm(ln["text"]) == last_title]
            if not titles:
                continue
            if name:
                for name_line in reversed([ln for ln in lines if _norm(ln["text"]) == name]):
                    above = [ln for ln in titles if ln["bottom"] <= name_line["top"]]
                    if above:
                        title_line = max(above, key=lambda ln: ln["bottom"])
                        return _place(
                            index,
                            page.height,
                            title_line,
                            name_line["top"],
                            (name_line["x0"] + name_line["x1"]) / 2,
                            seal_width_mm,
                            signature_aspect,
                        )
                continue
            title_line = titles[-1]
            below = [
                ln["top"]
                for ln in lines
                if ln["top"] > title_line["bottom"] and ln["x1"] > title_line["x0"] and ln["x0"] < title_line["x1"]
            ]
            limit = title_line["bottom"] + BLANK_NAME_GAP
            return _place(
                index,
                page.height,
                title_line,
                min(below + [limit]),
                (title_line["x0"] + title_line["x1"]) / 2,
                seal_width_mm,
                signature_aspect,
            )
    raise SigningError(_("Không tìm thấy chức vụ và họ tên người ký trên văn bản PDF."))


def _timestamper():
    url = getattr(settings, "SIGNING_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url)


def _image_style(png: bytes):
    from PIL import Image
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle

    img = Image.open(io.BytesIO(png)).convert("RGBA")
    return StaticStampStyle(
        background=PdfImage(img),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )


def font_path() -> str:
    import os

    configured = getattr(settings, "SIGNING_TEXT_FONT", "")
    for path in ((configured,) if configured else ()) + FONT_CANDIDATES:
        if path and os.path.exists(path):
            return path
    raise SigningError(_("Không có phông Times New Roman (hoặc Liberation Serif) để ghi chữ ký trên phụ lục."))


def _font_for_pyhanko() -> str:
    """The font scaled to 1000 units per em: pyHanko 0.38 writes the glyph widths (/W) in the font's
    own units, which are right only for 1000-unit fonts (Times New Roman and Liberation Serif have
    2048; unscaled, viewers spread the letters out). Cached under SIGNING_DIR/fonts."""
    from pathlib import Path

    source = Path(font_path())
    target = keys.signing_dir() / "fonts" / f"{source.stem}-upem1000.ttf"
    if not target.exists():
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        font = TTFont(str(source))
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        font.save(str(tmp))
        tmp.replace(target)
    return str(target)


def _sign(
    pdf: bytes,
    identity: str,
    field_name: str,
    page_index: int,
    box: Box,
    style,
    text_params: dict | None = None,
    reason: str = "",
) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        signer = keys.load_signer(identity)
    except keys.KeyMissing as exc:
        raise SigningError(_("Chưa có khóa, chứng thư số cho “%(who)s”.") % {"who": identity}) from exc
    except Exception as exc:  # noqa: BLE001 - a token not plugged in, a wrong PIN, a bad file: said, never a 500
        raise SigningError(
            _("Không mở được khóa ký số của “%(who)s” (token chưa cắm, sai mã PIN hoặc cấu hình sai): %(e)s")
            % {"who": identity, "e": type(exc).__name__}
        ) from exc
    session = getattr(signer, "pkcs11_session", None)  # a PKCS#11 token: closed after this signature
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or None,
            location=None,
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            timestamper=_timestamper(),
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(field_name, on_page=page_index, box=box.tuple()),
        )
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, output=out, appearance_text_params=text_params)
        return out.getvalue()
    finally:
        if session is not None:
            session.close()  # the last session closed logs out: the next signature logs in again


def image_for(identity: str):
    from ocop.signing.models import SignatureImage

    return SignatureImage.objects.filter(identity=identity, active=True).order_by("-uploaded_at", "-id").first()


def _read(image) -> bytes:
    with image.image.open("rb") as fh:
        return fh.read()


def sign_pdf(
    pdf: bytes, *, signature_title: str, signer_name: str, organisation_code: str, signer: str = "", reason: str = ""
) -> bytes:
    """The signer's signature, then the organisation's, as NĐ 30 shows them. `signer` is the signing
    identity when it is not the document's signer name (a document whose name is a gap)."""
    if not (signer or signer_name.strip()):
        raise SigningError(_("Văn bản chưa có họ tên người ký: không ký số được."))
    signer_id, org_id = signer or keys.signer_identity(signer_name), keys.org_identity(organisation_code)
    sig_image, seal_image = image_for(signer_id), image_for(org_id)
    if sig_image is None:
        raise SigningError(_("Chưa có ảnh chữ ký của %(name)s.") % {"name": signer_name or signer_id})
    if seal_image is None:
        raise SigningError(_("Chưa có ảnh con dấu của %(org)s.") % {"org": organisation_code})
    sig_png, seal_png = _read(sig_image), _read(seal_image)
    from PIL import Image

    w, h = Image.open(io.BytesIO(sig_png)).size
    place = signature_layout(
        pdf, signature_title, signer_name, seal_width_mm=float(seal_image.width_mm), signature_aspect=w / h
    )
    signed = _sign(
        pdf, signer_id, SIGNER_FIELD, place.page_index, place.signature, _image_style(sig_png), reason=reason
    )
    return _sign(signed, org_id, ORG_FIELD, place.page_index, place.seal, _image_style(seal_png), reason=reason)


def vietnam_time_iso(moment: dt.datetime | None = None) -> str:
    """ "2026-12-02T14:05:09+07:00": ISO 8601, Vietnam time zone, to the second."""
    moment = moment or dt.datetime.now(dt.timezone.utc)
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def attachment_box(page_width: float, page_height: float) -> Box:
    """Top right of the page, inside the right margin (NĐ 30: right margin 15–20 mm)."""
    right = page_width - 15 * MM
    top = page_height - 4 * MM  # in the top margin (20–25 mm), above the national title
    return Box(right - 50 * MM, top - 15 * MM, right, top)


_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _iso_style_class():
    from pyhanko.stamp import TextStampStyle

    class IsoTimeStampStyle(TextStampStyle):
        """pyHanko fills %(ts)s with the signature's own signing time; shown here as ISO 8601 in
        Vietnam time ("2026-12-02T14:05:09+07:00")."""

        def create_stamp(self, writer, box, text_params):
            params = dict(text_params)
            if "ts" in params:
                params["ts"] = vietnam_time_iso(dt.datetime.strptime(params["ts"], _TS_FORMAT))
            return super().create_stamp(writer, box, params)

    return IsoTimeStampStyle


def _IsoTimeStampStyle(**kwargs):  # noqa: N802 - builds the style class lazily (pyHanko imported on use)
    return _iso_style_class()(**kwargs)


def sign_attachment(pdf: bytes, *, number_and_symbol: str, organisation_code: str) -> bytes:
    """The organisation's signature on an attachment in a separate file: no image; the number and
    symbol and the signing time at the top right of page 1, Times New Roman 10 pt, regular, black."""
    from pyhanko.pdf_utils import layout, text
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    mediabox = reader.root["/Pages"]["/Kids"][0].get_object()["/MediaBox"]
    width, height = float(mediabox[2]) - float(mediabox[0]), float(mediabox[3]) - float(mediabox[1])
    style = _IsoTimeStampStyle(
        stamp_text="%(number)s\n%(ts)s",
        border_width=0,
        background=None,
        timestamp_format=_TS_FORMAT,
        text_box_style=text.TextBoxStyle(
            font=GlyphAccumulatorFactory(_font_for_pyhanko()), font_size=ATTACHMENT_FONT_SIZE, border_width=0
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
    params = {"number": number_and_symbol}
    return _sign(
        pdf,
        keys.org_identity(organisation_code),
        ATTACHMENT_FIELD,
        0,
        attachment_box(width, height),
        style,
        text_params=params,
    )


# --- validation -----------------------------------------------------------------------------------


@dataclass
class SignatureReport:
    field: str
    signer: str = ""
    organisation: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    modified_after: str = ""  # "none" | "signatures" (later signatures only) | "changed"
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.modified_after != "changed" and not self.error


@dataclass
class FileReport:
    sha256: str
    signatures: list[SignatureReport] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and not self.error and all(s.ok for s in self.signatures)


def _subject(cert, attr: str) -> str:
    try:
        return str(cert.subject.native.get(attr, "")) if cert is not None else ""
    except Exception:  # noqa: BLE001 - a malformed subject shows as blank
        return ""


def validate_pdf(data: bytes, *, trust_roots=None) -> FileReport:
    """Every signature of `data` checked with pyHanko's validator against the configured roots."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    report = FileReport(sha256=hashlib.sha256(data).hexdigest())
    roots = keys.trust_roots() if trust_roots is None else trust_roots
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same clear message
        report.error = _("Không đọc được tệp PDF (tệp hỏng hoặc không phải PDF).")
        return report
    if not embedded:
        report.error = _("Tệp không có chữ ký số.")
        return report
    for sig in embedded:
        item = SignatureReport(field=sig.field_name or "")
        try:
            cert = sig.signer_cert
            item.signer = _subject(cert, "common_name")
            item.organisation = _subject(cert, "organization_name")
            item.signed_at = sig.self_reported_timestamp
            context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
            status = validate_pdf_signature(sig, context, skip_diff=False)
            item.intact, item.valid, item.trusted = bool(status.intact), bool(status.valid), bool(status.trusted)
            item.timestamped = status.timestamp_validity is not None
            if status.timestamp_validity is not None:
                item.signed_at = status.timestamp_validity.timestamp
            coverage = getattr(status.coverage, "name", "")
            level = getattr(status.modification_level, "name", "")
            if coverage == "ENTIRE_FILE":
                item.modified_after = "none"
            elif level in ("NONE", "LTA_UPDATES", "FORM_FILLING"):
                item.modified_after = "signatures"
            else:
                item.modified_after = "changed"
        except Exception as exc:  # noqa: BLE001 - a broken signature is reported, never a 500
            item.error = _("Không kiểm tra được chữ ký: %(e)s") % {"e": str(exc)[:200]}
        report.signatures.append(item)
    return report
