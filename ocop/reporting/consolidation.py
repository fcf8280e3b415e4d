"""Consolidation of a report request: everything the national synthesis report is made of.

`consolidate(request)` reads, for every expected unit, the latest ACCEPTED version of its report
(optionally the latest submitted-but-not-accepted one instead, marked provisional) and computes:

- per numeric field (integer, money, percent) the national figure: the sum for integers and money;
  for percentages the average, minimum and maximum (a percentage is never summed);
- the values per unit (a row per province), subtotals per socio-economic region
  (ocop/geo/data/regions.csv) and, for district or commune requests, per province;
- the comparison with the previous period: the latest earlier national request of the same template
  code (same recipient level; same period kind when the request has a period code);
- the narratives collated by section, each unit's text under its name, in unit code order;
- the shortcomings and proposals split into items, normalised and de-duplicated (identical or
  near-identical items merged, naming every unit that raised them), most frequent first;
- the rows of every table field of every unit (the unit as first column), counts per option of
  choice fields;
- which units are missing, late, or waiting for review (from services/completeness.py).

Which sections hold the shortcomings and the proposals is data: a template may say so in its
definition (`"consolidation": {"shortcomings": ["I.3"], "proposals": ["III"]}` at the top level of
the JSON); the templates in the repository do not carry that key yet, so ISSUE_SECTIONS
(ocop/reporting/data/issue_sections.json) names their sections; for any other template the section titles decide (tồn tại / khó khăn / hạn chế;
đề xuất / kiến nghị).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from ocop.geo.models import AdminUnit, DatasetLoad, Level
from ocop.geo.services import unit_on, units_by_pk
from ocop.lib.cachekeys import data_digest
from ocop.lib.formatting import format_number
from ocop.reporting import periods, schema
from ocop.reporting.models import ReportRequest, ReportTemplate, RequestStatus, Submission, SubmissionStatus
from ocop.reporting.schema import Field, Section, TemplateDef
from ocop.reporting.services.completeness import Summary, UnitStatus, summarise, unit_statuses
from ocop.reporting.services.requests import request_by_id

REGIONS_FILE = Path(__file__).resolve().parent.parent / "geo" / "data" / "regions.csv"
REGION_ORDER = (
    "Trung du và miền núi phía Bắc",
    "Đồng bằng sông Hồng",
    "Bắc Trung Bộ và duyên hải miền Trung",
    "Tây Nguyên",
    "Đông Nam Bộ",
    "Đồng bằng sông Cửu Long",
)
NO_REGION = "Chưa xác định vùng"

# Sections holding the shortcomings and the proposals, for templates whose definition does not say
# (a section and all its subsections: "III" covers III.1 and III.2).
# Data with its source: ocop/reporting/data/issue_sections.json.
ISSUE_SECTIONS_FILE = Path(__file__).resolve().parent / "data" / "issue_sections.json"
ISSUE_SECTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    code: {kind: tuple(numbers) for kind, numbers in kinds.items()}
    for code, kinds in json.loads(ISSUE_SECTIONS_FILE.read_text(encoding="utf-8"))["templates"].items()
}
ISSUE_KINDS = ("shortcomings", "proposals")
ISSUE_LABELS = {"shortcomings": "Tồn tại, khó khăn", "proposals": "Đề xuất, kiến nghị"}
_ISSUE_TITLE_WORDS = {
    "shortcomings": re.compile(r"tồn tại|khó khăn|hạn chế|vướng mắc", re.I),
    "proposals": re.compile(r"đề xuất|kiến nghị|đề nghị", re.I),
}
SIMILARITY = 0.9  # difflib ratio from which two items count as the same point
LEVEL_PLURAL = {
    Level.PROVINCE: "tỉnh, thành phố",
    Level.DISTRICT: "huyện, quận, thị xã, thành phố",
    Level.COMMUNE: "xã, phường, thị trấn",
}


# --- regions ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def regions() -> dict[tuple[str, str], str]:
    """(era, province code) -> socio-economic region, from ocop/geo/data/regions.csv."""
    with REGIONS_FILE.open(encoding="utf-8", newline="") as fh:
        return {(row["era"], row["province_code"]): row["region"] for row in csv.DictReader(fh)}


def region_of(era: str, province_code: str) -> str:
    return regions().get((era, province_code), NO_REGION)


# --- numbers ----------------------------------------------------------------------------------


def _number(value) -> Decimal | None:
    if type(value) is int:  # the common case (integer and money values are stored as int)
        return Decimal(value)
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return schema.numeric(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _plain(value: Decimal | None):
    """int when integral, else Decimal (for JSON, Excel and display)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value


