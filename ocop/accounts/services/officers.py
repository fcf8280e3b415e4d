"""Who answers for an administrative unit: the officers of its level scoped to it (used by the report
reminders and the certificate-expiry notices)."""

from __future__ import annotations

from django.db.models import Q

from ocop.accounts.models import Role, User
from ocop.geo.models import AdminUnit, Level, UnitSuccession

LEVEL_ROLE = {
    Level.PROVINCE: Role.PROVINCE_OFFICER,
    Level.DISTRICT: Role.DISTRICT_OFFICER,
    Level.COMMUNE: Role.COMMUNE_OFFICER,
}


def unit_officers(unit: AdminUnit) -> list[User]:
    """Active officers who answer for `unit`: the role of its level, scoped to the unit itself or to
    a unit of the same level that succeeded it in the 2025 reform (whose scope covers it)."""
    role = LEVEL_ROLE.get(unit.level)
    if role is None:
        return []
    successors = UnitSuccession.objects.filter(predecessor=unit, successor__level=unit.level).values("successor_id")
    return list(
        User.objects.filter(is_active=True, role=role, scope_unit__level=unit.level)
        .filter(Q(scope_unit=unit) | Q(scope_unit__in=successors))
        .order_by("username")
    )
