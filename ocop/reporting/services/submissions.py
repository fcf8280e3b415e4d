"""Submissions: open a unit's report (pre-filled from the registries and from lower levels), save
drafts with a version check, submit when valid, return with comments per section, accept and lock,
correct after acceptance as a new version, and the diff between versions. Every change audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.models import User
from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.audit.services import log_action
from ocop.lib.prepared import Prepared
from ocop.lib.records import VersionConflict
from ocop.reporting import schema
from ocop.reporting.models import (
    ReportRequest,
    RequestStatus,
    ReviewComment,
    Submission,
    SubmissionSource,
    SubmissionStatus,
)
from ocop.reporting.services.requests import can_manage_request


class SubmissionInvalid(ValidationError):
    def __init__(self, issues: list[schema.Issue]):
        super().__init__([i.message for i in issues])
        self.issues = issues


# --- who may do what --------------------------------------------------------------------------


def _submissions():
    # the template's definition is not read (ReportTemplate.parsed is kept per process, issue 17)
    return Submission.objects.select_related("request", "unit", "request__template").defer(
        "request__template__definition"
    )


# one report by id, as `_submissions()` gives it, without Django building the query on every view of
# the review page and the form (issue 17)
_SUBMISSION = Prepared(lambda pk: _submissions().filter(pk=pk))


def visible_submissions(user):
    if not can(user, "reporting.view"):
        return Submission.objects.none()
    return scope_for(user).filter(_submissions(), "unit")


def visible_submission(user, pk) -> Submission:
    """One report the user may see (`visible_submissions`), by primary key; Submission.DoesNotExist
    when it does not exist or is out of the user's scope."""
    if not can(user, "reporting.view"):
        raise Submission.DoesNotExist
    return scope_for(user).get(_SUBMISSION, pk, "unit")


def review_comments(sub: Submission) -> list[ReviewComment]:
    """A report's review comments in the order written, each with its author as an account holding
    only the user name and full name (what is shown): one plain query, no account's every column
    (issue 17)."""
    qn = connection.ops.quote_name
    sql = (
        "SELECT c.id, c.submission_id, c.section, c.text, c.author_id, c.created_at,"
        " u.username AS author_username, u.full_name AS author_full_name"
        f" FROM {qn(ReviewComment._meta.db_table)} c LEFT JOIN {qn(User._meta.db_table)} u ON u.id = c.author_id"
        " WHERE c.submission_id = %s ORDER BY c.created_at, c.id"
    )
    comments = list(ReviewComment.objects.raw(sql, [sub.pk]))
    for c in comments:
        if c.author_id is not None:
            values = (c.author_id, c.author_username, c.author_full_name)
            c.author = User.from_db(connection.alias, ("id", "username", "full_name"), values)
    return comments


def can_fill(user, unit) -> bool:
    """Unit officers fill in their own unit's report (a 2025 province also for the legacy provinces it absorbed)."""
    if not can(user, "reporting.submit") or user.scope_unit is None:
        return False
    return unit.level == user.scope_unit.level and scope_for(user).covers(unit, write=True)


def can_review(user, submission: Submission) -> bool:
    return can(user, "reporting.review") and can_manage_request(user, submission.request)


# --- pre-filling ------------------------------------------------------------------------------


def compute_prefill(req: ReportRequest, unit, sources: dict[str, str] | None = None) -> dict:
    """Registry-bound fields from the programme registries; numeric fields without a binding from the
    totals of the unit's own collection requests (districts or communes), when it has one. `sources`
    receives, per value, the note saying where it came from."""
    from ocop.reporting.bindings import compute_bindings

    template = req.form
    values = compute_bindings(template, unit, req.period_start, req.cutoff, sources=sources)
    children = ReportRequest.objects.filter(parent=req, owner_unit=unit)
    if children.exists():
        totals = lower_level_totals(req, unit)
        for f in template.fields:
            if f.is_numeric and not f.binding and f.code in totals:
                values[f.code] = totals[f.code]
                if sources is not None:
                    sources[f.code] = _("Tổng các báo cáo đã nộp của cấp dưới (yêu cầu thu thập của tỉnh)")
    return values


