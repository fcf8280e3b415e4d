"""Load the evaluation data committed in ocop/evaluation/data/*.json (formats: criteria/schema.py).

Order: instruments.json, classification-*.json, stars.json, procedures.json, sheet-*.json. Every
file is read and checked first (score sheets against their instrument's part maxima, references
between files); nothing is written unless all are valid, and everything is written in one
transaction. Loading is idempotent: a (code, version) already loaded from the same content (same
sha256, or same JSON) is skipped. A (code, version) loaded with other content is refused
(LoadConflict): raise "version" in the file instead. Called by `manage.py load_criteria` and by the
demo command (`ocop.evaluation.loader.load_criteria()`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.accounts.permissions import can
from ocop.audit.services import log_action
from ocop.lib.jsontext import JsonTextError, load_json_text

from ocop.evaluation import criteria as c
from ocop.evaluation.models import (
    Classification,
    CriteriaSet,
    DataFile,
    Instrument,
    ProcedureRule,
    StarScale,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
KIND_ORDER = {"instruments": 0, "classification": 1, "stars": 2, "procedures": 3, "sheet": 4}


class LoadConflict(c.DefinitionError):
    """A file would change a (code, version) that is already loaded."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)  # "code v1"
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = _("Dữ liệu đánh giá: %(n)s tệp nạp mới") % {"n": len(self.created)}
        if self.created and len(self.created) <= 10:
            text += " (" + ", ".join(self.created) + ")"
        return text + "; " + _("%(n)s tệp không đổi.") % {"n": len(self.unchanged)}


@dataclass
class DataFileRead:
    path: Path
    sha256: str
    data: dict
    parsed: object

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def key(self) -> tuple[str, int]:
        return self.data["code"], self.data["version"]

    @property
    def label(self) -> str:
        return f"{self.data['code']} v{self.data['version']}"


def _read_json(path: Path) -> tuple[bytes, dict]:
    raw = path.read_bytes()
    try:
        return raw, json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise c.DefinitionError(_("Tệp %(f)s: không đọc được JSON (%(e)s).") % {"f": path.name, "e": exc}) from exc


def _instrument_maxima(instruments: dict[str, dict | None], code: str, path: Path) -> dict | None:
    if code not in instruments:
        raise c.DefinitionError(
            _("Tệp %(f)s: văn bản “%(i)s” không có trong danh mục văn bản (instruments.json) hay cơ sở dữ liệu.")
            % {"f": path.name, "i": code}
        )
    return instruments[code]


def _database_context() -> tuple[dict[str, dict | None], set[str]]:
    """Part maxima of the loaded instruments and the loaded classification codes: what a file is
    checked against when the files that define them are not part of the same load."""
    maxima: dict[str, dict | None] = {
        i.code: ({k: Decimal(str(v)) for k, v in i.part_maxima.items()} if i.part_maxima else None)
        for i in Instrument.objects.all()
    }
    return maxima, set(Classification.objects.values_list("code", flat=True))


def _check(path: Path, raw: bytes, data: dict, maxima: dict, known_nodes: set[str]) -> DataFileRead:
    """Check one file's content; record what it defines in `maxima` / `known_nodes` for the files
    after it. DefinitionError names the file."""
    try:
        kind = data["kind"]
        if kind == "sheet":
            parsed = c.parse_sheet(data, _instrument_maxima(maxima, str(data.get("instrument")), path))
            missing = [code for code in parsed.applies_to if code not in known_nodes]
            if missing:
                raise c.DefinitionError(
                    _("mã phân loại %(m)s trong “applies_to” không có trong các tệp phân loại.")
                    % {"m": ", ".join(missing)}
                )
        else:
            parsed = c.parse_any(data)
        if kind == "instruments":
            for inst in parsed.instruments:
                maxima[inst.code] = inst.part_maxima
        elif kind == "classification":
            _instrument_maxima(maxima, parsed.instrument, path)
            known_nodes.update(n.code for n in parsed.nodes)
        elif kind == "stars":
            for scale in parsed.scales:
                _instrument_maxima(maxima, scale.instrument, path)
        elif kind == "procedures":
            for procedure in parsed.procedures:
                _instrument_maxima(maxima, procedure.instrument, path)
    except c.DefinitionError as exc:
        message = str(exc)
        if not message.startswith(_("Tệp %(f)s") % {"f": path.name}):
            message = _("Tệp %(f)s: %(e)s") % {"f": path.name, "e": message}
        raise c.DefinitionError(message) from exc
    return DataFileRead(path=path, sha256=hashlib.sha256(raw).hexdigest(), data=data, parsed=parsed)