def fmt(ftype: str, value, *, decimals: int = 1) -> str:
    """A figure as people read it: 1.234.567; 12,5 %."""
    if value is None or value == "":
        return ""
    if ftype == "percent":
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals))
        text = format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
        return text.replace(".", ",") + " %"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return format_number(int(number))
    whole, _, frac = format(number.quantize(Decimal("0.01")), "f").partition(".")
    return format_number(int(whole)) + "," + frac.rstrip("0")


def fmt_signed(ftype: str, value) -> str:
    if value is None:
        return ""
    text = fmt(ftype, abs(value))
    return ("+" if value > 0 else "−" if value < 0 else "") + text


UNIT_OF_MEASURE = {"integer": "", "money": "đồng", "percent": "%"}


# --- results ----------------------------------------------------------------------------------


@dataclass
class Stat:
    """One numeric field over a set of units: the sum (integer, money) or the average, minimum and
    maximum (percent: never summed)."""

    field: Field
    total: Decimal | None = None
    count: int = 0  # units with a value
    average: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    min_units: list[str] = field(default_factory=list)
    max_units: list[str] = field(default_factory=list)

    @property
    def is_percent(self) -> bool:
        return self.field.type == "percent"

    @property
    def value(self) -> Decimal | None:
        """The figure that stands for the group: the sum, or the average of a percentage."""
        return self.average if self.is_percent else self.total

    @property
    def display(self) -> str:
        return fmt(self.field.type, self.value)

    @property
    def range_display(self) -> str:
        if not self.is_percent or self.minimum is None:
            return ""
        return f"{fmt('percent', self.minimum)} – {fmt('percent', self.maximum)}"


def _stats(fields: list[Field], rows: list["UnitRow"]) -> dict[str, Stat]:
    result: dict[str, Stat] = {}
    for f in fields:
        stat = Stat(f)
        values = [(r, r.values.get(f.code)) for r in rows]
        values = [(r, v) for r, v in values if v is not None]
        stat.count = len(values)
        if f.type == "percent":
            if values:
                numbers = [v for _r, v in values]
                stat.average = sum(numbers, Decimal(0)) / len(numbers)
                stat.minimum, stat.maximum = min(numbers), max(numbers)
                stat.min_units = [r.name for r, v in values if v == stat.minimum]
                stat.max_units = [r.name for r, v in values if v == stat.maximum]
        else:
            stat.total = sum((v for _r, v in values), Decimal(0))
            if values:
                stat.minimum = min(v for _r, v in values)
                stat.maximum = max(v for _r, v in values)
                stat.max_units = [r.name for r, v in values if v == stat.maximum]
        result[f.code] = stat
    return result


@dataclass
class UnitRow:
    """An included unit: its report's version and its numeric values."""

    unit: AdminUnit
    name: str  # "Bắc Kạn"
    label: str  # "Tỉnh Bắc Kạn"
    region: str
    province: str  # the province's name (the unit's own for a province)
    submission: Submission
    provisional: bool  # submitted but not accepted (only with include_submitted)
    values: dict[str, Decimal | None]

    @property
    def code(self) -> str:
        return self.unit.code

    def cells(self, fields: list[Field]) -> list[Decimal | None]:
        return [self.values.get(f.code) for f in fields]


@dataclass
class GroupRow:
    """A subtotal: a region, or a province for requests below province level."""

    label: str
    units: list[str]
    stats: dict[str, Stat]

    def cells(self, fields: list[Field]) -> list[Stat]:
        return [self.stats[f.code] for f in fields]


@dataclass
class SectionTable:
    section: Section
    fields: list[Field]


@dataclass
class CompareRow:
    field: Field
    current: Decimal | None
    previous: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def change_pct(self) -> Decimal | None:
        diff = self.difference
        if diff is None or not self.previous:
            return None
        return diff * 100 / self.previous


