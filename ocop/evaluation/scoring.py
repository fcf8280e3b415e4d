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
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, NamedTuple

from django.utils.translation import gettext as _

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


def _decimal(value: Any, what: str) -> Decimal:
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
    issues: list[Issue] = []
    per_part = {p.code: Decimal(0) for p in sheet.parts}
    if sheet.structure_only:
        issues.append(
            Issue("", _("Bộ tiêu chí “%(t)s” mới có khung các phần, chưa có tiêu chí để chấm.") % {"t": sheet.title})
        )
        return MemberTotal(Decimal(0), per_part, issues)
    if not isinstance(choices, Mapping):
        raise ScoringError(_("Lựa chọn của thành viên phải là bảng {mã tiêu chí: lựa chọn}."))
    known = sheet.by_code
    for code in choices:
        if code not in known:
            issues.append(Issue(str(code), _("Tiêu chí “%(c)s” không có trong bộ tiêu chí.") % {"c": code}))
    bonus = Decimal(0)
    for criterion, code, part, is_bonus, options in _table(sheet)[0]:
        choice = choices.get(code)
        if choice is None:
            if not is_bonus:
                issues.append(Issue(code, _("Chưa chấm tiêu chí “%(t)s”.") % {"t": criterion.title}))
            continue
        kind = type(choice)  # as _option, inline
        option = options.get(choice) if kind is int or kind is str else None
        if option is None:
            issues.append(
                Issue(
                    code,
                    _("Tiêu chí “%(t)s”: lựa chọn “%(v)s” không hợp lệ.") % {"t": criterion.title, "v": choice},
                )
            )
            continue
        if is_bonus:
            bonus += option.points
        else:
            per_part[part] += option.points
    base = sum(per_part.values(), Decimal(0))
    total = base
    rule = sheet.bonus_rule
    if rule is not None:
        if rule.max_bonus is not None:
            bonus = min(bonus, rule.max_bonus)
        total = base + bonus
        if rule.cap_total is not None:
            total = min(total, rule.cap_total)
    return MemberTotal(total, per_part, issues)


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
    counts: dict[tuple[str, int], int] = {}
    mandatory = _table(sheet)[1]
    for _key, choices in members:
        # as requirement_failures, from the levels each answer fails (precomputed per sheet); criterion
        # codes are unique in a sheet and levels in a criterion, so each (code, level) counts once
        for _criterion, code, _requirements, _options, fails, missing in mandatory:
            choice = choices.get(code)
            kind = type(choice)  # as _option, inline; an unanswered or invalid answer counts 0
            for level in fails.get(choice, missing) if kind is int or kind is str else missing:
                counts[(code, level)] = counts.get((code, level), 0) + 1
    n = len(members)
    failed = [
        level
        for (_code, level), count in counts.items()
        if (aggregation == "any" and count > 0)
        or (aggregation == "all" and count == n)
        or (aggregation == "majority" and count * 2 > n)
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
    if not values:
        raise ScoringError(_("Không còn thành viên nào chấm điểm (tất cả đã rút khỏi việc chấm)."))
    average = sum(values, Decimal(0)) / Decimal(len(values))
    return average.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING_MODES[rounding])


def _bands(thresholds: Scale | Iterable) -> tuple[list[Band], int]:
    if isinstance(thresholds, Scale):
        return list(thresholds.bands), thresholds.mandatory_fail_cap
    bands = []
    for item in thresholds:
        if isinstance(item, Band):
            bands.append(item)
        elif isinstance(item, Mapping):
            bands.append(Band(int(item["stars"]), Decimal(str(item["min"]))))
        else:
            stars_, minimum = item
            bands.append(Band(int(stars_), Decimal(str(minimum))))
    return sorted(bands, key=lambda b: b.min, reverse=True), 2


def stars(score: Any, thresholds: Scale | Iterable, mandatory_failed: bool = False, *, cap: int | None = None) -> int:
    """The star rank of an (average) score: the highest band whose minimum the score reaches.
    `mandatory_failed` caps the rank at the scale's "mandatory_fail_cap" (2 stars); `cap` applies
    another cap (e.g. from product_requirement_cap). Never below 1 star."""
    value = _decimal(score, _("Điểm"))
    bands, fail_cap = _bands(thresholds)
    if value < 0 or value > 100:
        raise ScoringError(_("Điểm %(v)s nằm ngoài khoảng 0–100.") % {"v": fmt_points(value)})
    result = next((b.stars for b in bands if value >= b.min), min(b.stars for b in bands))
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
    value = _decimal(score, _("Điểm"))
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
    recused = set(recused)
    totals = {k: member_total(sheet, v) for k, v in _members(member_choices)}
    issues = {k: t.issues for k, t in totals.items() if t.issues and k not in recused}
    if issues:
        first_key, first = next(iter(issues.items()))
        raise ScoringError(
            _("Phiếu chấm của thành viên %(k)s chưa hợp lệ: %(m)s") % {"k": first_key, "m": first[0].message}
        )
    score = product_score(totals, recused, places=scale.rounding_places, rounding=scale.rounding_mode)
    cap = product_requirement_cap(sheet, member_choices, recused, scale.requirement_aggregation)
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
