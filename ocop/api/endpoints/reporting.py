"""Report requests, templates and the user's submissions: read, open, save a draft (with the version
number), submit. Scoped exactly as the web pages (ocop/reporting/views.py)."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router
from ninja.responses import Status

from ocop.accounts.permissions import can
from ocop.accounts.scope import scope_for
from ocop.api.common import MAX_ID, Code, Page, PageParams, Text, filtered, paginate
from ocop.api.errors import forbidden, invalid, not_found, responses
from ocop.api.schemas import (
    DraftIn,
    OpenSubmissionIn,
    RequestDetailOut,
    RequestOut,
    SubmissionDetailOut,
    SubmissionOut,
    SubmitIn,
    TemplateOut,
    request_out,
    submission_out,
    unit_ref,
)
from ocop.api.services.reporting import coerce_values, issue_dicts
from ocop.reporting.filters import RequestFilterSet, SubmissionFilterSet
from ocop.reporting.models import ReportTemplate, Submission, SubmissionSource
from ocop.reporting.services import requests as req_service
from ocop.reporting.services import submissions as sub_service

router = Router(tags=["Báo cáo"])


def _require(user, capability: str) -> None:
    if not can(user, capability):
        raise forbidden()


class RequestFilters(PageParams):  # validated here (422), filtered by ocop/reporting/filters.py as on the web
    status: Literal["draft", "open", "closed"] | None = None
    kind: Literal["periodic", "thematic", "adhoc"] | None = None
    period: Text(16) | None = Field(None, description="Mã kỳ báo cáo, ví dụ 2026-Q1.")
    year: int | None = Field(None, ge=1900, le=2200, description="Năm của ngày chốt số liệu.")
    template: Text(64) | None = Field(None, description="Mã mẫu báo cáo.")


@router.get("/reports/requests", response=responses({200: Page[RequestOut]}, 401, 403, 422), summary="Yêu cầu báo cáo")
def report_requests(request, filters: Query[RequestFilters]):
    """Các yêu cầu báo cáo tài khoản được xem: Trung ương thấy tất cả; đơn vị thấy yêu cầu gửi tới hoặc do đơn vị trong phạm vi lập."""
    user = request.auth
    _require(user, "reporting.view")
    return paginate(filtered(RequestFilterSet, req_service.visible_requests(user), filters), filters, request_out)


@router.get(
    "/reports/requests/{request_id}",
    response=responses({200: RequestDetailOut}, 401, 403, 404, 422),
    summary="Một yêu cầu báo cáo",
)
def report_request(request, request_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    _require(user, "reporting.view")
    req = req_service.visible_requests(user).filter(pk=request_id).first()
    if req is None:
        raise not_found()
    my_units = []
    if can(user, "reporting.submit") and user.scope_unit_id:
        for unit in req.recipients.filter(pk__in=scope_for(user).units(write=True)).order_by("code"):
            if sub_service.can_fill(user, unit):
                sub = sub_service.current_submission(req, unit)
                my_units.append(
                    {
                        "unit": unit_ref(unit),
                        "submission_id": sub.pk if sub else None,
                        "submission_status": sub.status if sub else None,
                    }
                )
    return {
        **request_out(req),
        "level_deadlines": {d.level: d.deadline for d in req.level_deadlines.all()},
        "my_units": my_units,
    }


@router.get(
    "/reports/templates/{template_id}",
    response=responses({200: TemplateOut}, 401, 403, 404, 422),
    summary="Mẫu báo cáo",
)
def report_template(request, template_id: int = Path(..., ge=1, le=MAX_ID)):
    """Định nghĩa một phiên bản mẫu báo cáo: mã trường, kiểu, bắt buộc, lựa chọn, cột bảng và quy tắc kiểm tra."""
    _require(request.auth, "reporting.view")
    tpl = ReportTemplate.objects.filter(pk=template_id).first()
    if tpl is None:
        raise not_found()
    return {
        "id": tpl.pk,
        "code": tpl.code,
        "version": tpl.version,
        "title": tpl.title,
        "valid_from": tpl.valid_from,
        "valid_to": tpl.valid_to,
        "definition": tpl.definition,
    }


class SubmissionFilters(PageParams):  # validated here (422), filtered by ocop/reporting/filters.py
    request_id: int | None = Field(None, ge=1, le=MAX_ID)
    unit: Code | None = Field(None, description="Mã đơn vị nộp.")
    status: Literal["draft", "submitted", "returned", "accepted"] | None = None
    year: int | None = Field(None, ge=1900, le=2200, description="Năm của ngày chốt số liệu.")


def _detail(sub: Submission) -> dict:
    issues = sub_service.submission_issues(sub) if sub.editable else []
    return {
        **submission_out(sub),
        "data": sub.data,
        "prefilled": sub.prefilled,
        "overrides": sub.overrides,
        "issues": issue_dicts(issues),
        "comments": [
            {"section": c.section, "text": c.text, "created_at": c.created_at.isoformat()} for c in sub.comments.all()
        ],
    }


@router.get(
    "/reports/submissions", response=responses({200: Page[SubmissionOut]}, 401, 403, 422), summary="Báo cáo của đơn vị"
)
def submissions_list(request, filters: Query[SubmissionFilters]):
    """Các báo cáo (mọi phiên bản) của các đơn vị trong phạm vi tài khoản; Trung ương thấy tất cả."""
    user = request.auth
    _require(user, "reporting.view")
    qs = filtered(SubmissionFilterSet, sub_service.visible_submissions(user), filters)
    return paginate(qs.order_by("request_id", "unit__code", "number", "pk"), filters, submission_out)


@router.post(
    "/reports/submissions",
    response=responses({200: SubmissionDetailOut, 201: SubmissionDetailOut}, 400, 401, 403, 404, 422),
    summary="Mở báo cáo của đơn vị",
)
def submissions_open(request, payload: OpenSubmissionIn):
    """Mở báo cáo của một đơn vị cho một yêu cầu: lần đầu tạo bản nháp điền sẵn từ sổ theo dõi (201), sau đó trả báo cáo hiện có (200)."""
    user = request.auth
    _require(user, "reporting.submit")
    req = req_service.visible_requests(user).filter(pk=payload.request_id).first()
    unit = scope_for(user).units(write=True).filter(pk=payload.unit_id).first()
    if req is None or unit is None:
        raise not_found()
    existing = sub_service.current_submission(req, unit)
    sub = sub_service.do_open_submission(user, req, unit, request=request)
    sub = Submission.objects.select_related("request", "unit", "request__template").get(pk=sub.pk)
    return Status(200 if existing is not None else 201, _detail(sub))


def _visible(user, submission_id: int) -> Submission:
    sub = sub_service.visible_submissions(user).filter(pk=submission_id).first()
    if sub is None:
        raise not_found()
    return sub


@router.get(
    "/reports/submissions/{submission_id}",
    response=responses({200: SubmissionDetailOut}, 401, 403, 404, 422),
    summary="Một báo cáo",
)
def submission_detail(request, submission_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.auth
    _require(user, "reporting.view")
    return _detail(_visible(user, submission_id))


@router.patch(
    "/reports/submissions/{submission_id}",
    response=responses({200: SubmissionDetailOut}, 400, 401, 403, 404, 409, 422),
    summary="Lưu bản nháp",
)
def submission_save(request, payload: DraftIn, submission_id: int = Path(..., ge=1, le=MAX_ID)):
    """Lưu các giá trị gửi lên vào bản nháp (trả lại sau khi sửa cũng được). Mọi giá trị được kiểm tra theo mẫu như trên web:
    một lỗi thì không lưu gì (422, từng lỗi trong `errors`). `lock_version` khác số hiện tại: 409."""
    user = request.auth
    _require(user, "reporting.submit")
    sub = _visible(user, submission_id)
    if not sub_service.can_fill(user, sub.unit):
        raise forbidden()
    values, issues = coerce_values(sub.request.template.parsed, payload.values)
    if issues:
        raise invalid(_("Chưa lưu: %(n)s giá trị không hợp lệ.") % {"n": len(issues)}, issue_dicts(issues))
    sub_service.do_save_draft(
        user,
        sub,
        values,
        reasons=payload.reasons,
        expected_version=payload.lock_version,
        source=SubmissionSource.API,
        request=request,
    )
    return _detail(_visible(user, submission_id))


@router.post(
    "/reports/submissions/{submission_id}/submit",
    response=responses({200: SubmissionDetailOut}, 400, 401, 403, 404, 409, 422),
    summary="Nộp báo cáo",
)
def submission_submit(request, payload: SubmitIn, submission_id: int = Path(..., ge=1, le=MAX_ID)):
    """Nộp báo cáo khi đủ và đúng theo mẫu (422 kèm danh sách lỗi nếu chưa); `lock_version` khác số hiện tại: 409."""
    user = request.auth
    _require(user, "reporting.submit")
    sub = _visible(user, submission_id)
    if not sub_service.can_fill(user, sub.unit):
        raise forbidden()
    sub_service.do_submit(user, sub, expected_version=payload.lock_version, request=request)
    return _detail(_visible(user, submission_id))