@dataclass
class Comparison:
    request: ReportRequest
    units: int  # units included in the previous period's figures
    rows: list[CompareRow]


@dataclass
class NarrativeEntry:
    code: str
    unit: str  # the unit's full name
    text: str
    provisional: bool = False


@dataclass
class NarrativeField:
    field: Field
    entries: list[NarrativeEntry]


@dataclass
class NarrativeSection:
    section: Section
    fields: list[NarrativeField]


@dataclass
class IssueItem:
    text: str  # as the first unit wrote it
    units: list[str]
    variants: int = 1  # distinct wordings merged into this item

    @property
    def count(self) -> int:
        return len(self.units)


@dataclass
class IssueGroup:
    kind: str  # shortcomings | proposals
    section: Section
    items: list[IssueItem]
    units: int  # units that wrote anything in the section

    @property
    def kind_label(self) -> str:
        return ISSUE_LABELS[self.kind]


@dataclass
class ChoiceCount:
    label: str
    units: list[str]

    @property
    def count(self) -> int:
        return len(self.units)


@dataclass
class ChoiceSummary:
    field: Field
    counts: list[ChoiceCount]


@dataclass
class CollatedTable:
    """A table field: every unit's rows, the unit's name as first column."""

    field: Field
    rows: list[tuple[str, dict]]
    totals: dict[str, Decimal]  # numeric columns


@dataclass
class Consolidation:
    request: ReportRequest
    template: TemplateDef
    include_submitted: bool
    generated_at: dt.datetime
    statuses: list[UnitStatus]
    summary: Summary
    rows: list[UnitRow]
    numeric_fields: list[Field]
    totals: dict[str, Stat]
    regions: list[GroupRow]
    provinces: list[GroupRow]
    section_tables: list[SectionTable]
    choices: list[ChoiceSummary]
    comparison: Comparison | None
    narratives: list[NarrativeSection]
    issues: list[IssueGroup]
    tables: list[CollatedTable]
    missing: list[AdminUnit]
    late: list[UnitStatus]
    pending: list[UnitStatus] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return LEVEL_PLURAL.get(self.request.recipient_level, "đơn vị")

    @property
    def is_national(self) -> bool:
        """A request from the centre (not a province collecting from its districts or communes)."""
        return self.request.owner_unit_id is None

    @property
    def scope_label(self) -> str:
        """“Toàn quốc”, or “Toàn tỉnh” for a province's own collection request."""
        if self.is_national:
            return "Toàn quốc"
        return f"Toàn {(self.request.owner_unit.type or 'tỉnh').lower()}"

    @property
    def included(self) -> int:
        return len(self.rows)

    @property
    def provisional(self) -> list[UnitRow]:
        return [r for r in self.rows if r.provisional]

    def issues_of(self, kind: str) -> list[IssueGroup]:
        return [g for g in self.issues if g.kind == kind]

    def totals_dict(self) -> dict[str, object]:
        """National figures by field code: the sum, or (average, minimum, maximum) of a percentage."""
        out: dict[str, object] = {}
        for code, stat in self.totals.items():
            if stat.is_percent:
                out[code] = (stat.average, stat.minimum, stat.maximum)
            else:
                out[code] = _plain(stat.total)
        return out


# --- reading the submissions ------------------------------------------------------------------


def _included(
    req: ReportRequest, statuses: list[UnitStatus], include_submitted: bool
) -> dict[int, tuple[Submission, bool]]:
    """unit id -> (the version to use, provisional?): the latest accepted version, or with
    include_submitted a later submitted-but-not-accepted one (or the only one).

    The latest version of each unit comes with its status row; only units whose latest version is
    a correction not yet accepted need their earlier accepted version read (one more query)."""
    result: dict[int, tuple[Submission, bool]] = {}
    earlier: list[int] = []
    for status in statuses:
        sub = status.submission
        if sub is None:
            continue
        if sub.status == SubmissionStatus.ACCEPTED:
            result[sub.unit_id] = (sub, False)
        elif include_submitted and sub.status == SubmissionStatus.SUBMITTED:
            result[sub.unit_id] = (sub, True)
        elif sub.number > 1:
            earlier.append(sub.unit_id)
    if earlier:
        accepted = Submission.objects.filter(request=req, unit_id__in=earlier, status=SubmissionStatus.ACCEPTED)
        for sub in accepted.order_by("unit_id", "number"):
            result[sub.unit_id] = (sub, False)  # by number: the last one wins
    return result


