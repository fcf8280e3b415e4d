"""Provincial plan targets entered in the programme registry (ProvincialPlan.target_products by
target_year) shown to a province officer against its certified products, hand-computed from
tests/world.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ocop.accounts.scope import Scope
from ocop.analytics.services import plan_progress, progress
from ocop.analytics.tests.world import build, province
from ocop.geo.models import Era
from ocop.geo.services import all_predecessor_ids
from ocop.programme.models import ProvincialPlan

pytestmark = pytest.mark.django_db


def plan(unit, products, year, **extra) -> ProvincialPlan:
    return ProvincialPlan.objects.create(
        unit=unit,
        title="Đề án OCOP",
        drafting_since=dt.date(2018, 6, 1),
        target_products=products,
        target_year=year,
        **extra,
    )


def test_targets_of_the_plans_in_scope_against_cumulative_certified_products():
    build()
    tn = province("19", Era.CURRENT)
    plan(tn, 10, 2026, decision_number="12/QĐ-UBND")
    plan(province("06", Era.LEGACY), 5, 2020)  # legacy Bắc Kạn's plan: its own figure, on the legacy geography
    plan(province("01", Era.CURRENT), 4, 2026)  # Hà Nội's: out of the Thái Nguyên officer's scope
    plan(tn, None, None)  # no target
    scope = Scope(unit=tn, predecessor_ids=all_predecessor_ids(tn))
    rows = {p.target.scope: p for p in plan_progress(scope)}
    assert set(rows) == {"19", "06"}
    # Thái Nguyên by 2026: Hồng, Tân Cương, Rượu men lá, Na Rì, Mơ vàng, Nón lá = 6 of 10
    assert (rows["19"].target.value, rows["19"].actual, rows["19"].percent) == (10, 6, 60.0)
    assert "12/QĐ-UBND" in rows["19"].target.instrument
    # Bắc Kạn by 2020: Hồng (2019), Na Rì (2020) = 2 of 5
    assert (rows["06"].actual, rows["06"].percent) == (2, 40.0)
    assert "Bắc Kạn" in rows["06"].target.label_vi
    # the page's progress: plans for a province officer, on the cumulative indicator only
    assert len(progress("products_certified_cumulative", scope)) == 2
    assert progress("products_certified", scope) == []
    national = progress("products_certified_cumulative", Scope(national=True))
    assert all(p.target.scope == "national" for p in national)


def test_a_target_needs_both_number_and_year():
    p = ProvincialPlan(
        unit=province("19", Era.CURRENT), title="Kế hoạch", drafting_since=dt.date(2021, 1, 1), target_products=100
    )
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "target_year" in exc.value.message_dict
    p.target_year = 2017
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "target_year" in exc.value.message_dict


def test_province_officer_sees_its_plan_target_on_the_page(client, demo_users):
    build()
    officer = demo_users["tinh.thainguyen"]
    plan(officer.scope_unit, 10, 2026)
    client.force_login(officer)
    html = client.get(
        reverse("analytics:pivot"), {"indicator": "products_certified_cumulative", "from": "2019", "to": "2026"}
    ).content.decode()
    assert 'data-testid="analytics-targets"' in html
    table = html[html.index('data-testid="analytics-targets"') :]
    table = table[: table.index("</table>")]
    assert "Thái Nguyên" in table and "60" in table