def read_files(data_dir: Path = DATA_DIR) -> list[DataFileRead]:
    """Read and check every *.json of `data_dir`, in load order; DefinitionError names the file."""
    raw_files = []
    for path in sorted(Path(data_dir).glob("*.json")):
        raw, data = _read_json(path)
        kind = data.get("kind") if isinstance(data, dict) else None
        if kind not in KIND_ORDER:
            raise c.DefinitionError(
                _("Tệp %(f)s: “kind” phải là một trong %(all)s.") % {"f": path.name, "all": ", ".join(c.KINDS)}
            )
        raw_files.append((path, raw, data))
    raw_files.sort(key=lambda item: (KIND_ORDER[item[2]["kind"]], item[0].name))

    maxima, known_nodes = _database_context()
    result = [_check(path, raw, data, maxima, known_nodes) for path, raw, data in raw_files]
    seen: dict[tuple[str, int], DataFileRead] = {}
    for f in result:
        if f.key in seen:
            raise LoadConflict(
                _("Tệp %(a)s và %(b)s cùng khai báo “%(code)s” phiên bản %(v)s.")
                % {"a": seen[f.key].path.name, "b": f.path.name, "code": f.key[0], "v": f.key[1]}
            )
        seen[f.key] = f
    return result


def load_criteria(data_dir: Path = DATA_DIR, user=None) -> LoadReport:
    """Load every data file of `data_dir` (default: ocop/evaluation/data/). Idempotent. Raises
    DefinitionError (an invalid file, message in Vietnamese naming the file) or LoadConflict."""
    files = read_files(data_dir)
    report = LoadReport()
    with transaction.atomic():
        for f in files:
            code, version = f.key
            existing = DataFile.objects.filter(code=code, version=version).first()
            if existing is not None:
                if existing.sha256 == f.sha256 or existing.definition == f.data:
                    report.unchanged.append(f.label)
                    continue
                raise LoadConflict(
                    _(
                        "“%(code)s” phiên bản %(v)s đã được nạp (nguồn: %(src)s) với nội dung khác tệp %(f)s. "
                        "Không sửa một phiên bản đã nạp: hãy tăng “version” trong tệp (ví dụ %(next)s) "
                        "để tạo phiên bản mới."
                    )
                    % {"code": code, "v": version, "src": existing.source or "?", "f": f.path.name, "next": version + 1}
                )
            record = DataFile.objects.create(
                kind=f.kind,
                code=code,
                version=version,
                definition=f.data,
                sha256=f.sha256,
                source=f.path.name,
                loaded_by=user,
            )
            _APPLY[f.kind](f, record, user)
            report.created.append(f.label)
    return report


ADMIN_SOURCE = "admin"


def _without_version(data) -> dict:
    return {k: v for k, v in data.items() if k != "version"} if isinstance(data, dict) else data


@transaction.atomic
def do_save_version(actor, base: DataFile, text: str, *, reason: str, request=None) -> DataFile:
    """A central administrator edits a loaded data file (score sheet, star scale, procedure,
    classification, instruments) in the browser: the edited JSON is checked exactly as a file in
    the repository is, and saved as the next version of the same code. Loaded versions never
    change, so rounds and certificates keep the version they were judged by."""
    if not can(actor, "evaluation.criteria_edit"):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Ghi lý do sửa đổi (ví dụ số văn bản sửa đổi, đính chính).")
    try:
        data = load_json_text(text)
    except JsonTextError as exc:
        errors["definition"] = str(exc)
        raise ValidationError(errors) from None
    if not isinstance(data, dict):
        errors["definition"] = _("Nội dung phải là một đối tượng JSON ({…}).")
    elif data.get("kind") != base.kind or data.get("code") != base.code:
        errors["definition"] = _(
            "Không đổi “kind” (%(k)s) hay “code” (%(c)s) của tệp: một bộ mới là một tệp mới "
            "trong ocop/evaluation/data/."
        ) % {"k": base.kind, "c": base.code}
    if errors:
        raise ValidationError(errors)
    latest = DataFile.objects.select_for_update().filter(code=base.code).order_by("-version").first()
    if _without_version(data) == _without_version(latest.definition):
        raise ValidationError(
            {"definition": _("Nội dung không khác phiên bản mới nhất (%(v)s).") % {"v": latest.version}}
        )
    data["version"] = latest.version + 1
    raw = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    maxima, known_nodes = _database_context()
    try:
        checked = _check(Path(ADMIN_SOURCE), raw, data, maxima, known_nodes)
    except c.DefinitionError as exc:
        message = str(exc).removeprefix(_("Tệp %(f)s: %(e)s") % {"f": ADMIN_SOURCE, "e": ""})
        raise ValidationError({"definition": message}) from None
    record = DataFile.objects.create(
        kind=checked.kind,
        code=base.code,
        version=data["version"],
        definition=data,
        sha256=checked.sha256,
        source=ADMIN_SOURCE,
        loaded_by=actor,
    )
    _APPLY[checked.kind](checked, record, actor)
    if checked.kind == "instruments":
        _check_loaded_sheets()
    log_action(
        actor,
        "ocop.evaluation.data.versioned",
        record,
        reason=reason,
        request=request,
        before={"code": base.code, "version": latest.version, "edited_from": base.version},
        after={"code": base.code, "version": record.version, "sha256": record.sha256},
    )
    return record


