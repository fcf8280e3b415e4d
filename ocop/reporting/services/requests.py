"""Report requests: creating (national or a province collecting from below), opening, closing,
periodic schedules with NĐ 09/2019 cut-offs, and who may see which request."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.services import log_action
from ocop.geo import services as geo
from ocop.geo.models import AdminUnit, Level
from ocop.lib import prepared
from ocop.lib.dates import format_date
from ocop.reporting import periods
from ocop.reporting.models import ReportRequest, ReportTemplate, RequestDeadline, RequestKind, RequestStatus

DEFAULT_REMINDER_OFFSETS = [-3, 0, 2]
LOWER_LEVELS = {Level.PROVINCE: [Level.DISTRICT, Level.COMMUNE], Level.DISTRICT: [Level.COMMUNE], Level.COMMUNE: []}


def _requests():
    # the template's definition (20-40 KB of JSON) is not read: its parsed form is kept per process
    # (ReportTemplate.parsed, issue 17)
    return ReportRequest.objects.select_related("template", "owner_unit").defer("template__definition")


# one request by id, as `_requests()` gives it, without Django building the query on every page
_REQUEST = prepared.Prepared(lambda pk: _requests().filter(pk=pk))


def visible_requests(user):
    """Requests a user may see: all for national users; otherwise those addressed to a unit in the
    user's scope, or owned by one (a province's own collection requests)."""
    if not can(user, "reporting.view"):
        return ReportRequest.objects.none()
    scope = scope_for(user)
    qs = _requests()
    if scope.national:
        return qs
    units = scope.units()
    ids = ReportRequest.objects.filter(Q(recipients__in=units) | Q(owner_unit__in=units)).values("pk")
    return qs.filter(pk__in=ids)


def visible_request(user, pk: int) -> ReportRequest:
    """One request the user may see (`visible_requests`), by id, with its template and owning unit;
    ReportRequest.DoesNotExist otherwise. A national user's is read with the prepared query
    (every request is visible to them; the pages of a request ask on every view, issue 17)."""
    if can(user, "reporting.view") and scope_for(user).national:
        return _REQUEST.get(pk=pk)
    return visible_requests(user).get(pk=pk)


def request_by_id(pk: int) -> ReportRequest:
    """A request by id, with its template (definition not read) and owning unit, whoever asks:
    for reads the caller has already scoped (the request a consolidation compares with)."""
    return _REQUEST.get(pk=pk)


def child_requests(user, req: ReportRequest) -> list[ReportRequest]:
    """The collection requests opened under `req` (a province's or district's own) whose owning unit
    is in the user's scope, newest cut-off first, with their title, deadline and owning unit (from
    the per-process unit cache): one query for the request page (issue 17)."""
    children = prepared.rows(ReportRequest, ("title", "deadline", "owner_unit"), {"parent": req.pk}, ("-cutoff", "-pk"))
    units = geo.units_by_pk([c.owner_unit_id for c in children if c.owner_unit_id is not None])
    scope = scope_for(user)
    shown = []
    for child in children:
        unit = units.get(child.owner_unit_id)
        if scope.national or (unit is not None and scope.covers(unit)):
            if unit is not None:
                child.owner_unit = unit
            shown.append(child)
    return shown


def can_manage_request(user, request: ReportRequest) -> bool:
    """Create/open/close/review: central users for national requests; the owning province for its own."""
    if not can(user, "reporting.request") and not can(user, "reporting.review"):
        return False
    scope = scope_for(user)
    if request.owner_unit_id is None:
        return scope.national
    return scope.covers(request.owner_unit, write=True) and (scope.national or user.scope_unit_id is not None)


def check_deadlines(
    cutoff: dt.date,
    deadline: dt.date,
    level_deadlines: dict[str, dt.date],
    parent: ReportRequest | None = None,
    rule: str = periods.DEADLINE_BY,
) -> dict:
    """Errors by form field: NĐ 09 requires ≥ 1 working day between cut-off and every deadline (the
    last on-time day under `rule`: "trước ngày D" leaves D − 1); lower levels report before the level
    above; a collection request ends before its parent's deadline."""
    errors: dict[str, str] = {}
    message = periods.deadline_error(cutoff, periods.last_on_time_day(rule, deadline))
    if message and rule == periods.DEADLINE_BEFORE:
        message += " " + _("Với cách ghi “trước ngày %(d)s”, ngày cuối cùng còn đúng hạn là %(last)s.") % {
            "d": format_date(deadline),
            "last": format_date(periods.last_on_time_day(rule, deadline)),
        }
    if message:
        errors["deadline"] = message
    if parent is not None:
        if deadline >= parent.deadline:
            errors["deadline"] = _("Hạn nộp của cấp dưới phải trước hạn nộp của tỉnh (%(d)s).") % {
                "d": format_date(parent.deadline)
            }
        if cutoff != parent.cutoff:
            errors["cutoff"] = _("Ngày chốt số liệu phải trùng với yêu cầu của cấp trên (%(d)s).") % {
                "d": format_date(parent.cutoff)
            }
    for level, level_deadline in level_deadlines.items():
        message = periods.deadline_error(cutoff, level_deadline)
        if message:
            errors[f"deadline_{level}"] = message
        elif level_deadline >= deadline:
            errors[f"deadline_{level}"] = _("Hạn nộp của cấp dưới phải trước hạn nộp chính (%(d)s).") % {
                "d": format_date(deadline)
            }
    return errors


def default_recipients(level: str, day: dt.date, within: AdminUnit | None = None):
    qs = geo.units_valid_on(day, level)
    if within is not None:
        qs = geo.within_on(qs, within, day)  # the units below `within` as they stood on `day`
    return qs


