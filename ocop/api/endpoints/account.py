"""The token's own account, and the programme status board within its scope."""

from __future__ import annotations

from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from ocop.accounts.permissions import CAPABILITIES, can
from ocop.accounts.scope import scope_for
from ocop.api.errors import forbidden, invalid, responses
from ocop.api.schemas import ApiDate, BoardOut, MeOut, board_row, unit_ref
from ocop.programme import board as board_service

router = Router(tags=["Tài khoản, chương trình"])


@router.get("/me", response=responses({200: MeOut}, 401), summary="Tài khoản của khóa API")
def me(request):
    """Tài khoản mà khóa API đại diện: vai trò, đơn vị phạm vi và các quyền."""
    user = request.auth
    token = getattr(user, "api_token", None)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "national": scope_for(user).national,
        "scope_unit": unit_ref(user.scope_unit),
        "capabilities": sorted(c for c in CAPABILITIES if can(user, c)),
        "token": {"name": token.name, "prefix": token.prefix} if token else None,
    }


class BoardFilters(Schema):
    date: ApiDate | None = Field(
        None, description="Ngày xem (mặc định hôm nay): trước 01/7/2025 là 63 tỉnh, từ đó là 34 tỉnh."
    )
    period_from: ApiDate | None = Field(
        None, description="Đầu kỳ đếm văn bản, hoạt động, kinh phí (mặc định 01/01 của năm)."
    )
    period_to: ApiDate | None = Field(None, description="Cuối kỳ (mặc định ngày xem).")
    status: Literal["none", "drafting", "submitted", "approved"] | None = Field(
        None, description="Trạng thái đề án/kế hoạch."
    )


@router.get(
    "/programme/status", response=responses({200: BoardOut}, 401, 403, 422), summary="Tình hình triển khai theo tỉnh"
)
def programme_status(request, filters: Query[BoardFilters]):
    """Bảng theo dõi tình hình triển khai Chương trình OCOP của các tỉnh trong phạm vi tài khoản: cán bộ Trung ương
    thấy mọi tỉnh, cán bộ tỉnh thấy tỉnh mình (và các tỉnh cũ đã sáp nhập vào tỉnh mình)."""
    user = request.auth
    if not can(user, "programme.view"):
        raise forbidden()
    day = filters.date or timezone.localdate()
    start, end = board_service.default_period(day)
    start, end = filters.period_from or start, filters.period_to or end
    if start > end:
        raise invalid(
            _("Ngày đầu kỳ sau ngày cuối kỳ."),
            [{"field": "period_from", "message": _("Ngày đầu kỳ sau ngày cuối kỳ.")}],
        )
    scope = scope_for(user)
    rows = [r for r in board_service.build_board(day, (start, end)) if scope.covers(r.province)]
    if filters.status:
        rows = [r for r in rows if r.plan_status == filters.status]
    return {
        "date": day,
        "period_from": start,
        "period_to": end,
        "count": len(rows),
        "rows": [board_row(r) for r in rows],
    }