def lower_level_totals(req: ReportRequest, unit) -> dict:
    """Totals of the numeric fields over the latest submitted versions of `unit`'s collection requests."""
    from decimal import Decimal

    template = req.form
    totals: dict[str, Decimal] = {}
    latest: dict[tuple[int, int], Submission] = {}
    for sub in Submission.objects.filter(
        request__parent=req, request__owner_unit=unit, first_submitted_at__isnull=False
    ).order_by("number"):
        latest[(sub.request_id, sub.unit_id)] = sub
    for sub in latest.values():
        for f in template.fields:
            if f.is_numeric and sub.data.get(f.code) not in (None, ""):
                totals[f.code] = totals.get(f.code, Decimal(0)) + schema.numeric(sub.data[f.code])
    return {k: (int(v) if v == v.to_integral() else str(v)) for k, v in totals.items()}


# --- lifecycle --------------------------------------------------------------------------------


def current_submission(req: ReportRequest, unit) -> Submission | None:
    return Submission.objects.filter(request=req, unit=unit).order_by("-number").first()


@transaction.atomic
def do_open_submission(user, req: ReportRequest, unit, request=None) -> Submission:
    """The unit's current submission, created as a pre-filled draft on first opening."""
    if not can_fill(user, unit) or not req.recipients.filter(pk=unit.pk).exists():
        raise PermissionDenied
    existing = current_submission(req, unit)
    if existing is not None:
        return existing
    if req.status != RequestStatus.OPEN:
        raise ValidationError(_("Yêu cầu báo cáo này chưa mở hoặc đã đóng."))
    sources: dict[str, str] = {}
    prefilled = compute_prefill(req, unit, sources)
    try:
        with transaction.atomic():
            sub = Submission.objects.create(
                request=req,
                unit=unit,
                number=1,
                data=dict(prefilled),
                prefilled=prefilled,
                prefill_sources=sources,
                updated_by=user,
            )
    except IntegrityError:  # opened at the same moment by a colleague
        return current_submission(req, unit)
    log_action(user, "ocop.report.opened", sub, unit=unit, after={"prefilled": sorted(prefilled)}, request=request)
    return sub


def _check_editable(user, sub: Submission) -> None:
    if not can_fill(user, sub.unit):
        raise PermissionDenied
    if not sub.editable:
        raise ValidationError(_("Báo cáo đã nộp hoặc đã được tiếp nhận nên không sửa được."))
    if sub.request.status == RequestStatus.CLOSED:
        raise ValidationError(_("Yêu cầu báo cáo đã đóng."))


