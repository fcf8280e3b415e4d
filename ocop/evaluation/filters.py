"""Filters of the lists of evaluation rounds and of OCOP certificates, shared by the web pages (and
their Excel export) and the API (ocop/api/endpoints/evaluation.py): see ocop/lib/filters.py."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q

from ocop.evaluation.models import Certificate, CertificateStatus, CouncilLevel, Round, RoundStatus
from ocop.geo.models import Level
from ocop.lib.filters import YearFilter


class RoundFilterSet(df.FilterSet):
    status = df.ChoiceFilter(choices=RoundStatus.choices)
    year = YearFilter(field_name="held_on__year")  # the year the council met
    level = df.ChoiceFilter(choices=CouncilLevel.choices)

    class Meta:
        model = Round
        fields: list[str] = []


class CertificateFilterSet(df.FilterSet):
    stars = df.TypedChoiceFilter(choices=[(n, str(n)) for n in range(1, 6)], coerce=int)
    status = df.ChoiceFilter(choices=CertificateStatus.choices)
    year = YearFilter(field_name="year")  # the year of issue
    province = df.CharFilter(method="issued_in_province")

    class Meta:
        model = Certificate
        fields: list[str] = []

    def issued_in_province(self, qs, name, value):
        """Recognised by the province with this code or by a unit within it."""
        return qs.filter(
            Q(issuer_unit__code=value, issuer_unit__level=Level.PROVINCE) | Q(issuer_unit__province__code=value)
        )
