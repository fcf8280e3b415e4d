"""Load the committed unit files (ocop/geo/data/*.csv) into the database, idempotently.

Files are produced by scripts/build_units.py (the two eras and the 2025 crosswalk, see SOURCES.md)
and scripts/build_unit_history.py (versions and changes since 01/01/2018, see HISTORY_SOURCES.md).
A data set whose SHA-256 matches the last load is skipped, so a second `load_units` costs one query.

A newer data version is applied in place: units are matched by (era, level, code) and updated, never
deleted (records keep their references; a unit missing from the new data is kept and reported),
versions and successions are replaced by the new ones, and the report lists what changed.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from ocop.geo.models import AdminUnit, DatasetLoad, Era, Level, SuccessionKind, UnitSuccession, UnitVersion
from ocop.geo.services import LEGACY_END, REFORM_DATE

DATA_DIR = Path(__file__).resolve().parent / "data"
UNIT_FILES = {Era.LEGACY: "units_legacy.csv", Era.CURRENT: "units_current.csv"}
HISTORY_FILE = "units_history.csv"
CHANGES_FILE = "unit_changes.csv"
CROSSWALK_FILES = {Level.PROVINCE: "crosswalk_provinces.csv", Level.COMMUNE: "crosswalk_communes.csv"}
LEVEL_ORDER = [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    successions: int = 0
    versions: int = 0
    skipped: bool = False
    changes: list[str] = field(default_factory=list)  # human-readable, one line per changed unit
    kept: list[str] = field(default_factory=list)  # units no longer in the data, kept for their records


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_units(data_dir: Path = DATA_DIR, force: bool = False) -> LoadReport:
    paths = [
        data_dir / name
        for name in list(UNIT_FILES.values()) + list(CROSSWALK_FILES.values()) + [HISTORY_FILE, CHANGES_FILE]
    ]
    digest = _sha256(paths)
    report = LoadReport()
    previous = DatasetLoad.objects.filter(name="units").first()
    if previous and previous.sha256 == digest and not force:
        report.skipped = True
        return report

    history = _read(data_dir / HISTORY_FILE)
    with transaction.atomic():
        for era, filename in UNIT_FILES.items():
            _load_era(era, _era_rows(era, _read(data_dir / filename), history), report)
        _load_versions(history, report)
        _load_crosswalks(data_dir, report)
        total = AdminUnit.objects.count()
        DatasetLoad.objects.update_or_create(name="units", defaults={"sha256": digest, "rows": total})
    from ocop.geo.services import clear_unit_cache

    clear_unit_cache()
    return report


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _era_rows(era: str, rows: list[dict[str, str]], history: list[dict[str, str]]) -> list[dict]:
    """The unit rows of an era with their lifetime: the era file gives each unit's final state; the
    history adds the units abolished before the end of the era (legacy) and the lifetimes."""
    default_from = REFORM_DATE if era == Era.CURRENT else None
    default_to = LEGACY_END if era == Era.LEGACY else None
    out = {(r["level"], r["code"]): {**r, "valid_from": default_from, "valid_to": default_to} for r in rows}
    versions: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for h in history:
        if h["era"] == era:
            versions[(h["level"], h["code"])].append(h)
    for key, vs in versions.items():
        vs.sort(key=lambda h: h["valid_from"])  # "" (in force since before 01/01/2018) first
        last = vs[-1]
        row = out.get(key) or {
            "code": last["code"],
            "level": last["level"],
            "name": last["name"],
            "type": last["type"],
            "parent_code": last["parent_code"],
        }
        row["valid_from"] = _day(vs[0]["valid_from"]) or default_from
        row["valid_to"] = _day(last["valid_to"])
        out[key] = row
    return list(out.values())


def _load_era(era: str, rows: list[dict], report: LoadReport) -> None:
    existing = {(u.level, u.code): u for u in AdminUnit.objects.filter(era=era)}
    existing_count = len(existing)  # a first load lists no units one by one
    wanted = {(r["level"], r["code"]) for r in rows}
    for key, unit in sorted(existing.items()):
        if key not in wanted:
            report.kept.append(f"{era} {unit.level} {unit.code} {unit.full_name}")
    rows.sort(key=lambda r: (LEVEL_ORDER.index(r["level"]), r["code"]))
    # Level by level, so that parents have ids when their children are created (no linking pass
    # over every row; only provinces and districts, which point at themselves, are linked after).
    parent_level = {Level.DISTRICT: Level.PROVINCE, Level.COMMUNE: Level.DISTRICT}
    fields = ["name", "type", "valid_from", "valid_to", "parent_id", "province_id", "district_id"]
    to_update = []
    for level in LEVEL_ORDER:
        to_create = []
        for row in (r for r in rows if r["level"] == level):
            key = (row["level"], row["code"])
            parent = None
            if row["parent_code"]:
                parent = existing.get((parent_level[level], row["parent_code"])) or existing.get(
                    (Level.PROVINCE, row["parent_code"])
                )
                if parent is None:
                    raise ValueError(f"{era} {level} {row['code']}: parent {row['parent_code']} not found")
            unit = existing.get(key)
            own = unit.pk if unit is not None else None
            if parent is None:
                province_id, district_id = own, None
            elif parent.level == Level.PROVINCE:
                province_id, district_id = parent.pk, None
            else:
                province_id, district_id = parent.province_id, parent.pk
            if level == Level.DISTRICT:
                district_id = own
            values = {
                "name": row["name"],
                "type": row["type"],
                "valid_from": row["valid_from"],
                "valid_to": row["valid_to"],
                "parent_id": parent.pk if parent else None,
                "province_id": province_id,
                "district_id": district_id,
            }
            if unit is None:
                unit = AdminUnit(era=era, level=level, code=row["code"], **values)
                to_create.append(unit)
                existing[key] = unit
                if existing_count:
                    report.changes.append(f"+ {era} {level} {row['code']} {row['type']} {row['name']}")
            elif any(getattr(unit, k) != v for k, v in values.items()):
                diff = ", ".join(f"{k}: {getattr(unit, k)} -> {v}" for k, v in values.items() if getattr(unit, k) != v)
                report.changes.append(f"~ {era} {level} {unit.code}: {diff}")
                for k, v in values.items():
                    setattr(unit, k, v)
                to_update.append(unit)
        AdminUnit.objects.bulk_create(to_create, batch_size=2000)
        report.created += len(to_create)
        own_field = {Level.PROVINCE: "province_id", Level.DISTRICT: "district_id"}.get(level)
        if own_field and to_create:
            for unit in to_create:
                setattr(unit, own_field, unit.pk)
            AdminUnit.objects.bulk_update(to_create, [own_field.removesuffix("_id")], batch_size=2000)
    AdminUnit.objects.bulk_update(to_update, [f.removesuffix("_id") for f in fields], batch_size=2000)
    report.updated += len(to_update)


def _load_versions(history: list[dict[str, str]], report: LoadReport) -> None:
    """UnitVersion rows for the units with more than one version (the others need none)."""
    units = {(u.era, u.level, u.code): u.pk for u in AdminUnit.objects.only("pk", "era", "level", "code")}
    parent_level = {Level.DISTRICT: Level.PROVINCE, Level.COMMUNE: Level.DISTRICT}
    by_unit: dict[int, list[dict]] = defaultdict(list)
    for h in history:
        by_unit[units[(h["era"], h["level"], h["code"])]].append(h)
    wanted = {}
    for unit_id, rows in by_unit.items():
        if len(rows) < 2:
            continue
        for h in rows:
            parent = None
            if h["parent_code"]:
                parent = units.get((h["era"], parent_level[h["level"]], h["parent_code"])) or units.get(
                    (h["era"], Level.PROVINCE, h["parent_code"])
                )
                if parent is None:
                    raise ValueError(f"{HISTORY_FILE}: parent {h['parent_code']} of {h['level']} {h['code']} not found")
            wanted[(unit_id, _day(h["valid_from"]))] = (
                h["name"],
                h["type"],
                parent,
                _day(h["valid_to"]),
                h["date_known"] == "1",
                h["basis"],
            )
    existing = {(v.unit_id, v.valid_from): v for v in UnitVersion.objects.all()}
    fields = ("name", "type", "parent_id", "valid_to", "date_known", "basis")
    stale = [
        v.pk for key, v in existing.items() if key not in wanted or tuple(getattr(v, f) for f in fields) != wanted[key]
    ]
    UnitVersion.objects.filter(pk__in=stale).delete()
    stale_keys = {key for key, v in existing.items() if v.pk in set(stale)}
    UnitVersion.objects.bulk_create(
        [
            UnitVersion(unit_id=u, valid_from=vf, name=n, type=t, parent_id=p, valid_to=vt, date_known=k, basis=b)
            for (u, vf), (n, t, p, vt, k, b) in wanted.items()
            if (u, vf) not in existing or (u, vf) in stale_keys
        ],
        batch_size=2000,
    )
    if existing and (stale or len(existing) != len(wanted)):
        report.changes.append(f"~ tên gọi theo thời kỳ: {len(wanted)} (trước: {len(existing)}, thay {len(stale)})")
    report.versions = len(wanted)


def _load_crosswalks(data_dir: Path, report: LoadReport) -> None:
    legacy = {(u.level, u.code): u.pk for u in AdminUnit.objects.filter(era=Era.LEGACY).only("pk", "level", "code")}
    current = {(u.level, u.code): u.pk for u in AdminUnit.objects.filter(era=Era.CURRENT).only("pk", "level", "code")}
    wanted: dict[tuple[int, int], tuple] = {}
    for level, filename in CROSSWALK_FILES.items():
        for row in _read(data_dir / filename):
            pred = legacy.get((level, row["legacy_code"]))
            succ = current.get((level, row["current_code"]))
            if pred is None or succ is None:
                raise ValueError(f"crosswalk {filename}: unknown unit in {row}")
            wanted[(pred, succ)] = (
                row.get("is_split", "0") == "1",
                REFORM_DATE,
                SuccessionKind.REFORM_2025,
                "source",
                "",
            )
    # successions at every change since 01/01/2018 (legacy -> legacy)
    for row in _read(data_dir / CHANGES_FILE):
        if not row["successor_code"]:
            continue
        pred = legacy.get((row["level"], row["code"]))
        succ = legacy.get((row["level"], row["successor_code"]))
        if pred is None or succ is None:
            raise ValueError(f"{CHANGES_FILE}: unknown unit in {row}")
        wanted[(pred, succ)] = (
            row["is_split"] == "1",
            _day(row["effective"]),
            row["kind"],
            row["certainty"],
            row["basis"],
        )
    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    stale = [s.pk for key, s in existing.items() if key not in wanted]
    UnitSuccession.objects.filter(pk__in=stale).delete()
    fields = ("is_split", "effective", "kind", "certainty", "basis")
    to_create, to_update = [], []
    for (pred, succ), values in wanted.items():
        row = existing.get((pred, succ))
        if row is None:
            to_create.append(UnitSuccession(predecessor_id=pred, successor_id=succ, **dict(zip(fields, values))))
        elif tuple(getattr(row, f) for f in fields) != values:
            for f, v in zip(fields, values):
                setattr(row, f, v)
            to_update.append(row)
    UnitSuccession.objects.bulk_create(to_create, batch_size=5000)
    UnitSuccession.objects.bulk_update(to_update, list(fields), batch_size=5000)
    if existing and (to_create or to_update or stale):
        report.changes.append(f"~ quan hệ kế thừa: {len(to_create)} mới, {len(to_update)} sửa, {len(stale)} bỏ")
    report.successions = len(wanted)