@transaction.atomic
def do_save_draft(
    user,
    sub: Submission,
    values: dict,
    *,
    reasons: dict[str, str] | None = None,
    expected_version: int | None = None,
    source: str = SubmissionSource.WEB,
    autosave: bool = False,
    invalid: dict[str, str] | None = None,
    posted: set[str] | None = None,
    request=None,
) -> Submission:
    """Store typed values (already coerced) over the draft. `reasons` explain changes to pre-filled values.
    `invalid` is text typed now that is not a valid value (ocop/reporting/formdata.py keys): it is
    kept on the draft, shown with its error and blocks submitting until corrected; `posted` are the
    fields whose earlier invalid text the new input replaces (default: those in `values`)."""
    locked = Submission.objects.select_for_update().get(pk=sub.pk)
    _check_editable(user, locked)
    if expected_version is not None and locked.lock_version != expected_version:
        raise VersionConflict
    template = locked.request.form
    before = dict(locked.data)
    before_invalid = dict(locked.invalid)
    data = dict(locked.data)
    for code, value in values.items():
        if template.field(code) is not None:
            data[code] = value
    overrides = dict(locked.overrides)
    for code, reason in (reasons or {}).items():
        if template.field(code) is not None:
            if reason and reason.strip():
                overrides[code] = reason.strip()[:1000]
            else:
                overrides.pop(code, None)
    kept = dict(locked.invalid)
    replaced = set(posted if posted is not None else values) | {key.partition(".")[0] for key in (invalid or {})}
    kept = {key: raw for key, raw in kept.items() if key.partition(".")[0] not in replaced}
    kept.update(invalid or {})
    locked.data, locked.overrides, locked.invalid = data, overrides, kept
    locked.lock_version += 1
    locked.updated_by = user
    if source != SubmissionSource.WEB:
        locked.source = source
    locked.save()
    changed = {k for k in set(before) | set(data) if before.get(k) != data.get(k)}
    changed |= {key.partition(".")[0] for key in set(before_invalid) ^ set(kept)}
    changed |= {key.partition(".")[0] for key in kept if before_invalid.get(key) != kept[key]}
    if changed:
        log_action(
            user,
            "ocop.report.autosaved" if autosave else "ocop.report.draft_saved",
            locked,
            before={k: before.get(k) for k in sorted(changed)},
            after={k: data.get(k) for k in sorted(changed)} | ({"chưa hợp lệ": kept} if kept != before_invalid else {}),
            unit=locked.unit,
            request=request,
        )
    sub.__dict__.update(
        {k: getattr(locked, k) for k in ("data", "overrides", "invalid", "lock_version", "source", "updated_at")}
    )
    return locked


def override_issues(template: schema.TemplateDef, sub: Submission) -> list[schema.Issue]:
    """A pre-filled value changed without a reason."""
    issues = []
    for f in template.fields:
        if f.binding and f.code in sub.prefilled and sub.data.get(f.code) != sub.prefilled.get(f.code):
            if not sub.overrides.get(f.code):
                issues.append(
                    schema.Issue(f.code, _("Đã sửa số liệu lấy từ sổ theo dõi: cần ghi lý do sửa."), f.section)
                )
    return issues


def submission_issues(sub: Submission) -> list[schema.Issue]:
    """Every problem at once (one validation pass): text kept that is not a valid value, the
    template's checks, and pre-filled values changed without a reason."""
    from ocop.reporting.formdata import stored_issues

    template = sub.request.form
    kept = stored_issues(template, sub.invalid)
    typed = {(i.field, i.row, i.column) for i in kept}
    checks = [i for i in schema.validate(template, sub.data) if (i.field, i.row, i.column) not in typed]
    return kept + checks + override_issues(template, sub)


@transaction.atomic
def do_submit(
    user, sub: Submission, *, expected_version: int | None = None, at: dt.datetime | None = None, request=None
) -> Submission:
    locked = Submission.objects.select_for_update().select_related("request__template").get(pk=sub.pk)
    _check_editable(user, locked)
    if expected_version is not None and locked.lock_version != expected_version:
        raise VersionConflict
    issues = submission_issues(locked)
    if issues:
        raise SubmissionInvalid(issues)
    now = at or timezone.now()
    locked.status = SubmissionStatus.SUBMITTED
    locked.submitted_at = now
    locked.submitted_by = user
    if locked.first_submitted_at is None:
        locked.first_submitted_at = now
    locked.lock_version += 1
    locked.save()
    log_action(
        user, "ocop.report.submitted", locked, unit=locked.unit, after={"number": locked.number}, request=request
    )
    _notify_reviewers(locked)
    return locked


def _notify_reviewers(sub: Submission) -> None:
    from ocop.reporting.notices import notify_reviewers

    transaction.on_commit(lambda: notify_reviewers(sub.pk))


