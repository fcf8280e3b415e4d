"""Rounds, scoring by the council, closing and certificates (ocop/evaluation/rounds.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from ocop.accounts.models import Role, User
from ocop.evaluation import rounds as svc
from ocop.evaluation.loader import load_criteria
from ocop.evaluation.models import CriteriaSet
from ocop.evaluation.models_rounds import CertificateStatus, RoundProduct
from ocop.evaluation.scoring import member_total
from ocop.evaluation.tests.helpers import best
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import ProductStatus
from ocop.products.tests.factories import make_dossier, make_entity, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_users):
    load_criteria()
    return demo_users


def choices_for_total(sheet, target):
    """Mandatory criteria at their best; the others lowered until the total is about `target`."""
    choices = best(sheet)
    total = member_total(sheet, choices).total
    for c in sheet.criteria:
        if c.bonus or c.mandatory or c.requirements:
            continue
        for option in sorted(c.options, key=lambda o: o.points):
            current = c.option(choices[c.code]).points
            if total - current + option.points >= target:
                total += option.points - current
                choices[c.code] = option.code
                break
    return choices


def _unit(era, level, code):
    return AdminUnit.objects.get(era=era, level=level, code=code)


def _entry(round_, officer, commune):
    product = make_product(make_entity(commune), status=ProductStatus.IN_EVALUATION)
    dossier = make_dossier(product, status="complete")
    cs = CriteriaSet.objects.for_classification("148-1.1.1", round_.held_on)
    return RoundProduct.objects.create(
        round=round_, product=product, dossier=dossier, criteria_set=cs, added_by=officer
    )


def _members(round_, officer, n=3):
    """A chair, a secretary and n - 2 members (the council rules ask for a chair, a secretary and at
    least three scoring members at province level: ocop/evaluation/data/council/council_rules.json)."""
    users = []
    for i in range(n):
        u = User.objects.create(
            username=f"hd{round_.pk}.{i}",
            role=Role.COUNCIL_MEMBER,
            scope_unit=officer.scope_unit,
            full_name=f"Thành viên {i}",
        )
        svc.do_add_seat(officer, round_, u, "chair" if i == 0 else ("secretary" if i == 1 else "member"))
        users.append(u)
    return users


def test_no_district_round_from_6_july_2025(world):
    officer = world["tinh.thainguyen"]
    ba_be = _unit(Era.LEGACY, Level.DISTRICT, "061")
    with pytest.raises(ValidationError) as exc:
        svc.do_create_round(officer, name="Huyện", level="district", unit=ba_be, held_on=dt.date(2025, 7, 6))
    # the district no longer exists on that day (and QĐ 1489 has no district councils either)
    assert "Huyện Ba Bể” không còn" in str(exc.value)
    svc.do_create_round(officer, name="Huyện 2024", level="district", unit=ba_be, held_on=dt.date(2024, 5, 1))


def _close_with(world, level, unit, day, target):
    officer = world["tinh.thainguyen"]
    round_ = svc.do_create_round(officer, name="Kỳ", level=level, unit=unit, held_on=day)
    entry = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    council = _members(round_, officer)
    chair = council[0]
    sheet = entry.criteria_set.parsed
    for u in council:
        svc.do_submit_score(u, entry, choices_for_total(sheet, target))
    svc.do_close_round(chair, round_)
    entry.refresh_from_db()
    entry.product.refresh_from_db()
    return round_, entry


def test_2024_district_certifies_3_stars_and_forwards_4(world):
    ba_be = _unit(Era.LEGACY, Level.DISTRICT, "061")
    _r, three = _close_with(world, "district", ba_be, dt.date(2024, 5, 1), 60)
    assert three.stars == 3 and three.certified and three.product.status == ProductStatus.CERTIFIED
    _r, four = _close_with(world, "district", ba_be, dt.date(2024, 5, 2), 75)
    assert four.stars == 4 and not four.certified and four.forwarded_to == "province"
    assert four.product.status == ProductStatus.IN_EVALUATION


def test_2025_province_certifies_3_and_4_stars(world):
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    round_, three = _close_with(world, "province", tn, dt.date(2025, 8, 1), 60)
    assert three.certified and three.stars == 3
    cert = three.certificate
    assert cert.valid_until == dt.date(2028, 8, 1) and cert.number == 1 and cert.status == CertificateStatus.VALID
    assert round_.minutes is not None and round_.decision is not None and round_.decision.kind == "quyet_dinh"
    from ocop.documents.services import render_docx

    assert render_docx(round_.decision)[:2] == b"PK"
    _r, four = _close_with(world, "province", tn, dt.date(2025, 8, 2), 80)
    assert four.certified and four.stars == 4 and four.certificate.number == 2
    svc.do_revoke_certificate(world["tinh.thainguyen"], four.certificate, "Không duy trì tiêu chuẩn")
    four.product.refresh_from_db()
    assert four.product.status == ProductStatus.REVOKED


def test_average_with_recusal_and_recused_member_cannot_score(world):
    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    entry = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    chair, m1, m2 = _members(round_, officer, 3)
    sheet = entry.criteria_set.parsed
    svc.do_recuse(m2, entry, "Người nhà của chủ thể")
    with pytest.raises(ValidationError):
        svc.do_submit_score(m2, entry, choices_for_total(sheet, 90))
    svc.do_submit_score(chair, entry, choices_for_total(sheet, 60))
    svc.do_submit_score(m1, entry, choices_for_total(sheet, 71))
    svc.do_close_round(chair, round_)
    entry.refresh_from_db()
    totals = [member_total(sheet, choices_for_total(sheet, t)).total for t in (60, 71)]
    assert entry.score == (sum(totals) / 2).quantize(Decimal("0.01")) and entry.stars == 3


def test_incomplete_sheet_and_unscored_product_refused(world):
    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    entry = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    chair, *_others = _members(round_, officer)
    with pytest.raises(ValidationError):
        svc.do_submit_score(chair, entry, {})
    with pytest.raises(ValidationError):
        svc.do_close_round(chair, round_)


def test_council_member_sees_only_seated_rounds(world):
    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    a = svc.do_create_round(officer, name="A", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    b = svc.do_create_round(officer, name="B", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    svc.do_add_seat(officer, a, world["hoidong.thainguyen"])
    assert list(svc.readable_rounds(world["hoidong.thainguyen"])) == [a]
    assert set(svc.readable_rounds(officer)) == {a, b}


def test_the_ranking_reads_submitted_sheets_only_and_never_a_recused_members(world, django_assert_num_queries):
    """submitted_sheets / rank_round (plain SQL, issue 17): a draft sheet and the sheet of a member who
    withdrew (recorded by an import or before the rule deleted it) are not read; positions and codes
    both designate options; the score is the average of the two sheets that count."""
    from django.utils import timezone

    from ocop.evaluation.models_rounds import MemberScore, Recusal
    from ocop.evaluation.tests.helpers import choices_for_total as exactly

    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    entry = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    other = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))  # nobody scored it
    chair, secretary, member, late = _members(round_, officer, 4)
    sheet = entry.criteria_set.parsed
    sixty = exactly(sheet, 60)
    by_position = {  # answers given as positions in each criterion's options
        code: [o.code for o in sheet.criterion(code).options].index(choice)
        for code, choice in exactly(sheet, 71).items()
    }
    svc.do_submit_score(chair, entry, sixty)
    svc.do_submit_score(secretary, entry, by_position)
    MemberScore.objects.create(round_product=entry, user=member, choices=best(sheet), submitted_at=timezone.now())
    Recusal.objects.create(round_product=entry, user=member, reason="Người nhà của chủ thể")
    MemberScore.objects.create(round_product=entry, user=late, choices=best(sheet))  # a draft
    expected = {entry.pk: {chair.pk: sixty, secretary.pk: by_position}}
    with django_assert_num_queries(1):
        assert svc.submitted_sheets([round_.pk]) == (expected, {entry.pk: entry.criteria_set_id})
    assert svc.submitted_sheets([]) == ({}, {})
    ranked = svc.rank_round(round_)
    assert list(ranked) == [entry.pk] and other.pk not in ranked
    assert set(ranked[entry.pk].member_totals) == {chair.pk, secretary.pk}
    assert [ranked[entry.pk].member_totals[u.pk].total for u in (chair, secretary)] == [60, 71]
    assert ranked[entry.pk].score == Decimal("65.50")


def test_a_rounds_criteria_sets_are_read_once_per_process(world, django_assert_num_queries):
    """round_criteria_sets: the sets of the round's products, each definition read and parsed once
    per process (the identities in one prepared query, then only the definitions not parsed yet)."""
    from ocop.evaluation.models_law import _PARSED_SHEETS

    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    elsewhere = svc.do_create_round(officer, name="Khác", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    commune = _unit(Era.LEGACY, Level.COMMUNE, "01888")
    entries = [_entry(round_, officer, commune) for _i in range(2)]
    other_set, unrelated = (
        CriteriaSet.objects.in_force(round_.held_on)
        .filter(structure_only=False)
        .exclude(pk=entries[0].criteria_set_id)
        .order_by("code")[:2]
    )
    RoundProduct.objects.filter(pk=entries[1].pk).update(criteria_set=other_set)
    moved = _entry(elsewhere, officer, commune)
    RoundProduct.objects.filter(pk=moved.pk).update(criteria_set=unrelated)
    expected = {entries[0].criteria_set_id, other_set.pk}
    _PARSED_SHEETS.clear()
    with django_assert_num_queries(2):  # the identities, then the definitions not parsed yet
        first = svc.round_criteria_sets(round_)
    with django_assert_num_queries(1):
        again = svc.round_criteria_sets(round_)
    assert set(first) == set(again) == expected
    for pk in expected:
        fresh = CriteriaSet.objects.get(pk=pk)
        assert again[pk] is first[pk] is fresh.parsed
        assert fresh.parsed.code == fresh.code and len(fresh.parsed.criteria) > 0
    empty = svc.do_create_round(officer, name="Trống", level="province", unit=tn, held_on=dt.date(2025, 8, 1))
    assert svc.round_criteria_sets(empty) == {}


def test_closing_ranks_each_criteria_set_and_refuses_a_sheet_that_no_longer_adds_up(world):
    """Closing ranks the products of two criteria sets of the same round (scoring.rank_products per
    set); a submitted sheet whose answer designates no option (written to the database by hand, as a
    broken import would) is refused with the criterion named, nothing is closed, and once the sheet
    is corrected the round closes: about 60 and 75 points by every member (the star-level criteria
    met), 3 and 4 stars (QĐ 148 scale)."""
    from ocop.evaluation.models_rounds import MemberScore, RoundStatus

    def added(sheet, choices):  # the options' points added by hand
        return sum((sheet.criterion(code).option(choice).points for code, choice in choices.items()), Decimal(0))

    officer = world["tinh.thainguyen"]
    tn = _unit(Era.CURRENT, Level.PROVINCE, "19")
    day = dt.date(2025, 8, 1)
    round_ = svc.do_create_round(officer, name="Kỳ", level="province", unit=tn, held_on=day)
    first = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    second = _entry(round_, officer, _unit(Era.LEGACY, Level.COMMUNE, "01888"))
    other_set = (
        CriteriaSet.objects.in_force(day)
        .filter(structure_only=False)
        .exclude(code=first.criteria_set.code)
        .order_by("code")
        .first()
    )
    RoundProduct.objects.filter(pk=second.pk).update(criteria_set=other_set)
    second.refresh_from_db()
    council = _members(round_, officer, 3)
    for entry, target in ((first, 60), (second, 75)):
        sheet = entry.criteria_set.parsed
        for u in council:
            svc.do_submit_score(u, entry, choices_for_total(sheet, target))
    broken = MemberScore.objects.get(round_product=second, user=council[2])
    criterion = second.criteria_set.parsed.criteria[0]
    broken.choices = {**broken.choices, criterion.code: "khong-co"}
    broken.save()
    with pytest.raises(ValidationError) as exc:
        svc.do_close_round(council[0], round_)
    assert f"{criterion.title}”: lựa chọn “khong-co” không hợp lệ" in str(exc.value)
    # the person and the product by name, not by their keys
    assert f"Phiếu chấm của {council[2].full_name} cho sản phẩm “{second.product.name}” chưa hợp lệ" in str(exc.value)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN
    broken.choices = choices_for_total(second.criteria_set.parsed, 75)
    broken.save()
    svc.do_close_round(council[0], round_)
    first.refresh_from_db()
    second.refresh_from_db()
    expected = [
        added(e.criteria_set.parsed, choices_for_total(e.criteria_set.parsed, t))
        for e, t in ((first, 60), (second, 75))
    ]
    assert 60 <= expected[0] < 70 and 75 <= expected[1] < 85
    assert (first.score, first.stars, second.score, second.stars) == (expected[0], 3, expected[1], 4)
