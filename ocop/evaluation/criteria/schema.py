"""The formats of the evaluation data files, as pydantic models that validate them.

parse.py validates a file with the model of its kind and builds the objects of objects.py;
messages.py turns pydantic's errors into one Vietnamese message naming the place and the field.
Checks on one value are types (Code, Text, Points, Day, ...); checks across fields are the
models' validators, which raise `invalid(...)` with a Vietnamese message.

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
                     "certificate": {"validity_months": 36, "expiry_notice_days": 30, "confirmed": true,
                                     "renewal_window_months": 6, "renewal_confirmed": false, "renewal_note": ""}}]}
  Levels: commune, district, province, central. A level that certifies must hold rounds; a star is
  certified by at most one level; "forwards.to" names a level that holds rounds; "preassessment"
  ({"tags": [...], "note": ""}) is a pre-assessment of the criteria carrying those tags (QĐ 1489's
  commune report). Periods must not overlap.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Iterable

from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ocop.evaluation.criteria.objects import (
    AGGREGATIONS,
    CODE_RE,
    LEVELS,
    NODE_LEVELS,
    ROUNDING_MODES,
    STAR_LEVELS,
    TAGS,
    TOTAL_MAX,
    fmt_points,
    level_label,
)

REQUIRED_STAR_LEVELS = (3, 4, 5)


def invalid(message: str) -> PydanticCustomError:
    """A failed check, with its Vietnamese message (messages.py puts the place in front of it)."""
    return PydanticCustomError("ocop", message)


def shown(value: Any) -> str:
    """A value as the file has it, for a message."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


# --- one value ---------------------------------------------------------------------------------


def _code(value: Any) -> str:
    if not isinstance(value, str) or not CODE_RE.match(value):
        raise invalid(_("mã “%(v)s” chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới.") % {"v": shown(value)})
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid(_("phải là chuỗi không rỗng."))
    return value.strip()


def _loose(value: Any) -> str:
    return "" if value is None else str(value)


