"""Browser test of an evaluation round: the entity files the product's dossier (files, self-
assessment) and submits it; the province checks it, opens a round and seats two council members
(chair, secretary and a member; the member recused on the first product); the chair closes the round; the certificate comes out with its stars
and expiry, and the entity sees it."""

import zipfile
from decimal import Decimal

import pytest

from ocop.accounts.models import Role, User
from ocop.conftest import log_in
from ocop.evaluation.loader import load_criteria
from ocop.geo.models import AdminUnit
from ocop.demo.products import minimal_pdf
from ocop.products.models import Dossier, EntityMember, SelfAssessment, required_categories
from ocop.products.tests.factories import make_dossier, make_entity, make_product

pytestmark = pytest.mark.browser


def test_round_from_dossier_to_certificate(page, site):
    load_criteria()
    duc_xuan = AdminUnit.objects.get(era="current", level="commune", code="01840")
    owner = User.objects.get(username="chuthe.demo")
    entity = make_entity(duc_xuan, name="HTX Bưởi kiểm thử")
    EntityMember.objects.get_or_create(user=owner, entity=entity, defaults={"role": "owner"})
    product = make_product(entity, name="Bưởi Đức Xuân kiểm thử")
    product.classification_code = "148-1.1.1"
    product.save()

    # the entity files the dossier: one file per required part, the self-assessment, then submits
    log_in(page, site, "chuthe.demo")
    page.goto(f"{site}{product_url(product)}")
    page.get_by_test_id("dossier-open").click()
    page.wait_for_load_state()
    assert "/dossiers/" in page.url
    dossier_url = page.url
    for category in required_categories(product):
        page.select_option("#id_category", category)
        page.set_input_files(
            "#id_file",
            {"name": f"{category}.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf([f"Ho so {category}"])},
        )
        page.get_by_test_id("dossier-upload").click()
        page.wait_for_load_state()
    page.goto(dossier_url.rstrip("/") + "/self-assessment/")
    page.evaluate("""() => {
        const names = new Set([...document.querySelectorAll('input[type=radio][name^="c__"]')].map(i => i.name));
        names.forEach(n => { document.querySelector(`input[name="${n}"]`).checked = true; });
    }""")
    if page.locator("#id_declared_total").count():
        page.fill("#id_declared_total", "80")
    page.get_by_test_id("self-assessment-submit").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == dossier_url.rstrip("/"), page.locator("main").inner_text()[:1500]
    assert page.get_by_test_id("complete").is_visible()
    page.get_by_test_id("dossier-submit").click()
    page.wait_for_load_state()
    dossier = Dossier.objects.get(product=product)
    assert dossier.status == "submitted", dossier.status
    assert dossier.files.count() == len(required_categories(product))
    assert SelfAssessment.objects.filter(dossier=dossier).exists()
    page.get_by_test_id("logout").click()

    # the province checks the dossier and finds it complete
    log_in(page, site, "tinh.thainguyen")
    page.goto(dossier_url)
    page.check("input[name=decision][value=complete]")
    page.get_by_test_id("dossier-review").click()
    page.wait_for_load_state()
    assert Dossier.objects.get(pk=dossier.pk).status == "complete"
    # a second product of the same entity, its dossier already verified
    second = make_product(entity, name="Na Đức Xuân kiểm thử")
    second.classification_code = "148-1.1.1"
    second.save()
    second_dossier = make_dossier(second, categories=required_categories(second), status="complete")
    SelfAssessment.objects.create(dossier=second_dossier, criteria_set_code="148-1.1.1", declared_total=60)

    province = AdminUnit.objects.get(era="current", level="province", code="19")
    chair = User.objects.get(username="hoidong.thainguyen")
    member = User.objects.create_user(
        "hoidong.thanhvien",
        password="ocop-demo-2026",
        role=Role.COUNCIL_MEMBER,
        scope_unit=province,
        full_name="Thành viên hội đồng (kiểm thử)",
    )
    # a council needs a chair, a secretary and three scoring members (data/council/council_rules.json)
    secretary = User.objects.create_user(
        "hoidong.thuky",
        password="ocop-demo-2026",
        role=Role.COUNCIL_MEMBER,
        scope_unit=province,
        full_name="Thư ký hội đồng (kiểm thử)",
    )

    # the province opens a round, seats the council and adds the product
    page.goto(f"{site}/evaluation/new/")
    page.fill("#id_name", "Kỳ đánh giá, phân hạng sản phẩm OCOP tỉnh Thái Nguyên đợt 2 năm 2026")
    page.select_option("#id_level", "province")
    page.select_option("#id_unit", str(province.pk))
    page.fill("#id_held_on", "20/11/2026")
    page.get_by_test_id("round-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    round_url = page.url
    for user, role in ((chair, "chair"), (secretary, "secretary"), (member, "member")):
        page.select_option("#id_user", str(user.pk))
        page.select_option("#id_role", role)
        page.get_by_test_id("seat-form").locator("button[type=submit]").click()
        page.wait_for_load_state()
    for candidate in (product, second):
        page.select_option("#id_product", str(candidate.pk))
        page.get_by_test_id("product-form").locator("button[type=submit]").click()
        page.wait_for_load_state()
    entries = page.get_by_test_id("entries").inner_text()
    assert "Bưởi Đức Xuân kiểm thử" in entries and "Na Đức Xuân kiểm thử" in entries
    page.get_by_test_id("logout").click()

    # the second member declares a conflict of interest on the first product and scores the second
    log_in(page, site, "hoidong.thanhvien")
    open_sheet(page, round_url, "Bưởi Đức Xuân kiểm thử")
    page.fill("#id_reason", "Người thân làm việc tại HTX")
    page.get_by_test_id("recuse").click()
    page.wait_for_load_state()
    open_sheet(page, round_url, "Na Đức Xuân kiểm thử")
    fill_and_submit(page, 56)
    page.get_by_test_id("logout").click()

    # the secretary scores both products
    log_in(page, site, "hoidong.thuky")
    open_sheet(page, round_url, "Bưởi Đức Xuân kiểm thử")
    fill_and_submit(page, 80)
    open_sheet(page, round_url, "Na Đức Xuân kiểm thử")
    fill_and_submit(page, 64)
    page.get_by_test_id("logout").click()

    # the chair scores both products and closes the round (after the confirmation page)
    log_in(page, site, "hoidong.thainguyen")
    open_sheet(page, round_url, "Bưởi Đức Xuân kiểm thử")
    fill_and_submit(page, 80)  # about 80 points: 4★, which the province certifies from 06/7/2025
    open_sheet(page, round_url, "Na Đức Xuân kiểm thử")
    fill_and_submit(page, 64)
    page.goto(round_url)
    page.get_by_test_id("close-link").click()
    page.wait_for_load_state()
    page.get_by_test_id("close-confirm").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("round-status").inner_text().strip() != ""
    from ocop.evaluation.models_rounds import RoundProduct

    first_entry = RoundProduct.objects.get(product=product)
    second_entry = RoundProduct.objects.get(product=second)
    assert page.get_by_test_id(f"stars-{first_entry.pk}").inner_text() == "4 ★"
    # the first product's score is the average of the chair's and the secretary's (the member was
    # recused); the second's is the average of the three members' totals
    first_totals = [s.total for s in first_entry.scores.all()]
    assert len(first_totals) == 2 and first_entry.score == sum(first_totals) / 2
    totals = [s.total for s in second_entry.scores.all()]
    assert len(totals) == 3 and abs(second_entry.score - sum(totals) / 3) < Decimal("0.01")
    assert page.get_by_test_id(f"stars-{second_entry.pk}").inner_text() == "3 ★"
    # the recognition decision and the minutes come out as .docx naming the products
    for testid in ("download-decision", "download-minutes"):
        with page.expect_download() as info:
            page.get_by_test_id(testid).click()
        with zipfile.ZipFile(info.value.path()) as docx:
            body = docx.read("word/document.xml").decode("utf-8")
        assert "Bưởi Đức Xuân kiểm thử" in body and "Na Đức Xuân kiểm thử" in body, testid
    page.get_by_test_id("logout").click()

    # the entity sees its certificate with stars and expiry
    from ocop.evaluation.models_rounds import Certificate

    certificate = Certificate.objects.get(product=product)
    assert certificate.stars >= 3 and (certificate.valid_until - certificate.issued_on).days > 365 * 3 - 2
    log_in(page, site, "chuthe.demo")
    page.goto(f"{site}/evaluation/certificates/{certificate.pk}/")
    assert page.get_by_test_id("cert-stars").inner_text().strip()
    assert certificate.valid_until.strftime("%d/%m/%Y") in page.get_by_test_id("cert-expiry").inner_text()
    page.goto(f"{site}{product_url(product)}")
    assert page.get_by_test_id("product-stars").inner_text() == f"{certificate.stars} ★"
    assert page.get_by_test_id("product-expiry").inner_text() == certificate.valid_until.strftime("%d/%m/%Y")


def open_sheet(page, round_url, product_name):
    page.goto(round_url)
    page.get_by_test_id("entries").get_by_role("link", name=product_name).first.click()
    page.wait_for_load_state()
    if "/sheet/" not in page.url:
        page.goto(page.url.rstrip("/") + "/sheet/")


def fill_and_submit(page, total, code="148-1.1.1"):
    """Choose options worth about `total` points (sheet of classification `code`) on the open score
    sheet, check that the running total follows, and submit it."""
    import datetime as dt

    from ocop.evaluation.models import CriteriaSet
    from ocop.evaluation.tests.test_rounds import choices_for_total

    sheet = CriteriaSet.objects.for_classification(code, dt.date(2026, 11, 20)).parsed
    choices = choices_for_total(sheet, total)
    checked = page.evaluate(
        """(choices) => Object.entries(choices).filter(([code, option]) => {
             const input = document.querySelector(`input[name="c_${code}"][value="${option}"]`);
             if (input) { input.checked = true; input.dispatchEvent(new Event('change', {bubbles: true})); }
             return !!input;
           }).length""",
        {k: str(v) for k, v in choices.items()},
    )
    assert checked == len(choices)
    assert page.get_by_test_id("sheet-total").inner_text() != "0"  # the running total follows the choices
    page.get_by_test_id("submit-score").click()
    page.wait_for_load_state()
    assert "/sheet/" not in page.url, page.locator("main").inner_text()[:1500]


def product_url(product):
    from django.urls import reverse

    return reverse("products:product_detail", args=[product.pk])
