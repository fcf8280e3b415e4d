"""Scoring arithmetic, star ranking and the procedure rules, as pure functions of the parsed data
(ocop/evaluation/criteria/): nothing here touches the database.

- member_total(sheet, choices): one council member's sheet → (total, per_part, issues).
- product_score(member_totals, recused): the council's average of the non-recused members.
  Rounding: the average is computed exactly (Decimal) and rounded once, to 2 decimal places,
  half up (69,995 → 70,00; 70,125 → 70,13); the star scale of the instrument carries this as data
  ("rounding", marked [?]: the law says "tổng điểm trung bình" without a rounding rule).
- stars(score, scale, mandatory_failed): the star band of a score; a failed mandatory criterion caps
  the rank at the scale's "mandatory_fail_cap" (2 stars); `cap` applies a cap computed from the
  star-level requirements (requirement_cap / product_requirement_cap).
- forwarding, certifying_level, can_certify, can_hold_round, can_preassess: what a level may do
  under a procedure.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import Any, Iterable, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.evaluation.criteria import (
    ROUNDING_MODES,
    Band,
    Criterion,
    Procedure,
    Scale,
    Sheet,
    fmt_points,
    level_label,
)


class ScoringError(ValueError):
    """Input that cannot be scored (Vietnamese message)."""


class SheetError(ScoringError):
    """A member's sheet that cannot be added: the member's key, the product's key when products are
    ranked together (rank_products), and what is wrong (`reason`, the sheet's first problem), so that
    a caller can name the person and the product."""

    def __init__(self, message: str, *, member: Any, reason: str, product: Any = None):
        super().__init__(message)
        self.member, self.reason, self.product = member, reason, product


@dataclass(frozen=True)
class Issue:
    """A problem with one member's choices: which criterion, and what."""

    criterion: str
    message: str


class MemberTotal(NamedTuple):
    total: Decimal
    per_part: dict  # {"A": Decimal, ...}: base points only, never above the part maximum
    issues: list  # [Issue]: empty when the sheet is complete and valid

    @property
    def bonus(self) -> Decimal:
        """Bonus points that counted (after the caps)."""
        return self.total - sum(self.per_part.values(), Decimal(0))

    @property
    def complete(self) -> bool:
        return not self.issues


_SCORE = gettext_lazy("Điểm")  # translated only for a message (gettext per call: 12 µs of a ranking's 60)


def _decimal(value: Any, what: str) -> Decimal:
    if type(value) is Decimal and value.is_finite():
        return value
    if isinstance(value, MemberTotal):
        return value.total
    if isinstance(value, bool):
        raise ScoringError(_("%(w)s: “%(v)s” không phải là số điểm.") % {"w": what, "v": value})
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ScoringError(_("%(w)s: “%(v)s” không phải là số điểm.") % {"w": what, "v": value}) from exc
    if not number.is_finite():
        raise ScoringError(_("%(w)s: “%(v)s” không phải là số điểm.") % {"w": what, "v": value})
    return number


# --- one member ---------------------------------------------------------------------------------


def _table(sheet: Sheet):
    """Lookup tables of a sheet, built once per parsed sheet and kept on it (the sheet is immutable):
    the criteria in order with their options by position (int) and code (str), and the mandatory
    criteria with their sorted requirements. `Criterion.option` picks the first option of a code, so
    does the table; only an int or a str is looked up in it (see `_option`)."""
    table = sheet.__dict__.get("_scoring_table")
    if table is None:

        def by_code(c: Criterion) -> dict:
            options: dict = dict(enumerate(c.options))
            for o in c.options:
                options.setdefault(o.code, o)
            return options

        def failed_levels(requirements, points: Decimal) -> tuple[int, ...]:
            return tuple(level for level, needed in requirements if points < needed)

        rows = [(c, c.code, c.part, c.bonus, by_code(c)) for c in sheet.criteria]
        mandatory = []
        for c in sheet.mandatory_criteria:
            requirements = sorted(c.requirements.items())
            options = by_code(c)
            # the star levels each answer fails, and those an unanswered or invalid answer (0) fails
            fails = {key: failed_levels(requirements, o.points) for key, o in options.items()}
            mandatory.append((c, c.code, requirements, options, fails, failed_levels(requirements, Decimal(0))))
        table = (rows, mandatory)
        object.__setattr__(sheet, "_scoring_table", table)
    return table


_PLAIN = frozenset((int, str))  # the kinds of answer a lookup table can answer for (see _option)
_PLAIN_OR_NONE = frozenset((int, str, type(None)))


class _Scaled(dict):
    """{n: Decimal n × 10^-places}, filled on first use (Decimals are immutable; a sheet's sums take
    a few hundred values). Emptied when full, like ParsedRows."""

    SIZE = 65536

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def __missing__(self, n: int) -> Decimal:
        if len(self) >= self.SIZE:
            self.clear()
        value = self[n] = Decimal(n).scaleb(-self.places)
        return value


class _Columns(NamedTuple):
    """A sheet's lookup tables by column (see _columns)."""

    codes: tuple  # the criteria codes, in the sheet's order
    points: tuple  # per criterion {position or code: points in 10^-places}
    slices: tuple | None  # per part, the positions of its (non-bonus) criteria when they are a range
    masks: tuple  # per part, a bool per criterion: its (non-bonus) criteria
    bonus: tuple | None  # a bool per criterion: the bonus criteria (None: none)
    decimals: _Scaled  # n → Decimal(n × 10^-places)
    part_codes: tuple
    answers_of: Any  # a sheet's choices → its answers in the order of `codes` (KeyError: one missing)
    failing: tuple  # per mandatory criterion {answer: its (code, level) failures}, failing answers only
    m_positions: tuple  # the mandatory criteria's positions in `codes`
    m_codes: tuple  # the mandatory criteria's codes
    m_fails: tuple  # per mandatory criterion {answer: (code, level) failures}, every answer
    m_missing: tuple  # per mandatory criterion the failures of an unanswered or invalid answer (0 points)


_DECIMALS: dict[int, _Scaled] = {}


def _places(points: Decimal) -> int:
    return max(0, -points.as_tuple().exponent)


def _columns(sheet: Sheet) -> _Columns:
    """The sheet's lookup tables by column (issue 17: closing a year's rounds scores 30,000 sheets of
    ~31 criteria): each answer is looked up, a sheet added and its star-level requirements checked by
    C-level map/sum over whole columns instead of a Python loop per criterion. Points are whole
    numbers of 10^-places (places: the most decimals of any option of the sheet), added as integers and
    turned into a Decimal once. Built once per parsed sheet and kept on it, like _table."""
    columns = sheet.__dict__.get("_scoring_columns")
    if columns is None:
        rows, mandatory = _table(sheet)
        places = max((_places(o.points) for c in sheet.criteria for o in c.options), default=0)
        codes = tuple(code for _c, code, _p, _b, _o in rows)
        bonus = tuple(is_bonus for _c, _code, _p, is_bonus, _o in rows)
        positions = [
            [i for i, (_c, _code, part, is_bonus, _o) in enumerate(rows) if part == p.code and not is_bonus]
            for p in sheet.parts
        ]
        # the sheet lists its criteria part by part: each part's criteria are usually one range of
        # positions, summed as a slice (faster than applying a mask)
        ranges = all(at == list(range(at[0], at[0] + len(at))) for at in positions if at)
        m_codes = tuple(code for _c, code, _r, _o, _f, _m in mandatory)
        m_positions = tuple(codes.index(code) for code in m_codes)
        m_fails = tuple(
            {key: tuple((code, level) for level in levels) for key, levels in fails.items()}
            for _c, code, _r, _o, fails, _m in mandatory
        )
        columns = _Columns(
            codes=codes,
            points=tuple(
                {key: int(o.points.scaleb(places)) for key, o in options.items()} for _c, _code, _p, _b, options in rows
            ),
            slices=tuple(slice(at[0], at[-1] + 1) if at else slice(0, 0) for at in positions) if ranges else None,
            masks=tuple(tuple(i in at for i in range(len(rows))) for at in positions),
            bonus=bonus if any(bonus) else None,
            decimals=_DECIMALS.setdefault(places, _Scaled(places)),
            part_codes=tuple(p.code for p in sheet.parts),
            # itemgetter of one key gives the value itself, of none raises
            answers_of=itemgetter(*codes)
            if len(codes) > 1
            else (lambda choices: tuple(map(choices.__getitem__, codes))),
            m_positions=m_positions,
            failing=tuple({key: pairs for key, pairs in fails.items() if pairs} for fails in m_fails),
            m_codes=m_codes,
            m_fails=m_fails,
            m_missing=tuple(tuple((code, level) for level in missing) for _c, code, _r, _o, _f, missing in mandatory),
        )
        object.__setattr__(sheet, "_scoring_columns", columns)
    return columns


def _option(options: dict, choice: Any):
    """`criterion.option(choice)` through the sheet's lookup table (`options`: by position and code).
    Callers write the same test inline in their loops (issue 17: a call per criterion of 30,000 sheets
    cost more than the arithmetic)."""
    kind = type(choice)  # a bool, a float or anything else designates nothing, as in Criterion.option
    return options.get(choice) if kind is int or kind is str else None


def member_total(sheet: Sheet, choices: Mapping[str, Any]) -> MemberTotal:
    """Total of one member's sheet. `choices` maps a criterion code to the option chosen: its
    position in the criterion's options (int, 0-based) or its code (str).

    Every criterion that is not a bonus criterion must be answered; a missing, unknown or invalid
    answer is reported in `issues` (and counts 0). Bonus points are added per the sheet's
    "bonus_rule" and the total is capped there."""
    return _score_sheets(sheet, [choices])[0][0]


def _score_sheets(sheet: Sheet, many: list) -> list[tuple[MemberTotal, Iterable[tuple[str, int]]]]:
    """(member_total, the (code, level) star-level requirements it fails, as _sheet_failures) of each
    of `many` sheets, in order. The sheets that answer every criterion, and nothing else, with an
    option's position or code are added by column: one C-level pass per criterion over all of them,
    not a Python loop per criterion per sheet (issue 17: closing a year's rounds adds 32,000 sheets of
    ~31 criteria; rank_products adds a whole round's at once). The others go through _score_sheet,
    which says what is wrong with them."""
    if sheet.structure_only or not many:
        return [_score_sheet(sheet, choices) for choices in many]
    columns = sheet.__dict__.get("_scoring_columns") or _columns(sheet)
    n = len(columns.codes)
    plain = [type(choices) is dict and len(choices) == n for choices in many]
    added = _add_by_column(sheet, columns, list(compress(many, plain)))
    if added is None:  # some sheet among them answers with something else: find which
        plain = [ok and _answers_options(columns, choices) for ok, choices in zip(plain, many)]
        added = _add_by_column(sheet, columns, list(compress(many, plain)))
    if len(added) == len(many):
        return added
    fast = iter(added)
    return [next(fast) if ok else _score_sheet(sheet, choices) for ok, choices in zip(plain, many)]


def _answers_options(columns: _Columns, choices: dict) -> bool:
    """Whether every answer of a sheet with as many answers as criteria is an option's position or
    code of its criterion (so that no answer is missing, unknown or invalid)."""
    answers = list(map(choices.get, columns.codes))
    return _PLAIN.issuperset(map(type, answers)) and None not in map(dict.get, columns.points, answers)


def _add_by_column(sheet: Sheet, columns: _Columns, rows: list) -> list | None:
    """_score_sheets of sheets (dicts with as many answers as criteria) added column by column; None
    when an answer is missing or designates no option (then _score_sheet explains it). A bool, a
    float or anything else designates nothing, as in Criterion.option, so only an int or a str is
    looked up."""
    if not rows:
        return []
    try:  # per criterion, every sheet's answer
        answers = list(zip(*map(columns.answers_of, rows)))
    except KeyError:
        return None
    if not _PLAIN.issuperset(map(type, chain.from_iterable(answers))):
        return None
    points = [list(map(by_choice.get, column)) for by_choice, column in zip(columns.points, answers)]
    zeros = [0] * len(rows)
    # each part's sum per sheet, in 10^-places; every criterion is in a part or a bonus criterion, so
    # an answer that designates no option (None) is added somewhere, and raises
    try:
        if columns.slices is not None:
            sums = [list(map(sum, zip(*points[at]))) if at.stop > at.start else zeros for at in columns.slices]
        else:
            sums = [list(map(sum, zip(*compress(points, mask)))) if any(mask) else zeros for mask in columns.masks]
        bonus = list(map(sum, zip(*compress(points, columns.bonus)))) if columns.bonus else zeros
    except TypeError:
        return None
    if sheet.bonus_rule is None:
        decimals = columns.decimals
        totals = map(decimals.__getitem__, map(sum, zip(*sums)))
        per_part = map(dict, map(zip, repeat(columns.part_codes), zip(*(map(decimals.__getitem__, s) for s in sums))))
        members = list(map(MemberTotal, totals, per_part, [[] for _row in rows]))
    else:
        members = [_member_total(sheet, columns, list(s), b, []) for s, b in zip(zip(*sums), bonus)]
    if not columns.failing:
        return list(zip(members, repeat(())))
    failing = [list(map(fails.get, answers[at])) for fails, at in zip(columns.failing, columns.m_positions)]
    return list(zip(members, map(chain.from_iterable, map(partial(filter, None), zip(*failing)))))


def _score_sheet(sheet: Sheet, choices: Mapping[str, Any]) -> tuple[MemberTotal, Iterable[tuple[str, int]]]:
    """_score_sheets of one sheet, criterion by criterion: every problem is reported in `issues`."""
    if sheet.structure_only:
        issue = Issue(
            "", _("Bộ tiêu chí “%(t)s” mới có khung các phần, chưa có tiêu chí để chấm.") % {"t": sheet.title}
        )
        return MemberTotal(Decimal(0), {p.code: Decimal(0) for p in sheet.parts}, [issue]), ()
    if type(choices) is not dict and not isinstance(choices, Mapping):
        raise ScoringError(_("Lựa chọn của thành viên phải là bảng {mã tiêu chí: lựa chọn}."))
    columns = sheet.__dict__.get("_scoring_columns") or _columns(sheet)
    issues: list[Issue] = []
    known = sheet.by_code
    for code in choices:
        if code not in known:
            issues.append(Issue(str(code), _("Tiêu chí “%(c)s” không có trong bộ tiêu chí.") % {"c": code}))
    per_part = dict.fromkeys(columns.part_codes, 0)
    bonus = 0
    for (criterion, code, part, is_bonus, _options), by_choice in zip(_table(sheet)[0], columns.points):
        choice = choices.get(code)
        if choice is None:
            if not is_bonus:
                issues.append(Issue(code, _("Chưa chấm tiêu chí “%(t)s”.") % {"t": criterion.title}))
            continue
        kind = type(choice)  # as _option, inline
        got = by_choice.get(choice) if kind is int or kind is str else None
        if got is None:
            issues.append(
                Issue(
                    code,
                    _("Tiêu chí “%(t)s”: lựa chọn “%(v)s” không hợp lệ.") % {"t": criterion.title, "v": choice},
                )
            )
        elif is_bonus:
            bonus += got
        else:
            per_part[part] += got
    sums = list(per_part.values())
    return _member_total(sheet, columns, sums, bonus, issues), _sheet_failures(sheet, choices)


def _member_total(sheet: Sheet, columns: _Columns, sums: list, bonus: int, issues: list) -> MemberTotal:
    """MemberTotal from the parts' sums in 10^-places: their total, plus the bonus points per the
    sheet's "bonus_rule" (capped there); without a bonus rule the bonus points do not count."""
    decimals = columns.decimals
    total = decimals[sum(sums)]
    rule = sheet.bonus_rule
    if rule is not None:
        extra = decimals[bonus]
        if rule.max_bonus is not None:
            extra = min(extra, rule.max_bonus)
        total += extra
        if rule.cap_total is not None:
            total = min(total, rule.cap_total)
    return MemberTotal(total, dict(zip(columns.part_codes, map(decimals.__getitem__, sums))), issues)


@dataclass(frozen=True)
class RequirementFailure:
    criterion: Criterion
    stars: int  # the star level the requirement is for
    needed: Decimal
    got: Decimal

    @property
    def message(self) -> str:
        return _("Tiêu chí “%(t)s” bắt buộc với sản phẩm %(s)s sao: cần đạt ít nhất %(n)s điểm, mới đạt %(g)s.") % {
            "t": self.criterion.title,
            "s": self.stars,
            "n": fmt_points(self.needed),
            "g": fmt_points(self.got),
        }


def requirement_failures(sheet: Sheet, choices: Mapping[str, Any]) -> list[RequirementFailure]:
    """The mandatory (star-level) requirements one member's choices do not meet; an unanswered or
    invalid answer counts as 0 points."""
    failures = []
    zero = Decimal(0)
    for criterion, code, requirements, options, _fails, _missing in _table(sheet)[1]:
        option = _option(options, choices.get(code)) if code in choices else None
        got = option.points if option else zero
        for level, needed in requirements:
            if got < needed:
                failures.append(RequirementFailure(criterion, level, needed, got))
    return failures


def requirement_cap(failures: Iterable[RequirementFailure]) -> int | None:
    """The highest rank allowed by failed requirements (failing a 3-star requirement → 2), or None."""
    levels = [f.stars for f in failures]
    return min(levels) - 1 if levels else None


def _members(member_values: Mapping | list | tuple) -> list[tuple[Any, Any]]:
    if isinstance(member_values, Mapping):
        return list(member_values.items())
    return list(enumerate(member_values))


def product_requirement_cap(
    sheet: Sheet, member_choices: Mapping | list, recused: Iterable = (), aggregation: str = "majority"
) -> int | None:
    """The star cap from the star-level requirements for the whole council: a requirement fails for
    the product when it fails on more than half ("majority"), any ("any") or all ("all") of the
    non-recused members' sheets (the scale's "requirement_aggregation")."""
    recused = set(recused)
    members = [(k, v) for k, v in _members(member_choices) if k not in recused]
    if not members:
        return None
    failures: list = []
    for _key, choices in members:
        failures.extend(_sheet_failures(sheet, choices))
    return _requirement_cap(failures, len(members), aggregation)


def _sheet_failures(sheet: Sheet, choices: Mapping[str, Any]) -> Iterable[tuple[str, int]]:
    """The (code, level) star-level requirements one member's sheet fails, each once (criterion codes
    are unique in a sheet, levels in a criterion); an unanswered or invalid answer counts 0 points."""
    columns = _columns(sheet)
    answers = list(map(choices.get, columns.m_codes))
    if not _PLAIN_OR_NONE.issuperset(map(type, answers)):
        answers = [a if type(a) in _PLAIN else None for a in answers]  # as _option: designates nothing
    return chain.from_iterable(map(dict.get, columns.m_fails, answers, columns.m_missing))


def _requirement_cap(failures: list[tuple[str, int]], members: int, aggregation: str) -> int | None:
    """The star cap from the (code, level) failures of `members` sheets (product_requirement_cap)."""
    if not failures:
        return None
    counts = Counter(failures)
    failed = [
        level
        for (_code, level), count in counts.items()
        if (aggregation == "any" and count > 0)
        or (aggregation == "all" and count == members)
        or (aggregation == "majority" and count * 2 > members)
    ]
    return min(failed) - 1 if failed else None


# --- the council ---------------------------------------------------------------------------------


def product_score(
    member_totals: Mapping | list, recused: Iterable = (), *, places: int = 2, rounding: str = "half_up"
) -> Decimal:
    """Average total of the members who are not recused, rounded once to `places` decimals with
    `rounding` (default: 2 decimals, half up). `member_totals` maps a member key to a total (or a
    MemberTotal); a list is keyed by position. `recused` lists the keys of members who withdrew."""
    recused = set(recused)
    values = [
        v.total if isinstance(v, MemberTotal) else _decimal(v, _("Điểm của thành viên %(k)s") % {"k": k})
        for k, v in _members(member_totals)
        if k not in recused
    ]
    return _average(values, places, rounding)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}