@transaction.atomic
def do_create_request(
    user,
    *,
    title: str,
    template: ReportTemplate,
    kind: str,
    cutoff: dt.date,
    deadline: dt.date,
    deadline_rule: str = periods.DEADLINE_BY,
    period_start: dt.date | None = None,
    period_code: str = "",
    legal_basis: str = "",
    recipient_level: str = Level.PROVINCE,
    recipients=None,
    level_deadlines: dict[str, dt.date] | None = None,
    parent: ReportRequest | None = None,
    issued_on: dt.date | None = None,
    document_number: str = "",
    reminder_offsets: list[int] | None = None,
    request=None,
) -> ReportRequest:
    """Create a request in draft. Central users create national requests; a province officer creates a
    collection request (`parent`) for its own districts or communes."""
    if not can(user, "reporting.request"):
        raise PermissionDenied
    scope = scope_for(user)
    owner = None
    if parent is not None:
        # the owner is the parent's recipient in the user's scope (a legacy province for a 2018 request)
        owner = parent.recipients.filter(pk__in=scope.units(write=True)).first()
        if owner is None:
            raise PermissionDenied
        if recipient_level not in LOWER_LEVELS[owner.level]:
            raise ValidationError(
                {"recipient_level": _("Tỉnh chỉ thu thập báo cáo từ cấp huyện hoặc cấp xã của mình.")}
            )
    elif not scope.national:
        raise PermissionDenied
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("Loại báo cáo không hợp lệ.")})
    if period_start and period_start > cutoff:
        raise ValidationError({"period_start": _("Ngày đầu kỳ phải trước ngày chốt số liệu.")})
    if deadline_rule not in periods.DEADLINE_WORDS:
        raise ValidationError({"deadline_rule": _("Cách tính hạn nộp không hợp lệ.")})
    errors = check_deadlines(cutoff, deadline, level_deadlines or {}, parent, rule=deadline_rule)
    if errors:
        raise ValidationError(errors)
    units = list(recipients) if recipients is not None else list(default_recipients(recipient_level, cutoff, owner))
    if not units:
        raise ValidationError({"recipients": _("Không có đơn vị nào phải báo cáo vào ngày chốt số liệu.")})
    for unit in units:
        if unit.level != recipient_level or not unit.is_valid_on(cutoff):
            raise ValidationError(
                {
                    "recipients": _("Đơn vị %(u)s không thuộc cấp đã chọn hoặc không còn hiệu lực ngày %(d)s.")
                    % {"u": unit, "d": format_date(cutoff)}
                }
            )
        if owner is not None and not scope_for(user).covers(unit, write=True):
            raise PermissionDenied
    req = ReportRequest.objects.create(
        title=title.strip(),
        legal_basis=legal_basis.strip(),
        template=template,
        kind=kind,
        period_code=period_code,
        period_start=period_start,
        cutoff=cutoff,
        deadline=deadline,
        deadline_rule=deadline_rule,
        recipient_level=recipient_level,
        owner_unit=owner,
        parent=parent,
        issued_on=issued_on,
        document_number=document_number,
        reminder_offsets=DEFAULT_REMINDER_OFFSETS if reminder_offsets is None else reminder_offsets,
        created_by=user,
    )
    req.recipients.set(units)
    for level, level_deadline in (level_deadlines or {}).items():
        RequestDeadline.objects.create(request=req, level=level, deadline=level_deadline)
    log_action(
        user,
        "ocop.report.request_created",
        req,
        unit=owner,
        after={
            "title": req.title,
            "cutoff": cutoff,
            "deadline": deadline,
            "deadline_rule": deadline_rule,
            "recipients": len(units),
            "template": str(template),
        },
        request=request,
    )
    return req


@transaction.atomic
def do_open_request(user, req: ReportRequest, request=None) -> None:
    if not can_manage_request(user, req):
        raise PermissionDenied
    if req.status != RequestStatus.DRAFT:
        raise ValidationError(_("Chỉ mở được yêu cầu đang soạn."))
    req.status = RequestStatus.OPEN
    req.opened_at = timezone.now()
    req.save(update_fields=["status", "opened_at"])
    log_action(user, "ocop.report.request_opened", req, unit=req.owner_unit, request=request)
    # reminder tasks and in-app notices are written in the same transaction: all or nothing
    from ocop.reporting import notices, reminders

    reminders.schedule_reminders(req)
    notices.notify_recipients_opened(req)


@transaction.atomic
def do_close_request(user, req: ReportRequest, request=None) -> None:
    if not can_manage_request(user, req):
        raise PermissionDenied
    req.status = RequestStatus.CLOSED
    req.save(update_fields=["status"])
    log_action(user, "ocop.report.request_closed", req, unit=req.owner_unit, request=request)


def create_periodic_requests(user, template: ReportTemplate, kind: str, year: int) -> list[ReportRequest]:
    """Requests for every period of `kind` (quarter, half_year, year) in `year`, with NĐ 09 cut-offs
    and the default deadline; existing ones (same template and period) are kept."""
    created = []
    for per in periods.periods_in_year(kind, year):
        if ReportRequest.objects.filter(template=template, period_code=per.code, owner_unit__isnull=True).exists():
            continue
        deadline = periods.default_deadline(kind, per)
        created.append(
            do_create_request(
                user,
                title=f"{template.title} — {per.label_vi}",
                template=template,
                kind=RequestKind.PERIODIC,
                cutoff=per.end,
                period_start=per.start,
                period_code=per.code,
                deadline=deadline,
                legal_basis="Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ quy định chế độ báo cáo của cơ quan hành chính nhà nước",
            )
        )
    return created
