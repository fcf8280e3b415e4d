"""The one scoping service: which administrative units, and so which objects, a user may read and
write. Every view and every later feature filters through `scope_for(user)`.

Rules:
- central administrators and officers (VPĐP NTM TW) read and write everything;
- any other user has a scope unit U and reads and writes U and everything below it; a unit
  created by the 2025 reform also covers the legacy units it succeeded, whose history it now keeps
  (a 2026 Thái Nguyên officer reads and corrects Bắc Kạn's 2018 records);
- a user without a scope unit (or anonymous) reads and writes nothing that is scoped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from ocop.accounts.models import NATIONAL_ROLES
from ocop.geo.models import AdminUnit, Level
from ocop.geo.services import all_predecessor_ids


def _lookup(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


@dataclass
class Scope:
    national: bool = False
    unit: AdminUnit | None = None
    predecessor_ids: list[int] = field(default_factory=list)

    # --- units -----------------------------------------------------------------------------
    # `write` is accepted everywhere so that callers say what they mean; today read and write scopes
    # coincide, and a rule that splits them changes only this class.
    def _unit_q(self, prefix: str, write: bool) -> Q:
        """A Q matching objects whose unit (reached through `prefix`) is in scope."""
        if self.national:
            return Q()
        if self.unit is None:
            return Q(pk__in=[])
        unit = self.unit
        level_field = {Level.PROVINCE: "province", Level.DISTRICT: "district", Level.COMMUNE: None}[unit.level]
        if level_field:
            q = Q(**{_lookup(prefix, level_field): unit.pk})
        else:
            q = Q(**{_lookup(prefix, "pk") if prefix else "pk": unit.pk})
        if self.predecessor_ids:
            if level_field:
                q |= Q(**{_lookup(prefix, f"{level_field}__in"): self.predecessor_ids})
            q |= Q(**{(_lookup(prefix, "pk__in") if prefix else "pk__in"): self.predecessor_ids})
        return q

    def units(self, write: bool = False) -> QuerySet:
        return AdminUnit.objects.filter(self._unit_q("", write))

    def filter(self, qs: QuerySet, unit_field: str = "unit", write: bool = False) -> QuerySet:
        """Restrict a queryset of objects that carry a unit FK (`unit_field`) to this scope."""
        if self.national:
            return qs
        if self.unit is None:
            return qs.none()
        return qs.filter(self._unit_q(unit_field, write))

    def get(self, qs, pk, unit_field: str = "unit", write: bool = False):
        """The object `pk` of `qs` (a QuerySet, or an `ocop.lib.prepared.Prepared` query with the key
        `pk`) when its unit (the attribute `unit_field`, loaded with the object: select_related it) is
        in scope; `qs.model.DoesNotExist` otherwise, as for an object that does not exist. The same
        answer as `self.filter(qs, unit_field).get(pk=pk)`, with the scope checked in Python
        (`covers`) instead of three more conditions for Django to build into the query (issue 17:
        building a query costs more than running it on the report pages)."""
        obj = qs.get(pk=pk)
        if not self.covers(getattr(obj, unit_field), write=write):
            raise qs.model.DoesNotExist
        return obj

    def covers(self, unit: AdminUnit | None, write: bool = False) -> bool:
        if self.national:
            return True
        if self.unit is None or unit is None:
            return False
        if unit.pk == self.unit.pk:
            return True
        if self.unit.level == Level.PROVINCE and unit.province_id == self.unit.pk:
            return True
        if self.unit.level == Level.DISTRICT and unit.district_id == self.unit.pk:
            return True
        ids = set(self.predecessor_ids)
        return unit.pk in ids or unit.province_id in ids or unit.district_id in ids


def scope_for(user) -> Scope:
    """The scope of a user (cached on the user object for the request)."""
    cached = getattr(user, "_ocop_scope", None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        scope = Scope()
    elif user.role in NATIONAL_ROLES:
        scope = Scope(national=True)
    elif user.scope_unit_id is None:
        scope = Scope()
    else:
        unit = user.scope_unit
        # every unit whose territory passed into this one, through every change since 2018
        scope = Scope(unit=unit, predecessor_ids=all_predecessor_ids(unit))
    try:
        user._ocop_scope = scope
    except AttributeError:  # AnonymousUser and friends
        pass
    return scope
