"""The REST API, version 1, mounted at /api/v1/ (OpenAPI document /api/v1/openapi.json, browsable docs
/api/v1/docs). Public data needs no token; everything else takes `Authorization: Bearer <token>`
and is scoped exactly like the web pages. See docs/api.md."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from ocop.api import errors, indicators
from ocop.api.auth import token_auth
from ocop.api.common import StrictJSONParser
from ocop.api.endpoints import account, evaluation, products, public, reporting

DESCRIPTION = """API của Hệ thống quản lý Chương trình OCOP.

* Dữ liệu công khai (đơn vị hành chính, sản phẩm OCOP được công nhận, thống kê): không cần khóa.
* Mọi dữ liệu khác: gửi tiêu đề `Authorization: Bearer <khóa>`. Khóa tạo tại trang **Khóa API** (/api/tokens/) khi đăng nhập;
  khóa có đúng vai trò và phạm vi của tài khoản tạo ra nó.
* Danh sách phân trang bằng `limit` (1–200, mặc định 50) và `offset`; trả `{count, limit, offset, items}`.
* Lỗi trả JSON `{detail, code, errors}` với thông báo tiếng Việt: 400 nội dung không phải JSON, 401 thiếu/sai khóa,
  403 không có quyền, 404 không có hoặc ngoài phạm vi, 409 dữ liệu đã bị người khác sửa (số phiên bản), 413 nội dung quá 5 MB,
  422 dữ liệu không hợp lệ.
* Ngày luôn là chuỗi `YYYY-MM-DD` (không nhận số Unix).
"""


class OcopApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__


api = OcopApi(
    title="OCOP API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    auth=token_auth,
    parser=StrictJSONParser(),
    # Swagger UI from django-ninja's own static files (no CDN); no call to the online validator
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
errors.install(api)
api.add_router("", public.router)
api.add_router("", account.router)
api.add_router("", reporting.router)
api.add_router("", products.router)
api.add_router("", evaluation.router)
api.add_router("", indicators.router)
