"""The seed reproduced: Công văn số 9654/BNN-VPĐP of 12/12/2018, produced by the system from the
programme board and the demo seed request, exported with `export_document`, opened in LibreOffice
(converted to PDF and read back as text)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from docx.shared import Mm

from ocop.demo.accounts import create_demo_users
from ocop.demo.documents import create_demo_documents
from ocop.documents.models import DocumentStatus, OutgoingDocument, Purpose
from ocop.documents.services import plain_text
from ocop.documents.tests.conftest import docx_text, pdf_text
from ocop.programme.board import build_board
from ocop.demo.programme import create_demo_programme
from ocop.demo.reporting import create_demo_reporting
from ocop.reporting.loader import load_templates

pytestmark = pytest.mark.django_db

# the 22 provinces the seed praises, spelt as the administrative-units data spells them
PRAISED = [
    "Bắc Kạn",
    "Bắc Giang",
    "Bình Thuận",
    "Cần Thơ",
    "Đồng Tháp",
    "Đắk Nông",
    "Hà Giang",
    "Hà Nam",
    "Hải Phòng",
    "Hà Tĩnh",
    "Hòa Bình",
    "Lào Cai",
    "Lâm Đồng",
    "Ninh Thuận",
    "Thái Nguyên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Trà Vinh",
    "Vĩnh Long",
]
SUBJECT = "V/v đẩy nhanh tiến độ triển khai xây dựng Chương trình mỗi xã một sản phẩm - OCOP"


@pytest.fixture(scope="module")
def seed_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (programme, reporting, documents), built once for this module in a transaction
    rolled back at the end; the issued file goes to a temporary MEDIA_ROOT."""
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        with transaction.atomic():
            create_demo_users()
            create_demo_programme()
            load_templates()
            create_demo_reporting()
            counts = create_demo_documents()
            yield counts
            transaction.set_rollback(True)


@pytest.fixture
def seed(seed_demo, demo_users) -> OutgoingDocument:
    return OutgoingDocument.objects.select_related("issuer", "request").get(
        issuer__code="BNN-VPĐP", year=2018, number=9654
    )


def export(fmt: str, tmp_path) -> bytes:
    out = tmp_path / f"cv9654.{fmt}"
    call_command("export_document", "9654/BNN-VPĐP", "--year", "2018", "--format", fmt, "--out", str(out))
    return out.read_bytes()


def test_the_demo_issues_the_seed_letter_for_the_seed_request(seed, seed_demo):
    assert seed.status == DocumentStatus.ISSUED and seed.is_demo
    assert seed.number_and_symbol == "9654/BNN-VPĐP"
    assert seed.date == dt.date(2018, 12, 12)
    assert seed.purpose == Purpose.REQUEST_LETTER
    assert seed.request.document_number == "9654/BNN-VPĐP" and seed.request.is_demo
    assert seed_demo["issued"] >= 1
    assert create_demo_documents() == seed_demo  # idempotent


def test_the_praise_list_is_the_board_of_the_letters_date(seed):
    approved = {r.province.name for r in build_board(dt.date(2018, 12, 12)) if r.plan_status == "approved"}
    assert approved == set(PRAISED)
    praise = plain_text(seed.content["opening"][1])
    listed = praise.split("gồm các tỉnh: ")[1].split(".")[0].split(", ")
    assert listed == [  # Vietnamese alphabetical order (ă, â, đ, ơ … are letters of their own)
        "Bắc Giang",
        "Bắc Kạn",
        "Bình Thuận",
        "Cần Thơ",
        "Đắk Nông",
        "Đồng Tháp",
        "Hà Giang",
        "Hà Nam",
        "Hà Tĩnh",
        "Hải Phòng",
        "Hòa Bình",
        "Lào Cai",
        "Lâm Đồng",
        "Ninh Thuận",
        "Quảng Bình",
        "Quảng Nam",
        "Quảng Ngãi",
        "Quảng Ninh",
        "Quảng Trị",
        "Thái Nguyên",
        "Trà Vinh",
        "Vĩnh Long",
    ]
    assert "biểu dương 22 tỉnh, thành phố đã phê duyệt Đề án, Kế hoạch cấp tỉnh" in praise
    assert (
        "Trong đó tỉnh Quảng Ninh đã triển khai giai đoạn II, tỉnh Bắc Kạn, Hà Tĩnh, Quảng Nam đã bắt đầu triển khai "
        "Chu trình OCOP quốc gia (tỉnh Bắc Kạn đã ban hành tiêu chí tạm thời cấp tỉnh và tổ chức đánh giá, xếp hạng "
        "sản phẩm OCOP ngay trong năm 2018)." in praise
    )


