"""`lib/prepared.Prepared`: a queryset compiled once and run again with new key values (issue 17).
Its objects must be the ORM's for the same queryset — every loaded field converted, the
`select_related` objects attached, deferred fields loaded on first use — in one query, on both
databases; shapes it cannot run faithfully are refused when built."""

import datetime as dt

import pytest
from django.db.models import Count, Max, Q, Sum

from ocop.lib.prepared import Prepared
from ocop.programme.models import Funding
from ocop.reporting.models import ReportRequest, Submission


def _submissions():
    return Submission.objects.select_related("request", "unit", "request__template").defer(
        "request__template__definition"
    )


SUBMISSION = Prepared(lambda pk: _submissions().filter(pk=pk))
LATEST = Prepared(
    lambda request: (
        Submission.objects.filter(request=request)
        .order_by("-number", "-pk")
        .values_list("pk", "number", "status", "unit__name", "request__cutoff")[:3]
    )
)


def _loaded(obj) -> dict:
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}


def test_the_orm_objects_with_their_related_rows_in_one_query(demo, django_assert_num_queries):
    expected = list(_submissions().filter(request__is_demo=True).order_by("pk")[:5])
    assert len(expected) == 5
    with django_assert_num_queries(1):
        got = SUBMISSION.get(pk=expected[0].pk)
    with django_assert_num_queries(0):  # the related rows came with it
        related = (got.request.cutoff, got.request.template.code, got.unit.name)
    assert related == (expected[0].request.cutoff, expected[0].request.template.code, expected[0].unit.name)
    for orm in expected:
        mine = SUBMISSION.get(pk=orm.pk)
        assert _loaded(mine) == _loaded(orm)
        assert _loaded(mine.request) == _loaded(orm.request)
        assert _loaded(mine.request.template) == _loaded(orm.request.template)
        assert _loaded(mine.unit) == _loaded(orm.unit)
        assert not mine._state.adding and mine._state.db == "default"
    # converted as the ORM converts: dates, date-times (aware), JSON
    assert isinstance(mine.request.cutoff, dt.date) and mine.updated_at.tzinfo is not None
    assert isinstance(mine.data, dict)
    # the deferred definition is read on first use, one query
    definition = ReportRequest.objects.get(pk=mine.request_id).template.definition
    with django_assert_num_queries(1):
        assert mine.request.template.definition == definition and definition


def test_new_values_each_call_and_the_answers_of_get_and_first(demo):
    req = ReportRequest.objects.filter(is_demo=True, period_code="2026-Q2").get()
    some = list(Submission.objects.filter(request=req).order_by("pk").values_list("pk", flat=True)[:3])
    assert [SUBMISSION.get(pk=pk).pk for pk in some] == some
    assert SUBMISSION.first(pk=-5) is None and SUBMISSION.list(pk=-5) == []
    with pytest.raises(Submission.DoesNotExist):
        SUBMISSION.get(pk=-5)
    # the marker standing for a key while the SQL is built is a value like any other afterwards
    assert [s.pk for s in SUBMISSION.list(pk=32_767)] == list(
        Submission.objects.filter(pk=32_767).values_list("pk", flat=True)
    )


def test_values_list_tuples_with_order_limit_and_joins(demo, django_assert_num_queries):
    req = ReportRequest.objects.filter(is_demo=True, period_code="2026-Q2").get()
    orm = list(
        Submission.objects.filter(request=req)
        .order_by("-number", "-pk")
        .values_list("pk", "number", "status", "unit__name", "request__cutoff")[:3]
    )
    assert Submission.objects.filter(request=req).count() > 3
    with django_assert_num_queries(1):
        got = LATEST.list(request=req.pk)
    assert got == orm and len(got) == 3
    assert isinstance(got[0], tuple) and got[0][4] == req.cutoff and isinstance(got[0][3], str)


def test_fetched_rows_convert_to_what_list_gives(demo, django_assert_num_queries):
    """`fetch` gives the driver's rows (the digest of a cached fragment), `convert` turns them into
    what `list` gives, without another query."""
    req = ReportRequest.objects.filter(is_demo=True, period_code="2026-Q2").get()
    with django_assert_num_queries(1):
        fetched = LATEST.fetch(request=req.pk)
    with django_assert_num_queries(0):
        converted = LATEST.convert(fetched)
    assert converted == LATEST.list(request=req.pk) and len(fetched) == 3
    sub = Submission.objects.filter(request=req).order_by("pk").first()
    fetched = SUBMISSION.fetch(pk=sub.pk)
    with django_assert_num_queries(0):
        (obj,) = SUBMISSION.convert(fetched)
        assert obj.request.cutoff == req.cutoff
    assert _loaded(obj) == _loaded(SUBMISSION.get(pk=sub.pk))


