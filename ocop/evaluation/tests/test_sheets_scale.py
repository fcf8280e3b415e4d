"""`generate_scale` scores products with the criteria set of their own classification leaf, across
the QĐ 148 sets, and the ranking benchmark's raw SQL agrees with closing a round for all of them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ocop.evaluation.models import CriteriaSet, Round, RoundProduct
from ocop.evaluation.rounds import rank_round

pytestmark = pytest.mark.django_db

# the 3 QĐ 148 sets that are skeletons (their transcription does not add up, SOURCES.md)
SKELETONS_148 = {
    "ocop-148-che-tuoi-che-che-bien",
    "ocop-148-san-pham-tra-tu-thuc-vat-khac",
    "ocop-148-san-pham-ca-phe-ca-cao",
}


def test_generated_rounds_use_each_products_own_set_and_rank_like_raw_sql():
    from ocop.bench.benchmarks import sql_rankings

    call_command("generate_scale", size="small", seed=11)
    entries = list(RoundProduct.objects.select_related("round", "product", "criteria_set"))
    assert len(entries) > 50
    used = {e.criteria_set.code for e in entries}
    assert not used & SKELETONS_148
    assert not any(e.criteria_set.structure_only for e in entries)
    # the small size holds rounds from 2024 (QĐ 148 only): products of many of its 23 scoreable sets
    assert all(code.startswith("ocop-148-") for code in used)
    assert len(used) >= 15, sorted(used)
    # each product is judged by the set of its own leaf on the meeting date
    for e in entries[:200]:
        expected = CriteriaSet.objects.for_classification(e.product.classification_code, e.round.held_on)
        assert expected.code == e.criteria_set.code, (e.product.classification_code, e.criteria_set.code)
    # the ranking benchmark's raw SQL and closing a round agree on every set
    year = max(e.round.held_on.year for e in entries)
    rounds = list(Round.objects.filter(held_on__year=year, entries__isnull=False).distinct().order_by("pk"))
    ranked = {}
    for r in rounds:
        ranked.update({pk: (rk.score, rk.stars) for pk, rk in rank_round(r).items()})
    assert ranked and ranked == sql_rankings([r.pk for r in rounds])
    assert len({e.criteria_set_id for e in entries if e.round.held_on.year == year}) >= 10
