"""The optimised paths give the results of the straightforward code they replaced: the scoring
tables (ocop/evaluation/scoring.py) against the per-option scan, the one-query completeness
(ocop/reporting/services/completeness.py) against the ORM version, on random and generated data."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command

from ocop.evaluation import scoring
from ocop.evaluation.tests.helpers import SHEET_148, SHEET_1048, raw, scales, sheet, with_bonus, with_half_points
from ocop.reporting.models import ReportRequest, Submission, SubmissionStatus
from ocop.reporting.services.completeness import timeliness_of, unit_statuses


def reference_member_total(sh, choices):
    """member_total as it was before the lookup tables: Criterion.option for every answer."""
    issues, per_part, bonus = [], {p.code: Decimal(0) for p in sh.parts}, Decimal(0)
    for code in choices:
        if sh.criterion(code) is None:
            issues.append(code)
    for c in sh.criteria:
        choice = choices.get(c.code)
        if choice is None:
            if not c.bonus:
                issues.append(c.code)
            continue
        option = c.option(choice)
        if option is None:
            issues.append(c.code)
            continue
        if c.bonus:
            bonus += option.points
        else:
            per_part[c.part] += option.points
    total = sum(per_part.values(), Decimal(0))
    if sh.bonus_rule is not None:
        bonus = min(bonus, sh.bonus_rule.max_bonus) if sh.bonus_rule.max_bonus is not None else bonus
        total = total + bonus
        if sh.bonus_rule.cap_total is not None:
            total = min(total, sh.bonus_rule.cap_total)
    return total, per_part, issues


def reference_failures(sh, choices):
    out = []
    for c in sh.mandatory_criteria:
        option = c.option(choices.get(c.code)) if c.code in choices else None
        got = option.points if option else Decimal(0)
        out += [(c.code, level) for level, needed in sorted(c.requirements.items()) if got < needed]
    return out


def random_choices(rng, sh):
    choices = {}
    for c in sh.criteria:
        roll = rng.random()
        if roll < 0.03:
            continue  # unanswered
        if roll < 0.06:
            choices[c.code] = rng.choice(["khong-co", 99, -1, True, None, 1.5])  # invalid answers
        elif roll < 0.3:
            choices[c.code] = rng.randrange(len(c.options))  # by position
        else:
            choices[c.code] = rng.choice(c.options).code
    if rng.random() < 0.05:
        choices["Z.9.9"] = "1"
    return choices


@pytest.mark.parametrize("name", [SHEET_1048, SHEET_148])
def test_scoring_tables_match_the_option_scan(name):
    sh = sheet(name)
    rng = random.Random(name)
    for _ in range(400):
        choices = random_choices(rng, sh)
        result = scoring.member_total(sh, choices)
        total, per_part, issues = reference_member_total(sh, choices)
        assert (result.total, result.per_part, [i.criterion for i in result.issues]) == (total, per_part, issues)
        assert [(f.criterion.code, f.stars) for f in scoring.requirement_failures(sh, choices)] == reference_failures(
            sh, choices
        )
    for _ in range(100):  # the council's requirement cap: the same with or without the failure objects
        members = {k: random_choices(rng, sh) for k in range(rng.randint(5, 9))}
        counts = {}
        for choices in members.values():
            for pair in set(reference_failures(sh, choices)):
                counts[pair] = counts.get(pair, 0) + 1
        failed = [level for (_c, level), n in counts.items() if n * 2 > len(members)]
        assert scoring.product_requirement_cap(sh, members) == (min(failed) - 1 if failed else None)


def _bonus_in_the_middle():
    """The 148 sheet with two bonus criteria between part A's first and second groups: part A's
    criteria are no longer one range of positions (the masks, not the slices, add them)."""
    data = with_bonus(raw(SHEET_148))
    groups = data["parts"][0]["groups"]
    groups.insert(1, groups.pop())
    return sheet(SHEET_148, data)


RANKED_SHEETS = {
    "1048": lambda: sheet(SHEET_1048),
    "148": lambda: sheet(SHEET_148),
    "bonus at the end of part A": lambda: sheet(SHEET_148, with_bonus(raw(SHEET_148), max_bonus=4)),
    "bonus in the middle of part A": _bonus_in_the_middle,
    "half points": lambda: sheet(SHEET_1048, with_half_points(raw(SHEET_1048))),
}


@pytest.mark.parametrize("which", list(RANKED_SHEETS))
def test_councils_ranked_as_the_option_scan_ranks_them(which):
    """rank_product (every sheet added by column, the requirements read from the same answers) against
    the per-option scan: each member's total, parts and issues, the average, and the requirement cap,
    for councils of 5–9 where most sheets are complete and some members withdrew."""
    sh = RANKED_SHEETS[which]()
    if which == "bonus in the middle of part A":
        assert scoring._columns(sh).slices is None  # the masks path
    else:
        assert scoring._columns(sh).slices is not None
    scale = scales()["QD148"]
    assert (scale.requirement_aggregation, scale.rounding_places, scale.rounding_mode) == ("majority", 2, "half_up")
    rng = random.Random(which)
    complete = invalid = 0
    for _ in range(150):
        members = {}
        for k in range(rng.randint(5, 9)):
            if rng.random() < 0.9:  # a complete sheet: every criterion answered, by code or position
                members[k] = {
                    c.code: rng.randrange(len(c.options)) if rng.random() < 0.3 else rng.choice(c.options).code
                    for c in sh.criteria
                    if not c.bonus or rng.random() < 0.7
                }
            else:
                members[k] = random_choices(rng, sh)
        recused = set(rng.sample(sorted(members), rng.randint(0, 2)))
        counted = {k: v for k, v in members.items() if k not in recused}
        expected = {k: reference_member_total(sh, v) for k, v in members.items()}
        if any(expected[k][2] for k in counted):
            invalid += 1
            with pytest.raises(scoring.ScoringError):
                scoring.rank_product(sh, scale, members, recused)
            continue
        complete += 1
        ranking = scoring.rank_product(sh, scale, members, recused)
        for k, (total, per_part, issues) in expected.items():
            got = ranking.member_totals[k]
            assert (got.total, got.per_part, [i.criterion for i in got.issues]) == (total, per_part, issues)
        average = sum(expected[k][0] for k in counted) / len(counted)
        assert ranking.score == average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        counts = {}
        for choices in counted.values():
            for pair in set(reference_failures(sh, choices)):
                counts[pair] = counts.get(pair, 0) + 1
        failed = [level for (_c, level), n in counts.items() if n * 2 > len(counted)]
        assert ranking.requirement_cap == (min(failed) - 1 if failed else None)
    assert complete > 40 and invalid > 40  # both kinds of council were met


@pytest.mark.parametrize("which", list(RANKED_SHEETS))
def test_a_round_of_councils_ranked_at_once_as_each_alone(which):
    """rank_products (every sheet of every product added by column in one pass) against the per-option
    scan, for 60 products of 5–9 members: complete sheets by code or position, bonus criteria left
    out now and then (those sheets are added one by one), a dict subclass as a sheet; then one product
    with an invalid sheet among them refuses the whole batch, naming that product's member."""
    sh = RANKED_SHEETS[which]()
    scale = scales()["QD148"]
    rng = random.Random(f"batch {which}")

    class Answers(dict):  # a mapping that is not a plain dict: added one by one
        pass

    products = {}
    for p in range(60):
        members = {}
        for k in range(rng.randint(5, 9)):
            choices = {
                c.code: rng.randrange(len(c.options)) if rng.random() < 0.3 else rng.choice(c.options).code
                for c in sh.criteria
                if not c.bonus or rng.random() < 0.7
            }
            members[f"m{k}"] = Answers(choices) if rng.random() < 0.05 else choices
        products[p] = members
    ranked = scoring.rank_products(sh, scale, products)
    assert list(ranked) == list(products)
    for p, members in products.items():
        expected = {k: reference_member_total(sh, v) for k, v in members.items()}
        got = ranked[p]
        assert {k: (t.total, t.per_part, t.issues) for k, t in got.member_totals.items()} == {
            k: (total, per_part, issues) for k, (total, per_part, issues) in expected.items()
        }
        average = sum(e[0] for e in expected.values()) / len(expected)
        assert got.score == average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        counts = {}
        for choices in members.values():
            for pair in set(reference_failures(sh, choices)):
                counts[pair] = counts.get(pair, 0) + 1
        failed = [level for (_c, level), n in counts.items() if n * 2 > len(members)]
        assert got.requirement_cap == (min(failed) - 1 if failed else None)
    broken = dict(products[7]["m1"])
    broken[sh.criteria[0].code] = True  # a bool designates no option
    products[7] = {**products[7], "m1": broken}
    with pytest.raises(scoring.ScoringError, match="thành viên m1 chưa hợp lệ"):
        scoring.rank_products(sh, scale, products)


