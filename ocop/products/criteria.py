"""The bridge to the evaluation app's criteria sets and scoring, for the applicant's self-assessment.

The products app does not import ocop.evaluation: the app that judges products registers a
`SelfAssessmentProvider` here (`register_provider`, called by the evaluation app's
`AppConfig.ready`), so the dependency points downwards. Without a provider (evaluation not
installed), or when it has no criteria set for a product, `criteria_set_for` returns None, the
self-assessment page offers only the signed paper form, and `score` returns None (the total stays
empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


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


class SelfAssessmentProvider(Protocol):
    """What the judging app provides (ocop/evaluation/hooks.py)."""

    def self_assessment_sheet(self, product) -> CriteriaSheet | None: ...

    def self_assessment_gap(self, product) -> str | None: ...

    def self_assessment_total(self, sheet: CriteriaSheet, choices: dict[str, str]) -> Decimal | None: ...


_provider: SelfAssessmentProvider | None = None


def register_provider(provider: SelfAssessmentProvider | None) -> None:
    """Called once by the evaluation app when Django starts (its AppConfig.ready)."""
    global _provider
    _provider = provider


def criteria_set_for(product) -> CriteriaSheet | None:
    """The criteria sheet that applies to `product`, or None when none is available."""
    if _provider is None:
        return None
    sheet = _provider.self_assessment_sheet(product)
    if sheet is not None and hasattr(sheet.source, "criterion"):
        for criterion in sheet.criteria:  # the bonus flag, when the provider does not pass it
            parsed = sheet.source.criterion(criterion.code)
            criterion.bonus = criterion.bonus or bool(getattr(parsed, "bonus", False))
    return sheet


def gap_for(product) -> str | None:
    """When the criteria set that applies to `product` exists only as a skeleton (its criteria not
    transcribed), the evaluation app's note saying why; None otherwise."""
    return _provider.self_assessment_gap(product) if _provider is not None else None


def score(sheet: CriteriaSheet, choices: dict[str, str]) -> Decimal | None:
    """The total of `choices` under `sheet`, computed by the evaluation app (None if unavailable)."""
    if sheet is None or _provider is None:
        return None
    return _provider.self_assessment_total(sheet, choices)
