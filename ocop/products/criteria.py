"""The bridge to the evaluation app's criteria sets and scoring, for the applicant's self-assessment.

The products app does not depend on ocop.evaluation: when that app is not installed (or has no
criteria set for a product), `criteria_set_for` returns None, the self-assessment page offers only
the signed paper form, and `score` returns None (the total stays empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps


@dataclass
class Option:
    code: str
    label: str
    points: Decimal | None = None


@dataclass
class Criterion:
    code: str
    label: str
    part: str
    options: list[Option]
    mandatory: bool = False
    bonus: bool = False  # bonus criteria may be left unanswered


@dataclass
class CriteriaSheet:
    """What the self-assessment form needs from a criteria set: its code, version and criteria."""

    code: str
    version: str
    title: str
    criteria: list[Criterion]
    source: object = None  # the evaluation app's own object, passed back to its scoring


def evaluation_installed() -> bool:
    return apps.is_installed("ocop.evaluation")


def criteria_set_for(product) -> CriteriaSheet | None:
    """The criteria sheet that applies to `product`, or None when none is available."""
    if not evaluation_installed():
        return None
    try:  # the evaluation app provides this hook; see the integration notes
        from ocop.evaluation import hooks  # type: ignore[import-not-found]
    except ImportError:
        return None
    finder = getattr(hooks, "self_assessment_sheet", None)
    sheet = finder(product) if finder else None
    if sheet is not None and hasattr(sheet.source, "criterion"):
        for criterion in sheet.criteria:  # the bonus flag, when the hook does not pass it
            parsed = sheet.source.criterion(criterion.code)
            criterion.bonus = criterion.bonus or bool(getattr(parsed, "bonus", False))
    return sheet


def gap_for(product) -> str | None:
    """When the criteria set that applies to `product` exists only as a skeleton (its criteria not
    transcribed), the evaluation app's note saying why; None otherwise."""
    if not evaluation_installed():
        return None
    try:
        from ocop.evaluation import hooks  # type: ignore[import-not-found]
    except ImportError:
        return None
    finder = getattr(hooks, "self_assessment_gap", None)
    return finder(product) if finder else None


def score(sheet: CriteriaSheet, choices: dict[str, str]) -> Decimal | None:
    """The total of `choices` under `sheet`, computed by the evaluation app (None if unavailable)."""
    if sheet is None or not evaluation_installed():
        return None
    try:
        from ocop.evaluation import hooks  # type: ignore[import-not-found]
    except ImportError:
        return None
    scorer = getattr(hooks, "self_assessment_total", None)
    return scorer(sheet, choices) if scorer else None
