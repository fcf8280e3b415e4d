"""The entity's online self-assessment for every QĐ 148 product set: each option shows its points, the
page carries a running total (static JS, no typed total), the server computes the total; a set whose
criteria are not transcribed says so plainly and falls back to the signed paper form.

Expected totals are hand-computed from the public transcription (see
ocop/evaluation/tests/test_sheets_148.py): answering every criterion with its first printed option
gives 12 points for honey (A 9, B 1, C 2) and 11 for handicraft (A 8, B 1, C 2)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from ocop.conftest import log_in
from ocop.evaluation.tests.test_sheets_148 import EXPECTED
from ocop.products import criteria
from ocop.products import services as svc
from ocop.products.tests.factories import make_dossier, make_product

HONEY, CRAFT, TEA = "148-1.2.2", "148-4.1", "148-1.5.1"


@pytest.fixture
def loaded(db):
    from ocop.evaluation.loader import load_criteria

    load_criteria()


def product_in(entity, code, name):
    product = make_product(entity, name=name)
    product.classification_code = code
    svc.apply_classification(product)
    product.save()
    return product


def first_printed_post(sheet) -> dict:
    post = {"criteria_set_code": sheet.code, "criteria_set_version": sheet.version}
    post.update({f"c__{c.code}": "1" for c in sheet.criteria})
    return post


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "total"), [(HONEY, "Mật ong hoa rừng tự chấm", 12), (CRAFT, "Giỏ mây tre đan tự chấm", 11)]
)
def test_self_assessment_shows_points_and_computes_the_total(client, sets, demo_users, loaded, code, name, total):
    product = product_in(sets["own"]["entity"], code, name)
    dossier = make_dossier(product)
    client.force_login(demo_users["chuthe.demo"])
    url = reverse("products:self_assessment", args=[dossier.pk])
    html = client.get(url).content.decode()
    assert "data-running-total" in html and "evaluation/score-sheet.js" in html
    assert 'name="declared_total"' not in html  # no hand-typed total when the criteria are online
    assert "Phần A. Sản phẩm và sức mạnh cộng đồng" in html and "(tối đa 40 điểm)" in html
    # A.1.1's third printed option: 5 points on both sheets ("… từ 75% đến 100%")
    assert re.search(r'name="c__A\.1\.1" value="3"[^>]*data-points="5"', html)
    assert "75% đến 100% (5 điểm)" in html
    # the star marks of the annex: B.5.2's "Có câu chuyện riêng, gắn với nguồn gốc xuất xứ***" (3 points)
    assert "Có câu chuyện riêng, gắn với nguồn gốc xuất xứ (3 điểm; yêu cầu cho hạng 3 sao)" in html
    sheet = criteria.criteria_set_for(product)
    # an incomplete sheet is refused and lists the missing criterion with a link to it
    incomplete = first_printed_post(sheet)
    del incomplete["c__B.5.2"]
    page = client.post(url, incomplete).content.decode()
    assert 'href="#sa-B.5.2"' in page and not dossier.self_assessments.exists()
    assert client.post(url, first_printed_post(sheet)).status_code == 302
    assessment = dossier.self_assessments.get()
    assert assessment.total == Decimal(total) and assessment.declared_total is None
    assert assessment.criteria_set_code == sheet.code  # the whole code (up to 64 characters), not cut short


@pytest.mark.django_db
def test_every_complete_148_set_offers_its_criteria(sets, loaded):
    """Each of the 23 transcribed QĐ 148 sets gives the entity a form with all its criteria (counts
    read by hand from the transcription)."""
    from ocop.evaluation.models import CriteriaSet

    entity = sets["own"]["entity"]
    by_code = {}
    for cs in CriteriaSet.objects.filter(instrument__code="QD148").latest_versions():
        by_code[cs.code] = cs
    checked = 0
    for name, (_number, expected) in EXPECTED.items():
        code = name.removeprefix("sheet-148-").removesuffix(".json")
        cs = by_code.get("ocop-148-" + code) or next(
            v for k, v in by_code.items() if ("ocop-148-" + code).startswith(k)
        )
        product = product_in(entity, cs.subgroup_codes[0], f"Sản phẩm {code}"[:100])
        sheet = criteria.criteria_set_for(product)
        assert sheet is not None and sheet.code == cs.code, code
        assert len(sheet.criteria) == expected["criteria"], code
        assert all(o.points is not None for c in sheet.criteria for o in c.options)
        checked += 1
    assert checked == 23


@pytest.mark.django_db
def test_a_skeleton_set_says_so_and_keeps_the_paper_form(client, sets, demo_users, loaded):
    product = product_in(sets["own"]["entity"], TEA, "Chè búp tự chấm")
    dossier = make_dossier(product)
    client.force_login(demo_users["chuthe.demo"])
    html = client.get(reverse("products:self_assessment", args=[dossier.pk])).content.decode()
    assert 'data-testid="self-assessment-gap"' in html and "mới có khung" in html
    assert "32 điểm" in html  # the reason recorded in the data file
    assert 'name="declared_total"' in html and "data-running-total" not in html


@pytest.mark.browser
def test_running_total_in_the_browser(page, site):
    """The entity ticks options on the honey sheet and sees the total move (static JS, CSP-safe)."""
    from ocop.accounts.models import User
    from ocop.evaluation.loader import load_criteria
    from ocop.geo.models import AdminUnit
    from ocop.products.models import EntityMember
    from ocop.products.tests.factories import make_entity

    load_criteria()
    duc_xuan = AdminUnit.objects.get(era="current", level="commune", code="01840")
    entity = make_entity(duc_xuan, name="HTX Mật ong kiểm thử")
    EntityMember.objects.get_or_create(
        user=User.objects.get(username="chuthe.demo"), entity=entity, defaults={"role": "owner"}
    )
    product = product_in(entity, HONEY, "Mật ong trình duyệt")
    dossier = make_dossier(product)
    log_in(page, site, "chuthe.demo")
    page.goto(f"{site}{reverse('products:self_assessment', args=[dossier.pk])}")
    total = page.get_by_test_id("self-assessment-total")
    assert total.inner_text() == "0"
    page.check("#id_c__A\\.1\\.1_3")  # 5 points
    assert total.inner_text() == "5"
    page.check("#id_c__A\\.1\\.1_1")  # changed to 1 point
    page.check("#id_c__C\\.12\\.1_3")  # 3 points
    assert total.inner_text() == "4"
    assert page.get_by_test_id("self-assessment-answered").inner_text() == "2/32"
