"""Acceptance of issue 13 in the browser: one provincial round (Thái Nguyên, 20/11/2026) with three
council members (chair, secretary, member) evaluating a honey product ("Mật ong, mật khác và nông
sản thực phẩm khác") and a handicraft product ("Thủ công mỹ nghệ gia dụng, trang trí"); the member
declares a conflict of interest on the handicraft. The chair closes the round on its meeting date
after the confirmation page; the minutes and the decision (.docx) carry their headings and numbers;
the certificate PDF carries a QR code that decodes to the public verification page, which says
"còn hiệu lực". The clock is moved with time-machine (the live server runs in this process)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ocop.accounts.models import Role, User
from ocop.conftest import log_in
from ocop.evaluation.tests.test_browser_round import fill_and_submit, open_sheet
from ocop.evaluation.loader import load_criteria
from ocop.geo.models import AdminUnit
from ocop.products.models import EntityMember, SelfAssessment, Sector, required_categories
from ocop.products.tests.factories import make_dossier, make_entity, make_product

pytestmark = pytest.mark.browser
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HONEY = "Mật ong bạc hà Đồng Hỷ (kiểm thử)"
CRAFT = "Giỏ mây tre đan Phú Bình (kiểm thử)"
ROUND = "Kỳ đánh giá, phân hạng sản phẩm OCOP tỉnh Thái Nguyên tháng 11 năm 2026"


def log_out(page):
    page.get_by_test_id("logout").click()
    page.wait_for_load_state()


def _product(entity, name, code, sector):
    product = make_product(entity, name=name, sector=sector)
    product.classification_code = code
    product.save()
    dossier = make_dossier(product, categories=required_categories(product), status="complete")
    SelfAssessment.objects.create(dossier=dossier, criteria_set_code=code, declared_total=75)
    return product


def score(page, round_url, product_name, code, target):
    """Open the member's sheet for `product_name`, choose options totalling about `target`, submit."""
    open_sheet(page, round_url, product_name)
    fill_and_submit(page, target, code)


