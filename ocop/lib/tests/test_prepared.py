"""`lib/prepared.Prepared`: a queryset compiled once and run again with new key values (issue 17).
Its objects must be the ORM's for the same queryset — every loaded field converted, the
`select_related` objects attached, deferred fields loaded on first use — in one query, on both
databases; shapes it cannot run faithfully are refused when built."""

import datetime as dt

import pytest
from django.db.models import Count, Q

from ocop.lib.prepared import Prepared
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
    # the marker standing for a key is never a row's key: nothing is found for it
    assert SUBMISSION.list(pk=-2_000_000_011) == []


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


def test_refused_shapes_and_values(db):
    with pytest.raises(ValueError, match="once"):
        Prepared(lambda pk: Submission.objects.filter(Q(pk=pk) | Q(previous=pk))).list(pk=1)
    with pytest.raises(ValueError, match="once"):  # a key the query does not use
        Prepared(lambda pk, unit: Submission.objects.filter(pk=pk)).list(pk=1, unit=2)
    with pytest.raises(ValueError, match="annotations"):
        Prepared(lambda pk: Submission.objects.filter(pk=pk).annotate(n=Count("attachments")).values_list("n")).list(
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