def _load_data(subs: list[Submission]) -> None:
    """Read the JSON data of the versions whose status row deferred it (one query per 900)."""
    missing = [sub for sub in subs if "data" in sub.get_deferred_fields()]
    for start in range(0, len(missing), 900):
        chunk = missing[start : start + 900]
        data = dict(Submission.objects.filter(pk__in=[s.pk for s in chunk]).values_list("pk", "data"))
        for sub in chunk:
            sub.data = data.get(sub.pk) or {}


def _rows(
    req: ReportRequest, statuses: list[UnitStatus], fields: list[Field], include_submitted: bool
) -> list[UnitRow]:
    chosen = _included(req, statuses, include_submitted)
    _load_data([sub for sub, _provisional in chosen.values()])
    units = [s.unit for s in statuses]
    province_ids = sorted({u.province_id for u in units if u.level != Level.PROVINCE and u.province_id})
    provinces = {pk: (u.code, unit_on(u, req.cutoff).name) for pk, u in units_by_pk(province_ids).items()}
    rows = []
    for unit in units:  # in code order
        if unit.pk not in chosen:
            continue
        sub, provisional = chosen[unit.pk]
        if unit.level == Level.PROVINCE:
            province_code, province_name = unit.code, unit.name
        else:
            province_code, province_name = provinces.get(unit.province_id, ("", ""))
        data = sub.data if isinstance(sub.data, dict) else {}
        rows.append(
            UnitRow(
                unit=unit,
                name=unit.name,
                label=unit.full_name,
                region=region_of(unit.era, province_code),
                province=province_name,
                submission=sub,
                provisional=provisional,
                values={f.code: _number(data.get(f.code)) for f in fields},
            )
        )
    return rows


def _groups(rows: list[UnitRow], fields: list[Field], key) -> list[GroupRow]:
    grouped: dict[str, list[UnitRow]] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return [GroupRow(label, [r.name for r in members], _stats(fields, members)) for label, members in grouped.items()]


def _region_groups(rows: list[UnitRow], fields: list[Field]) -> list[GroupRow]:
    groups = {g.label: g for g in _groups(rows, fields, lambda r: r.region)}
    order = [name for name in REGION_ORDER if name in groups] + sorted(set(groups) - set(REGION_ORDER))
    return [groups[name] for name in order]


# --- previous period --------------------------------------------------------------------------


def _period_kind(req: ReportRequest) -> str | None:
    return _kind_of_code(req.period_code)


def _kind_of_code(period_code: str) -> str | None:
    if not period_code:
        return None
    try:
        return periods.parse_period_code(period_code).kind
    except ValueError:
        return None


