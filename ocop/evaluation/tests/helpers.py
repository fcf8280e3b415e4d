"""Shared helpers for the evaluation tests: the committed data files, parsed without a database."""

from __future__ import annotations

import copy
import functools
import json
from decimal import Decimal

from ocop.evaluation import criteria
from ocop.evaluation.loader import DATA_DIR

SHEET_1048 = "sheet-1048-rau-cu-qua-hat-tuoi.json"
SHEET_148 = "sheet-148-rau-cu-qua-hat-tuoi.json"


def raw(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@functools.cache
def instruments() -> criteria.InstrumentsFile:
    return criteria.parse_instruments(raw("instruments.json"))


def sheet(name: str, data: dict | None = None) -> criteria.Sheet:
    data = data if data is not None else raw(name)
    return criteria.parse_sheet(data, instruments().get(data["instrument"]).part_maxima)


@functools.cache
def sheet_1048() -> criteria.Sheet:
    return sheet(SHEET_1048)


@functools.cache
def sheet_148() -> criteria.Sheet:
    return sheet(SHEET_148)


@functools.cache
def scales() -> dict[str, criteria.Scale]:
    return {s.code: s for s in criteria.parse_stars(raw("stars.json")).scales}


@functools.cache
def procedures() -> dict[str, criteria.Procedure]:
    return {p.code: p for p in criteria.parse_procedures(raw("procedures.json")).procedures}


def best(s: criteria.Sheet) -> dict:
    """Every criterion answered with its highest option (by code)."""
    return {c.code: max(c.options, key=lambda o: o.points).code for c in s.criteria if not c.bonus}


def worst(s: criteria.Sheet) -> dict:
    return {c.code: min(c.options, key=lambda o: o.points).code for c in s.criteria if not c.bonus}


def choices_for_total(s: criteria.Sheet, target: int) -> dict:
    """Choices whose total is exactly `target` (greedy from the worst sheet, one option at a time)."""
    choices = worst(s)
    total = sum(s.criterion(code).option(choice).points for code, choice in choices.items())
    for c in sorted(s.criteria, key=lambda c: c.code):
        if c.bonus:
            continue
        for option in sorted(c.options, key=lambda o: o.points, reverse=True):
            current = c.option(choices[c.code]).points
            if total - current + option.points <= target:
                total += option.points - current
                choices[c.code] = option.code
                break
        if total == target:
            return choices
    raise AssertionError(f"no choices reach {target}")


def with_bonus(data: dict, *, cap_total=100, max_bonus=None) -> dict:
    """A copy of a sheet with two bonus criteria added to part A (for the bonus rule tests)."""
    data = copy.deepcopy(data)
    data["bonus_rule"] = {"cap_total": cap_total, "max_bonus": max_bonus, "confirmed": False}
    data["parts"][0]["groups"].append(
        {
            "code": "X",
            "title": "Điểm cộng (thử)",
            "criteria": [
                {
                    "code": "X.1",
                    "text": "Phụ nữ, đồng bào dân tộc thiểu số tham gia",
                    "bonus": True,
                    "tags": ["women_ethnic_minority"],
                    "options": [{"code": "0", "text": "Không", "points": 0}, {"code": "1", "text": "Có", "points": 3}],
                },
                {
                    "code": "X.2",
                    "text": "Nguyên liệu, lao động địa phương",
                    "bonus": True,
                    "options": [{"code": "0", "text": "Không", "points": 0}, {"code": "1", "text": "Có", "points": 2}],
                },
            ],
        }
    )
    return data


def with_half_points(data: dict) -> dict:
    """A sheet's data with every option's points but the highest halved (.5 and .25 points appear;
    the maxima stay as they are)."""
    for part in data["parts"]:
        for group in part["groups"]:
            for c in group["criteria"]:
                top = max(Decimal(str(o["points"])) for o in c["options"])
                for o in c["options"]:
                    if Decimal(str(o["points"])) < top:
                        o["points"] = str(Decimal(str(o["points"])) / 2)
    return data


def meeting_requirements(s: criteria.Sheet, target: int) -> dict:
    """Choices totalling `target` that keep every mandatory criterion at its best option (lowering only
    the others, from the best sheet)."""
    choices = best(s)
    total = sum(s.criterion(code).option(choice).points for code, choice in choices.items())
    for c in sorted(s.criteria, key=lambda c: c.code):
        if c.bonus or c.mandatory or total == target:
            continue
        current = c.option(choices[c.code]).points
        for option in sorted(c.options, key=lambda o: o.points):
            if total - current + option.points >= target:
                total += option.points - current
                choices[c.code] = option.code
                break
    if total != target:
        raise AssertionError(f"no choices reach {target} with the requirements met")
    return choices
