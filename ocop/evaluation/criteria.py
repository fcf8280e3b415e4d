"""OCOP evaluation law as data: the file formats, their checks and the parsed (pure) objects.

Every file in ocop/evaluation/data/ is one JSON object with a "kind", a "code" and a positive integer
"version". `manage.py load_criteria` (ocop/evaluation/loader.py) loads them all; a (code, version)
once loaded is never changed: a file whose content differs from the loaded one under the same
version is refused, and the message says to raise "version". Dates are ISO "YYYY-MM-DD";
"valid_to" is the last day in force (inclusive) or null (still in force). Points are JSON numbers
(integers in every sheet so far; decimals such as 0.5 are accepted) and are handled as Decimal.

Facts that could not be checked against the gazetted text carry "confirmed": false and a "note";
the admin screen shows them as [?]. "confirmed" defaults to true when absent.

kind "instruments" (instruments.json): the legal instruments.
    {"kind": "instruments", "code": "ocop-instruments", "version": 1,
     "instruments": [{"code": "QD1048", "number": "1048/QĐ-TTg", "name": "...",
                      "issued_on": "2019-08-21", "valid_from": "2019-08-21", "valid_to": "2023-02-23",
                      "part_maxima": {"A": 35, "B": 25, "C": 40},     # null: sets no score sheet
                      "amends": [], "replaces": [], "source": "...", "confirmed": true, "note": ""}]}

kind "classification" (classification-qd*.json): the product classification of one instrument, a
tree of nodes; the depth gives the level: 0 sector (ngành / "nhóm sản phẩm" of QĐ 148), 1 group
(nhóm), 2 subgroup (phân nhóm). A node without children is a leaf: one score sheet ("bộ sản phẩm")
per leaf. Codes are "<instrument number>-<dotted position>", e.g. "1048-1.1.1". "replaces" lists
nodes of an earlier classification that this node takes over (the crosswalk a product follows when
it is re-evaluated under a newer instrument).
    {"kind": "classification", "code": "classification-qd1048", "version": 1, "instrument": "QD1048",
     "valid_from": "2019-08-21", "valid_to": "2023-02-23", "source": "...",
     "nodes": [{"code": "1048-1", "name": "Thực phẩm", "children": [
                 {"code": "1048-1.1", "name": "Thực phẩm tươi sống", "children": [
                    {"code": "1048-1.1.1", "name": "Rau, củ, quả, hạt tươi", "replaces": [],
                     "ministry": "", "confirmed": true, "note": ""}]}]}]}

kind "sheet" (sheet-*.json): one score sheet (bộ tiêu chí) of one instrument for one or more leaves.
    {"kind": "sheet", "code": "ocop-148-rau-cu-qua-hat-tuoi", "version": 1, "instrument": "QD148",
     "title": "...", "applies_to": ["148-1.1.1"], "valid_from": "2023-02-24", "valid_to": null,
     "structure_only": false, "source": "...", "note": "",
     "bonus_rule": {"cap_total": 100, "max_bonus": null, "confirmed": false, "note": ""},  # optional
     "parts": [{"code": "A", "title": "Sản phẩm và sức mạnh cộng đồng", "max": 40,
                "groups": [{"code": "1", "title": "Tổ chức sản xuất", "max": 18, "note": "",
                            "criteria": [CRITERION, ...]}, ...]}, ...]}
    CRITERION: {"code": "A.1.1", "label": "a)", "text": "Nguồn gốc sản phẩm", "note": "Yêu cầu: ...",
                "mandatory": false, "bonus": false, "required_for_stars": null, "tags": ["local_origin"],
                "confirmed": true,
                "options": [{"code": "0", "text": "...", "points": 0, "implicit": true},
                            {"code": "1", "text": "...", "points": 1, "required_for_stars": null}, ...]}

  A criterion is a single choice among fixed options; its maximum is its highest option. Checks:
  the sum of the criterion maxima of a part (bonus criteria excluded) equals the part's "max", which
  equals the instrument's "part_maxima" for that part; a group "max", when given, equals the sum of
  its criteria; the parts add up to 100. A "structure_only" sheet lists its parts and maxima only
  (no groups): it is a skeleton for a leaf whose criteria are not transcribed yet, and cannot be
  scored.

  "implicit": true marks a 0-point option that is not printed in the law: the law lists ticks worth
  1 or more and an unticked criterion scores 0; the implicit option makes that answer explicit so
  that every criterion is answered.

  Mandatory criteria (QĐ 148 marks options with ***, **** or *****): "required_for_stars": N on an
  option means that a product ranked N stars or more must reach at least that option (at least its
  points) in this criterion; on the criterion itself it means any option that is not implicit. A
  criterion with requirements must say "mandatory": true; "mandatory": true without any
  "required_for_stars" means required for 3 stars. Failing an N-star requirement caps the rank at
  N-1 stars (so failing a 3-star one caps it at 2 stars).

  Bonus criteria ("bonus": true) are optional, are outside the part maxima, and need the sheet's
  "bonus_rule": member total = base total + bonus points (bonus capped at "max_bonus" when given),
  then capped at "cap_total".

kind "stars" (stars.json): star scales by instrument, with validity.
    {"kind": "stars", "code": "ocop-stars", "version": 1,
     "scales": [{"code": "QD148", "instrument": "QD148", "valid_from": "2023-02-24", "valid_to": null,
                 "bands": [{"stars": 5, "min": 90, "label": "...", "meaning": "...", "confirmed": true}, ...],
                 "certified_min_stars": 3, "mandatory_fail_cap": 2,
                 "rounding": {"places": 2, "mode": "half_up", "confirmed": false, "note": ""},
                 "requirement_aggregation": "majority", "confirmed": false, "note": ""}]}
  A band holds from its "min" (inclusive) to the next band's min (exclusive); the lowest band starts
  at 0. Periods of the scales must not overlap. "requirement_aggregation" says when a mandatory
  requirement counts as failed for the product: "majority" (more than half of the non-recused
  members' sheets fail it), "any" or "all".

kind "procedures" (procedures.json): who evaluates and decides, by period.
    {"kind": "procedures", "code": "ocop-procedures", "version": 1,
     "procedures": [{"code": "QD148", "instrument": "QD148", "title": "...",
                     "valid_from": "2023-02-24", "valid_to": "2025-07-05",
                     "levels": [{"level": "district", "holds_round": true, "certifies": [3],
                                 "authority": "UBND cấp huyện",
                                 "forwards": {"min": 70, "max": 100, "to": "province", "confirmed": true},
                                 "preassessment": null, "abolished": false, "role": "...",
                                 "confirmed": true, "note": ""}, ...],
                     "certificate": {"validity_months": 36, "expiry_notice_days": 30, "confirmed": true}}]}
  Levels: commune, district, province, central. A level that certifies must hold rounds; a star is
  certified by at most one level; "forwards.to" names a level that holds rounds; "preassessment"
  ({"tags": [...], "note": ""}) is a pre-assessment of the criteria carrying those tags (QĐ 1489's
  commune report). Periods must not overlap.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable

from django.utils.translation import gettext as _

KINDS = ("instruments", "classification", "sheet", "stars", "procedures")
LEVELS = ("commune", "district", "province", "central")
NODE_LEVELS = ("sector", "group", "subgroup")
TAGS = ("local_origin", "local_labour", "idea_origin", "local_identity", "women_ethnic_minority")
STAR_LEVELS = (1, 2, 3, 4, 5)
ROUNDING_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
AGGREGATIONS = ("majority", "any", "all")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")
TOTAL_MAX = Decimal(100)


def level_label(level: str) -> str:
    return {
        "commune": _("cấp xã"),
        "district": _("cấp huyện"),
        "province": _("cấp tỉnh"),
        "central": _("cấp trung ương"),
    }.get(level, level)


class DefinitionError(ValueError):
    """A data file that cannot be used; the message says where and what (in Vietnamese)."""


# --- parsed objects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InstrumentDef:
    code: str
    number: str
    name: str
    issued_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    part_maxima: dict | None = None  # {"A": Decimal(35), ...}
    amends: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    source: str = ""
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class InstrumentsFile:
    code: str
    version: int
    instruments: tuple[InstrumentDef, ...]

    def get(self, code: str) -> InstrumentDef | None:
        return next((i for i in self.instruments if i.code == code), None)


@dataclass(frozen=True)
class NodeDef:
    code: str
    name: str
    level: str
    parent: str | None
    position: int
    replaces: tuple[str, ...] = ()
    ministry: str = ""
    confirmed: bool = True
    note: str = ""
    is_leaf: bool = True


@dataclass(frozen=True)
class ClassificationDef:
    code: str
    version: int
    instrument: str
    valid_from: dt.date
    valid_to: dt.date | None
    nodes: tuple[NodeDef, ...]
    source: str = ""

    def node(self, code: str) -> NodeDef | None:
        return next((n for n in self.nodes if n.code == code), None)

    @property
    def leaves(self) -> list[NodeDef]:
        return [n for n in self.nodes if n.is_leaf]

    def at_level(self, level: str) -> list[NodeDef]:
        return [n for n in self.nodes if n.level == level]


@dataclass(frozen=True)
class Option:
    code: str
    text: str
    points: Decimal
    implicit: bool = False
    required_for_stars: int | None = None
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    part: str
    group: str
    group_title: str
    options: tuple[Option, ...]
    label: str = ""
    note: str = ""
    mandatory: bool = False
    bonus: bool = False
    required_for_stars: int | None = None
    tags: tuple[str, ...] = ()
    confirmed: bool = True

    @property
    def max_points(self) -> Decimal:
        return max(o.points for o in self.options)

    @property
    def min_points(self) -> Decimal:
        return min(o.points for o in self.options)

    @property
    def requirements(self) -> dict[int, Decimal]:
        """{stars: minimum points this criterion must reach for a product of that many stars}."""
        result: dict[int, Decimal] = {}
        for o in self.options:
            if o.required_for_stars:
                s = o.required_for_stars
                result[s] = min(result.get(s, o.points), o.points)
        level = self.required_for_stars or (3 if self.mandatory and not result else None)
        if level:
            explicit = [o.points for o in self.options if not o.implicit] or [self.max_points]
            result[level] = min(result.get(level, min(explicit)), min(explicit))
        return result

    def option(self, choice: Any) -> Option | None:
        """The option a stored choice designates: an int is a position in `options` (0-based), a str
        an option code. None when it designates nothing."""
        if isinstance(choice, bool):
            return None
        if isinstance(choice, int):
            return self.options[choice] if 0 <= choice < len(self.options) else None
        if isinstance(choice, str):
            return next((o for o in self.options if o.code == choice), None)
        return None

    @property
    def title(self) -> str:
        return f"{self.code} – {self.text}"


@dataclass(frozen=True)
class Group:
    code: str
    title: str
    criteria: tuple[Criterion, ...]
    max: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class Part:
    code: str
    title: str
    max: Decimal
    groups: tuple[Group, ...] = ()

    @property
    def criteria(self) -> list[Criterion]:
        return [c for g in self.groups for c in g.criteria]


@dataclass(frozen=True)
class BonusRule:
    cap_total: Decimal | None = TOTAL_MAX
    max_bonus: Decimal | None = None
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class Sheet:
    code: str
    version: int
    instrument: str
    title: str
    applies_to: tuple[str, ...]
    valid_from: dt.date
    valid_to: dt.date | None
    parts: tuple[Part, ...]
    structure_only: bool = False
    bonus_rule: BonusRule | None = None
    source: str = ""
    note: str = ""
    by_code: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def criteria(self) -> list[Criterion]:
        return [c for p in self.parts for c in p.criteria]

    def criterion(self, code: str) -> Criterion | None:
        return self.by_code.get(code)

    def part(self, code: str) -> Part | None:
        return next((p for p in self.parts if p.code == code), None)

    @property
    def total_max(self) -> Decimal:
        return sum((p.max for p in self.parts), Decimal(0))

    @property
    def confirmed(self) -> bool:
        """True when every criterion and option is confirmed (a skeleton is never "confirmed")."""
        if self.structure_only:
            return False
        return all(c.confirmed and all(o.confirmed for o in c.options) for c in self.criteria)

    @property
    def mandatory_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.mandatory]

    def tagged(self, tag: str) -> list[Criterion]:
        return [c for c in self.criteria if tag in c.tags]

    def in_force(self, day: dt.date) -> bool:
        return in_period(day, self.valid_from, self.valid_to)


@dataclass(frozen=True)
class Band:
    stars: int
    min: Decimal
    label: str = ""
    meaning: str = ""
    confirmed: bool = True


@dataclass(frozen=True)
class Scale:
    code: str
    instrument: str
    valid_from: dt.date
    valid_to: dt.date | None
    bands: tuple[Band, ...]  # highest first
    certified_min_stars: int = 3
    mandatory_fail_cap: int = 2
    rounding_places: int = 2
    rounding_mode: str = "half_up"
    rounding_confirmed: bool = True
    requirement_aggregation: str = "majority"
    confirmed: bool = True
    note: str = ""
    source: str = ""

    def band(self, stars: int) -> Band | None:
        return next((b for b in self.bands if b.stars == stars), None)

    def in_force(self, day: dt.date) -> bool:
        return in_period(day, self.valid_from, self.valid_to)


@dataclass(frozen=True)
class StarsFile:
    code: str
    version: int
    scales: tuple[Scale, ...]


@dataclass(frozen=True)
class Forwarding:
    min: Decimal
    to: str
    max: Decimal | None = None
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class LevelRule:
    level: str
    holds_round: bool
    certifies: tuple[int, ...] = ()
    authority: str = ""
    forwards: Forwarding | None = None
    preassessment_tags: tuple[str, ...] = ()
    preassessment_note: str = ""
    abolished: bool = False
    role: str = ""
    confirmed: bool = True
    note: str = ""

    @property
    def preassesses(self) -> bool:
        return bool(self.preassessment_tags)


@dataclass(frozen=True)
class CertificateRule:
    validity_months: int
    expiry_notice_days: int
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class Procedure:
    code: str
    instrument: str
    title: str
    valid_from: dt.date
    valid_to: dt.date | None
    levels: tuple[LevelRule, ...]
    certificate: CertificateRule
    confirmed: bool = True
    note: str = ""

    def level(self, level: str) -> LevelRule | None:
        return next((r for r in self.levels if r.level == level), None)

    def in_force(self, day: dt.date) -> bool:
        return in_period(day, self.valid_from, self.valid_to)


@dataclass(frozen=True)
class ProceduresFile:
    code: str
    version: int
    procedures: tuple[Procedure, ...]


# --- helpers -----------------------------------------------------------------------------------


def in_period(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def in_force(items: Iterable, day: dt.date):
    """The one item (with valid_from/valid_to) in force on `day`, or None."""
    return next((i for i in items if in_period(day, i.valid_from, i.valid_to)), None)


def fmt_points(value) -> str:
    """12 / 12,5 — points as people read them."""
    value = Decimal(value)
    if value == value.to_integral():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


def _require(data: dict, keys: Iterable[str], where: str) -> None:
    for key in keys:
        if key not in data:
            raise DefinitionError(_("%(where)s: thiếu khóa “%(key)s”.") % {"where": where, "key": key})


def _date(raw, where: str, required: bool = False) -> dt.date | None:
    if raw in (None, ""):
        if required:
            raise DefinitionError(_("%(where)s: thiếu ngày.") % {"where": where})
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise DefinitionError(
            _("%(where)s: ngày “%(v)s” phải có dạng YYYY-MM-DD.") % {"where": where, "v": raw}
        ) from exc


def _period(data: dict, where: str) -> tuple[dt.date, dt.date | None]:
    start = _date(data.get("valid_from"), where + " (valid_from)", required=True)
    end = _date(data.get("valid_to"), where + " (valid_to)")
    if end is not None and end < start:
        raise DefinitionError(
            _("%(where)s: “valid_to” (%(e)s) trước “valid_from” (%(s)s).")
            % {"where": where, "e": end.isoformat(), "s": start.isoformat()}
        )
    return start, end


def _number(raw, where: str, allow_none: bool = False) -> Decimal | None:
    if raw is None and allow_none:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise DefinitionError(_("%(where)s: “%(v)s” không phải là số.") % {"where": where, "v": raw})
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise DefinitionError(_("%(where)s: “%(v)s” không phải là số.") % {"where": where, "v": raw}) from exc
    if not value.is_finite() or value < 0:
        raise DefinitionError(_("%(where)s: số phải không âm (%(v)s).") % {"where": where, "v": raw})
    return value


def _int(raw, where: str, choices: Iterable[int] | None = None, allow_none: bool = False) -> int | None:
    if raw is None and allow_none:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise DefinitionError(_("%(where)s: “%(v)s” phải là số nguyên.") % {"where": where, "v": raw})
    if choices is not None and raw not in choices:
        raise DefinitionError(
            _("%(where)s: %(v)s không hợp lệ (chỉ nhận %(c)s).")
            % {"where": where, "v": raw, "c": ", ".join(str(c) for c in choices)}
        )
    return raw


def _code(raw, where: str) -> str:
    if not isinstance(raw, str) or not CODE_RE.match(raw):
        raise DefinitionError(
            _("%(where)s: mã “%(v)s” chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới.")
            % {"where": where, "v": raw}
        )
    return raw


def _text(raw, where: str, key: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise DefinitionError(_("%(where)s: “%(key)s” phải là chuỗi không rỗng.") % {"where": where, "key": key})
    return raw.strip()


def _bool(data: dict, key: str, where: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise DefinitionError(_("%(where)s: “%(key)s” phải là true hoặc false.") % {"where": where, "key": key})
    return value


def _list(data: dict, key: str, where: str, required: bool = True) -> list:
    value = data.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise DefinitionError(_("%(where)s: “%(key)s” phải là danh sách không rỗng.") % {"where": where, "key": key})
    return value


def _header(data: Any, kind: str) -> tuple[str, int]:
    if not isinstance(data, dict):
        raise DefinitionError(_("Tệp dữ liệu phải là một đối tượng JSON."))
    _require(data, ("kind", "code", "version"), _("Tệp dữ liệu"))
    if data["kind"] != kind:
        raise DefinitionError(
            _("“kind” là “%(k)s”, cần “%(want)s”.") % {"k": data["kind"], "want": kind}
        )
    code = _code(data["code"], "code")
    if isinstance(data["version"], bool) or not isinstance(data["version"], int) or data["version"] < 1:
        raise DefinitionError(_("“version” phải là số nguyên dương."))
    return code, data["version"]


def _check_no_overlap(items: list, where: str) -> None:
    ordered = sorted(items, key=lambda i: i.valid_from)
    for a, b in zip(ordered, ordered[1:]):
        if a.valid_to is None or a.valid_to >= b.valid_from:
            raise DefinitionError(
                _("%(where)s: thời gian áp dụng của “%(a)s” và “%(b)s” chồng lên nhau.")
                % {"where": where, "a": a.code, "b": b.code}
            )


# --- instruments -------------------------------------------------------------------------------


def parse_instruments(data: Any) -> InstrumentsFile:
    code, version = _header(data, "instruments")
    result = []
    seen = set()
    for i, raw in enumerate(_list(data, "instruments", "instruments"), start=1):
        where = _("Văn bản thứ %(i)s") % {"i": i}
        if not isinstance(raw, dict):
            raise DefinitionError(where + _(": phải là đối tượng."))
        _require(raw, ("code", "number", "name", "issued_on", "valid_from"), where)
        icode = _code(raw["code"], where)
        where = _("Văn bản “%(c)s”") % {"c": icode}
        if icode in seen:
            raise DefinitionError(where + _(": mã bị trùng."))
        seen.add(icode)
        start, end = _period(raw, where)
        maxima = raw.get("part_maxima")
        parsed_maxima = None
        if maxima is not None:
            if not isinstance(maxima, dict) or not maxima:
                raise DefinitionError(where + _(": “part_maxima” phải là đối tượng {phần: điểm}."))
            parsed_maxima = {str(k): _number(v, where + f" (part_maxima.{k})") for k, v in maxima.items()}
            total = sum(parsed_maxima.values(), Decimal(0))
            if total != TOTAL_MAX:
                raise DefinitionError(
                    where + _(": tổng điểm tối đa các phần là %(t)s, phải là 100.") % {"t": fmt_points(total)}
                )
        result.append(
            InstrumentDef(
                code=icode,
                number=_text(raw["number"], where, "number"),
                name=_text(raw["name"], where, "name"),
                issued_on=_date(raw["issued_on"], where + " (issued_on)", required=True),
                valid_from=start,
                valid_to=end,
                part_maxima=parsed_maxima,
                amends=tuple(str(x) for x in raw.get("amends") or ()),
                replaces=tuple(str(x) for x in raw.get("replaces") or ()),
                source=str(raw.get("source", "")),
                confirmed=_bool(raw, "confirmed", where, True),
                note=str(raw.get("note", "")),
            )
        )
    for inst in result:
        for ref in (*inst.amends, *inst.replaces):
            if ref not in seen:
                raise DefinitionError(
                    _("Văn bản “%(c)s”: tham chiếu văn bản “%(r)s” không có trong tệp.") % {"c": inst.code, "r": ref}
                )
    return InstrumentsFile(code=code, version=version, instruments=tuple(result))


# --- classification ----------------------------------------------------------------------------


def parse_classification(data: Any) -> ClassificationDef:
    code, version = _header(data, "classification")
    _require(data, ("instrument", "valid_from", "nodes"), code)
    start, end = _period(data, code)
    nodes: list[NodeDef] = []
    seen: set[str] = set()

    def walk(raw_nodes: list, parent: str | None, depth: int) -> None:
        for position, raw in enumerate(raw_nodes, start=1):
            where = _("Nút phân loại thứ %(i)s dưới “%(p)s”") % {"i": position, "p": parent or code}
            if not isinstance(raw, dict):
                raise DefinitionError(where + _(": phải là đối tượng."))
            _require(raw, ("code", "name"), where)
            ncode = _code(raw["code"], where)
            where = _("Nút phân loại “%(c)s”") % {"c": ncode}
            if ncode in seen:
                raise DefinitionError(where + _(": mã bị trùng."))
            seen.add(ncode)
            if depth >= len(NODE_LEVELS):
                raise DefinitionError(where + _(": phân loại có tối đa 3 cấp (ngành, nhóm, phân nhóm)."))
            children = raw.get("children") or []
            if not isinstance(children, list):
                raise DefinitionError(where + _(": “children” phải là danh sách."))
            nodes.append(
                NodeDef(
                    code=ncode,
                    name=_text(raw["name"], where, "name"),
                    level=NODE_LEVELS[depth],
                    parent=parent,
                    position=position,
                    replaces=tuple(str(x) for x in raw.get("replaces") or ()),
                    ministry=str(raw.get("ministry", "")),
                    confirmed=_bool(raw, "confirmed", where, True),
                    note=str(raw.get("note", "")),
                    is_leaf=not children,
                )
            )
            walk(children, ncode, depth + 1)

    walk(_list(data, "nodes", code), None, 0)
    return ClassificationDef(
        code=code,
        version=version,
        instrument=_code(data["instrument"], code),
        valid_from=start,
        valid_to=end,
        nodes=tuple(nodes),
        source=str(data.get("source", "")),
    )


# --- score sheets ------------------------------------------------------------------------------


def _parse_option(raw: Any, where: str) -> Option:
    if not isinstance(raw, dict):
        raise DefinitionError(where + _(": phải là đối tượng."))
    _require(raw, ("code", "text", "points"), where)
    implicit = _bool(raw, "implicit", where, False)
    points = _number(raw["points"], where + " (points)")
    if implicit and points != 0:
        raise DefinitionError(where + _(": lựa chọn ngầm định (implicit) phải là 0 điểm."))
    required = _int(raw.get("required_for_stars"), where + " (required_for_stars)", (3, 4, 5), allow_none=True)
    if implicit and required:
        raise DefinitionError(where + _(": lựa chọn ngầm định không thể là mức bắt buộc."))
    return Option(
        code=str(raw["code"]),
        text=_text(raw["text"], where, "text"),
        points=points,
        implicit=implicit,
        required_for_stars=required,
        confirmed=_bool(raw, "confirmed", where, True),
        note=str(raw.get("note", "")),
    )


def _parse_criterion(raw: Any, part: str, group: str, group_title: str, where: str) -> Criterion:
    if not isinstance(raw, dict):
        raise DefinitionError(where + _(": phải là đối tượng."))
    _require(raw, ("code", "text", "options"), where)
    ccode = _code(raw["code"], where)
    where = _("Tiêu chí “%(c)s”") % {"c": ccode}
    options = []
    seen = set()
    for i, raw_option in enumerate(_list(raw, "options", where), start=1):
        option = _parse_option(raw_option, where + _(", lựa chọn thứ %(i)s") % {"i": i})
        if option.code in seen:
            raise DefinitionError(where + _(": mã lựa chọn “%(o)s” bị trùng.") % {"o": option.code})
        seen.add(option.code)
        options.append(option)
    tags = tuple(raw.get("tags") or ())
    for tag in tags:
        if tag not in TAGS:
            raise DefinitionError(
                where + _(": nhãn “%(t)s” không hợp lệ (%(all)s).") % {"t": tag, "all": ", ".join(TAGS)}
            )
    mandatory = _bool(raw, "mandatory", where, False)
    bonus = _bool(raw, "bonus", where, False)
    required = _int(raw.get("required_for_stars"), where + " (required_for_stars)", (3, 4, 5), allow_none=True)
    has_requirement = bool(required) or any(o.required_for_stars for o in options)
    if has_requirement and not mandatory:
        raise DefinitionError(where + _(": có mức bắt buộc cho hạng sao nhưng thiếu “mandatory”: true."))
    if bonus and mandatory:
        raise DefinitionError(where + _(": tiêu chí cộng điểm (bonus) không thể là tiêu chí bắt buộc."))
    if (required or (mandatory and not has_requirement)) and all(o.implicit for o in options):
        raise DefinitionError(where + _(": tiêu chí bắt buộc cần ít nhất một lựa chọn không ngầm định."))
    return Criterion(
        code=ccode,
        text=_text(raw["text"], where, "text"),
        part=part,
        group=group,
        group_title=group_title,
        options=tuple(options),
        label=str(raw.get("label", "")),
        note=str(raw.get("note", "")),
        mandatory=mandatory,
        bonus=bonus,
        required_for_stars=required,
        tags=tags,
        confirmed=_bool(raw, "confirmed", where, True),
    )


def parse_sheet(data: Any, part_maxima: dict | None = None) -> Sheet:
    """Check a score sheet and turn it into a Sheet; raise DefinitionError naming the problem.

    `part_maxima` ({"A": 40, ...}, from the instrument) makes the part maxima checked against the law.
    """
    code, version = _header(data, "sheet")
    _require(data, ("instrument", "title", "applies_to", "valid_from", "parts"), code)
    start, end = _period(data, code)
    structure_only = _bool(data, "structure_only", code, False)
    applies_to = _list(data, "applies_to", code)
    for item in applies_to:
        _code(item, code + " (applies_to)")
    instrument = _code(data["instrument"], code + " (instrument)")
    bonus_rule = None
    if data.get("bonus_rule") is not None:
        raw_rule = data["bonus_rule"]
        if not isinstance(raw_rule, dict):
            raise DefinitionError(_("“bonus_rule” phải là đối tượng."))
        bonus_rule = BonusRule(
            cap_total=_number(raw_rule.get("cap_total", 100), "bonus_rule.cap_total", allow_none=True),
            max_bonus=_number(raw_rule.get("max_bonus"), "bonus_rule.max_bonus", allow_none=True),
            confirmed=_bool(raw_rule, "confirmed", "bonus_rule", True),
            note=str(raw_rule.get("note", "")),
        )

    parts: list[Part] = []
    by_code: dict[str, Criterion] = {}
    for p_index, raw_part in enumerate(_list(data, "parts", code), start=1):
        where = _("Phần thứ %(i)s") % {"i": p_index}
        if not isinstance(raw_part, dict):
            raise DefinitionError(where + _(": phải là đối tượng."))
        _require(raw_part, ("code", "title", "max"), where)
        pcode = _code(raw_part["code"], where)
        where = _("Phần %(p)s") % {"p": pcode}
        if any(p.code == pcode for p in parts):
            raise DefinitionError(where + _(": mã phần bị trùng."))
        pmax = _number(raw_part["max"], where + " (max)")
        if part_maxima is not None:
            law_max = part_maxima.get(pcode)
            if law_max is None:
                raise DefinitionError(
                    where + _(": văn bản %(inst)s không có phần này (các phần: %(all)s).")
                    % {"inst": instrument, "all": ", ".join(part_maxima)}
                )
            if pmax != law_max:
                raise DefinitionError(
                    where + _(": bộ tiêu chí khai báo điểm tối đa %(s)s, văn bản %(inst)s quy định %(l)s.")
                    % {"s": fmt_points(pmax), "inst": instrument, "l": fmt_points(law_max)}
                )
        groups: list[Group] = []
        raw_groups = raw_part.get("groups") or []
        if structure_only and raw_groups:
            raise DefinitionError(where + _(": bộ tiêu chí chỉ có khung (structure_only) không được có nhóm tiêu chí."))
        if not structure_only and not raw_groups:
            raise DefinitionError(where + _(": cần danh sách nhóm tiêu chí “groups”."))
        for g_index, raw_group in enumerate(raw_groups, start=1):
            gwhere = where + _(", nhóm thứ %(i)s") % {"i": g_index}
            if not isinstance(raw_group, dict):
                raise DefinitionError(gwhere + _(": phải là đối tượng."))
            _require(raw_group, ("code", "title", "criteria"), gwhere)
            gcode = str(raw_group["code"])
            gtitle = _text(raw_group["title"], gwhere, "title")
            gwhere = where + _(", nhóm %(g)s (%(t)s)") % {"g": gcode, "t": gtitle}
            criteria = []
            for c_index, raw_criterion in enumerate(_list(raw_group, "criteria", gwhere), start=1):
                criterion = _parse_criterion(
                    raw_criterion, pcode, gcode, gtitle, gwhere + _(", tiêu chí thứ %(i)s") % {"i": c_index}
                )
                if criterion.code in by_code:
                    raise DefinitionError(_("Tiêu chí “%(c)s”: mã bị trùng.") % {"c": criterion.code})
                if criterion.bonus and bonus_rule is None:
                    raise DefinitionError(
                        _("Tiêu chí “%(c)s” là tiêu chí cộng điểm nhưng bộ tiêu chí thiếu “bonus_rule”.")
                        % {"c": criterion.code}
                    )
                by_code[criterion.code] = criterion
                criteria.append(criterion)
            gmax = _number(raw_group.get("max"), gwhere + " (max)", allow_none=True)
            gsum = sum((c.max_points for c in criteria if not c.bonus), Decimal(0))
            if gmax is not None and gmax != gsum:
                raise DefinitionError(
                    gwhere + _(": tổng điểm tối đa của các tiêu chí là %(s)s, khác điểm tối đa của nhóm (%(m)s).")
                    % {"s": fmt_points(gsum), "m": fmt_points(gmax)}
                )
            groups.append(Group(code=gcode, title=gtitle, criteria=tuple(criteria), max=gmax,
                                note=str(raw_group.get("note", ""))))
        part = Part(code=pcode, title=_text(raw_part["title"], where, "title"), max=pmax, groups=tuple(groups))
        if not structure_only:
            psum = sum((c.max_points for c in part.criteria if not c.bonus), Decimal(0))
            if psum != pmax:
                raise DefinitionError(
                    where + _(": tổng điểm tối đa của các tiêu chí là %(s)s, khác điểm tối đa của phần (%(m)s).")
                    % {"s": fmt_points(psum), "m": fmt_points(pmax)}
                )
        parts.append(part)

    if part_maxima is not None:
        missing = [p for p in part_maxima if not any(x.code == p for x in parts)]
        if missing:
            raise DefinitionError(
                _("Bộ tiêu chí thiếu phần %(p)s của văn bản %(inst)s.") % {"p": ", ".join(missing), "inst": instrument}
            )
    total = sum((p.max for p in parts), Decimal(0))
    if total != TOTAL_MAX:
        raise DefinitionError(_("Tổng điểm tối đa các phần là %(t)s, phải là 100.") % {"t": fmt_points(total)})
    return Sheet(
        code=code,
        version=version,
        instrument=instrument,
        title=_text(data["title"], code, "title"),
        applies_to=tuple(applies_to),
        valid_from=start,
        valid_to=end,
        parts=tuple(parts),
        structure_only=structure_only,
        bonus_rule=bonus_rule,
        source=str(data.get("source", "")),
        note=str(data.get("note", "")),
        by_code=by_code,
    )


# --- star scales -------------------------------------------------------------------------------


def parse_scale(raw: Any, where: str) -> Scale:
    if not isinstance(raw, dict):
        raise DefinitionError(where + _(": phải là đối tượng."))
    _require(raw, ("code", "instrument", "valid_from", "bands"), where)
    scode = _code(raw["code"], where)
    where = _("Thang sao “%(c)s”") % {"c": scode}
    start, end = _period(raw, where)
    bands = []
    for i, raw_band in enumerate(_list(raw, "bands", where), start=1):
        bwhere = where + _(", hạng thứ %(i)s") % {"i": i}
        if not isinstance(raw_band, dict):
            raise DefinitionError(bwhere + _(": phải là đối tượng."))
        _require(raw_band, ("stars", "min"), bwhere)
        bands.append(
            Band(
                stars=_int(raw_band["stars"], bwhere + " (stars)", STAR_LEVELS),
                min=_number(raw_band["min"], bwhere + " (min)"),
                label=str(raw_band.get("label", "")),
                meaning=str(raw_band.get("meaning", "")),
                confirmed=_bool(raw_band, "confirmed", bwhere, True),
            )
        )
    bands.sort(key=lambda b: b.stars, reverse=True)
    if len({b.stars for b in bands}) != len(bands):
        raise DefinitionError(where + _(": một hạng sao được khai báo hai lần."))
    for higher, lower in zip(bands, bands[1:]):
        if higher.min <= lower.min:
            raise DefinitionError(
                where + _(": điểm sàn của hạng %(a)s sao (%(am)s) phải lớn hơn của hạng %(b)s sao (%(bm)s).")
                % {"a": higher.stars, "am": fmt_points(higher.min), "b": lower.stars, "bm": fmt_points(lower.min)}
            )
    if bands[-1].min != 0:
        raise DefinitionError(where + _(": hạng thấp nhất phải bắt đầu từ 0 điểm."))
    rounding = raw.get("rounding") or {}
    if not isinstance(rounding, dict):
        raise DefinitionError(where + _(": “rounding” phải là đối tượng."))
    mode = rounding.get("mode", "half_up")
    if mode not in ROUNDING_MODES:
        raise DefinitionError(
            where + _(": cách làm tròn “%(m)s” không hợp lệ (%(all)s).") % {"m": mode, "all": ", ".join(ROUNDING_MODES)}
        )
    aggregation = raw.get("requirement_aggregation", "majority")
    if aggregation not in AGGREGATIONS:
        raise DefinitionError(
            where + _(": “requirement_aggregation” phải là một trong %(all)s.") % {"all": ", ".join(AGGREGATIONS)}
        )
    return Scale(
        code=scode,
        instrument=_code(raw["instrument"], where),
        valid_from=start,
        valid_to=end,
        bands=tuple(bands),
        certified_min_stars=_int(raw.get("certified_min_stars", 3), where + " (certified_min_stars)", STAR_LEVELS),
        mandatory_fail_cap=_int(raw.get("mandatory_fail_cap", 2), where + " (mandatory_fail_cap)", STAR_LEVELS),
        rounding_places=_int(rounding.get("places", 2), where + " (rounding.places)", range(0, 5)),
        rounding_mode=mode,
        rounding_confirmed=_bool(rounding, "confirmed", where + " (rounding)", True),
        requirement_aggregation=aggregation,
        confirmed=_bool(raw, "confirmed", where, True),
        note=str(raw.get("note", "")),
        source=str(raw.get("source", "")),
    )


def parse_stars(data: Any) -> StarsFile:
    code, version = _header(data, "stars")
    scales = [parse_scale(raw, _("Thang sao thứ %(i)s") % {"i": i})
              for i, raw in enumerate(_list(data, "scales", code), start=1)]
    if len({s.code for s in scales}) != len(scales):
        raise DefinitionError(_("Hai thang sao trùng mã."))
    _check_no_overlap(scales, code)
    return StarsFile(code=code, version=version, scales=tuple(scales))


# --- procedures --------------------------------------------------------------------------------


def _parse_level(raw: Any, where: str) -> LevelRule:
    if not isinstance(raw, dict):
        raise DefinitionError(where + _(": phải là đối tượng."))
    _require(raw, ("level",), where)
    level = raw["level"]
    if level not in LEVELS:
        raise DefinitionError(
            where + _(": cấp “%(l)s” không hợp lệ (%(all)s).") % {"l": level, "all": ", ".join(LEVELS)}
        )
    where = _("Cấp %(l)s") % {"l": level_label(level)}
    holds_round = _bool(raw, "holds_round", where, False)
    certifies = tuple(_int(s, where + " (certifies)", STAR_LEVELS) for s in raw.get("certifies") or ())
    if certifies and not holds_round:
        raise DefinitionError(where + _(": cấp không tổ chức đánh giá thì không thể công nhận hạng sao."))
    forwards = None
    if raw.get("forwards") is not None:
        f = raw["forwards"]
        if not isinstance(f, dict):
            raise DefinitionError(where + _(": “forwards” phải là đối tượng."))
        _require(f, ("min", "to"), where + " (forwards)")
        if f["to"] not in LEVELS:
            raise DefinitionError(where + _(": “forwards.to” phải là một cấp (%(all)s).") % {"all": ", ".join(LEVELS)})
        forwards = Forwarding(
            min=_number(f["min"], where + " (forwards.min)"),
            max=_number(f.get("max"), where + " (forwards.max)", allow_none=True),
            to=f["to"],
            confirmed=_bool(f, "confirmed", where + " (forwards)", True),
            note=str(f.get("note", "")),
        )
        if not holds_round:
            raise DefinitionError(where + _(": cấp không tổ chức đánh giá thì không thể chuyển hồ sơ theo điểm."))
    tags: tuple[str, ...] = ()
    pnote = ""
    if raw.get("preassessment") is not None:
        p = raw["preassessment"]
        if not isinstance(p, dict):
            raise DefinitionError(where + _(": “preassessment” phải là đối tượng."))
        tags = tuple(p.get("tags") or ())
        if not tags or any(t not in TAGS for t in tags):
            raise DefinitionError(
                where + _(": “preassessment.tags” phải là danh sách nhãn trong %(all)s.") % {"all": ", ".join(TAGS)}
            )
        pnote = str(p.get("note", ""))
    abolished = _bool(raw, "abolished", where, False)
    if abolished and (holds_round or tags):
        raise DefinitionError(where + _(": cấp đã bãi bỏ thì không tổ chức đánh giá."))
    return LevelRule(
        level=level,
        holds_round=holds_round,
        certifies=certifies,
        authority=str(raw.get("authority", "")),
        forwards=forwards,
        preassessment_tags=tags,
        preassessment_note=pnote,
        abolished=abolished,
        role=str(raw.get("role", "")),
        confirmed=_bool(raw, "confirmed", where, True),
        note=str(raw.get("note", "")),
    )


def parse_procedure(raw: Any, where: str) -> Procedure:
    if not isinstance(raw, dict):
        raise DefinitionError(where + _(": phải là đối tượng."))
    _require(raw, ("code", "instrument", "title", "valid_from", "levels", "certificate"), where)
    pcode = _code(raw["code"], where)
    where = _("Quy trình “%(c)s”") % {"c": pcode}
    start, end = _period(raw, where)
    levels: list[LevelRule] = []
    for i, raw_level in enumerate(_list(raw, "levels", where), start=1):
        rule = _parse_level(raw_level, where + _(", cấp thứ %(i)s") % {"i": i})
        if any(r.level == rule.level for r in levels):
            raise DefinitionError(where + _(": %(l)s khai báo hai lần.") % {"l": level_label(rule.level)})
        levels.append(rule)
    by_level = {r.level: r for r in levels}
    certified: dict[int, str] = {}
    for rule in levels:
        for s in rule.certifies:
            if s in certified:
                raise DefinitionError(
                    where + _(": hạng %(s)s sao được công nhận ở cả %(a)s và %(b)s.")
                    % {"s": s, "a": level_label(certified[s]), "b": level_label(rule.level)}
                )
            certified[s] = rule.level
        if rule.forwards:
            target = by_level.get(rule.forwards.to)
            if target is None or not target.holds_round:
                raise DefinitionError(
                    where + _(": %(l)s chuyển hồ sơ lên %(t)s, nhưng %(t)s không tổ chức đánh giá.")
                    % {"l": level_label(rule.level), "t": level_label(rule.forwards.to)}
                )
    c = raw["certificate"]
    if not isinstance(c, dict):
        raise DefinitionError(where + _(": “certificate” phải là đối tượng."))
    _require(c, ("validity_months", "expiry_notice_days"), where + " (certificate)")
    certificate = CertificateRule(
        validity_months=_int(c["validity_months"], where + " (certificate.validity_months)"),
        expiry_notice_days=_int(c["expiry_notice_days"], where + " (certificate.expiry_notice_days)"),
        confirmed=_bool(c, "confirmed", where + " (certificate)", True),
        note=str(c.get("note", "")),
    )
    return Procedure(
        code=pcode,
        instrument=_code(raw["instrument"], where),
        title=_text(raw["title"], where, "title"),
        valid_from=start,
        valid_to=end,
        levels=tuple(levels),
        certificate=certificate,
        confirmed=_bool(raw, "confirmed", where, True),
        note=str(raw.get("note", "")),
    )


def parse_procedures(data: Any) -> ProceduresFile:
    code, version = _header(data, "procedures")
    procedures = [parse_procedure(raw, _("Quy trình thứ %(i)s") % {"i": i})
                  for i, raw in enumerate(_list(data, "procedures", code), start=1)]
    if len({p.code for p in procedures}) != len(procedures):
        raise DefinitionError(_("Hai quy trình trùng mã."))
    _check_no_overlap(procedures, code)
    return ProceduresFile(code=code, version=version, procedures=tuple(procedures))


def parse_any(data: Any, part_maxima: dict | None = None):
    """Parse a file of any kind (dispatching on "kind")."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "instruments":
        return parse_instruments(data)
    if kind == "classification":
        return parse_classification(data)
    if kind == "sheet":
        return parse_sheet(data, part_maxima)
    if kind == "stars":
        return parse_stars(data)
    if kind == "procedures":
        return parse_procedures(data)
    raise DefinitionError(_("“kind” phải là một trong %(all)s.") % {"all": ", ".join(KINDS)})
