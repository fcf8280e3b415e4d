"""Services over administrative units: validity on a date, successors, predecessors, ancestors."""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections import defaultdict

from django.utils.translation import gettext as _

from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession, UnitVersion
from ocop.lib.collation import sort_key
from ocop.lib.dates import format_date

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


# "ids": province ids, "successions": (legacy id, current id) pairs, "sorted": provinces by name
_province_cache: dict[str, list] = {}
_history_cache: dict[str, dict] = {}  # "versions": unit id -> versions; "next"/"prev": succession graph


def clear_unit_cache() -> None:
    global _unit_cache_started
    with _unit_cache_lock:
        _unit_cache.clear()
        _province_cache.clear()
        _history_cache.clear()
        _unit_cache_started = time.monotonic()


# --- names, types and parents on a date -------------------------------------------------------------


def _versions() -> dict[int, list[tuple]]:
    """unit id -> [(valid_from, valid_to, name, type, parent_id, parent_level)] for units that changed."""
    if time.monotonic() - _unit_cache_started > UNIT_CACHE_SECONDS:
        clear_unit_cache()
    if "versions" not in _history_cache:
        index: dict[int, list[tuple]] = defaultdict(list)
        rows = UnitVersion.objects.order_by("unit_id", "valid_from").values_list(
            "unit_id", "valid_from", "valid_to", "name", "type", "parent_id", "parent__level"
        )
        for unit_id, *rest in rows:
            index[unit_id].append(tuple(rest))
        _history_cache["versions"] = dict(index)
    return _history_cache["versions"]


def version_on(unit: AdminUnit, day: dt.date) -> tuple | None:
    """(valid_from, valid_to, name, type, parent_id, parent_level) of `unit` on `day`, or None if the
    unit has a single version (its own row) or had none on that day."""
    for version in _versions().get(unit.pk, ()):
        start, end = version[0], version[1]
        if (start is None or start <= day) and (end is None or day <= end):
            return version
    return None


def apply_version(unit: AdminUnit, day: dt.date | None) -> AdminUnit:
    """Give `unit` (in place) the name, type and parent it had on `day`."""
    if day is None:
        return unit
    version = version_on(unit, day)
    if version is not None:
        unit.name, unit.type = version[2], version[3]
        if unit.parent_id != version[4]:
            unit.parent_id = version[4]
            if unit.level == Level.COMMUNE and version[5] == Level.DISTRICT:
                unit.district_id = version[4]
    return unit


def unit_on(unit: AdminUnit | None, day: dt.date | None) -> AdminUnit | None:
    """A copy of `unit` as it was on `day` (the object itself if nothing differs); safe on cached units."""
    if unit is None or day is None or version_on(unit, day) is None:
        return unit
    return apply_version(copy.copy(unit), day)


def name_on(unit: AdminUnit, day: dt.date | None) -> str:
    """The unit's full name ("Tỉnh Thừa Thiên Huế") on `day` (its latest name when `day` is None)."""
    return unit_on(unit, day).full_name


def within_on(qs, unit: AdminUnit, day: dt.date):
    """`qs` restricted to the units below `unit` on `day` (a district's communes of that day: those
    that moved in or out since are counted where they were)."""
    from django.db.models import Q

    if unit.level == Level.PROVINCE:
        return qs.filter(Q(province=unit) | Q(parent=unit))
    moved_in, moved_out = [], []
    for unit_id, versions in _versions().items():
        for start, end, _name, _type, parent_id, _level in versions:
            if (start is None or start <= day) and (end is None or day <= end):
                (moved_in if parent_id == unit.pk else moved_out).append(unit_id)
    return qs.filter(
        (Q(parent=unit) | Q(district=unit) | Q(pk__in=moved_in))
        & ~Q(pk__in=[pk for pk in moved_out if pk not in set(moved_in)])
    )


# --- the crosswalk through every change ---------------------------------------------------------------


def _graph() -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    if "next" not in _history_cache:
        nxt: dict[int, list[int]] = defaultdict(list)
        prev: dict[int, list[int]] = defaultdict(list)
        for pred, succ in UnitSuccession.objects.order_by("pk").values_list("predecessor_id", "successor_id"):
            nxt[pred].append(succ)
            prev[succ].append(pred)
        _history_cache["next"], _history_cache["prev"] = dict(nxt), dict(prev)
    return _history_cache["next"], _history_cache["prev"]


def all_predecessor_ids(unit: AdminUnit) -> list[int]:
    """Every unit whose territory passed into `unit`, through any number of changes (sorted ids)."""
    _, prev = _graph()
    seen: set[int] = set()
    stack = list(prev.get(unit.pk, ()))
    while stack:
        pk = stack.pop()
        if pk not in seen and pk != unit.pk:
            seen.add(pk)
            stack.extend(prev.get(pk, ()))
    return sorted(seen)