def expected_texts() -> list[str]:
    return [
        "BỘ NÔNG NGHIỆP",
        "VÀ PHÁT TRIỂN NÔNG THÔN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 9654/BNN-VPĐP",
        "Hà Nội, ngày 12 tháng 12 năm 2018",
        SUBJECT,
        "Kính gửi: Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
        "Thực hiện Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng Chính phủ",
        "biểu dương 22 tỉnh, thành phố",
        *PRAISED,
        "tỉnh Quảng Ninh đã triển khai giai đoạn II",
        "1. Chỉ đạo quyết liệt các cơ quan tham mưu",
        "3. Cân đối, bổ sung nguồn lực",
        "4. Báo cáo Ban Chỉ đạo Trung ương các Chương trình Mục tiêu quốc gia giai đoạn 2016-2020 về kết quả triển khai "
        "Chương trình OCOP tính đến ngày 31/12/2018 (đề cương đính kèm)",
        "trước ngày 10/01/2019./.",
        "đ/c Đặng Văn Cường, ĐT 024.38438617, email: ocopvietnam@gmail.com",
        "Nơi nhận:",
        "- Phó Thủ tướng Vương Đình Huệ (để b/c);",
        "- Sở NN&PTNT, VPĐP các tỉnh, thành phố;",
        "KT. BỘ TRƯỞNG THỨ TRƯỞNG",
        "Khung Đề cương Báo cáo kết quả triển khai Chương trình Mô hình xã một sản phẩm OCOP",
        "(tính đến hết 31/12/2018)",
        "(Kèm theo Công văn số 9654/BNN-VPĐP ngày 12/12/2018 của Bộ Nông nghiệp và Phát triển nông thôn)",
        "I. KẾT QUẢ THỰC HIỆN TRONG NĂM 2018",
        "1. Công tác chỉ đạo, điều hành",
        "a) Kết quả về kiện toàn Bộ máy tổ chức thực hiện Chương trình OCOP",
        "d) Kinh phí thực hiện, nguồn kinh phí",
        "II. KẾ HOẠCH THỰC HIỆN TRONG NĂM 2019",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "2. Đề xuất hỗ trợ từ Trung ương về công tác tư vấn, tổ chức sự kiện cấp tỉnh, cấp vùng (Hội chợ, Diễn đàn...)",
    ]


def test_the_exported_pdf_carries_the_seed(seed, tmp_path, soffice):
    data = export("pdf", tmp_path)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert text == unicodedata.normalize("NFC", text)
    missing = [t for t in expected_texts() if t not in text]
    assert not missing, f"not in the PDF text: {missing}\n---\n{text}"
    # the order of the letter: heading, number, subject, body, deadline, Nơi nhận, then the appendix
    order = [
        "BỘ NÔNG NGHIỆP",
        "Số: 9654/BNN-VPĐP",
        "Kính gửi",
        "biểu dương 22",
        "10/01/2019",
        "Nơi nhận:",
        "I. KẾT QUẢ",
        "II. KẾ HOẠCH",
        "III. ĐỀ XUẤT",
    ]
    positions = [text.index(t) for t in order]
    assert positions == sorted(positions)


def test_the_exported_docx_is_the_stored_file_in_the_nd30_layout(seed, tmp_path):
    data = export("docx", tmp_path)
    with open(seed.file.path, "rb") as fh:
        assert fh.read() == data
    text = docx_text(data)
    missing = [t for t in expected_texts() if t not in text and t != "KT. BỘ TRƯỞNG THỨ TRƯỞNG"]
    assert not missing, missing
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    tolerance = Mm(0.5)
    assert abs(section.page_width - Mm(210)) < tolerance and abs(section.page_height - Mm(297)) < tolerance
    assert abs(section.top_margin - Mm(20)) < tolerance and abs(section.bottom_margin - Mm(20)) < tolerance
    assert abs(section.left_margin - Mm(30)) < tolerance and abs(section.right_margin - Mm(15)) < tolerance
    # Times New Roman for every script
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    rfonts = normal.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert rfonts.get(docx.oxml.ns.qn(attr)) == "Times New Roman", attr
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.font.name}
    assert fonts <= {"Times New Roman"}
    # page numbers from page 2: an empty first-page header, a PAGE field in the others
    assert section.different_first_page_header_footer
    assert not section.first_page_header.is_linked_to_previous
    assert all(not p.text.strip() for p in section.first_page_header.paragraphs)
    assert "PAGE" in section.header._element.xml
    # Quốc hiệu bold, 12 pt; tiêu ngữ bold, 13 pt
    runs = {
        r.text: r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    }
    assert (
        runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].bold
        and runs["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"].font.size.pt == 12
    )
    assert runs["Độc lập - Tự do - Hạnh phúc"].bold and runs["Độc lập - Tự do - Hạnh phúc"].font.size.pt == 13
    assert runs["Hà Nội, ngày 12 tháng 12 năm 2018"].italic
    assert runs["Nơi nhận:"].bold and runs["Nơi nhận:"].italic and runs["Nơi nhận:"].font.size.pt == 12
    body = document.styles["ND30 Nội dung"]
    assert body.font.size.pt == 14 and body.paragraph_format.first_line_indent is not None


def test_export_errors_are_vietnamese(seed, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy văn bản"):
        call_command("export_document", "9654/BNN-VPĐP", "--year", "2019", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="Không tìm thấy văn bản"):
        call_command("export_document", "abc", "--year", "2018", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="Định dạng không hỗ trợ"):
        call_command(
            "export_document", "9654/BNN-VPĐP", "--year", "2018", "--format", "odt", "--out", str(tmp_path / "x")
        )


def test_the_praise_follows_the_board_of_another_date(seed):
    """The same request, a letter dated later: the praise lists the provinces approved by then."""
    from ocop.reporting.letters import build_request_letter

    day = dt.date(2019, 6, 28)
    fields = build_request_letter(seed.request, issuer=seed.issuer, day=day)
    praise = plain_text(fields["content"]["opening"][1])
    approved = sorted(r.province.name for r in build_board(day) if r.plan_status == "approved")
    assert len(approved) > 22
    assert f"biểu dương {len(approved)} tỉnh, thành phố" in praise
    assert all(name in praise for name in approved)
