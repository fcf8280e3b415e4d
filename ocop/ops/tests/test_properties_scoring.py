"""Property-based tests (hypothesis) of the scoring rules (ocop/evaluation/scoring.py) on the real
criteria sets and star scales (QĐ 1048, QĐ 148): monotonicity, averages, rounding, star bands at
their boundaries, and the caps."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ocop.evaluation import scoring
from ocop.evaluation.tests.helpers import SHEET_148, raw, scales, sheet, sheet_148, sheet_1048, with_bonus

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHEETS = {"1048": sheet_1048(), "148": sheet_148(), "bonus": sheet(SHEET_148, with_bonus(raw(SHEET_148), max_bonus=4))}
SCALES = scales()
scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


def choices_of(s):
    return st.fixed_dictionaries({c.code: st.sampled_from([o.code for o in c.options]) for c in s.criteria})


def points(s, code, choice):
    return s.criterion(code).option(choice).points


# --- one member's sheet -----------------------------------------------------------------------------


@FAST
@given(st.sampled_from(sorted(SHEETS)), st.data())
def test_a_better_answer_never_lowers_the_total(which, data):
    s = SHEETS[which]
    choices = data.draw(choices_of(s))
    criterion = data.draw(st.sampled_from(list(s.criteria)))
    better = data.draw(
        st.sampled_from(
            [o.code for o in criterion.options if o.points >= points(s, criterion.code, choices[criterion.code])]
        )
    )
    before = scoring.member_total(s, choices)
    after = scoring.member_total(s, {**choices, criterion.code: better})
    assert after.total >= before.total
    for part in s.parts:
        assert 0 <= after.per_part[part.code] <= part.max


@FAST
@given(st.sampled_from(sorted(SHEETS)), st.data())
def test_the_total_is_the_sum_of_the_parts_plus_the_capped_bonus(which, data):
    s = SHEETS[which]
    result = scoring.member_total(s, data.draw(choices_of(s)))
    assert not result.issues
    assert result.total == sum(result.per_part.values()) + result.bonus
    assert 0 <= result.total <= 100 and result.bonus >= 0
    rule = s.bonus_rule
    if rule is not None and rule.max_bonus is not None:
        assert result.bonus <= rule.max_bonus


@FAST
@given(st.sampled_from(sorted(SHEETS)), st.data())
def test_an_unanswered_criterion_is_reported_and_counts_nothing(which, data):
    s = SHEETS[which]
    choices = data.draw(choices_of(s))
    criterion = data.draw(st.sampled_from([c for c in s.criteria if not c.bonus]))
    del choices[criterion.code]
    result = scoring.member_total(s, choices)
    assert [i.criterion for i in result.issues] == [criterion.code]


# --- the council's average ----------------------------------------------------------------------


@FAST
@given(st.lists(scores, min_size=1, max_size=9), st.data())
def test_the_average_is_exact_then_rounded_once_half_up(totals, data):
    recused = data.draw(st.sets(st.integers(0, len(totals) - 1), max_size=len(totals) - 1))
    kept = [t for i, t in enumerate(totals) if i not in recused]
    score = scoring.product_score(totals, recused)
    exact = sum(kept, Decimal(0)) / len(kept)
    assert score == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert abs(score - exact) <= Decimal("0.005")
    assert min(kept) <= score <= max(kept)


@FAST
@given(st.lists(scores, min_size=2, max_size=9), st.data())
def test_order_and_recused_members_do_not_matter(totals, data):
    recused = data.draw(st.sets(st.integers(0, len(totals) - 1), max_size=len(totals) - 1))
    keyed = {f"m{i}": t for i, t in enumerate(totals)}
    recused_keys = {f"m{i}" for i in recused}
    shuffled = dict(data.draw(st.permutations(list(keyed.items()))))
    assert scoring.product_score(keyed, recused_keys) == scoring.product_score(shuffled, recused_keys)
    changed = {k: (data.draw(scores) if k in recused_keys else v) for k, v in keyed.items()}
    assert scoring.product_score(changed, recused_keys) == scoring.product_score(keyed, recused_keys)


@FAST
@given(st.lists(scores, min_size=1, max_size=9), st.data())
def test_a_higher_member_total_never_lowers_the_score(totals, data):
    i = data.draw(st.integers(0, len(totals) - 1))
    higher = data.draw(st.decimals(min_value=totals[i], max_value=100, places=2))
    raised = [*totals[:i], higher, *totals[i + 1 :]]
    assert scoring.product_score(raised) >= scoring.product_score(totals)


def test_no_member_left_is_an_error_not_a_zero():
    with pytest.raises(scoring.ScoringError):
        scoring.product_score([70, 80], recused={0, 1})


# --- stars ---------------------------------------------------------------------------------------


@FAST
@given(st.sampled_from(sorted(SCALES)), scores, scores)
def test_stars_are_monotone_in_the_score(scale_code, a, b):
    scale = SCALES[scale_code]
    low, high = sorted((a, b))
    assert scoring.stars(low, scale) <= scoring.stars(high, scale)


@FAST
@given(st.sampled_from(sorted(SCALES)), scores)
def test_the_star_is_the_band_the_score_falls_in(scale_code, score):
    scale = SCALES[scale_code]
    star = scoring.stars(score, scale)
    bands = sorted(scale.bands, key=lambda b: b.min)
    assert min(b.stars for b in bands) <= star <= max(b.stars for b in bands)
    band = next(b for b in bands if b.stars == star)
    assert score >= band.min or band == bands[0]
    above = [b for b in bands if b.min > band.min]
    assert not above or score < above[0].min


@pytest.mark.parametrize("scale_code", sorted(SCALES))
def test_every_band_starts_exactly_at_its_minimum(scale_code):
    scale = SCALES[scale_code]
    for band in scale.bands:
        assert scoring.stars(band.min, scale) == band.stars
        if band.min > 0:
            assert scoring.stars(band.min - Decimal("0.01"), scale) < band.stars


@FAST
@given(st.sampled_from(sorted(SCALES)), scores, st.booleans(), st.none() | st.integers(1, 5))
def test_caps_only_ever_lower_the_stars(scale_code, score, mandatory_failed, cap):
    scale = SCALES[scale_code]
    free = scoring.stars(score, scale)
    capped = scoring.stars(score, scale, mandatory_failed, cap=cap)
    assert 1 <= capped <= free
    if mandatory_failed:
        assert capped <= scale.mandatory_fail_cap
    if cap is not None:
        assert capped <= cap
    assert capped == max(
        1, min([free] + ([scale.mandatory_fail_cap] if mandatory_failed else []) + ([cap] if cap else []))
    )


@FAST
@given(
    st.sampled_from(sorted(SCALES)),
    st.decimals(allow_nan=False, allow_infinity=False).filter(lambda d: d < 0 or d > 100),
)
def test_scores_outside_0_100_are_refused(scale_code, score):
    with pytest.raises(scoring.ScoringError):
        scoring.stars(score, SCALES[scale_code])


# --- the whole council --------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["1048", "148"]), st.integers(5, 9), st.data())
def test_better_sheets_never_give_fewer_stars(which, members, data):
    """Raising any answer on any member's sheet raises (or keeps) the score and relaxes (or keeps)
    the star-level requirements: the product never loses a star."""
    s = SHEETS[which]
    scale = SCALES["QD148" if which == "148" else "QD1048"]
    sheets = {f"m{i}": data.draw(choices_of(s)) for i in range(members)}
    recused = data.draw(st.sets(st.sampled_from(sorted(sheets)), max_size=members - 3))
    before = scoring.rank_product(s, scale, sheets, recused)
    member = data.draw(st.sampled_from(sorted(sheets)))
    criterion = data.draw(st.sampled_from(list(s.criteria)))
    current = points(s, criterion.code, sheets[member][criterion.code])
    better = data.draw(st.sampled_from([o.code for o in criterion.options if o.points >= current]))
    after = scoring.rank_product(s, scale, {**sheets, member: {**sheets[member], criterion.code: better}}, recused)
    assert after.score >= before.score
    assert after.stars >= before.stars
    assert (before.requirement_cap or 5) <= (after.requirement_cap or 5)
    for ranking in (before, after):
        assert ranking.stars == scoring.stars(ranking.score, scale, cap=ranking.requirement_cap)
        assert ranking.certified == (ranking.stars >= scale.certified_min_stars)


@FAST
@given(st.dates(), st.integers(0, 120))
def test_certificate_months_never_overflow_the_month(day, months):
    later = scoring.add_months(day, months) if day.year < 9000 else None
    assume(later is not None)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day
