"""What a user has to do in reporting, for the home page: reports due (not yet submitted) and
returned for correction, for the units the user fills in; reports waiting for the user's review.
Each list is read in a fixed number of queries, whatever the number of requests."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.reporting.models import ReportRequest, RequestStatus, Submission, SubmissionStatus
from ocop.reporting.services.submissions import can_fill

LIMIT = 50  # rows per list on the home page


@dataclass
class DueItem:
    request: ReportRequest
    unit: object
    submission: Submission | None  # None: not started yet

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return timezone.localdate() > self.request.last_on_time_day


def due_and_returned(user) -> tuple[list[DueItem], list[Submission]]:
    """(reports to fill in or finish in open requests, reports returned for correction) for the units
    the user fills in, by deadline."""
    if not can(user, "reporting.submit") or user.scope_unit_id is None:
        return [], []
    units = [u for u in scope_for(user).units(write=True).filter(level=user.scope_unit.level)]
    if not units:
        return [], []
    requests = list(
        ReportRequest.objects.filter(status=RequestStatus.OPEN, recipients__in=units)
        .select_related("template")
        .prefetch_related("recipients")
        .distinct()
        .order_by("deadline", "pk")[:LIMIT]
    )
    latest: dict[tuple[int, int], Submission] = {}
    for sub in Submission.objects.filter(request__in=requests, unit__in=units).order_by("number"):
        latest[(sub.request_id, sub.unit_id)] = sub
    unit_ids = {u.pk for u in units}
    due, returned = [], []
    for req in requests:
        for unit in req.recipients.all():
            if unit.pk not in unit_ids or not can_fill(user, unit):
                continue
            sub = latest.get((req.pk, unit.pk))
            if sub is None or sub.status == SubmissionStatus.DRAFT:
                due.append(DueItem(req, unit, sub))
            elif sub.status == SubmissionStatus.RETURNED:
                sub.request = req
                returned.append(sub)
    return due, returned


def waiting_for_review(user) -> list[Submission]:
    """Submitted reports of the requests the user manages (national requests for central reviewers,
    the province's own collection requests for a province), oldest first."""
    if not can(user, "reporting.review"):
        return []
    scope = scope_for(user)
    qs = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).select_related("request", "unit")
    if scope.national:
        qs = qs.filter(request__owner_unit__isnull=True)
    elif user.scope_unit_id is not None:
        qs = qs.filter(Q(request__owner_unit__in=scope.units(write=True)))
    else:
        return []
    return list(qs.defer("data", "prefilled", "request__legal_basis").order_by("submitted_at", "pk")[:LIMIT])
