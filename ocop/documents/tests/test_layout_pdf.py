"""NĐ 30 layout on every length, checked on the rendered PDF page by page (LibreOffice, then
text per page in layout mode): letters of one, two and three pages and lengths around the foot of
page 1, the 2026 request letter with its appendix, and a national report of more than 60 pages.

Every PDF is rendered once per module (module-scoped fixtures); the checks read the pages.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import pytest
from django.db import transaction
from pypdf import PdfReader

from ocop.demo.accounts import create_demo_users
from ocop.documents import services
from ocop.reporting import letters
from ocop.documents.issuers import load_issuers, ministry_on
from ocop.documents.models import DocumentKind
from ocop.documents.pdf import convert_to_pdf, soffice_path
from ocop.demo.programme import create_demo_programme
from ocop.reporting import docx_out, national_report
from ocop.reporting.consolidation import consolidate
from ocop.demo.reporting import create_demo_reporting
from ocop.reporting.loader import load_templates
from ocop.reporting.models import ReportRequest

pytestmark = pytest.mark.django_db

# one paragraph of a letter's body: about four and a half lines at 14 pt (hand-written filler)
PARAGRAPH = (
    "Đề nghị Ủy ban nhân dân các tỉnh, thành phố chỉ đạo các cơ quan chuyên môn rà soát kết quả thực hiện "
    "Chương trình OCOP trên địa bàn, tổng hợp số liệu về sản phẩm, chủ thể, nguồn lực và các hoạt động xúc tiến "
    "thương mại, đánh giá những khó khăn, vướng mắc và đề xuất giải pháp tháo gỡ, bảo đảm số liệu đầy đủ, chính xác."
)
# body lengths (paragraphs) → expected pages of the letter (about 5 paragraphs fit under the header of
# page 1, 7 on a full page); the lengths 4-7 and 11-13 end the text around the foot of page 1 or 2,
# where the signature block used to be split from "Nơi nhận" or leave the "Lưu" line alone
LETTER_LENGTHS = {1: 1, 4: None, 5: None, 6: None, 7: None, 10: 2, 11: None, 12: None, 13: None, 16: 3}
SIGNATURE = ("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG")


def pdftotext_pages(pdf: bytes) -> list[str]:
    """The text of each page, laid out by position (pypdf's layout mode, as `pdftotext -layout -f N
    -l N` would give; pypdf is already a test dependency, poppler is not), NFC."""
    reader = PdfReader(io.BytesIO(pdf))
    return [unicodedata.normalize("NFC", page.extract_text(extraction_mode="layout") or "") for page in reader.pages]


def page_of(pages: list[str], needle: str) -> list[int]:
    return [i for i, text in enumerate(pages, start=1) if needle in text]


def lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory):
    """Every PDF of this module, rendered once: {"letter-N": pages, "request-2026": pages,
    "national": pages}."""
    if not soffice_path():
        pytest.fail("LibreOffice (soffice) is not installed: `make test` installs it (scripts/ensure_system.sh).")
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    out: dict[str, list[str]] = {}
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            create_demo_users()
            create_demo_programme()
            load_templates()
            create_demo_reporting()
            load_issuers()
            day = dt.date(2026, 12, 20)
            issuer = ministry_on(day)
            for n in LETTER_LENGTHS:
                doc = services.do_create_draft(
                    None,
                    issuer=issuer,
                    kind=DocumentKind.CONG_VAN,
                    date=day,
                    subject="kiểm thử bố cục",
                    recipients=["Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
                    content={
                        "opening": [PARAGRAPH] * (n - 1),
                        "requests": [],
                        "closing": [PARAGRAPH + " Trân trọng./."],
                    },
                    noi_nhan=[
                        "Như trên;",
                        "Bộ trưởng (để b/c);",
                        "Sở Nông nghiệp và Môi trường các tỉnh, thành phố;",
                        "Lưu: VT, VPĐP.",
                    ],
                )
                out[f"letter-{n}"] = pdftotext_pages(convert_to_pdf(services.render_docx(doc)))
            # the 2026 request letter (a 2026 request of the demo, the letter dated in December 2026)
            request = (
                ReportRequest.objects.filter(is_demo=True, cutoff__year=2026, owner_unit__isnull=True)
                .order_by("-cutoff")
                .first()
            )
            letter = letters.create_request_letter(None, request, day=day)
            out["request-2026"] = pdftotext_pages(convert_to_pdf(services.render_docx(letter)))
            # a national report of 60+ pages: the demo's 2026 consolidation with long narratives
            c = consolidate(request, compare=False)
            filler = " ".join([PARAGRAPH] * 7)
            for ns in c.narratives:
                for nf in ns.fields:
                    for entry in nf.entries:
                        entry.text = filler
            out["national"] = pdftotext_pages(national_report.build_pdf(c, today=day))
            # a province's report as a Báo cáo of its UBND (Word export, rendered to PDF)
            sub = province_submission(request)
            form = getattr(request, "form", None) or request.template.parsed
            report = docx_out.build_docx(
                form,
                sub.data,
                title=request.title,
                unit_label=str(sub.unit),
                request_label=request.title,
                submission=sub,
            )
            out["report"] = pdftotext_pages(convert_to_pdf(report))
            transaction.set_rollback(True)
    return out


def province_submission(request):
    """Thái Nguyên's report of `request` (the demo's, or a new draft filled like a complete one)."""
    from ocop.accounts.models import User
    from ocop.reporting.models import Submission
    from ocop.reporting.services import submissions as sv
    from ocop.reporting.tests.conftest import complete

    unit = request.recipients.get(code="19")
    sub = Submission.objects.filter(request=request, unit=unit).order_by("-pk").first()
    if sub is None:
        user = User.objects.get(username="tinh.thainguyen")
        sub = sv.do_open_submission(user, request, unit)
        sv.do_save_draft(user, sub, complete(sub))
        sub.refresh_from_db()
    return sub


def check_signature_block(pages: list[str], signature=SIGNATURE) -> int:
    """ "Nơi nhận", its last line and the signature block on one page, with text of the body above
    them on that page; returns the page."""
    found = page_of(pages, "Nơi nhận:")
    assert len(found) == 1, found
    page = pages[found[0] - 1]
    for needle in (*signature, "Lưu: VT"):
        assert needle in page, f"“{needle}” is not on page {found[0]} with “Nơi nhận”:\n{page}"
    before = page.split("Nơi nhận:")[0]
    assert any(len(line) > 40 for line in lines(before)), f"the signature block stands alone on page {found[0]}"
    return found[0]


@pytest.mark.parametrize("n", list(LETTER_LENGTHS))
def test_letters_keep_the_signature_block_whole(rendered, n):
    pages = rendered[f"letter-{n}"]
    if LETTER_LENGTHS[n] is not None:
        assert len(pages) == LETTER_LENGTHS[n]
    assert check_signature_block(pages) == len(pages)  # the last page: no page after the signature


@pytest.mark.parametrize("n", list(LETTER_LENGTHS))
def test_the_header_never_wraps_a_name(rendered, n):
    first = lines(rendered[f"letter-{n}"][0])
    assert any("BỘ NÔNG NGHIỆP" in line and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in first), first[:4]
    assert any(line.startswith("VÀ MÔI TRƯỜNG") and "Độc lập - Tự do - Hạnh phúc" in line for line in first), first[:4]


def test_page_numbers_from_page_two(rendered):
    pages = rendered["letter-16"]
    assert lines(pages[1])[0] == "2" and lines(pages[2])[0] == "3"
    assert lines(pages[0])[0] != "1"


def test_the_2026_request_letter(rendered):
    pages = rendered["request-2026"]
    signature_page = check_signature_block(pages)
    appendix = page_of(pages, "Phụ lục")
    assert appendix and appendix[0] == signature_page + 1  # the appendix starts on its own page
    caption = re.sub(r"\s+", " ", pages[appendix[0] - 1])
    assert re.search(
        r"\(Kèm theo Công văn số\s+/BNNMT-VPĐP ngày 20/12/2026 của Bộ Nông nghiệp và Môi trường\)", caption
    )
    text = " ".join(pages)
    assert "BỘ NÔNG NGHIỆP" in text and "VÀ MÔI TRƯỜNG" in text and "PHÁT TRIỂN NÔNG THÔN" not in text
    assert "Trong thời gian qua" not in text and "gmail" not in text


def test_the_national_report_of_sixty_pages(rendered):
    pages = rendered["national"]
    assert len(pages) >= 60, len(pages)
    signature_page = check_signature_block(pages)
    kt, thu_truong = page_of(pages, "KT. BỘ TRƯỞNG"), page_of(pages, "THỨ TRƯỞNG")
    assert kt == thu_truong == [signature_page]
    # headings numbered once: no outline number ("I.3.", "II.1.") under the report's own parts
    main = pages[:signature_page]
    doubled = [line for page in main for line in lines(page) if re.match(r"^[IVX]+\.\d+\.?\s", line)]
    assert not doubled, doubled[:5]
    parts = [line for page in main for line in lines(page) if re.match(r"^(I|II|III|IV|V)\. [A-ZĐ]", line)]
    assert [p.split(".")[0] for p in parts] == ["I", "II", "III", "IV", "V"], parts
    # the appendix has its own caption with the report's number and date
    appendix = page_of(pages, "Phụ lục")
    assert appendix and appendix[0] > signature_page
    caption = re.sub(r"\s+", " ", pages[appendix[0] - 1])
    assert re.search(
        r"\(Kèm theo Báo cáo số\s+/BC-BNNMT-VPĐP ngày 20/12/2026 của Bộ Nông nghiệp và Môi trường\)", caption
    ), caption[:600]


def test_a_provinces_report_is_a_bao_cao_of_its_ubnd(rendered):
    pages = rendered["report"]
    first = lines(pages[0])
    # the national title on one line beside the issuer's first line, the motto beside its second
    assert any(
        line.startswith("ỦY BAN NHÂN DÂN") and line.endswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") for line in first
    ), first[:4]
    assert any(
        line.startswith("TỈNH THÁI NGUYÊN") and line.endswith("Độc lập - Tự do - Hạnh phúc") for line in first
    ), first[:4]
    text = re.sub(r"\s+", " ", pages[0])
    assert re.search(r"Số:\s+/BC-UBND", text) and "Thái Nguyên, ngày" in text
    assert "BÁO CÁO" in text and "Kính gửi: Bộ Nông nghiệp và Môi trường" in text
    check_signature_block(pages, signature=("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))
