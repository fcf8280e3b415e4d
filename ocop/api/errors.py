"""Errors as JSON with a Vietnamese message: {"detail": ..., "code": ..., "errors": [...]}.

401 no or bad token; 403 the token's user may not do this; 404 nothing there, or outside the user's
scope (the API never says which); 409 saved by someone else since the client read it (version
number); 413 a body over the request limit (5 MB); 422 input that breaks a rule, each problem named in
`errors`; 400 a body that is not JSON."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from ocop.lib.records import VersionConflict
from ocop.reporting.services.submissions import SubmissionInvalid


class ErrorItem(Schema):
    field: str = ""
    message: str
    section: str = ""
    row: int | None = None
    column: str = ""


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[ErrorItem] = []


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.errors = status, code, detail, errors or []


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Không tìm thấy, hoặc nằm ngoài phạm vi tài khoản của bạn."))


def forbidden(detail: str | None = None) -> ApiError:
    return ApiError(403, "forbidden", detail or _("Tài khoản của bạn không có quyền thực hiện thao tác này."))


def conflict(detail: str | None = None) -> ApiError:
    return ApiError(
        409,
        "conflict",
        detail
        or _(
            "Dữ liệu vừa được người khác lưu sau khi bạn đọc (số phiên bản đã đổi). Hãy đọc lại bản mới nhất rồi gửi lại."
        ),
    )


def invalid(detail: str, errors: list[dict] | None = None) -> ApiError:
    return ApiError(422, "invalid", detail, errors)


def from_django_validation(exc: DjangoValidationError, detail: str | None = None) -> ApiError:
    errors = []
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for message in errs:
                errors.append({"field": "" if field == "__all__" else field, "message": message})
    else:
        errors = [{"message": m} for m in exc.messages]
    head = detail or (
        errors[0]["message"] if len(errors) == 1 else _("Dữ liệu không hợp lệ: %(n)s lỗi.") % {"n": len(errors)}
    )
    return invalid(head, errors)


# pydantic error types -> Vietnamese messages
def _pydantic_message(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("Thiếu trường bắt buộc.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Phải là số nguyên.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Phải lớn hơn hoặc bằng %(v)s.") % {"v": ctx.get("ge", ctx.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("Phải nhỏ hơn hoặc bằng %(v)s.") % {"v": ctx.get("le", ctx.get("lt", ""))}
    if kind == "string_too_long":
        return _("Dài quá %(n)s ký tự.") % {"n": ctx.get("max_length", "")}
    if kind == "string_too_short":
        return _("Không được để trống.")
    if kind in ("string_type", "string_unicode"):
        return _("Phải là chuỗi ký tự.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Ngày không hợp lệ: dùng dạng YYYY-MM-DD, ví dụ 2026-07-01.")
    if kind in ("literal_error", "enum"):
        return _("Giá trị không hợp lệ; chấp nhận: %(v)s.") % {"v": ctx.get("expected", "")}
    if kind in ("bool_parsing", "bool_type"):
        return _("Phải là true hoặc false.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Phải là một đối tượng JSON.")
    if kind in ("list_type",):
        return _("Phải là một danh sách JSON.")
    if kind in ("too_long",):
        return _("Quá nhiều phần tử (tối đa %(n)s).") % {"n": ctx.get("max_length", "")}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    if kind in ("float_parsing", "float_type", "decimal_parsing", "finite_number"):
        return _("Phải là số.")
    return _("Giá trị không hợp lệ.")


def _location(loc) -> str:
    parts = [str(p) for p in (loc or [])]
    if parts and parts[0] in ("query", "path", "body", "header", "cookie", "form"):
        parts = parts[1:]
    if parts and parts[0] in ("payload", "filters", "data"):
        parts = parts[1:]
    return ".".join(parts)


def install(api) -> None:
    def respond(request, status: int, code: str, detail: str, errors=None, headers=None):
        response = api.create_response(
            request, {"detail": str(detail), "code": code, "errors": errors or []}, status=status
        )
        for key, value in (headers or {}).items():
            response[key] = value
        return response

    @api.exception_handler(ApiError)
    def on_api_error(request, exc: ApiError):
        return respond(request, exc.status, exc.code, exc.detail, exc.errors)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        return respond(
            request,
            401,
            "unauthorized",
            _(
                "Cần khóa API hợp lệ: gửi tiêu đề “Authorization: Bearer <khóa>”. Khóa tạo tại trang Khóa API khi đăng nhập; "
                "khóa đã thu hồi hoặc tài khoản đã khóa không dùng được."
            ),
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400:
            return respond(
                request, 400, "bad_request", _("Không đọc được nội dung gửi lên: cần JSON hợp lệ, mã UTF-8.")
            )
        if exc.status_code == 403:
            return respond(request, 403, "forbidden", _("Tài khoản của bạn không có quyền thực hiện thao tác này."))
        return respond(request, exc.status_code, "error", str(exc))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc):
        return respond(
            request,
            413,
            "too_large",
            _("Nội dung gửi lên quá lớn: tối đa %(n)s MB mỗi yêu cầu.")
            % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)},
        )

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return respond(request, 404, "not_found", not_found().detail)

    @api.exception_handler(PermissionDenied)
    def on_403(request, exc):
        return respond(request, 403, "forbidden", forbidden().detail)

    @api.exception_handler(VersionConflict)
    def on_conflict(request, exc):
        return respond(request, 409, "conflict", conflict().detail)

    @api.exception_handler(SubmissionInvalid)
    def on_submission_invalid(request, exc: SubmissionInvalid):
        errors = [
            {"field": i.field, "message": i.message, "section": i.section, "row": i.row, "column": i.column}
            for i in exc.issues
        ]
        return respond(
            request, 422, "invalid", _("Báo cáo chưa hợp lệ: %(n)s lỗi cần sửa.") % {"n": len(errors)}, errors
        )

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc):
        err = from_django_validation(exc)
        return respond(request, 422, err.code, err.detail, err.errors)

    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc: NinjaValidationError):
        errors = [{"field": _location(e.get("loc")), "message": _pydantic_message(e)} for e in exc.errors]
        return respond(
            request,
            422,
            "invalid",
            _("Tham số hoặc dữ liệu gửi lên không hợp lệ: %(n)s lỗi.") % {"n": len(errors)},
            errors,
        )


def responses(ok: dict, *codes: int) -> dict:
    """A response map: the success schemas plus the documented error codes."""
    return {**ok, **{c: ErrorOut for c in codes}}