def previous_request(req: ReportRequest) -> ReportRequest | None:
    """The latest earlier request of the same template code, by the same requester, to the same
    level; of the same period kind (a quarter after a quarter) when the request has a period code.
    Candidates are read as ids and period codes in plain SQL (the consolidation page asks on every
    view; Django took 0.9 ms to build the query against 0.05 ms to run it, issue 17); only the
    chosen request is loaded (`request_by_id`: a prepared query), its template's definition not read
    (ReportTemplate.parsed)."""
    qn = connection.ops.quote_name
    owner = "r.owner_unit_id IS NULL" if req.owner_unit_id is None else "r.owner_unit_id = %s"
    sql = (
        f"SELECT r.id, r.period_code FROM {qn(ReportRequest._meta.db_table)} r"
        f" JOIN {qn(ReportTemplate._meta.db_table)} t ON t.id = r.template_id"
        f" WHERE t.code = %s AND r.recipient_level = %s AND {owner} AND r.cutoff < %s AND r.id <> %s"
        " AND r.status <> %s ORDER BY r.cutoff DESC, r.id DESC LIMIT 24"
    )
    params = [req.template.code, req.recipient_level]
    params += [] if req.owner_unit_id is None else [req.owner_unit_id]
    params += [req.cutoff, req.pk, RequestStatus.DRAFT.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = cursor.fetchall()
    kind = _period_kind(req)
    chosen = None
    if kind is not None:
        chosen = next((pk for pk, code in candidates if _kind_of_code(code) == kind), None)
    if chosen is None and candidates:
        chosen = candidates[0][0]
    if chosen is None:
        return None
    return request_by_id(chosen)


_NOT_CHOSEN = object()


def _comparison(
    req: ReportRequest, fields: list[Field], totals: dict[str, Stat], previous=_NOT_CHOSEN
) -> Comparison | None:
    if previous is _NOT_CHOSEN:
        previous = previous_request(req)
    if previous is None:
        return None
    prev_template = previous.form
    common = [
        f for f in fields if (pf := prev_template.field(f.code)) is not None and pf.is_numeric and pf.type == f.type
    ]
    prev_rows = _rows(previous, unit_statuses(previous), common, include_submitted=False)
    prev_stats = _stats(common, prev_rows)
    rows = [
        CompareRow(f, totals[f.code].value, prev_stats[f.code].value if prev_stats[f.code].count else None)
        for f in common
    ]
    return Comparison(previous, len(prev_rows), rows)


# --- texts ------------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-–—•*+●▪◦►]+|\(?\d{1,2}[.)]|\(?[a-zđ][)])\s*", re.I)
_SPLIT = re.compile(r"(?<=;)\s+|(?<=[.!?…])\s+(?=[\"“(]?[A-ZÀ-Ỹ0-9Đ])")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:TP|Tp|TX|TT|ThS|TS|PGS|GS|Q|P|St|Ths|NĐ|QĐ|CV|TW|v\.v)\.$")
_PUNCT = re.compile(r"[^\w\s%]+")
_SPACE = re.compile(r"\s+")
_EDGE = " \t;.,:!?…-–—•*+"
MAX_ITEM = 1000


def split_items(text: str) -> list[str]:
    """A narrative cut into points: lines, bullets, sentences and “;”-separated clauses."""
    text = unicodedata.normalize("NFC", str(text or ""))
    items: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        pieces: list[str] = []
        for piece in _SPLIT.split(line):
            if pieces and _ABBREVIATION.search(pieces[-1]):
                pieces[-1] = f"{pieces[-1]} {piece}"
            else:
                pieces.append(piece)
        for piece in pieces:
            piece = _BULLET.sub("", piece).strip(_EDGE).strip()
            if len(piece) >= 3 and _PUNCT.sub("", piece).strip():
                items.append(piece[:MAX_ITEM])
    return items


