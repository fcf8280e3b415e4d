"""How each indicator of data/indicators.json is computed: the rows it counts, the unit they belong
to, the date that places them in a period, the value aggregated in the database, and the field of
each dimension. Nothing here knows about geography or pivots (services.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from ocop.evaluation.models_rounds import Certificate, CertificateStatus, RoundProduct
from ocop.programme.models import Activity, DirectiveDocument, Funding
from ocop.reporting.models import DeadlineRuleKind, ReportRequest, RequestStatus, Submission


@dataclass(frozen=True)
class Part:
    """One aggregated quantity: `value()` over `rows()`, grouped by the unit's province (`unit` is the
    path to an AdminUnit FK), a period of `date` (a date path; `year` when the period is a year and the
    rows carry a year of their own) and a dimension (`dims`: code -> field path)."""

    rows: Callable[[], QuerySet]
    unit: str
    date: str
    value: Callable[[], object]
    dims: dict[str, str] = field(default_factory=dict)
    year: str | None = None
    request: str | None = None  # path to the report request, for periods that are requests
    distinct: str | None = None  # stock parts: the field counted once up to each period end


def _certificates() -> QuerySet:
    """Every certificate of a product and entity still on record, revoked ones included: a recognition
    made in a year stays a recognition of that year (revocations are a figure of their own)."""
    return Certificate.objects.filter(product__deleted_at__isnull=True, product__entity__deleted_at__isnull=True)


def _entities() -> QuerySet:
    from ocop.products.models import Entity

    first = (
        Certificate.objects.filter(product__entity=OuterRef("pk"), product__deleted_at__isnull=True)
        .order_by("issued_on")
        .values("issued_on")[:1]
    )
    return Entity.objects.filter(deleted_at__isnull=True).annotate(first_certified=Subquery(first))


def _round_products() -> QuerySet:
    return RoundProduct.objects.filter(product__deleted_at__isnull=True)


def _recipients() -> QuerySet:
    """One row per (request, expected unit) of the issued requests (not drafts)."""
    through = ReportRequest.recipients.through
    return through.objects.exclude(reportrequest__status=RequestStatus.DRAFT)


def _submitted(on_time: bool = False):
    subs = Submission.objects.filter(
        request=OuterRef("reportrequest_id"), unit=OuterRef("adminunit_id"), first_submitted_at__isnull=False
    )
    if on_time:
        # the rule of ocop/reporting/periods.py last_on_time_day, on the local date of the first submission
        subs = subs.filter(
            Q(
                request__deadline_rule=DeadlineRuleKind.BY,
                first_submitted_at__date__lte=OuterRef("reportrequest__deadline"),
            )
            | Q(
                request__deadline_rule=DeadlineRuleKind.BEFORE,
                first_submitted_at__date__lt=OuterRef("reportrequest__deadline"),
            )
        )
    return Exists(subs)


def _recipients_submitted() -> QuerySet:
    return _recipients().filter(_submitted())


def _recipients_on_time() -> QuerySet:
    return _recipients().filter(_submitted(on_time=True))


def _alive(model) -> Callable[[], QuerySet]:
    return lambda: model.objects.filter(deleted_at__isnull=True)


CERT_DIMS = {"star": "stars", "group": "product__sector"}
ROUND_DIMS = {"group": "product__sector", "council_level": "round__level"}
REPORT = dict(
    unit="adminunit",
    date="reportrequest__cutoff",
    value=lambda: Count("pk"),
    dims={"recipient_level": "adminunit__level"},
    request="reportrequest_id",
)

MEASURES: dict[str, dict[str, Part]] = {
    "products_certified": {"value": Part(_certificates, "product__unit", "issued_on", lambda: Count("pk"), CERT_DIMS)},
    "products_certified_cumulative": {
        "value": Part(
            _certificates,
            "product__unit",
            "issued_on",
            lambda: None,
            {"group": "product__sector"},
            distinct="product_id",
        )
    },
    "entities_certified": {
        "value": Part(_entities, "unit", "first_certified", lambda: Count("pk"), {"entity_kind": "kind"})
    },
    "products_evaluated": {
        "value": Part(_round_products, "product__unit", "round__held_on", lambda: Count("pk"), ROUND_DIMS)
    },
    "certification_rate": {
        "num": Part(
            lambda: _round_products().filter(certified=True),
            "product__unit",
            "round__held_on",
            lambda: Count("pk"),
            ROUND_DIMS,
        ),
        "den": Part(_round_products, "product__unit", "round__held_on", lambda: Count("pk"), ROUND_DIMS),
    },
    "certificates_expiring": {
        "value": Part(
            lambda: _certificates().filter(status__in=[CertificateStatus.VALID, CertificateStatus.EXPIRED]),
            "product__unit",
            "valid_until",
            lambda: Count("pk"),
            CERT_DIMS,
        )
    },
    "reports_expected": {"value": Part(_recipients, **REPORT)},
    "reports_submitted": {"value": Part(_recipients_submitted, **REPORT)},
    "report_completeness": {"num": Part(_recipients_submitted, **REPORT), "den": Part(_recipients, **REPORT)},
    "report_timeliness": {"num": Part(_recipients_on_time, **REPORT), "den": Part(_recipients, **REPORT)},
    "funding": {
        "value": Part(_alive(Funding), "unit", "date", lambda: Sum("amount"), {"funding_source": "source"}, year="year")
    },
    "activities": {"value": Part(_alive(Activity), "unit", "date", lambda: Count("pk"), {"activity_kind": "kind"})},
    "activity_participants": {
        "value": Part(_alive(Activity), "unit", "date", lambda: Sum("participants"), {"activity_kind": "kind"})
    },
    "directive_documents": {
        "value": Part(
            _alive(DirectiveDocument),
            "unit",
            "date",
            lambda: Count("pk"),
            {"document_kind": "kind", "issuer_kind": "issuer_kind"},
        )
    },
}
