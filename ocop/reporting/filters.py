"""Filters of the list of report requests (web page, its Excel export and the API) and of the
API's list of submissions: see ocop/lib/filters.py."""

from __future__ import annotations

import django_filters as df

from ocop.lib.filters import IdFilter, YearFilter
from ocop.reporting.models import ReportRequest, RequestKind, RequestStatus, Submission, SubmissionStatus


class RequestFilterSet(df.FilterSet):
    status = df.ChoiceFilter(choices=RequestStatus.choices)
    kind = df.ChoiceFilter(choices=RequestKind.choices)
    period = df.CharFilter(field_name="period_code")  # e.g. 2026-Q1
    year = YearFilter(field_name="cutoff__year")  # the year of the cut-off date
    template = df.CharFilter(field_name="template__code")

    class Meta:
        model = ReportRequest
        fields: list[str] = []


class SubmissionFilterSet(df.FilterSet):
    request_id = IdFilter(field_name="request_id")
    unit = df.CharFilter(field_name="unit__code")
    status = df.ChoiceFilter(choices=SubmissionStatus.choices)
    year = YearFilter(field_name="request__cutoff__year")

    class Meta:
        model = Submission
        fields: list[str] = []
