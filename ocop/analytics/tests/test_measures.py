"""Each indicator of data/indicators.json against hand-computed fixtures; the data files themselves."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from ocop.accounts.scope import Scope
from ocop.analytics import definitions
from ocop.analytics.measures import MEASURES
from ocop.analytics.services import Query, compute, progress
from ocop.analytics.tests.world import build, province
from ocop.geo.models import Era

NATIONAL = Scope(national=True)


def test_every_indicator_has_exactly_one_computation():
    assert set(definitions.indicators()) == set(MEASURES)
    for code, ind in definitions.indicators().items():
        parts = MEASURES[code]
        assert set(parts) == ({"num", "den"} if ind.is_ratio else {"value"})
        for part in parts.values():
            assert set(ind.dimensions) <= set(part.dims), code


def test_targets_are_sourced_or_declared_gaps():
    for t in definitions.targets():
        assert t.value is None or t.source, t.code
        assert t.confirmed or t.gap.startswith("[?]"), t.code
    qd919 = {t.code: t for t in definitions.targets()}["qd919-2025-products-3star"]
    assert (qd919.year, qd919.value, qd919.indicator) == (2025, 10000, "products_certified_cumulative")


def test_a_target_without_source_is_refused():
    payload = {
        "targets": [
            {
                "code": "x",
                "indicator": "funding",
                "scope": "national",
                "year": 2025,
                "value": 5,
                "label_vi": "x",
                "instrument": "x",
                "source": "",
                "confirmed": True,
            }
        ]
    }
    with pytest.raises(definitions.DefinitionError, match="nguồn"):
        definitions.parse_targets(payload, definitions.indicators())


def test_an_unknown_dimension_is_refused():
    payload = json.loads((definitions.DATA / "indicators.json").read_text("utf-8"))
    payload["indicators"][0]["dimensions"] = ["colour"]
    with pytest.raises(definitions.DefinitionError, match="colour"):
        definitions.parse_indicators(payload)


@pytest.mark.django_db
def test_evaluated_and_certification_rate():
    from ocop.evaluation.models_rounds import Round, RoundProduct
    from ocop.catalogue.tests.factories import bare_criteria_set
    from ocop.products.tests.factories import make_dossier, make_entity, make_product
    from ocop.analytics.tests.world import commune_in

    made = build()  # 7 certified entries (each its own round)
    # one more 2020 round in legacy Bắc Kạn with two products, one certified and one not
    unit = commune_in("06", Era.LEGACY)
    rnd = Round.objects.create(
        name="Kỳ 2020", level="province", unit=unit.province, held_on=dt.date(2020, 9, 9), status="closed"
    )
    for certified in (True, False):
        product = make_product(make_entity(unit))
        RoundProduct.objects.create(
            round=rnd,
            product=product,
            dossier=make_dossier(product),
            criteria_set=bare_criteria_set(),
            stars=3 if certified else 2,
            certified=certified,
        )
    tn = province("19", Era.CURRENT).pk
    evaluated = compute(Query("products_evaluated", "current", "year", 2020, 2020), NATIONAL)
    assert evaluated.total(unit=tn) == 5  # Tân Cương, men lá, Na Rì + the two of the new round
    rate = compute(Query("certification_rate", "current", "year", 2020, 2020), NATIONAL)
    assert rate.total(unit=tn) == 80.0  # 4 of 5
    assert rate.total() == 83.3  # 5 of 6 with Hà Nội: a ratio of sums, not a mean of ratios
    assert made


@pytest.mark.django_db
def test_programme_registries():
    from ocop.programme.models import Activity, DirectiveDocument, Funding

    bk, tn, hn = province("06", Era.LEGACY), province("19", Era.LEGACY), province("01", Era.CURRENT)
    Funding.objects.create(unit=bk, year=2020, source="central", amount=1_000_000, date=dt.date(2020, 3, 1))
    Funding.objects.create(unit=tn, year=2020, source="local", amount=250_000, date=dt.date(2020, 5, 1))
    Funding.objects.create(unit=tn, year=2021, source="local", amount=7, date=dt.date(2021, 5, 1))
    gone = Funding.objects.create(unit=tn, year=2020, source="local", amount=99, date=dt.date(2020, 5, 1))
    gone.deleted_at = timezone.now()
    gone.save()
    Activity.objects.create(unit=bk, kind="training", title="Tập huấn", date=dt.date(2020, 4, 1), participants=40)
    Activity.objects.create(unit=tn, kind="training", title="Tập huấn 2", date=dt.date(2020, 7, 1), participants=None)
    Activity.objects.create(unit=hn, kind="fair_in", title="Hội chợ", date=dt.date(2026, 1, 5), participants=300)
    DirectiveDocument.objects.create(
        unit=bk,
        kind="quyet_dinh",
        number="851/QĐ-UBND",
        date=dt.date(2018, 5, 24),
        issuer_kind="ubnd",
        summary="Phê duyệt Đề án OCOP",
    )
    current_tn = province("19", Era.CURRENT).pk
    funding = compute(Query("funding", "current", "year", 2020, 2021, "funding_source"), NATIONAL)
    assert funding.total(unit=current_tn, period=2020) == 1_250_000
    assert funding.total(unit=current_tn, dim="local") == 250_007
    assert compute(Query("activities", "current", "year", 2020, 2026), NATIONAL).total() == 3
    participants = compute(Query("activity_participants", "current", "year", 2020, 2026), NATIONAL)
    assert participants.total(unit=current_tn) == 40
    assert participants.total() == 340
    docs = compute(Query("directive_documents", "legacy", "year", 2018, 2018, "issuer_kind"), NATIONAL)
    assert docs.total(unit=bk.pk, dim="ubnd") == 1


@pytest.mark.django_db
def test_report_completeness_and_timeliness():
    from ocop.reporting.models import ReportRequest, ReportTemplate, Submission

    template = ReportTemplate.objects.create(code="t", version=1, title="T", definition={"sections": []})
    req = ReportRequest.objects.create(
        title="Báo cáo năm 2018",
        template=template,
        status="open",
        cutoff=dt.date(2018, 12, 31),
        deadline=dt.date(2019, 1, 10),
        deadline_rule="before",
    )
    draft = ReportRequest.objects.create(
        title="Nháp", template=template, status="draft", cutoff=dt.date(2018, 12, 31), deadline=dt.date(2019, 1, 10)
    )
    bk, tn, ht = province("06", Era.LEGACY), province("19", Era.LEGACY), province("42", Era.LEGACY)
    req.recipients.set([bk, tn, ht])
    draft.recipients.set([bk, tn, ht])
    tz = timezone.get_current_timezone()
    # Bắc Kạn on 09/01 (on time "trước ngày 10/01"), Thái Nguyên on 10/01 at 00:30 local time (late)
    Submission.objects.create(
        request=req, unit=bk, status="submitted", first_submitted_at=dt.datetime(2019, 1, 9, 23, 0, tzinfo=tz)
    )
    Submission.objects.create(
        request=req, unit=tn, status="submitted", first_submitted_at=dt.datetime(2019, 1, 10, 0, 30, tzinfo=tz)
    )
    Submission.objects.create(request=req, unit=ht, status="draft")
    complete = compute(Query("report_completeness", "legacy", "year", 2018, 2018), NATIONAL)
    assert complete.total() == 66.7  # 2 of 3
    timely = compute(Query("report_timeliness", "legacy", "request", 2018, 2018), NATIONAL)
    assert [m.key for m in timely.periods] == [req.pk]
    assert timely.total() == 33.3  # 1 of 3
    current = compute(Query("report_completeness", "current", "year", 2018, 2018), NATIONAL)
    assert current.total(unit=province("19", Era.CURRENT).pk) == 100.0  # both now in Thái Nguyên


@pytest.mark.django_db
def test_progress_against_the_qd919_target():
    build()
    rows = {p.target.code: p for p in progress("products_certified_cumulative", NATIONAL)}
    assert rows["qd919-2025-products-3star"].actual == 6  # products certified up to 31/12/2025
    assert rows["qd919-2025-products-3star"].percent == 0.1
    assert rows["after-2025-programme"].actual is None
    assert progress("products_certified_cumulative", Scope(unit=province("19", Era.CURRENT))) == []