def reference_unit_statuses(request):
    """unit_statuses as it was: Submission objects through the ORM, recipients through the relation."""
    latest, first = {}, {}
    for sub in Submission.objects.filter(request=request).order_by("unit_id", "number"):
        latest[sub.unit_id] = sub
        if sub.first_submitted_at and (sub.unit_id not in first or sub.first_submitted_at < first[sub.unit_id]):
            first[sub.unit_id] = sub.first_submitted_at
    rows = []
    for unit in request.recipients.order_by("code"):
        sub, first_at = latest.get(unit.pk), first.get(unit.pk)
        if sub is None:
            state = "missing"
        elif sub.status == SubmissionStatus.DRAFT and first_at is None:
            state = "draft"
        elif sub.status == SubmissionStatus.DRAFT:
            state = "accepted" if sub.previous_id else "submitted"
        else:
            state = sub.status
        rows.append((unit.pk, sub.pk if sub else None, state, timeliness_of(request, first_at), first_at))
    return rows


@pytest.mark.django_db
def test_one_query_completeness_matches_the_orm_version(demo_users, django_assert_max_num_queries):
    call_command("generate_scale", size="small", seed=3)
    # a draft correction and a draft never submitted, to cover every state
    accepted = Submission.objects.filter(
        status=SubmissionStatus.ACCEPTED, number=1, request__owner_unit__isnull=True
    ).order_by("pk")
    first = accepted.first()
    Submission.objects.create(
        request=first.request, unit=first.unit, number=2, previous=first, status=SubmissionStatus.DRAFT
    )
    requests = list(ReportRequest.objects.order_by("pk"))
    assert len(requests) > 50
    for req in requests:
        expected = reference_unit_statuses(req)
        with django_assert_max_num_queries(2):  # the status query, and the units not cached yet
            rows = unit_statuses(req)
        got = [
            (r.unit.pk, r.submission.pk if r.submission else None, r.state, r.timeliness, r.first_submitted_at)
            for r in rows
        ]
        assert got == expected, req
    row = next(r for r in unit_statuses(first.request) if r.unit.pk == first.unit_id)
    assert row.state == "accepted" and row.submission.number == 2 and row.submission.previous_id == first.pk
    assert isinstance(row.first_submitted_at, dt.datetime) and row.first_submitted_at.tzinfo is not None
