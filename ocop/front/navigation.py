"""The navigation: each item appears only to the roles whose capability allows it.
Later features add their entries here. Items with a `group` are shown under that group's menu in the
main navigation (a <details> disclosure, usable without JavaScript); `items_for` stays flat (the
home page's shortcuts use it)."""

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
    group: str = ""  # key of NAV_GROUPS, or "" for a top-level entry


NAV_GROUPS = {
    "ocop": _("Sản phẩm OCOP"),
    "admin": _("Quản trị"),
}


NAV_ITEMS = [
    NavItem(_("Tổng quan"), "home", None),
    NavItem(_("Bảng theo dõi"), "programme:board", "board.view"),
    NavItem(_("Chỉ tiêu"), "analytics:pivot", "analytics.view"),
    NavItem(_("Chương trình tỉnh"), "programme:index", "programme.view"),
    NavItem(_("Báo cáo"), "reporting:request_list", "reporting.view"),
    NavItem(_("Chủ thể, sản phẩm"), "products:index", "products.view", "ocop"),
    NavItem(_("Đánh giá, phân hạng"), "evaluation:round_list", "evaluation.view", "ocop"),
    NavItem(_("Đề nghị đánh giá lại"), "evaluation:application_list", "products.view", "ocop"),
    NavItem(_("Bộ tiêu chí"), "evaluation:criteria_index", "evaluation.criteria", "ocop"),
    NavItem(_("Danh mục công khai"), "catalogue:list", None, "ocop"),
    NavItem(_("Văn bản đi"), "documents:list", "documents.view"),
    NavItem(_("Bản đồ tỉnh"), "geo:map", "map.view"),
    NavItem(_("Đơn vị hành chính"), "geo:unit_list", "units.view", "admin"),
    NavItem(_("Người dùng"), "accounts:user_list", "users.view", "admin"),
    NavItem(_("Nhật ký"), "audit:entry_list", "audit.view", "admin"),
]


def items_for(user, current_path: str = "") -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    result = []
    for item in NAV_ITEMS:
        if item.capability and not can(user, item.capability):
            continue
        result.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "active": False,
                "url_name": item.url_name,
                "group": item.group,
            }
        )
    # the active item is the one whose URL is the longest prefix of the current path
    matches = [i for i in result if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return result


def menu_for(user, current_path: str = "") -> list[dict]:
    """The main navigation as shown: top-level entries and groups ({"label", "children", "active"})
    in the order of their first item; a group with a single visible item is shown as that item."""
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item in items_for(user, current_path):
        if not item["group"]:
            entries.append(item)
            continue
        group = groups.get(item["group"])
        if group is None:
            group = groups[item["group"]] = {
                "label": NAV_GROUPS[item["group"]],
                "children": [],
                "active": False,
                "key": item["group"],
            }
            entries.append(group)
        group["children"].append(item)
        group["active"] = group["active"] or item["active"]
    return [e["children"][0] if "children" in e and len(e["children"]) == 1 else e for e in entries]
