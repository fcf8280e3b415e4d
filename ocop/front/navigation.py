"""The navigation: each item appears only to the roles whose capability allows it.
Later features add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ocop.accounts.permissions import can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: str | None  # None: any signed-in user


NAV_ITEMS = [
    NavItem(_("Tổng quan"), "home", None),
    NavItem(_("Bảng theo dõi"), "programme:board", "board.view"),
    NavItem(_("Chương trình tỉnh"), "programme:index", "programme.view"),
    NavItem(_("Báo cáo"), "reporting:request_list", "reporting.view"),
    NavItem(_("Chủ thể, sản phẩm"), "products:index", "products.view"),
    NavItem(_("Đánh giá, phân hạng"), "evaluation:round_list", "evaluation.view"),
    NavItem(_("Đề nghị đánh giá lại"), "evaluation:application_list", "products.view"),
    NavItem(_("Bộ tiêu chí"), "evaluation:criteria_index", "evaluation.criteria"),
    NavItem(_("Văn bản đi"), "documents:list", "documents.view"),
    NavItem(_("Bản đồ tỉnh"), "geo:map", "map.view"),
    NavItem(_("Danh mục công khai"), "catalogue:list", None),
    NavItem(_("Đơn vị hành chính"), "geo:unit_list", "units.view"),
    NavItem(_("Người dùng"), "accounts:user_list", "users.view"),
    NavItem(_("Nhật ký"), "audit:entry_list", "audit.view"),
]


def items_for(user, current_path: str = "") -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    result = []
    for item in NAV_ITEMS:
        if item.capability and not can(user, item.capability):
            continue
        result.append({"label": item.label, "url": reverse(item.url_name), "active": False, "url_name": item.url_name})
    # the active item is the one whose URL is the longest prefix of the current path
    matches = [i for i in result if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return result
