"""Services over administrative units: validity on a date, successors, predecessors, ancestors."""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.utils.translation import gettext as _

from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession

REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_END = dt.date(2025, 6, 30)


class UnitNotFound(LookupError):
    pass


# --- cache of units by id ------------------------------------------------------------------------
# Units are reference data written only by `load_units` (which clears this cache in its process);
# other processes see a reload after UNIT_CACHE_SECONDS at the latest. Callers must treat the
# cached objects as read-only.
UNIT_CACHE_SECONDS = 300
_unit_cache: dict[int, AdminUnit] = {}
_unit_cache_started = 0.0
_unit_cache_lock = threading.Lock()


_province_cache: dict[str, list] = {}  # "ids": province ids, "successions": (legacy id, current id) pairs


def clear_unit_cache() -> None:
    global _unit_cache_started
    with _unit_cache_lock:
        _unit_cache.clear()
        _province_cache.clear()
        _unit_cache_started = time.monotonic()


def provinces_by_pk() -> dict[int, AdminUnit]:
    """Every province (legacy and current) by id, from the per-process unit cache."""
    units = units_by_pk(_province_cache.get("ids") or [])
    if "ids" not in _province_cache:
        ids = list(AdminUnit.objects.filter(level=Level.PROVINCE).order_by("pk").values_list("pk", flat=True))
        units = units_by_pk(ids)
        _province_cache["ids"] = ids
    return units


def _province_successions() -> list:
    if "successions" not in _province_cache:
        _province_cache["successions"] = list(
            UnitSuccession.objects.filter(predecessor__level=Level.PROVINCE).order_by("pk")
            .values_list("predecessor_id", "successor_id")
        )
    return _province_cache["successions"]


def units_by_pk(ids) -> dict[int, AdminUnit]:
    """{id: AdminUnit} for `ids`, from a per-process cache (one query for the ids not cached yet)."""
    if time.monotonic() - _unit_cache_started > UNIT_CACHE_SECONDS:
        clear_unit_cache()
    cache = _unit_cache
    missing = [pk for pk in ids if pk not in cache]
    if missing:
        for start in range(0, len(missing), 900):
            for unit in AdminUnit.objects.filter(pk__in=missing[start:start + 900]):
                cache[unit.pk] = unit
    return {pk: cache[pk] for pk in ids if pk in cache}


def era_on(day: dt.date) -> str:
    return Era.CURRENT if day >= REFORM_DATE else Era.LEGACY


def units_valid_on(day: dt.date, level: str | None = None):
    qs = AdminUnit.objects.valid_on(day)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def provinces_on(day: dt.date):
    return units_valid_on(day, Level.PROVINCE)


def get_unit(code: str, level: str, day: dt.date | None = None, era: str | None = None) -> AdminUnit:
    """The unit with this official code and level, valid on `day` (or in `era`)."""
    code = (code or "").strip()
    if level not in Level.values:
        raise UnitNotFound(_("Cấp đơn vị “%(level)s” không hợp lệ (province, district hoặc commune).") % {"level": level})
    qs = AdminUnit.objects.filter(code=code, level=level)
    if day is not None:
        qs = qs.valid_on(day)
    if era is not None:
        qs = qs.filter(era=era)
    unit = qs.order_by("-era").first()
    if unit is None:
        when = f" ({day.strftime('%d/%m/%Y')})" if day else ""
        raise UnitNotFound(
            _("Không có đơn vị hành chính cấp %(level)s mã “%(code)s”%(when)s.")
            % {"level": Level(level).label.lower(), "code": code[:20], "when": when}
        )
    return unit


def ancestors(unit: AdminUnit) -> list[AdminUnit]:
    """Parents from the province down to the unit's direct parent."""
    chain = []
    current = unit.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def successors(unit: AdminUnit) -> list[AdminUnit]:
    """Units that took over this unit's territory on 01/7/2025.

    Provinces and communes come from the crosswalk. A district had no successor of its own level
    (the level was abolished): its successors are the current communes of its communes.
    """
    if unit.level == Level.DISTRICT:
        return list(
            AdminUnit.objects.filter(predecessions__predecessor__parent=unit).distinct().order_by("code")
        )
    return list(AdminUnit.objects.filter(predecessions__predecessor=unit).order_by("code"))


def predecessors(unit: AdminUnit) -> list[AdminUnit]:
    return list(AdminUnit.objects.filter(successions__successor=unit).order_by("code"))


def successor_codes_map(level: str) -> dict[int, list[str]]:
    """unit id -> sorted successor codes, for bulk export (one query)."""
    result: dict[int, list[str]] = {}
    if level == Level.DISTRICT:
        rows = (
            UnitSuccession.objects.filter(predecessor__level=Level.COMMUNE)
            .values_list("predecessor__parent_id", "successor__code")
            .distinct()
        )
    else:
        rows = UnitSuccession.objects.filter(predecessor__level=level).values_list("predecessor_id", "successor__code")
    for unit_id, code in rows:
        codes = result.setdefault(unit_id, [])
        if code not in codes:
            codes.append(code)
    for codes in result.values():
        codes.sort()
    return result


def current_province_of(unit: AdminUnit) -> AdminUnit | None:
    """The 2025 province that a unit's territory belongs to now (itself for current provinces)."""
    province = unit.province or unit
    if province.era == Era.CURRENT:
        return province
    succ = UnitSuccession.objects.filter(predecessor=province).select_related("successor").first()
    return succ.successor if succ else None


def province_rollup(day: dt.date, by_id: dict[int, AdminUnit] | None = None) -> dict[int, AdminUnit]:
    """Map every province id (legacy and current) to the province shown for `day`.

    Before the reform legacy provinces stand for themselves; from 01/7/2025 each legacy province
    rolls up into its current province through the crosswalk. `by_id` (all provinces by id) saves
    a query when the caller has them already.
    """
    if by_id is None:
        by_id = {p.id: p for p in AdminUnit.objects.filter(level=Level.PROVINCE)}
    provinces = list(by_id.values())
    if era_on(day) == Era.LEGACY:
        return {p.id: p for p in provinces if p.era == Era.LEGACY}
    mapping = {p.id: p for p in provinces if p.era == Era.CURRENT}
    for pred_id, succ_id in _province_successions():
        mapping[pred_id] = by_id[succ_id]
    return mapping