def all_successor_ids(unit_id: int) -> list[int]:
    """The units that hold `unit_id`'s territory at the end of its chain of changes (sorted ids)."""
    nxt, _ = _graph()
    final: set[int] = set()
    seen: set[int] = set()
    stack = [unit_id]
    while stack:
        pk = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        following = nxt.get(pk)
        if following:
            stack.extend(following)
        elif pk != unit_id:
            final.add(pk)
    return sorted(final)


def provinces_by_pk() -> dict[int, AdminUnit]:
    """Every province (legacy and current) by id, from the per-process unit cache."""
    units = units_by_pk(_province_cache.get("ids") or [])
    if "ids" not in _province_cache:
        ids = list(AdminUnit.objects.filter(level=Level.PROVINCE).order_by("pk").values_list("pk", flat=True))
        units = units_by_pk(ids)
        _province_cache["ids"] = ids
    return units


def provinces_sorted() -> list[AdminUnit]:
    """Every province of both eras in the order of their Vietnamese names (lib/collation), then code,
    from the per-process unit cache: sorted once per cache generation."""
    units = provinces_by_pk()  # also renews the cache when it is due
    rows = _province_cache.get("sorted")
    if rows is None:
        rows = sorted(units.values(), key=lambda u: (sort_key(u.name), u.code))
        _province_cache["sorted"] = rows
    return list(rows)


def _province_successions() -> list:
    if "successions" not in _province_cache:
        _province_cache["successions"] = list(
            UnitSuccession.objects.filter(predecessor__level=Level.PROVINCE)
            .order_by("pk")
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
            for unit in AdminUnit.objects.filter(pk__in=missing[start : start + 900]):
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
        raise UnitNotFound(
            _("Cấp đơn vị “%(level)s” không hợp lệ (province, district hoặc commune).") % {"level": level}
        )
    qs = AdminUnit.objects.filter(code=code, level=level)
    if day is not None:
        qs = qs.valid_on(day)
    if era is not None:
        qs = qs.filter(era=era)
    unit = qs.order_by("-era").first()
    if unit is None:
        when = f" ({format_date(day)})" if day else ""
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
    """Units that took over this unit's territory at its next change (the crosswalk).

    A district that lasted until 01/7/2025 had no successor of its own level (the level was
    abolished): its successors are the current communes of its communes.
    """
    direct = list(AdminUnit.objects.filter(predecessions__predecessor=unit).order_by("code"))
    if unit.level == Level.DISTRICT and not any(u.level == Level.DISTRICT for u in direct):
        return list(
            AdminUnit.objects.filter(predecessions__predecessor__parent=unit, era=Era.CURRENT)
            .distinct()
            .order_by("code")
        )
    return direct


def predecessors(unit: AdminUnit) -> list[AdminUnit]:
    return list(AdminUnit.objects.filter(successions__successor=unit).order_by("code"))


def successor_codes_map(level: str) -> dict[int, list[str]]:
    """unit id -> sorted codes of the current (34-province era) units holding its territory,
    through every change since 2018 (bulk export; a few queries)."""
    codes = dict(AdminUnit.objects.filter(era=Era.CURRENT).values_list("pk", "code"))
    result: dict[int, list[str]] = {}
    if level == Level.DISTRICT:
        # a district's territory is that of its communes (the district level ended on 01/7/2025)
        commune_succ: dict[int, set[str]] = defaultdict(set)
        for pk, parent_id in AdminUnit.objects.filter(era=Era.LEGACY, level=Level.COMMUNE).values_list(
            "pk", "parent_id"
        ):
            commune_succ[parent_id].update(codes[s] for s in all_successor_ids(pk) if s in codes)
        for pk in AdminUnit.objects.filter(era=Era.LEGACY, level=Level.DISTRICT).values_list("pk", flat=True):
            found = set(commune_succ.get(pk, ()))
            for later in all_successor_ids(pk):
                found |= commune_succ.get(later, set())
            if found:
                result[pk] = sorted(found)
        return result
    for pk in AdminUnit.objects.filter(era=Era.LEGACY, level=level).values_list("pk", flat=True):
        found = sorted({codes[s] for s in all_successor_ids(pk) if s in codes})
        if found:
            result[pk] = found
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
        return {p.id: unit_on(p, day) for p in provinces if p.era == Era.LEGACY}
    mapping = {p.id: unit_on(p, day) for p in provinces if p.era == Era.CURRENT}
    for pred_id, succ_id in _province_successions():
        mapping[pred_id] = mapping[succ_id]
    return mapping
