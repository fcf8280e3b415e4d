"""Scoring arithmetic without a database: member totals, averages with recusals and rounding, star
thresholds at their edges, mandatory criteria, bonus capping, and what each level may do under the
procedure of each period."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.evaluation import criteria, scoring
from ocop.evaluation.tests.helpers import (
    SHEET_148,
    best,
    choices_for_total,
    meeting_requirements,
    procedures,
    raw,
    scales,
    sheet,
    sheet_148,
    sheet_1048,
    with_bonus,
    with_half_points,
    worst,
)

# --- member totals ----------------------------------------------------------------------------------


def test_best_and_worst_sheets():
    for s in (sheet_1048(), sheet_148()):
        top = scoring.member_total(s, best(s))
        assert top.total == 100 and not top.issues
        assert top.per_part == {p.code: p.max for p in s.parts}
        bottom = scoring.member_total(s, worst(s))
        assert not bottom.issues and bottom.total == sum(c.min_points for c in s.criteria)


def test_choices_by_code_or_index():
    s = sheet_1048()
    by_code = best(s)
    by_index = {c.code: c.options.index(c.option(by_code[c.code])) for c in s.criteria}
    assert scoring.member_total(s, by_index).total == scoring.member_total(s, by_code).total == 100


def test_color_and_ripeness_points():
    s = sheet_1048()
    choices = worst(s)
    base = scoring.member_total(s, choices).total
    for code, points in (("2", 1), ("3", 3), ("4", 5), ("5", 8)):
        result = scoring.member_total(s, {**choices, "C.6.2": code})
        assert result.total - base == points
        assert result.per_part["C"] - scoring.member_total(s, choices).per_part["C"] == points


def test_unanswered_unknown_and_invalid_choices_are_issues():
    s = sheet_148()
    choices = best(s)
    del choices["C.6.2"]
    choices["A.1.1"] = "9"
    choices["A.1.2"] = True
    choices["Z.9.9"] = "1"
    result = scoring.member_total(s, choices)
    messages = [i.message for i in result.issues]
    assert "Chưa chấm tiêu chí “C.6.2 – Màu sắc, độ chín”." in messages
    assert "Tiêu chí “A.1.1 – Nguồn gốc sản phẩm”: lựa chọn “9” không hợp lệ." in messages
    assert "Tiêu chí “Z.9.9” không có trong bộ tiêu chí." in messages
    assert {i.criterion for i in result.issues} == {"C.6.2", "A.1.1", "A.1.2", "Z.9.9"}
    assert result.total == 100 - 5 - 5 - 3


def test_structure_only_sheet_cannot_be_scored():
    skeleton = sheet("sheet-148-che-tuoi-che-che-bien.json")
    result = scoring.member_total(skeleton, {})
    assert result.total == 0 and "chưa có tiêu chí để chấm" in result.issues[0].message


# --- bonus --------------------------------------------------------------------------------------------


def test_bonus_added_then_capped_at_100():
    s = sheet(SHEET_148, with_bonus(raw(SHEET_148)))
    assert s.part("A").max == 40  # bonus criteria are outside the part maxima
    choices = choices_for_total(s, 96)
    result = scoring.member_total(s, choices)  # bonus criteria optional: not answered
    assert result.total == 96 and not result.issues and result.bonus == 0
    result = scoring.member_total(s, {**choices, "X.1": "1"})
    assert result.total == 99 and result.bonus == 3 and result.per_part["A"] <= 40
    result = scoring.member_total(s, {**choices, "X.1": "1", "X.2": "1"})
    assert result.total == 100 and result.bonus == 4  # 96 + 5 capped at 100
    full = scoring.member_total(s, {**best(s), "X.1": "1", "X.2": "1"})
    assert full.total == 100 and full.bonus == 0


def test_bonus_max_bonus():
    s = sheet(SHEET_148, with_bonus(raw(SHEET_148), max_bonus=4))
    choices = choices_for_total(s, 50)
    assert scoring.member_total(s, {**choices, "X.1": "1", "X.2": "1"}).total == 54


# --- the council: averages, recusals, rounding ---------------------------------------------------------


def test_average_of_non_recused_members():
    totals = {"chu_tich": Decimal(72), "uv1": Decimal(68), "uv2": Decimal(71), "uv3": Decimal(40)}
    assert scoring.product_score(totals) == Decimal("62.75")
    assert scoring.product_score(totals, recused={"uv3"}) == Decimal("70.33")  # 211/3 = 70.333…
    assert scoring.product_score([70, 69, 69]) == Decimal("69.33")
    assert scoring.product_score([70, 69, 69], recused={0}) == Decimal("69.00")


def test_rounding_half_up_once():
    assert scoring.product_score([Decimal("70.12"), Decimal("70.13")]) == Decimal("70.13")  # 70.125
    assert scoring.product_score([Decimal("70.12"), Decimal("70.13")], rounding="half_even") == Decimal("70.12")
    assert scoring.product_score([Decimal("69.99"), Decimal("70")]) == Decimal("70.00")  # 69.995 → 4★
    assert scoring.product_score([69, 70, 70]) == Decimal("69.67")


def test_member_totals_accepted_directly():
    s = sheet_1048()
    totals = [scoring.member_total(s, best(s)), scoring.member_total(s, choices_for_total(s, 80))]
    assert scoring.product_score(totals) == Decimal("90.00")


def test_everyone_recused_is_an_error():
    with pytest.raises(scoring.ScoringError, match="Không còn thành viên nào chấm điểm"):
        scoring.product_score({"a": 80}, recused={"a"})


# --- stars --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale_code", ["QD1048", "QD148"])
@pytest.mark.parametrize(
    "score, expected",
    [
        (100, 5),
        (90, 5),
        (89, 4),
        ("89.99", 4),
        (70, 4),
        (69, 3),
        ("69.99", 3),
        (50, 3),
        (49, 2),
        (30, 2),
        (29, 1),
        ("29.99", 1),
        (0, 1),
    ],
)
def test_star_thresholds(scale_code, score, expected):
    assert scoring.stars(Decimal(str(score)), scales()[scale_code]) == expected


def test_star_thresholds_from_real_sheets():
    s, scale = sheet_1048(), scales()["QD1048"]
    for target, expected in ((30, 2), (29, 1), (50, 3), (49, 2), (70, 4), (69, 3), (90, 5), (89, 4)):
        total = scoring.member_total(s, choices_for_total(s, target)).total
        assert total == target
        assert scoring.stars(scoring.product_score([total]), scale) == expected


def test_stars_accept_plain_thresholds():
    assert scoring.stars(75, [(5, 90), (4, 70), (3, 50), (2, 30), (1, 0)]) == 4
    assert scoring.stars(75, [{"stars": 5, "min": 90}, {"stars": 4, "min": 80}, {"stars": 1, "min": 0}]) == 1


def test_stars_out_of_range():
    with pytest.raises(scoring.ScoringError, match="ngoài khoảng 0–100"):
        scoring.stars(101, scales()["QD148"])


def test_mandatory_failure_caps_at_two_stars():
    scale = scales()["QD148"]
    assert scoring.stars(95, scale, mandatory_failed=True) == 2
    assert scoring.stars(40, scale, mandatory_failed=True) == 2
    assert scoring.stars(20, scale, mandatory_failed=True) == 1


def test_star_level_requirements_of_the_148_sheet():
    s, scale = sheet_148(), scales()["QD148"]
    choices = best(s)
    assert scoring.requirement_failures(s, choices) == []
    # no product standard declared (C.9.1 is marked ***): at most 2 stars, however high the score
    failed = {**choices, "C.9.1": "2"}  # "Có tiêu chuẩn chất lượng sản phẩm", 1 point
    failures = scoring.requirement_failures(s, failed)
    assert [(f.criterion.code, f.stars) for f in failures] == [("C.9.1", 3)]
    assert "bắt buộc với sản phẩm 3 sao" in failures[0].message
    total = scoring.member_total(s, failed).total
    assert total == 99
    assert scoring.stars(total, scale, cap=scoring.requirement_cap(failures)) == 2
    # no registered trademark (A.3.6, ****): at most 3 stars
    no_mark = {**choices, "A.3.6": "0"}
    assert scoring.requirement_cap(scoring.requirement_failures(s, no_mark)) == 3
    # a 5-star requirement only
    assert scoring.requirement_cap(scoring.requirement_failures(s, {**choices, "C.11.1": "1"})) == 4


def test_product_requirement_cap_by_majority():
    s = sheet_148()
    good, bad = best(s), {**best(s), "C.9.1": "1"}
    assert scoring.product_requirement_cap(s, {"a": good, "b": good, "c": bad}) is None
    assert scoring.product_requirement_cap(s, {"a": good, "b": bad, "c": bad}) == 2
    assert scoring.product_requirement_cap(s, {"a": good, "b": bad, "c": bad}, recused={"b"}) is None  # 1 of 2
    assert scoring.product_requirement_cap(s, {"a": good, "b": good, "c": bad}, aggregation="any") == 2


def test_rank_product():
    s, scale, procedure = sheet_148(), scales()["QD148"], procedures()["QD148"]
    members = {"a": meeting_requirements(s, 72), "b": meeting_requirements(s, 74), "c": choices_for_total(s, 30)}
    ranking = scoring.rank_product(s, scale, members, recused={"c"}, procedure=procedure)
    assert ranking.score == Decimal("73.00") and ranking.requirement_cap is None
    assert (ranking.stars, ranking.certified, ranking.certifying_level) == (4, True, "province")
    # the same scores, but two of three members find no declared product standard (C.9.1, ***)
    members = {k: {**v, "C.9.1": "1"} for k, v in members.items()}
    ranking = scoring.rank_product(s, scale, members, procedure=procedure)
    assert ranking.requirement_cap == 2 and ranking.stars == 2 and not ranking.certified
    assert scoring.rank_product(s, scale, {"a": best(s)}, procedure=procedure).certifying_level == "central"
    low = scoring.rank_product(s, scale, {"a": worst(s)}, procedure=procedure)
    assert not low.certified and low.certifying_level is None
    with pytest.raises(scoring.ScoringError, match="chưa hợp lệ"):
        scoring.rank_product(s, scale, {"a": {}})


# --- procedures by period ------------------------------------------------------------------------------


def test_procedure_in_force_by_date():
    all_ = procedures().values()
    assert criteria.in_force(all_, dt.date(2019, 8, 20)) is None
    assert criteria.in_force(all_, dt.date(2020, 6, 1)).code == "QD1048"
    assert criteria.in_force(all_, dt.date(2023, 2, 23)).code == "QD1048"
    assert criteria.in_force(all_, dt.date(2023, 2, 24)).code == "QD148"
    assert criteria.in_force(all_, dt.date(2025, 7, 5)).code == "QD148"
    assert criteria.in_force(all_, dt.date(2025, 7, 6)).code == "QD1489"


def test_1048_district_screens_and_forwards():
    p = procedures()["QD1048"]
    assert scoring.can_hold_round(p, "district")
    assert not any(scoring.can_certify(p, "district", n) for n in range(1, 6))
    assert scoring.forwarding(p, "district", 50) == "province"
    assert scoring.forwarding(p, "district", Decimal("49.99")) is None
    assert scoring.certifying_level(p, 3) == scoring.certifying_level(p, 4) == "province"
    assert scoring.certifying_level(p, 5) == "central"
    assert scoring.certifying_level(p, 2) is None
    assert not scoring.can_hold_round(p, "commune")


def test_148_district_certifies_three_stars():
    p = procedures()["QD148"]
    assert scoring.can_certify(p, "district", 3)
    assert scoring.can_certify(p, "province", 4) and not scoring.can_certify(p, "province", 3)
    assert scoring.certifying_level(p, 5) == "central"
    assert scoring.forwarding(p, "district", 70) == "province"
    assert scoring.forwarding(p, "district", Decimal("69.99")) is None


def test_1489_no_district_round():
    p = procedures()["QD1489"]
    assert not scoring.can_hold_round(p, "district")
    assert scoring.forwarding(p, "district", 95) is None
    assert scoring.can_certify(p, "province", 3) and scoring.can_certify(p, "province", 4)
    assert scoring.forwarding(p, "province", 90) == "central"
    assert scoring.forwarding(p, "province", Decimal("89.99")) is None
    assert scoring.can_preassess(p, "commune") and not scoring.can_hold_round(p, "commune")
    assert p.level("commune").preassessment_tags == ("local_origin", "local_labour", "idea_origin", "local_identity")
    assert "Cấp tỉnh: tổ chức đánh giá, phân hạng; công nhận sản phẩm 3, 4 sao" in scoring.describe_level(p, "province")


def test_certificate_dates():
    p = procedures()["QD148"]
    assert scoring.certificate_expires_on(p, dt.date(2020, 2, 4)) == dt.date(2023, 2, 4)
    assert scoring.expiry_notice_due(p, dt.date(2020, 2, 4)) == dt.date(2023, 1, 5)
    assert scoring.add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)


# --- properties ------------------------------------------------------------------------------------------


def _random_choices(s: criteria.Sheet):
    return st.fixed_dictionaries(
        {c.code: st.sampled_from([o.code for o in c.options]) | st.integers(0, len(c.options) - 1) for c in s.criteria}
    )


BONUS_SHEET = sheet(SHEET_148, with_bonus(raw(SHEET_148)))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), which=st.sampled_from(["1048", "148", "bonus"]))
def test_random_valid_choices_stay_within_maxima(data, which):
    s = {"1048": sheet_1048(), "148": sheet_148(), "bonus": BONUS_SHEET}[which]
    choices = data.draw(_random_choices(s))
    result = scoring.member_total(s, choices)
    assert not result.issues
    assert 0 <= result.total <= 100
    for part in s.parts:
        assert 0 <= result.per_part[part.code] <= part.max
    stars_ = scoring.stars(result.total, scales()["QD148"])
    assert 1 <= stars_ <= 5


HALF_SHEET = sheet(SHEET_148, with_half_points(raw(SHEET_148)))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), which=st.sampled_from(["148", "half", "bonus"]))
def test_member_total_is_the_sum_of_the_chosen_points(data, which):
    """A member's total is the sum of the chosen options' points, per part and in all, for sheets
    with fractional points too (computed here from `Criterion.option`, not the scoring tables)."""
    s = {"148": sheet_148(), "half": HALF_SHEET, "bonus": BONUS_SHEET}[which]
    choices = data.draw(_random_choices(s))
    result = scoring.member_total(s, choices)
    expected = {p.code: Decimal(0) for p in s.parts}
    bonus = Decimal(0)
    for c in s.criteria:
        if c.bonus:
            bonus += c.option(choices[c.code]).points if c.code in choices else 0
        else:
            expected[c.part] += c.option(choices[c.code]).points
    base = sum(expected.values(), Decimal(0))
    assert not result.issues
    assert result.per_part == expected
    # the bonus sheet: bonus added, the total capped at 100 (with_bonus)
    assert result.total == (min(base + bonus, 100) if which == "bonus" else base)


def test_fractional_points_keep_their_decimals():
    s = HALF_SHEET
    assert any(o.points != o.points.to_integral_value() for c in s.criteria for o in c.options)
    result = scoring.member_total(s, worst(s))
    assert result.total == sum((c.min_points for c in s.criteria), Decimal(0)) and not result.issues


@settings(max_examples=100, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=9), st.data())
def test_average_within_member_range(totals, data):
    recused = data.draw(st.sets(st.integers(0, len(totals) - 1), max_size=len(totals) - 1))
    kept = [t for i, t in enumerate(totals) if i not in recused]
    score = scoring.product_score(totals, recused)
    assert min(kept) <= score <= max(kept)
    assert score == score.quantize(Decimal("0.01"))


def test_the_lookup_table_picks_the_option_criterion_option_picks():
    """The scoring loops look a choice up in the sheet's table (issue 17); it must designate exactly
    the option `Criterion.option` designates, for every kind of stored value."""
    from ocop.evaluation.scoring import _option, _table

    rows = _table(sheet_148())[0]
    for criterion, _code, _part, _bonus, options in rows:
        n = len(criterion.options)
        for choice in (0, n - 1, n, -1, True, False, 1.0, None, [0], {"a": 1}, "", "zz", criterion.options[-1].code):
            assert _option(options, choice) is criterion.option(choice), (criterion.code, choice)
