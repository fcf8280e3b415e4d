"""The demo programme data: idempotent, and faithful to the seed (Công văn 9654/BNN-VPĐP of 12/12/2018)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from ocop.audit.models import AuditEntry
from ocop.geo.models import Era
from ocop.programme.board import build_board
from ocop.demo.programme import APPROVED_BY_SEED, MODELS, create_demo_programme
from ocop.programme.models import DirectiveDocument, MilestoneKind, PlanStatus, ProvincialPlan

SEED_DATE = dt.date(2018, 12, 12)


@pytest.mark.django_db
def test_demo_programme_is_idempotent_demo_and_audited():
    counts = create_demo_programme()
    assert set(counts) == set(MODELS)
    assert all(n > 0 for n in counts.values())
    assert sum(counts.values()) < 6000  # keeps `manage.py demo` fast
    entries = AuditEntry.objects.filter(action__startswith="ocop.programme.", reason="demo").count()
    assert entries == sum(counts.values())

    assert create_demo_programme() == counts
    assert AuditEntry.objects.filter(action__startswith="ocop.programme.").count() == entries
    for slug, model in MODELS.items():
        assert model.objects.count() == counts[slug]
        assert not model.objects.filter(is_demo=False).exists()

    # document numbers are unique per province, issuer and year (the app refuses duplicates)
    keys = Counter(
        (d.unit.province_id, d.issuer_kind, d.issuer_name.lower(), d.date.year, d.number.lower())
        for d in DirectiveDocument.objects.select_related("unit")
    )
    assert [k for k, n in keys.items() if n > 1] == []
    plans = Counter(
        (p.unit.province_id, p.issuer.lower(), p.decision_date.year, p.decision_number.lower())
        for p in ProvincialPlan.objects.exclude(decision_number="").select_related("unit")
    )
    assert [k for k, n in plans.items() if n > 1] == []

    # legacy provinces (and three Bắc Kạn districts) before 01/7/2025, current provinces from then on
    for model in MODELS.values():
        for record in model.objects.select_related("unit"):
            day = record.record_date()
            assert record.unit.level == "province" or record.unit.code in ("061", "062", "063")
            assert record.unit.era == (Era.CURRENT if day >= dt.date(2025, 7, 1) else Era.LEGACY), record


@pytest.mark.django_db
def test_demo_programme_matches_the_seed_and_shows_progress():
    create_demo_programme()

    rows = build_board(SEED_DATE)
    assert len(rows) == 63
    approved = {r.province.code for r in rows if r.plan_status == PlanStatus.APPROVED}
    assert approved == set(APPROVED_BY_SEED)
    assert len(approved) == 22
    by_code = {r.province.code: r for r in rows}
    assert "II" in by_code["22"].plan.phase
    assert by_code["06"].plan.decision_number == "851/QĐ-UBND"
    assert by_code["06"].plan.decision_date == dt.date(2018, 5, 24)
    assert by_code["42"].plan.decision_number == "3292/QĐ-UBND"
    assert by_code["42"].plan.decision_date == dt.date(2018, 11, 1)

    assert {r.province.code for r in rows if r.milestones.get(MilestoneKind.CYCLE_STARTED)} == {"06", "42", "49"}
    assert {r.province.code for r in rows if r.criteria_issued} == {"06"}
    assert {r.province.code for r in rows if r.milestones.get(MilestoneKind.EVALUATION_HELD)} == {"06"}
    assert {r.province.code for r in rows if r.milestones.get(MilestoneKind.PRODUCTS_RANKED)} == {"06"}

    # after the seed: more provinces approve and rank products over the years
    rows_2019 = build_board(dt.date(2019, 12, 31))
    assert len([r for r in rows_2019 if r.plan_status == PlanStatus.APPROVED]) > 22
    ranked = {
        day: len([r for r in build_board(day) if r.milestones.get(MilestoneKind.PRODUCTS_RANKED)])
        for day in (dt.date(2019, 12, 31), dt.date(2020, 12, 31), dt.date(2023, 12, 31))
    }
    assert ranked == {dt.date(2019, 12, 31): 12, dt.date(2020, 12, 31): 51, dt.date(2023, 12, 31): 63}

    # after the reform: 34 provinces, with legacy data rolled up and records of their own
    rows_reform = build_board(dt.date(2025, 7, 1))
    assert len(rows_reform) == 34
    rows_2026 = build_board(dt.date(2026, 11, 15))
    assert len(rows_2026) == 34
    own = {r.province.code for r in rows_2026 if r.plan and r.plan.unit.era == Era.CURRENT}
    assert {"19", "42"} <= own
    assert all(r.activities > 0 and r.funding > 0 for r in rows_2026)


SEED_22 = {
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
}


@pytest.mark.django_db
def test_export_status_reproduces_the_seed_letter():
    import csv
    import io

    from django.core.management import call_command

    create_demo_programme()
    out = io.StringIO()
    call_command("export_status", "--date", "2018-12-12", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 63
    assert {r["province_name"] for r in rows if r["plan_status"] == "approved"} == SEED_22
    out = io.StringIO()
    call_command("export_status", "--date", "2025-07-01", stdout=out)
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == 34


@pytest.mark.django_db
def test_the_demo_district_officer_has_records_in_scope(demo_users):
    from ocop.programme.models import Activity
    from ocop.programme.services import readable

    create_demo_programme()
    officer = demo_users["huyen.babe"]
    activities = readable(officer, Activity)
    assert activities.exists() and all(a.unit.code == "061" for a in activities)