@transaction.atomic
def do_return(user, sub: Submission, comments: dict[str, str], request=None) -> Submission:
    """Send a submitted report back with comments per section; the unit corrects and resubmits."""
    locked = Submission.objects.select_for_update().get(pk=sub.pk)
    if not can_review(user, locked):
        raise PermissionDenied
    if locked.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Chỉ trả lại được báo cáo đã nộp, chưa tiếp nhận."))
    comments = {k: v.strip() for k, v in comments.items() if v and v.strip()}
    if not comments:
        raise ValidationError(_("Cần ghi nhận xét cho ít nhất một mục khi trả lại báo cáo."))
    numbers = {s.number for s in locked.request.form.sections}
    for section, text in comments.items():
        if section not in numbers:
            raise ValidationError(_("Mục “%(s)s” không có trong mẫu báo cáo.") % {"s": section})
        ReviewComment.objects.create(submission=locked, section=section, text=text[:5000], author=user)
    locked.status = SubmissionStatus.RETURNED
    locked.reviewed_at, locked.reviewed_by = timezone.now(), user
    locked.lock_version += 1
    locked.save()
    log_action(user, "ocop.report.returned", locked, unit=locked.unit, after={"comments": comments}, request=request)
    from ocop.reporting.notices import notify_unit

    transaction.on_commit(
        lambda: notify_unit(
            locked.pk,
            _("Báo cáo “%(r)s” được trả lại để sửa: xem nhận xét theo từng mục.") % {"r": locked.request.title},
        )
    )
    return locked


@transaction.atomic
def do_accept(user, sub: Submission, request=None) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=sub.pk)
    if not can_review(user, locked):
        raise PermissionDenied
    if locked.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Chỉ tiếp nhận được báo cáo đã nộp."))
    locked.status = SubmissionStatus.ACCEPTED
    locked.reviewed_at, locked.reviewed_by = timezone.now(), user
    locked.lock_version += 1
    locked.save()
    log_action(user, "ocop.report.accepted", locked, unit=locked.unit, request=request)
    from ocop.reporting.notices import notify_unit

    transaction.on_commit(
        lambda: notify_unit(locked.pk, _("Báo cáo “%(r)s” đã được tiếp nhận.") % {"r": locked.request.title})
    )
    return locked


@transaction.atomic
def do_start_correction(user, sub: Submission, request=None) -> Submission:
    """An accepted report is locked; a correction is a new version (number + 1) starting from it."""
    locked = Submission.objects.select_for_update().get(pk=sub.pk)
    if not can_fill(user, locked.unit):
        raise PermissionDenied
    if locked.status != SubmissionStatus.ACCEPTED:
        raise ValidationError(
            _("Chỉ báo cáo đã được tiếp nhận mới cần tạo bản sửa đổi; báo cáo này vẫn sửa trực tiếp được.")
        )
    if hasattr(locked, "correction"):
        return locked.correction
    new = Submission.objects.create(
        request=locked.request,
        unit=locked.unit,
        number=locked.number + 1,
        previous=locked,
        data=dict(locked.data),
        prefilled=dict(locked.prefilled),
        overrides=dict(locked.overrides),
        prefill_sources=dict(locked.prefill_sources),
        invalid=dict(locked.invalid),
        first_submitted_at=None,
        updated_by=user,
    )
    log_action(
        user, "ocop.report.correction_started", new, unit=new.unit, after={"number": new.number}, request=request
    )
    return new


# --- reading ----------------------------------------------------------------------------------


@dataclass
class DiffRow:
    section: str
    label: str
    before: str
    after: str


def diff(old: Submission, new: Submission) -> list[DiffRow]:
    """Field by field differences between two versions, as people read them."""
    template = new.request.form
    rows = []
    for f in template.fields:
        a, b = old.data.get(f.code), new.data.get(f.code)
        if a == b:
            continue
        if f.type == "table":
            rows.append(DiffRow(f.section, f.label, table_text(f, a), table_text(f, b)))
        else:
            rows.append(
                DiffRow(f.section, f.label, schema.display(f.type, a, f.options), schema.display(f.type, b, f.options))
            )
    return rows


def table_text(f: schema.Field, rows) -> str:
    if not rows:
        return ""
    lines = []
    for row in rows:
        lines.append(" | ".join(schema.display(c.type, row.get(c.code), c.options) for c in f.columns))
    return "\n".join(lines)