def _average(values: list[Decimal], places: int, rounding: str) -> Decimal:
    """product_score of the totals that count."""
    if not values:
        raise ScoringError(_("Không còn thành viên nào chấm điểm (tất cả đã rút khỏi việc chấm)."))
    average = sum(values, Decimal(0)) / len(values)
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return average.quantize(quantum, rounding=ROUNDING_MODES[rounding])


def _bands(thresholds: Scale | Iterable) -> tuple[tuple[Band, ...], int]:
    if isinstance(thresholds, Scale):
        return thresholds.bands, thresholds.mandatory_fail_cap
    bands = []
    for item in thresholds:
        if isinstance(item, Band):
            bands.append(item)
        elif isinstance(item, Mapping):
            bands.append(Band(int(item["stars"]), Decimal(str(item["min"]))))
        else:
            stars_, minimum = item
            bands.append(Band(int(stars_), Decimal(str(minimum))))
    return tuple(sorted(bands, key=lambda b: b.min, reverse=True)), 2


def stars(score: Any, thresholds: Scale | Iterable, mandatory_failed: bool = False, *, cap: int | None = None) -> int:
    """The star rank of an (average) score: the highest band whose minimum the score reaches.
    `mandatory_failed` caps the rank at the scale's "mandatory_fail_cap" (2 stars); `cap` applies
    another cap (e.g. from product_requirement_cap). Never below 1 star."""
    value = _decimal(score, _SCORE)
    bands, fail_cap = _bands(thresholds)
    if value < 0 or value > 100:
        raise ScoringError(_("Điểm %(v)s nằm ngoài khoảng 0–100.") % {"v": fmt_points(value)})
    for band in bands:
        if value >= band.min:
            result = band.stars
            break
    else:
        result = min(b.stars for b in bands)
    if mandatory_failed:
        result = min(result, fail_cap)
    if cap is not None:
        result = min(result, cap)
    return max(result, 1)


