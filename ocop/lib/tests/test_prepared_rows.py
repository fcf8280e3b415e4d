"""`lib/prepared.rows`: the short lists of the busiest pages compiled once (issue 17). They must be the
rows the ORM gives for the same filter and order, as model instances with the fields converted, in
one query; a name the model does not have is refused."""

import datetime as dt

import pytest
from django.core.exceptions import FieldDoesNotExist

from ocop.geo.models import AdminUnit, Era, Level
from ocop.lib import prepared
from ocop.reporting.models import ReportRequest, RequestDeadline, Submission


def test_the_same_rows_as_the_orm_in_one_query(demo, django_assert_num_queries):
    req = ReportRequest.objects.filter(is_demo=True, period_code="2026-Q2").get()
    unit = Submission.objects.filter(request=req).values_list("unit_id", flat=True).first()
    with django_assert_num_queries(1):
        versions = prepared.rows(
            Submission,
            ("request", "unit", "number", "status", "previous"),
            {"request": req.pk, "unit": unit},
            ("number",),
        )
        shown = [(v.pk, v.number, v.get_status_display(), v.previous_id, v.request_id, v.unit_id) for v in versions]
    expected = [
        (v.pk, v.number, v.get_status_display(), v.previous_id, v.request_id, v.unit_id)
        for v in Submission.objects.filter(request=req, unit_id=unit).order_by("number")
    ]
    assert shown == expected and shown
    newest_first = prepared.rows(Submission, ("number",), {"request": req.pk}, ("-number", "-pk"))
    assert [s.pk for s in newest_first] == list(
        Submission.objects.filter(request=req).order_by("-number", "-pk").values_list("pk", flat=True)
    )


def test_dates_come_back_as_dates_and_other_columns_on_first_use(demo, django_assert_num_queries):
    req = ReportRequest.objects.filter(is_demo=True).order_by("pk").first()
    province = AdminUnit.objects.filter(era=req.recipients.first().era, level=Level.PROVINCE).first()
    level = Level.DISTRICT if province.era == Era.LEGACY else Level.COMMUNE
    RequestDeadline.objects.create(request=req, level=level, deadline=dt.date(2026, 12, 31))
    (deadline,) = prepared.rows(RequestDeadline, ("level", "deadline"), {"request": req.pk})
    assert deadline.deadline == dt.date(2026, 12, 31) and deadline.get_level_display() == Level(level).label
    (bare,) = prepared.rows(RequestDeadline, (), {"request": req.pk})
    with django_assert_num_queries(1):  # a column not read is loaded when used
        assert bare.deadline == dt.date(2026, 12, 31)


def test_unknown_names_are_refused():
    with pytest.raises(FieldDoesNotExist):
        prepared.rows(Submission, ("number; DROP TABLE x",), {"request": 1})
    with pytest.raises(FieldDoesNotExist):
        prepared.rows(Submission, ("number",), {"nope": 1})
    with pytest.raises(FieldDoesNotExist):
        prepared.rows(Submission, ("number",), {"request": 1}, ("-nope",))
    with pytest.raises(ValueError):  # “= NULL” would silently match nothing
        prepared.rows(Submission, ("number",), {"previous": None})
