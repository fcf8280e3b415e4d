"""Load the committed unit files (ocop/geo/data/*.csv) into the database, idempotently.

Files are produced by scripts/build_units.py; see ocop/geo/data/SOURCES.md. A file whose SHA-256
matches the last load is skipped, so a second `load_units` costs one query.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ocop.geo.models import AdminUnit, DatasetLoad, Era, Level, UnitSuccession
from ocop.geo.services import LEGACY_END, REFORM_DATE

DATA_DIR = Path(__file__).resolve().parent / "data"
UNIT_FILES = {Era.LEGACY: "units_legacy.csv", Era.CURRENT: "units_current.csv"}
CROSSWALK_FILES = {Level.PROVINCE: "crosswalk_provinces.csv", Level.COMMUNE: "crosswalk_communes.csv"}
LEVEL_ORDER = [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    successions: int = 0
    skipped: bool = False


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_units(data_dir: Path = DATA_DIR, force: bool = False) -> LoadReport:
    paths = [data_dir / name for name in list(UNIT_FILES.values()) + list(CROSSWALK_FILES.values())]
    digest = _sha256(paths)
    report = LoadReport()
    previous = DatasetLoad.objects.filter(name="units").first()
    if previous and previous.sha256 == digest and not force:
        report.skipped = True
        return report

    with transaction.atomic():
        for era, filename in UNIT_FILES.items():
            _load_era(era, _read(data_dir / filename), report)
        _load_crosswalks(data_dir, report)
        total = AdminUnit.objects.count()
        DatasetLoad.objects.update_or_create(name="units", defaults={"sha256": digest, "rows": total})
    from ocop.geo.services import clear_unit_cache

    clear_unit_cache()
    return report


def _load_era(era: str, rows: list[dict[str, str]], report: LoadReport) -> None:
    valid_from = REFORM_DATE if era == Era.CURRENT else None
    valid_to = LEGACY_END if era == Era.LEGACY else None
    existing = {(u.level, u.code): u for u in AdminUnit.objects.filter(era=era)}
    rows.sort(key=lambda r: (LEVEL_ORDER.index(r["level"]), r["code"]))
    to_create, to_update = [], []
    for row in rows:
        key = (row["level"], row["code"])
        unit = existing.get(key)
        values = {"name": row["name"], "type": row["type"], "valid_from": valid_from, "valid_to": valid_to}
        if unit is None:
            unit = AdminUnit(era=era, level=row["level"], code=row["code"], **values)
            to_create.append(unit)
            existing[key] = unit
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            to_update.append(unit)
    AdminUnit.objects.bulk_create(to_create, batch_size=2000)
    report.created += len(to_create)

    # Second pass: parents and denormalised ancestors (rows are sorted province → district → commune).
    parent_level = {Level.DISTRICT: Level.PROVINCE, Level.COMMUNE: Level.DISTRICT}
    province_of: dict[int, int] = {}
    linked = []
    for row in rows:
        unit = existing[(row["level"], row["code"])]
        parent = None
        if row["parent_code"]:
            parent = existing.get((parent_level[row["level"]], row["parent_code"])) or existing.get(
                (Level.PROVINCE, row["parent_code"])
            )
            if parent is None:
                raise ValueError(f"{era} {row['level']} {row['code']}: parent {row['parent_code']} not found")
        if parent is None:
            province_id, district_id = unit.pk, None
        elif parent.level == Level.PROVINCE:
            province_id, district_id = parent.pk, None
        else:
            province_id, district_id = province_of[parent.pk], parent.pk
        if unit.level == Level.DISTRICT:
            district_id = unit.pk
        province_of[unit.pk] = province_id
        new = (parent.pk if parent else None, province_id, district_id)
        if (unit.parent_id, unit.province_id, unit.district_id) != new:
            unit.parent_id, unit.province_id, unit.district_id = new
            linked.append(unit)
    AdminUnit.objects.bulk_update(linked, ["parent", "province", "district"], batch_size=2000)
    AdminUnit.objects.bulk_update(to_update, ["name", "type", "valid_from", "valid_to"], batch_size=2000)
    report.updated += len(to_update)


def _load_crosswalks(data_dir: Path, report: LoadReport) -> None:
    legacy = {(u.level, u.code): u.pk for u in AdminUnit.objects.filter(era=Era.LEGACY).only("pk", "level", "code")}
    current = {(u.level, u.code): u.pk for u in AdminUnit.objects.filter(era=Era.CURRENT).only("pk", "level", "code")}
    wanted: dict[tuple[int, int], bool] = {}
    for level, filename in CROSSWALK_FILES.items():
        for row in _read(data_dir / filename):
            pred = legacy.get((level, row["legacy_code"]))
            succ = current.get((level, row["current_code"]))
            if pred is None or succ is None:
                raise ValueError(f"crosswalk {filename}: unknown unit in {row}")
            wanted[(pred, succ)] = row.get("is_split", "0") == "1"
    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    stale = [s.pk for key, s in existing.items() if key not in wanted]
    UnitSuccession.objects.filter(pk__in=stale).delete()
    to_create, to_update = [], []
    for (pred, succ), is_split in wanted.items():
        row = existing.get((pred, succ))
        if row is None:
            to_create.append(UnitSuccession(predecessor_id=pred, successor_id=succ, is_split=is_split, effective=REFORM_DATE))
        elif row.is_split != is_split:
            row.is_split = is_split
            to_update.append(row)
    UnitSuccession.objects.bulk_create(to_create, batch_size=5000)
    UnitSuccession.objects.bulk_update(to_update, ["is_split"], batch_size=5000)
    report.successions = len(wanted)