# a period's bounds as date keys, and a grouped count with its annotation after the fields
DUE = Prepared(
    lambda start, end: (
        ReportRequest.objects.filter(cutoff__gte=start, cutoff__lte=end)
        .values("status")
        .annotate(n=Count("pk"), last=Max("cutoff"))
        .order_by("status")
        .values_list("status", "n", "last")
    ),
    dates=("start", "end"),
)
# whole years on a positive small integer field (a marker outside its range would change the SQL)
FUNDED = Prepared(
    lambda first, last: (
        Funding.objects.filter(year__gte=first, year__lte=last)
        .values("unit__province_id")
        .annotate(total=Sum("amount"))
        .order_by("unit__province_id")
        .values_list("unit__province_id", "total")
    )
)


def test_date_and_year_keys_and_grouped_annotations_as_the_orm_gives_them(demo, django_assert_num_queries):
    periods = [
        (dt.date(2018, 1, 1), dt.date(2018, 12, 31)),
        (dt.date(2025, 7, 1), dt.date(2026, 12, 31)),
        (dt.date(2030, 1, 1), dt.date(2030, 12, 31)),  # nothing due then
    ]
    seen = 0
    for start, end in periods:
        orm = list(
            ReportRequest.objects.filter(cutoff__gte=start, cutoff__lte=end)
            .values("status")
            .annotate(n=Count("pk"), last=Max("cutoff"))
            .order_by("status")
            .values_list("status", "n", "last")
        )
        with django_assert_num_queries(1):
            got = DUE.list(start=start, end=end)
        assert got == orm
        assert all(isinstance(last, dt.date) for _status, _n, last in got)  # converted as the ORM converts
        seen += len(got)
    assert seen > 0 and DUE.list(start=dt.date(2030, 1, 1), end=dt.date(2030, 12, 31)) == []
    for first, last in [(2018, 2018), (2019, 2026), (2099, 2100)]:
        orm = list(
            Funding.objects.filter(year__gte=first, year__lte=last)
            .values("unit__province_id")
            .annotate(total=Sum("amount"))
            .order_by("unit__province_id")
            .values_list("unit__province_id", "total")
        )
        assert FUNDED.list(first=first, last=last) == orm
    assert FUNDED.list(first=2019, last=2026), "the demo data has funding in 2019–2026"


def test_refused_shapes_and_values(db):
    with pytest.raises(ValueError, match="once"):
        Prepared(lambda pk: Submission.objects.filter(Q(pk=pk) | Q(previous=pk))).list(pk=1)
    with pytest.raises(ValueError, match="once"):  # a key the query does not use
        Prepared(lambda pk, unit: Submission.objects.filter(pk=pk)).list(pk=1, unit=2)
    with pytest.raises(ValueError, match="order"):  # Django would reorder these columns
        Prepared(
            lambda pk: Submission.objects.filter(pk=pk).annotate(n=Count("attachments")).values_list("n", "pk")
        ).list(pk=1)
    with pytest.raises(ValueError, match="extra"):
        Prepared(lambda pk: Submission.objects.filter(pk=pk).extra(select={"one": "1"}).values_list("pk", "one")).list(
            pk=1
        )
    with pytest.raises(ValueError, match="model instances"):
        Prepared(lambda pk: Submission.objects.filter(pk=pk).values("pk")).list(pk=1)
    with pytest.raises(ValueError, match="prefetch"):
        Prepared(lambda pk: Submission.objects.filter(pk=pk).prefetch_related("attachments")).list(pk=1)
    with pytest.raises(TypeError, match="integer"):
        SUBMISSION.get(pk="1")
    with pytest.raises(TypeError, match="integer"):
        SUBMISSION.get(pk=True)
    with pytest.raises(TypeError, match="keys"):
        SUBMISSION.get(id=1)
    with pytest.raises(TypeError, match="a date"):
        DUE.list(start="2026-01-01", end=dt.date(2026, 12, 31))
    with pytest.raises(TypeError, match="a date"):  # a date-time is not a day
        DUE.list(start=dt.datetime(2026, 1, 1), end=dt.date(2026, 12, 31))
    with pytest.raises(TypeError, match="integer"):
        FUNDED.list(first=dt.date(2026, 1, 1), last=2026)
    with pytest.raises(TypeError, match="dates must name keys"):
        Prepared(lambda pk: Submission.objects.filter(pk=pk), dates=("day",))