def is_certified(star_count: int, scale: Scale) -> bool:
    """Only products of `certified_min_stars` (3) stars or more are certified OCOP products."""
    return star_count >= scale.certified_min_stars


# --- procedure ------------------------------------------------------------------------------------


def _level(procedure: Procedure, level: str):
    rule = procedure.level(level)
    if rule is None:
        return None
    return rule


def can_hold_round(procedure: Procedure, level: str) -> bool:
    """Whether a council at `level` may hold an evaluation round under `procedure` (a commune's
    pre-assessment is not a round: see can_preassess)."""
    rule = _level(procedure, level)
    return bool(rule and rule.holds_round and not rule.abolished)


def can_preassess(procedure: Procedure, level: str) -> bool:
    rule = _level(procedure, level)
    return bool(rule and rule.preassesses)


def certifying_level(procedure: Procedure, star_count: int) -> str | None:
    """The level whose decision certifies a product of `star_count` stars (None: not certified)."""
    return next((r.level for r in procedure.levels if star_count in r.certifies), None)


def can_certify(procedure: Procedure, level: str, star_count: int) -> bool:
    return certifying_level(procedure, star_count) == level


def forwarding(procedure: Procedure, level: str, score: Any) -> str | None:
    """The level a council at `level` sends the dossier to for a product scoring `score`, or None."""
    rule = _level(procedure, level)
    if rule is None or rule.forwards is None or not can_hold_round(procedure, level):
        return None
    value = _decimal(score, _SCORE)
    f = rule.forwards
    if value >= f.min and (f.max is None or value <= f.max):
        return f.to
    return None