def _check_loaded_sheets() -> None:
    """Instruments are updated in place: every loaded score sheet must still add up to its
    instrument's (possibly changed) part maxima, or the edit is refused (and rolled back)."""
    for criteria_set in CriteriaSet.objects.select_related("instrument"):
        try:
            c.parse_sheet(
                criteria_set.definition,
                {k: Decimal(str(v)) for k, v in criteria_set.instrument.part_maxima.items()}
                if criteria_set.instrument.part_maxima
                else None,
            )
        except c.DefinitionError as exc:
            raise ValidationError(
                {
                    "definition": _("Bộ tiêu chí “%(s)s” phiên bản %(v)s đã nạp sẽ không còn hợp lệ: %(e)s")
                    % {"s": criteria_set.code, "v": criteria_set.version, "e": exc}
                }
            ) from None


# --- writing each kind ----------------------------------------------------------------------------


def _apply_instruments(f: DataFileRead, record: DataFile, user) -> None:
    parsed: c.InstrumentsFile = f.parsed
    by_code = {}
    for inst in parsed.instruments:
        obj, _created = Instrument.objects.update_or_create(
            code=inst.code,
            defaults={
                "number": inst.number,
                "name": inst.name,
                "issued_on": inst.issued_on,
                "valid_from": inst.valid_from,
                "valid_to": inst.valid_to,
                "part_maxima": {k: float(v) if v != v.to_integral() else int(v) for k, v in inst.part_maxima.items()}
                if inst.part_maxima
                else None,
                "source": inst.source,
                "confirmed": inst.confirmed,
                "note": inst.note,
                "data_file": record,
            },
        )
        by_code[inst.code] = obj
    for inst in parsed.instruments:
        obj = by_code[inst.code]
        obj.amends.set([by_code[x] for x in inst.amends])
        obj.replaces.set([by_code[x] for x in inst.replaces])


def _apply_classification(f: DataFileRead, record: DataFile, user) -> None:
    parsed: c.ClassificationDef = f.parsed
    instrument = Instrument.objects.get(code=parsed.instrument)
    objects: dict[str, Classification] = {}
    for node in parsed.nodes:  # parents come before their children
        obj, _created = Classification.objects.update_or_create(
            code=node.code,
            defaults={
                "instrument": instrument,
                "name": node.name,
                "level": node.level,
                "parent": objects.get(node.parent) if node.parent else None,
                "position": node.position,
                "is_leaf": node.is_leaf,
                "ministry": node.ministry,
                "valid_from": parsed.valid_from,
                "valid_to": parsed.valid_to,
                "confirmed": node.confirmed,
                "note": node.note,
            },
        )
        objects[node.code] = obj
    for node in parsed.nodes:
        if node.replaces:
            olds = list(Classification.objects.filter(code__in=node.replaces))
            missing = set(node.replaces) - {o.code for o in olds}
            if missing:
                raise c.DefinitionError(
                    _("Tệp %(f)s: nút “%(n)s” thay cho %(m)s, không có trong các tệp phân loại đã nạp.")
                    % {"f": f.path.name, "n": node.code, "m": ", ".join(sorted(missing))}
                )
            objects[node.code].replaces.set(olds)


def _apply_stars(f: DataFileRead, record: DataFile, user) -> None:
    raw_scales = {raw["code"]: raw for raw in f.data["scales"]}
    for scale in f.parsed.scales:
        StarScale.objects.create(
            instrument=Instrument.objects.get(code=scale.instrument),
            code=scale.code,
            version=f.key[1],
            valid_from=scale.valid_from,
            valid_to=scale.valid_to,
            definition=raw_scales[scale.code],
            data_file=record,
        )


def _apply_procedures(f: DataFileRead, record: DataFile, user) -> None:
    raw_procedures = {raw["code"]: raw for raw in f.data["procedures"]}
    for procedure in f.parsed.procedures:
        ProcedureRule.objects.create(
            instrument=Instrument.objects.get(code=procedure.instrument),
            code=procedure.code,
            version=f.key[1],
            title=procedure.title,
            valid_from=procedure.valid_from,
            valid_to=procedure.valid_to,
            definition=raw_procedures[procedure.code],
            data_file=record,
        )


def _apply_sheet(f: DataFileRead, record: DataFile, user) -> None:
    sheet: c.Sheet = f.parsed
    criteria_set = CriteriaSet.objects.create(
        instrument=Instrument.objects.get(code=sheet.instrument),
        code=sheet.code,
        version=sheet.version,
        title=sheet.title,
        subgroup_codes=list(sheet.applies_to),
        valid_from=sheet.valid_from,
        valid_to=sheet.valid_to,
        definition=f.data,
        sha256=f.sha256,
        source=f.path.name,
        structure_only=sheet.structure_only,
        confirmed=sheet.confirmed,
        created_by=user,
    )
    criteria_set.subgroups.set(Classification.objects.filter(code__in=sheet.applies_to))


_APPLY = {
    "instruments": _apply_instruments,
    "classification": _apply_classification,
    "stars": _apply_stars,
    "procedures": _apply_procedures,
    "sheet": _apply_sheet,
}