def normalise(text: str) -> str:
    """The comparison key of an item: NFC, case-folded, punctuation dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


def _display(item: str) -> str:
    return item[:1].upper() + item[1:]


@dataclass
class _Group:
    key: str
    text: str
    units: list[str]
    keys: set[str]
    order: int


def group_items(entries: list[tuple[str, str]], similarity: float = SIMILARITY) -> list[IssueItem]:
    """(unit, text) pairs -> the distinct points, each naming the units that raised it, most
    frequent first (then in order of first appearance). Identical points after normalisation, and
    near-identical ones (difflib ratio >= similarity), are merged."""
    groups: list[_Group] = []
    exact: dict[str, _Group] = {}
    by_length: list[_Group] = []

    def near(key: str) -> _Group | None:
        best, best_ratio = None, similarity
        n = len(key)
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(key)
        for g in by_length:
            m = len(g.key)
            if 2 * min(n, m) / (n + m) < similarity:  # the ratio cannot reach the threshold
                continue
            matcher.set_seq1(g.key)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio:
                best, best_ratio = g, ratio
        return best

    for unit, text in entries:
        for item in split_items(text):
            key = normalise(item)
            if not key:
                continue
            group = exact.get(key)
            if group is None:
                group = near(key)
                if group is None:
                    group = _Group(key, _display(item), [], set(), len(groups))
                    groups.append(group)
                    by_length.append(group)
                exact[key] = group
            group.keys.add(key)
            if unit not in group.units:
                group.units.append(unit)
    groups.sort(key=lambda g: (-len(g.units), g.order))
    return [IssueItem(g.text, g.units, len(g.keys)) for g in groups]


def issue_sections(req: ReportRequest, template: TemplateDef) -> dict[str, tuple[str, ...]]:
    """kind -> section numbers (each with its subsections): from the template's definition, else
    ISSUE_SECTIONS, else the section titles."""
    definition = req.template.definition if isinstance(req.template.definition, dict) else {}
    marked = definition.get("consolidation")
    if isinstance(marked, dict) and any(marked.get(k) for k in ISSUE_KINDS):
        return {k: tuple(str(n) for n in (marked.get(k) or ())) for k in ISSUE_KINDS}
    if template.code in ISSUE_SECTIONS:
        return ISSUE_SECTIONS[template.code]
    found: dict[str, list[str]] = {k: [] for k in ISSUE_KINDS}
    for section in template.sections:
        for kind in ISSUE_KINDS:
            inside = any(_within(section.number, n) for n in found[kind])
            if _ISSUE_TITLE_WORDS[kind].search(section.title) and not inside:
                found[kind].append(section.number)
    return {k: tuple(v) for k, v in found.items()}


def _within(number: str, root: str) -> bool:
    number, root = number.rstrip("."), root.rstrip(".")
    return number == root or number.startswith(root + ".")


# --- the consolidation ------------------------------------------------------------------------


def consolidate(
    request: ReportRequest, *, include_submitted: bool = False, compare: bool = True, previous=_NOT_CHOSEN
) -> Consolidation:
    """Consolidate the reports of `request` (see the module docstring). `previous`: the request
    compared with, when already chosen (previous_request)."""
    req = request
    template = req.form
    statuses = unit_statuses(req)
    numeric_fields = [f for f in template.fields if f.is_numeric]
    rows = _rows(req, statuses, numeric_fields, include_submitted)
    totals = _stats(numeric_fields, rows)
    region_rows = _region_groups(rows, numeric_fields)
    province_rows = _groups(rows, numeric_fields, lambda r: r.province) if req.recipient_level != Level.PROVINCE else []
    section_tables = [
        SectionTable(s, [f for f in s.fields if f.is_numeric])
        for s in template.sections
        if any(f.is_numeric for f in s.fields)
    ]

    data_of = {r.unit.pk: (r.submission.data if isinstance(r.submission.data, dict) else {}) for r in rows}

    choices = []
    for f in template.fields:
        if f.type != "choice":
            continue
        counts = {o.value: ChoiceCount(o.label, []) for o in f.options}
        unanswered = ChoiceCount("Không ghi", [])
        for r in rows:
            value = data_of[r.unit.pk].get(f.code)
            (counts.get(value) or unanswered).units.append(r.name)
        choices.append(ChoiceSummary(f, [c for c in counts.values()] + ([unanswered] if unanswered.units else [])))

    narratives = []
    for section in template.sections:
        text_fields = [f for f in section.fields if f.type == "text"]
        collated = []
        for f in text_fields:
            entries = []
            for r in rows:
                text = data_of[r.unit.pk].get(f.code)
                if isinstance(text, str) and text.strip():
                    entries.append(NarrativeEntry(r.code, r.label, text.strip(), r.provisional))
            if entries:
                collated.append(NarrativeField(f, entries))
        if collated:
            narratives.append(NarrativeSection(section, collated))

    issues = []
    marked = issue_sections(req, template)
    for kind in ISSUE_KINDS:
        for section in template.sections:
            if not any(_within(section.number, root) for root in marked.get(kind, ())):
                continue
            entries = []
            writers = set()
            for r in rows:
                for f in section.fields:
                    text = data_of[r.unit.pk].get(f.code) if f.type == "text" else None
                    if isinstance(text, str) and text.strip():
                        entries.append((r.name, text))
                        writers.add(r.unit.pk)
            if any(f.type == "text" for f in section.fields):
                issues.append(IssueGroup(kind, section, group_items(entries), len(writers)))

    tables = []
    for f in template.fields:
        if f.type != "table":
            continue
        collated_rows = []
        totals_cols: dict[str, Decimal] = {
            c.code: Decimal(0) for c in f.columns if c.type in schema.NUMERIC_TYPES and c.type != "percent"
        }
        for r in rows:
            value = data_of[r.unit.pk].get(f.code)
            for row in value if isinstance(value, list) else []:
                if isinstance(row, dict) and any(v not in (None, "") for v in row.values()):
                    collated_rows.append((r.name, row))
                    for code in totals_cols:
                        totals_cols[code] += _number(row.get(code)) or 0
        tables.append(CollatedTable(f, collated_rows, totals_cols))

    summary = summarise(statuses)
    included_ids = {r.unit.pk for r in rows}
    return Consolidation(
        request=req,
        template=template,
        include_submitted=include_submitted,
        generated_at=timezone.now(),
        statuses=statuses,
        summary=summary,
        rows=rows,
        numeric_fields=numeric_fields,
        totals=totals,
        regions=region_rows,
        provinces=province_rows,
        section_tables=section_tables,
        choices=choices,
        comparison=_comparison(req, numeric_fields, totals, previous) if compare else None,
        narratives=narratives,
        issues=issues,
        tables=tables,
        missing=[s.unit for s in statuses if s.first_submitted_at is None],
        late=[s for s in statuses if s.timeliness == "late"],
        pending=[s for s in statuses if s.first_submitted_at is not None and s.unit.pk not in included_ids],
    )


# --- the consolidation kept per data version (issue 17, goal 3) -------------------------------------

CONSOLIDATION_CACHE_SECONDS = 3600  # only frees memory: the key changes with every change of the data read


def consolidation_data_version(req: ReportRequest, previous: ReportRequest | None) -> str:
    """Changes whenever anything `consolidate(req)` reads changes: the request's and the compared
    request's own fields (already loaded), their recipients and every version of their reports
    (count, largest id, latest `updated_at`, sum of lock versions: an added, changed or deleted report
    changes it), and the administrative units loaded (names on the cut-off date). One query: three
    small aggregates on indexed columns, in plain SQL (issue 17: three ORM queries cost 0.5 ms each to
    build on every consolidation page, against 0.1 ms to run)."""
    requests = [r for r in (req, previous) if r is not None]
    ids = [r.pk for r in requests]
    parts = []
    for r in requests:
        parts.append([(f.attname, getattr(r, f.attname)) for f in r._meta.concrete_fields])
    qn = connection.ops.quote_name
    through = ReportRequest.recipients.through._meta.db_table
    submissions = Submission._meta.db_table
    loads = DatasetLoad._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT 'r', reportrequest_id, COUNT(*), SUM(adminunit_id), MAX(id), NULL FROM {qn(through)}"
        f" WHERE reportrequest_id IN ({marks}) GROUP BY reportrequest_id"
        f" UNION ALL SELECT 's', request_id, COUNT(*), SUM(lock_version), MAX(id), MAX(updated_at)"
        f" FROM {qn(submissions)} WHERE request_id IN ({marks}) GROUP BY request_id"
        f" UNION ALL SELECT 'g', NULL, COUNT(*), NULL, NULL, MAX(loaded_at) FROM {qn(loads)}"
        " ORDER BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids + ids)
        parts.extend(cursor.fetchall())
    return data_digest(*parts)


def consolidation_key(req: ReportRequest, *, include_submitted: bool = False) -> tuple[str, ReportRequest | None]:
    """The cache key of `req`'s consolidation (its data version, the option and the language), and
    the request it is compared with."""
    previous = previous_request(req)
    key = ":".join(
        [
            str(req.pk),
            "1" if include_submitted else "0",
            get_language() or "",
            consolidation_data_version(req, previous),
        ]
    )
    return key, previous


def cached_consolidate(
    req: ReportRequest, *, include_submitted: bool = False, key: tuple | None = None
) -> Consolidation:
    """`consolidate(req)` kept in Django's cache under its data version (consolidation_data_version),
    so a changed report, request or unit shows on the next request: no time-out decides staleness.
    (`generated_at` is when the figures were computed.) `key`: consolidation_key's answer, when known."""
    name, previous = key or consolidation_key(req, include_submitted=include_submitted)
    c = cache.get("consolidation:" + name)
    if c is None:
        c = consolidate(req, include_submitted=include_submitted, previous=previous)
        cache.set("consolidation:" + name, c, CONSOLIDATION_CACHE_SECONDS)
    return c