def describe_level(procedure: Procedure, level: str) -> str:
    """One Vietnamese sentence on what a level does under the procedure (for screens and errors)."""
    rule = _level(procedure, level)
    name = level_label(level)
    if rule is None or rule.abolished:
        return _("%(l)s không tham gia đánh giá theo %(p)s.") % {"l": name.capitalize(), "p": procedure.title}
    parts = []
    if rule.preassesses:
        parts.append(_("đánh giá trước một số tiêu chí"))
    if rule.holds_round:
        parts.append(_("tổ chức đánh giá, phân hạng"))
    if rule.certifies:
        parts.append(_("công nhận sản phẩm %(s)s sao") % {"s": ", ".join(str(s) for s in rule.certifies)})
    if rule.forwards:
        parts.append(
            _("chuyển hồ sơ sản phẩm đạt từ %(m)s điểm lên %(t)s")
            % {"m": fmt_points(rule.forwards.min), "t": level_label(rule.forwards.to)}
        )
    if not parts:
        return _("%(l)s: %(r)s") % {"l": name.capitalize(), "r": rule.role or _("không chấm điểm")}
    return name.capitalize() + ": " + "; ".join(parts) + "."


# --- certificates ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_expires_on(procedure: Procedure, decided_on: dt.date) -> dt.date:
    """The first day a certificate is no longer valid: `validity_months` (36) after the recognising
    decision (a decision of 04/02/2020 expires on 04/02/2023)."""
    return add_months(decided_on, procedure.certificate.validity_months)


