"""Demo accounts: one per role, in scopes that show the reform (a current province that absorbed a
legacy one, an unchanged province, a legacy district, a current commune). Clearly marked demo."""

from __future__ import annotations

from django.db import transaction

from ocop.accounts.models import Role, User
from ocop.audit.services import log_action, snapshot
from ocop.accounts.services.users import AUDITED_FIELDS
from ocop.geo.models import AdminUnit, Era, Level

DEMO_PASSWORD = "ocop-demo-2026"

# username, role, (era, level, code) of the scope unit, full name, organisation
DEMO_USERS = [
    ("tw.quantri", Role.CENTRAL_ADMIN, None, "Quản trị hệ thống (demo)", "VPĐP NTM Trung ương"),
    ("tw.canbo", Role.CENTRAL_OFFICER, None, "Cán bộ VPĐP NTM TW (demo)", "VPĐP NTM Trung ương"),
    (
        "tinh.thainguyen",
        Role.PROVINCE_OFFICER,
        (Era.CURRENT, Level.PROVINCE, "19"),
        "Cán bộ OCOP Thái Nguyên (demo)",
        "Sở Nông nghiệp và Môi trường Thái Nguyên",
    ),
    (
        "tinh.hatinh",
        Role.PROVINCE_OFFICER,
        (Era.CURRENT, Level.PROVINCE, "42"),
        "Cán bộ OCOP Hà Tĩnh (demo)",
        "Sở Nông nghiệp và Môi trường Hà Tĩnh",
    ),
    (
        "huyen.babe",
        Role.DISTRICT_OFFICER,
        (Era.LEGACY, Level.DISTRICT, "061"),
        "Cán bộ huyện Ba Bể (demo, trước 2025)",
        "Phòng NN&PTNT huyện Ba Bể",
    ),
    (
        "xa.ducxuan",
        Role.COMMUNE_OFFICER,
        (Era.CURRENT, Level.COMMUNE, "01840"),
        "Cán bộ phường Đức Xuân (demo)",
        "UBND phường Đức Xuân",
    ),
    (
        "hoidong.thainguyen",
        Role.COUNCIL_MEMBER,
        (Era.CURRENT, Level.PROVINCE, "19"),
        "Thành viên Hội đồng OCOP tỉnh Thái Nguyên (demo)",
        "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh",
    ),
    (
        "chuthe.demo",
        Role.ENTITY_USER,
        (Era.CURRENT, Level.COMMUNE, "01840"),
        "HTX Nông sản Đức Xuân (demo)",
        "HTX Nông sản Đức Xuân (demo)",
    ),
]


@transaction.atomic
def create_demo_users() -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo accounts. Returns (username, role label, scope) rows."""
    rows = []
    for username, role, unit_key, full_name, organisation in DEMO_USERS:
        unit = None
        if unit_key:
            era, level, code = unit_key
            unit = AdminUnit.objects.get(era=era, level=level, code=code)
        user, created = User.objects.get_or_create(username=username, defaults={"role": role})
        user.role, user.scope_unit, user.full_name, user.organisation = role, unit, full_name, organisation
        user.email = f"{username}@demo.ocop.invalid"
        user.is_demo = True
        user.is_active = True
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        if created:
            log_action(None, "ocop.user.created", user, after=snapshot(user, AUDITED_FIELDS), unit=unit, reason="demo")
        rows.append((username, str(Role(role).label), str(unit) if unit else "Toàn quốc"))
    return rows
