"""The parsed criteria objects (pure, immutable) and their look-ups: what scoring, rounds and views use.

They are built from the validated data files by ocop.evaluation.criteria.parse; the file formats
are described and validated in ocop.evaluation.criteria.schema.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
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
    renewal_window_months: int | None = None
    renewal_confirmed: bool = True
    renewal_note: str = ""


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