def expiry_notice_due(procedure: Procedure, decided_on: dt.date) -> dt.date:
    """The last day the issuer may notify the entity of the expiry (`expiry_notice_days` before)."""
    return certificate_expires_on(procedure, decided_on) - dt.timedelta(days=procedure.certificate.expiry_notice_days)


# --- everything at once -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    """A council's result for one product: the members' totals, the average, the cap from the
    star-level requirements, the stars, whether it is a certified OCOP product and which level
    certifies it (or forwards it) under the procedure."""

    member_totals: dict  # {member key: MemberTotal}
    score: Decimal
    requirement_cap: int | None
    stars: int
    certified: bool
    certifying_level: str | None
    issues: dict  # {member key: [Issue]} for incomplete sheets (not counted until complete)


def rank_product(
    sheet: Sheet, scale: Scale, member_choices: Mapping, recused: Iterable = (), procedure: Procedure | None = None
) -> Ranking:
    """Score a product from each member's choices (`member_choices`: {member key: {criterion: choice}}).
    Raises ScoringError when a non-recused member's sheet is incomplete or invalid."""
    members = _members(member_choices)
    return _rank(scale, members, _score_sheets(sheet, [v for _k, v in members]), set(recused), procedure)


def rank_products(
    sheet: Sheet, scale: Scale, products: Mapping[Any, Mapping], procedure: Procedure | None = None
) -> dict[Any, Ranking]:
    """rank_product of each of `products` ({product key: {member key: choices}}, nobody recused: the
    caller leaves out the sheets of members who withdrew), every sheet of every product added in one
    pass (_score_sheets). Raises ScoringError for the first product, in order, rank_product refuses
    (a SheetError names that product's key)."""
    members = {key: _members(choices) for key, choices in products.items()}
    scored = _score_sheets(sheet, [v for pairs in members.values() for _k, v in pairs])
    out, at = {}, 0
    for key, pairs in members.items():
        try:
            out[key] = _rank(scale, pairs, scored[at : at + len(pairs)], frozenset(), procedure)
        except SheetError as exc:
            exc.product = key
            raise
        at += len(pairs)
    return out