def docx_text(path) -> str:
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_provincial_round_honey_and_handicraft_to_verified_certificate(page, site, settings):
    import zxingcpp
    from pypdf import PdfReader

    from ocop.evaluation.models_rounds import Certificate, MemberScore, RoundProduct

    settings.SITE_URL = site
    load_criteria()
    province = AdminUnit.objects.get(era="current", level="province", code="19")
    commune = AdminUnit.objects.get(era="current", level="commune", code="01840")
    entity = make_entity(commune, name="HTX Nông sản Đồng Hỷ (kiểm thử)")
    EntityMember.objects.get_or_create(
        user=User.objects.get(username="chuthe.demo"), entity=entity, defaults={"role": "owner"}
    )
    honey = _product(entity, HONEY, "148-1.2.2", Sector.THUC_PHAM)
    craft = _product(entity, CRAFT, "148-4.1", Sector.THU_CONG)
    for username, name in (
        ("hoidong.thuky", "Thư ký hội đồng (kiểm thử)"),
        ("hoidong.uyvien", "Ủy viên hội đồng (kiểm thử)"),
    ):
        User.objects.create_user(
            username, password="ocop-demo-2026", role=Role.COUNCIL_MEMBER, scope_unit=province, full_name=name
        )

    with time_machine.travel(dt.datetime(2026, 11, 20, 8, 0, tzinfo=VN), tick=True):
        # the province opens the round: one Tỉnh Thái Nguyên among the units (the one of 2026)
        log_in(page, site, "tinh.thainguyen")
        page.goto(f"{site}/evaluation/new/")
        options = page.locator("#id_unit option").all_inner_texts()
        assert options.count("Tỉnh Thái Nguyên") == 1 and not any(o.startswith("Huyện") for o in options)
        page.fill("#id_name", ROUND)
        page.select_option("#id_level", "province")
        page.select_option("#id_unit", str(province.pk))
        page.fill("#id_held_on", "20/11/2026")
        page.get_by_test_id("round-form").locator("button[type=submit]").click()
        page.wait_for_load_state()
        round_url = page.url
        for username, role in (
            ("hoidong.thainguyen", "chair"),
            ("hoidong.thuky", "secretary"),
            ("hoidong.uyvien", "member"),
        ):
            page.select_option("#id_user", str(User.objects.get(username=username).pk))
            page.select_option("#id_role", role)
            page.get_by_test_id("seat-form").locator("button[type=submit]").click()
            page.wait_for_load_state()
        for product in (honey, craft):
            page.select_option("#id_product", str(product.pk))
            page.get_by_test_id("product-form").locator("button[type=submit]").click()
            page.wait_for_load_state()
        entries = page.get_by_test_id("entries").inner_text()
        assert HONEY in entries and CRAFT in entries
        log_out(page)

        # the member: conflict of interest on the handicraft; scores the honey
        log_in(page, site, "hoidong.uyvien")
        page.goto(round_url)
        page.get_by_test_id("entries").get_by_role("link", name=CRAFT).first.click()
        page.wait_for_load_state()
        page.goto(page.url.rstrip("/") + "/sheet/")
        assert page.get_by_test_id("sheet-aside").is_visible()  # the entity's self-assessment and dossier beside
        page.fill("#id_reason", "Người thân làm việc tại HTX")
        page.get_by_test_id("recuse").click()
        page.wait_for_load_state()
        score(page, round_url, HONEY, "148-1.2.2", 78)
        log_out(page)

        # the secretary and the chair score both; the chair cannot close before the secretary has
        log_in(page, site, "hoidong.thuky")
        score(page, round_url, HONEY, "148-1.2.2", 82)
        score(page, round_url, CRAFT, "148-4.1", 62)
        log_out(page)
        log_in(page, site, "hoidong.thainguyen")
        score(page, round_url, HONEY, "148-1.2.2", 80)
        score(page, round_url, CRAFT, "148-4.1", 66)

        # closing: the confirmation page shows the stars and the certificates to be issued
        page.goto(round_url)
        page.get_by_test_id("close-link").click()
        page.wait_for_load_state()
        preview = page.get_by_test_id("closing-preview").inner_text()
        assert HONEY in preview and CRAFT in preview and "4 ★" in preview and "3 ★" in preview
        assert "Số 1/2026" in preview and "Số 2/2026" in preview
        page.get_by_test_id("close-confirm").click()
        page.wait_for_load_state()
        assert page.get_by_test_id("round-status").inner_text() == "Đã kết thúc"

        honey_entry, craft_entry = RoundProduct.objects.get(product=honey), RoundProduct.objects.get(product=craft)
        # the recused member's sheet does not exist for the handicraft; its score is the two others' average
        assert not MemberScore.objects.filter(round_product=craft_entry, user__username="hoidong.uyvien").exists()
        craft_totals = [s.total for s in craft_entry.scores.all()]
        assert len(craft_totals) == 2 and craft_entry.score == sum(craft_totals) / 2
        assert len(honey_entry.scores.all()) == 3
        # star bands of QĐ 148 (domain.md §11): 70–<90 four stars, 50–<70 three
        assert 70 <= honey_entry.score < 90 and honey_entry.stars == 4
        assert 50 <= craft_entry.score < 70 and craft_entry.stars == 3

        # the minutes and the decision, numbered from the issuers' series, without internal codes
        texts = {}
        for testid in ("download-minutes", "download-decision"):
            with page.expect_download() as info:
                page.get_by_test_id(testid).click()
            texts[testid] = docx_text(info.value.path())
        minutes, decision = texts["download-minutes"], texts["download-decision"]
        assert "BIÊN BẢN" in minutes and "Số: 01/BB-HĐOCOP" in minutes and "BÁO CÁO" not in minutes
        assert "THƯ KÝ HỘI ĐỒNG" in minutes and "CHỦ TỊCH HỘI ĐỒNG" in minutes
        assert "Người thân làm việc tại HTX" in minutes
        assert "QUYẾT ĐỊNH" in decision and "Số: 01/QĐ-UBND" in decision
        assert decision.count("Điều 1.") == 1 and "Điều 2." in decision and "Điều 3." in decision
        assert f"1. {HONEY}" in decision and f"2. {CRAFT}" in decision
        for text in (minutes, decision):
            assert "current" not in text and "HĐOCOP-19" not in text and "UBND-19" not in text
        log_out(page)

        # the entity downloads the certificate PDF; its QR code leads to the public page
        certificate = Certificate.objects.get(product=honey)
        log_in(page, site, "chuthe.demo")
        page.goto(f"{site}/evaluation/certificates/{certificate.pk}/")
        with page.expect_download() as info:
            page.get_by_test_id("certificate-pdf").click()
        pdf = PdfReader(io.BytesIO(info.value.path().read_bytes()))
        text = pdf.pages[0].extract_text()
        assert "GIẤY CHỨNG NHẬN" in text and certificate.number_display in text and HONEY in text
        decoded = [r.text for image in pdf.pages[0].images for r in zxingcpp.read_barcodes(image.image.convert("L"))]
        assert decoded == [f"{site}/san-pham-ocop/xac-minh/?so=1%2F2026%2FOCOP-19"]
        log_out(page)
        page.goto(decoded[0])
        assert "/accounts/login/" not in page.url  # public
        assert "còn hiệu lực" in page.get_by_test_id("verdict-text").inner_text()
        assert HONEY in page.get_by_test_id("verdict").inner_text()
        page.get_by_test_id("catalogue-link").click()  # the product's public catalogue page
        page.wait_for_load_state()
        assert f"/san-pham-ocop/{honey.pk}/" in page.url and HONEY in page.locator("h1").inner_text()
        # typing the number works the same
        page.goto(f"{site}/san-pham-ocop/xac-minh/")
        page.fill("#id_so", "2/2026/OCOP-19")
        page.get_by_test_id("verify-form").locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "còn hiệu lực" in page.get_by_test_id("verdict-text").inner_text() and CRAFT in page.content()