def _points(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise invalid(_("“%(v)s” không phải là số.") % {"v": shown(value)})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise invalid(_("“%(v)s” không phải là số.") % {"v": shown(value)}) from None
    if not number.is_finite() or number < 0:
        raise invalid(_("số phải không âm (%(v)s).") % {"v": shown(value)})
    return number


def _required_points(value: Any) -> Decimal:
    if value is None:
        raise invalid(_("“%(v)s” không phải là số.") % {"v": shown(value)})
    return _points(value)


def _day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise invalid(_("ngày “%(v)s” phải có dạng YYYY-MM-DD.") % {"v": shown(value)}) from None


def _required_day(value: Any) -> dt.date:
    day = _day(value)
    if day is None:
        raise invalid(_("thiếu ngày."))
    return day


def _int_in(choices: Iterable[int]):
    choices = tuple(choices)

    def check(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(_("“%(v)s” phải là số nguyên.") % {"v": shown(value)})
        if value not in choices:
            raise invalid(
                _("“%(v)s” không hợp lệ (chỉ nhận %(c)s).") % {"v": value, "c": ", ".join(str(c) for c in choices)}
            )
        return value

    return BeforeValidator(check)


def _one_of(choices: Iterable[str]):
    choices = tuple(choices)

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise invalid(_("“%(v)s” không hợp lệ (chỉ nhận %(c)s).") % {"v": shown(value), "c": ", ".join(choices)})
        return value

    return BeforeValidator(check)


def _tag(value: Any) -> str:
    if not isinstance(value, str) or value not in TAGS:
        raise invalid(_("nhãn “%(t)s” không hợp lệ (%(all)s).") % {"t": shown(value), "all": ", ".join(TAGS)})
    return value


def _positive(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid(_("phải là số nguyên dương (%(v)s).") % {"v": shown(value)})
    return value


def _or_empty(value: Any) -> Any:
    """`null` (or an absent key) means an empty list, as `[]` does."""
    return [] if value is None else value


Code = Annotated[str, BeforeValidator(_code)]
Text = Annotated[str, BeforeValidator(_text)]
Loose = Annotated[str, BeforeValidator(_loose)]  # free text; any value is taken as its text
Points = Annotated[Decimal, BeforeValidator(_required_points)]
OptionalPoints = Annotated[Decimal | None, BeforeValidator(_points)]
Day = Annotated[dt.date, BeforeValidator(_required_day)]
OptionalDay = Annotated[dt.date | None, BeforeValidator(_day)]
Stars = Annotated[int, _int_in(STAR_LEVELS)]
RequiredStars = Annotated[int | None, _int_in(REQUIRED_STAR_LEVELS)]
Tag = Annotated[str, BeforeValidator(_tag)]
Version = Annotated[int, BeforeValidator(_positive)]


def _kind(kind: str):
    return Annotated[str, _one_of((kind,))]


class Model(BaseModel):
    """Unknown keys are ignored (as before pydantic); every model is a dict in the file."""

    model_config = ConfigDict(extra="ignore")


class FileModel(Model):
    """The head of every file; each kind's model narrows "kind"."""

    kind: str
    code: Code
    version: Version


class Dated(Model):
    valid_from: Day
    valid_to: OptionalDay = None

    @model_validator(mode="after")
    def _period(self):
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise invalid(
                _("“valid_to” (%(e)s) trước “valid_from” (%(s)s).")
                % {"e": self.valid_to.isoformat(), "s": self.valid_from.isoformat()}
            )
        return self


def _check_no_overlap(items: list) -> None:
    ordered = sorted(items, key=lambda i: i.valid_from)
    for a, b in zip(ordered, ordered[1:]):
        if a.valid_to is None or a.valid_to >= b.valid_from:
            raise invalid(_("Thời gian áp dụng của “%(a)s” và “%(b)s” chồng lên nhau.") % {"a": a.code, "b": b.code})


# --- instruments -------------------------------------------------------------------------------


class InstrumentModel(Dated):
    code: Code
    number: Text
    name: Text
    issued_on: Day
    part_maxima: dict[str, Points] | None = None
    amends: Annotated[list[Loose], BeforeValidator(_or_empty)] = []
    replaces: Annotated[list[Loose], BeforeValidator(_or_empty)] = []
    source: Loose = ""
    confirmed: StrictBool = True
    note: Loose = ""

    @model_validator(mode="after")
    def _maxima(self):
        if self.part_maxima is not None:
            if not self.part_maxima:
                raise invalid(_("“part_maxima” phải là đối tượng {phần: điểm}."))
            total = sum(self.part_maxima.values(), Decimal(0))
            if total != TOTAL_MAX:
                raise invalid(_("tổng điểm tối đa các phần là %(t)s, phải là 100.") % {"t": fmt_points(total)})
        return self


class InstrumentsModel(FileModel):
    kind: _kind("instruments")
    instruments: Annotated[list[InstrumentModel], Field(min_length=1)]

    @model_validator(mode="after")
    def _references(self):
        seen: set[str] = set()
        for inst in self.instruments:
            if inst.code in seen:
                raise invalid(_("Văn bản “%(c)s”: mã bị trùng.") % {"c": inst.code})
            seen.add(inst.code)
        for inst in self.instruments:
            for ref in (*inst.amends, *inst.replaces):
                if ref not in seen:
                    raise invalid(
                        _("Văn bản “%(c)s”: tham chiếu văn bản “%(r)s” không có trong tệp.")
                        % {"c": inst.code, "r": ref}
                    )
        return self


# --- classification ----------------------------------------------------------------------------


class NodeModel(Model):
    code: Code
    name: Text
    children: Annotated[list[NodeModel], BeforeValidator(lambda v: v or [])] = []
    replaces: Annotated[list[Loose], BeforeValidator(_or_empty)] = []
    ministry: Loose = ""
    confirmed: StrictBool = True
    note: Loose = ""


class ClassificationModel(Dated, FileModel):
    kind: _kind("classification")
    instrument: Code
    nodes: Annotated[list[NodeModel], Field(min_length=1)]
    source: Loose = ""

    @model_validator(mode="after")
    def _tree(self):
        seen: set[str] = set()

        def walk(nodes: list[NodeModel], depth: int) -> None:
            for node in nodes:
                where = _("Nút phân loại “%(c)s”") % {"c": node.code}
                if node.code in seen:
                    raise invalid(where + _(": mã bị trùng."))
                seen.add(node.code)
                if depth >= len(NODE_LEVELS):
                    raise invalid(where + _(": phân loại có tối đa 3 cấp (ngành, nhóm, phân nhóm)."))
                walk(node.children, depth + 1)

        walk(self.nodes, 0)
        return self


# --- score sheets ------------------------------------------------------------------------------


class OptionModel(Model):
    code: Loose
    text: Text
    points: Points
    implicit: StrictBool = False
    required_for_stars: RequiredStars = None
    confirmed: StrictBool = True
    note: Loose = ""

    @model_validator(mode="after")
    def _implicit(self):
        if self.implicit and self.points != 0:
            raise invalid(_("lựa chọn ngầm định (implicit) phải là 0 điểm."))
        if self.implicit and self.required_for_stars:
            raise invalid(_("lựa chọn ngầm định không thể là mức bắt buộc."))
        return self


class CriterionModel(Model):
    code: Code
    text: Text
    options: Annotated[list[OptionModel], Field(min_length=1)]
    label: Loose = ""
    note: Loose = ""
    mandatory: StrictBool = False
    bonus: StrictBool = False
    required_for_stars: RequiredStars = None
    tags: Annotated[list[Tag], BeforeValidator(_or_empty)] = []
    confirmed: StrictBool = True

    @property
    def max_points(self) -> Decimal:
        return max(o.points for o in self.options)

    @model_validator(mode="after")
    def _rules(self):
        seen: set[str] = set()
        for option in self.options:
            if option.code in seen:
                raise invalid(_("mã lựa chọn “%(o)s” bị trùng.") % {"o": option.code})
            seen.add(option.code)
        has_requirement = bool(self.required_for_stars) or any(o.required_for_stars for o in self.options)
        if has_requirement and not self.mandatory:
            raise invalid(_("có mức bắt buộc cho hạng sao nhưng thiếu “mandatory”: true."))
        if self.bonus and self.mandatory:
            raise invalid(_("tiêu chí cộng điểm (bonus) không thể là tiêu chí bắt buộc."))
        required = self.required_for_stars or (self.mandatory and not has_requirement)
        if required and all(o.implicit for o in self.options):
            raise invalid(_("tiêu chí bắt buộc cần ít nhất một lựa chọn không ngầm định."))
        return self


class GroupModel(Model):
    code: Loose
    title: Text
    criteria: Annotated[list[CriterionModel], Field(min_length=1)]
    max: OptionalPoints = None
    note: Loose = ""

    @model_validator(mode="after")
    def _sum(self):
        total = sum((c.max_points for c in self.criteria if not c.bonus), Decimal(0))
        if self.max is not None and self.max != total:
            raise invalid(
                _("tổng điểm tối đa của các tiêu chí là %(s)s, khác điểm tối đa của nhóm (%(m)s).")
                % {"s": fmt_points(total), "m": fmt_points(self.max)}
            )
        return self


class PartModel(Model):
    code: Code
    title: Text
    max: Points
    groups: Annotated[list[GroupModel], BeforeValidator(_or_empty)] = []


class BonusRuleModel(Model):
    cap_total: OptionalPoints = TOTAL_MAX
    max_bonus: OptionalPoints = None
    confirmed: StrictBool = True
    note: Loose = ""


class SheetModel(Dated, FileModel):
    """A score sheet. Validated with context {"part_maxima": {"A": Decimal(40), ...}} (the
    instrument's) to check the part maxima against the law; without it they are not checked."""

    kind: _kind("sheet")
    instrument: Code
    title: Text
    applies_to: Annotated[list[Code], Field(min_length=1)]
    structure_only: StrictBool = False
    bonus_rule: BonusRuleModel | None = None
    parts: Annotated[list[PartModel], Field(min_length=1)]
    source: Loose = ""
    note: Loose = ""

    @model_validator(mode="after")
    def _sums(self, info: ValidationInfo):
        part_maxima = (info.context or {}).get("part_maxima")
        seen_parts: set[str] = set()
        seen_criteria: set[str] = set()
        for part in self.parts:
            where = _("Phần %(p)s") % {"p": part.code}
            if part.code in seen_parts:
                raise invalid(where + _(": mã phần bị trùng."))
            seen_parts.add(part.code)
            if part_maxima is not None:
                law_max = part_maxima.get(part.code)
                if law_max is None:
                    raise invalid(
                        where
                        + _(": văn bản %(inst)s không có phần này (các phần: %(all)s).")
                        % {"inst": self.instrument, "all": ", ".join(part_maxima)}
                    )
                if part.max != law_max:
                    raise invalid(
                        where
                        + _(": bộ tiêu chí khai báo điểm tối đa %(s)s, văn bản %(inst)s quy định %(l)s.")
                        % {"s": fmt_points(part.max), "inst": self.instrument, "l": fmt_points(law_max)}
                    )
            if self.structure_only and part.groups:
                raise invalid(where + _(": bộ tiêu chí chỉ có khung (structure_only) không được có nhóm tiêu chí."))
            if not self.structure_only and not part.groups:
                raise invalid(where + _(": cần danh sách nhóm tiêu chí “groups”."))
            for group in part.groups:
                for criterion in group.criteria:
                    if criterion.code in seen_criteria:
                        raise invalid(_("Tiêu chí “%(c)s”: mã bị trùng.") % {"c": criterion.code})
                    seen_criteria.add(criterion.code)
                    if criterion.bonus and self.bonus_rule is None:
                        raise invalid(
                            _("Tiêu chí “%(c)s” là tiêu chí cộng điểm nhưng bộ tiêu chí thiếu “bonus_rule”.")
                            % {"c": criterion.code}
                        )
            if not self.structure_only:
                total = sum((c.max_points for g in part.groups for c in g.criteria if not c.bonus), Decimal(0))
                if total != part.max:
                    raise invalid(
                        where
                        + _(": tổng điểm tối đa của các tiêu chí là %(s)s, khác điểm tối đa của phần (%(m)s).")
                        % {"s": fmt_points(total), "m": fmt_points(part.max)}
                    )
        if part_maxima is not None:
            missing = [p for p in part_maxima if p not in seen_parts]
            if missing:
                raise invalid(
                    _("Bộ tiêu chí thiếu phần %(p)s của văn bản %(inst)s.")
                    % {"p": ", ".join(missing), "inst": self.instrument}
                )
        total = sum((p.max for p in self.parts), Decimal(0))
        if total != TOTAL_MAX:
            raise invalid(_("Tổng điểm tối đa các phần là %(t)s, phải là 100.") % {"t": fmt_points(total)})
        return self


# --- star scales -------------------------------------------------------------------------------


class BandModel(Model):
    stars: Stars
    min: Points
    label: Loose = ""
    meaning: Loose = ""
    confirmed: StrictBool = True


class RoundingModel(Model):
    places: Annotated[int, _int_in(range(0, 5))] = 2
    mode: Annotated[str, _one_of(ROUNDING_MODES)] = "half_up"
    confirmed: StrictBool = True
    note: Loose = ""


class ScaleModel(Dated):
    code: Code
    instrument: Code
    bands: Annotated[list[BandModel], Field(min_length=1)]
    certified_min_stars: Stars = 3
    mandatory_fail_cap: Stars = 2
    rounding: Annotated[RoundingModel, BeforeValidator(lambda v: v or {})] = RoundingModel()
    requirement_aggregation: Annotated[str, _one_of(AGGREGATIONS)] = "majority"
    confirmed: StrictBool = True
    note: Loose = ""
    source: Loose = ""

    @model_validator(mode="after")
    def _bands(self):
        bands = sorted(self.bands, key=lambda b: b.stars, reverse=True)
        if len({b.stars for b in bands}) != len(bands):
            raise invalid(_("một hạng sao được khai báo hai lần."))
        for higher, lower in zip(bands, bands[1:]):
            if higher.min <= lower.min:
                raise invalid(
                    _("điểm sàn của hạng %(a)s sao (%(am)s) phải lớn hơn của hạng %(b)s sao (%(bm)s).")
                    % {"a": higher.stars, "am": fmt_points(higher.min), "b": lower.stars, "bm": fmt_points(lower.min)}
                )
        if bands[-1].min != 0:
            raise invalid(_("hạng thấp nhất phải bắt đầu từ 0 điểm."))
        return self


class StarsModel(FileModel):
    kind: _kind("stars")
    scales: Annotated[list[ScaleModel], Field(min_length=1)]

    @model_validator(mode="after")
    def _scales(self):
        if len({s.code for s in self.scales}) != len(self.scales):
            raise invalid(_("Hai thang sao trùng mã."))
        _check_no_overlap(self.scales)
        return self


# --- procedures --------------------------------------------------------------------------------


class ForwardingModel(Model):
    min: Points
    to: Annotated[str, _one_of(LEVELS)]
    max: OptionalPoints = None
    confirmed: StrictBool = True
    note: Loose = ""


class PreassessmentModel(Model):
    tags: Annotated[list[Tag], BeforeValidator(_or_empty), Field(min_length=1)]
    note: Loose = ""


class LevelModel(Model):
    level: Annotated[str, _one_of(LEVELS)]
    holds_round: StrictBool = False
    certifies: Annotated[list[Stars], BeforeValidator(_or_empty)] = []
    authority: Loose = ""
    forwards: ForwardingModel | None = None
    preassessment: PreassessmentModel | None = None
    abolished: StrictBool = False
    role: Loose = ""
    confirmed: StrictBool = True
    note: Loose = ""

    @model_validator(mode="after")
    def _rounds(self):
        if self.certifies and not self.holds_round:
            raise invalid(_("cấp không tổ chức đánh giá thì không thể công nhận hạng sao."))
        if self.forwards is not None and not self.holds_round:
            raise invalid(_("cấp không tổ chức đánh giá thì không thể chuyển hồ sơ theo điểm."))
        if self.abolished and (self.holds_round or self.preassessment is not None):
            raise invalid(_("cấp đã bãi bỏ thì không tổ chức đánh giá."))
        return self


class CertificateModel(Model):
    validity_months: StrictInt
    expiry_notice_days: StrictInt
    confirmed: StrictBool = True
    note: Loose = ""
    # from how many months before expiry a renewal may be asked (procedures.json v2; absent in v1)
    renewal_window_months: StrictInt | None = None
    renewal_confirmed: StrictBool = True
    renewal_note: Loose = ""


class ProcedureModel(Dated):
    code: Code
    instrument: Code
    title: Text
    levels: Annotated[list[LevelModel], Field(min_length=1)]
    certificate: CertificateModel
    confirmed: StrictBool = True
    note: Loose = ""

    @model_validator(mode="after")
    def _levels(self):
        by_level: dict[str, LevelModel] = {}
        for rule in self.levels:
            if rule.level in by_level:
                raise invalid(_("%(l)s khai báo hai lần.") % {"l": level_label(rule.level)})
            by_level[rule.level] = rule
        certified: dict[int, str] = {}
        for rule in self.levels:
            for stars in rule.certifies:
                if stars in certified:
                    raise invalid(
                        _("hạng %(s)s sao được công nhận ở cả %(a)s và %(b)s.")
                        % {"s": stars, "a": level_label(certified[stars]), "b": level_label(rule.level)}
                    )
                certified[stars] = rule.level
            if rule.forwards is not None:
                target = by_level.get(rule.forwards.to)
                if target is None or not target.holds_round:
                    raise invalid(
                        _("%(l)s chuyển hồ sơ lên %(t)s, nhưng %(t)s không tổ chức đánh giá.")
                        % {"l": level_label(rule.level), "t": level_label(rule.forwards.to)}
                    )
        return self


class ProceduresModel(FileModel):
    kind: _kind("procedures")
    procedures: Annotated[list[ProcedureModel], Field(min_length=1)]

    @model_validator(mode="after")
    def _procedures(self):
        if len({p.code for p in self.procedures}) != len(self.procedures):
            raise invalid(_("Hai quy trình trùng mã."))
        _check_no_overlap(self.procedures)
        return self


MODELS: dict[str, type[Model]] = {
    "instruments": InstrumentsModel,
    "classification": ClassificationModel,
    "sheet": SheetModel,
    "stars": StarsModel,
    "procedures": ProceduresModel,
}