def _rank(scale: Scale, members: list, scored: list, recused: set | frozenset, procedure: Procedure | None) -> Ranking:
    """rank_product from the members' (key, choices) and their _score_sheets."""
    keys = [k for k, _v in members]
    totals = dict(zip(keys, [total for total, _failed in scored]))
    if recused:
        scored = [pair for k, pair in zip(keys, scored) if k not in recused]
    issues = {k: t.issues for k, t in totals.items() if t.issues and k not in recused}
    if issues:
        first_key, first = next(iter(issues.items()))
        raise SheetError(
            _("Phiếu chấm của thành viên %(k)s chưa hợp lệ: %(m)s") % {"k": first_key, "m": first[0].message},
            member=first_key,
            reason=first[0].message,
        )
    score = _average([total.total for total, _failed in scored], scale.rounding_places, scale.rounding_mode)
    failures = list(chain.from_iterable([failed for _total, failed in scored]))
    cap = _requirement_cap(failures, len(scored), scale.requirement_aggregation)  # as product_requirement_cap
    star_count = stars(score, scale, cap=cap)
    certified = is_certified(star_count, scale)
    return Ranking(
        member_totals=totals,
        score=score,
        requirement_cap=cap,
        stars=star_count,
        certified=certified,
        certifying_level=certifying_level(procedure, star_count) if procedure and certified else None,
        issues=issues,
    )
