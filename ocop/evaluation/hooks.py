"""The self-assessment provider the evaluation app registers with ocop/products/criteria.py (in
EvaluationConfig.ready): the criteria set an applicant fills in for the self-assessment
(`self_assessment_sheet`), its total (`self_assessment_total`) and why none is offered
(`self_assessment_gap`).

A product's `classification_code` may be a full code ("148-1.1.1", "1048-1.1.1") or the dotted
position alone ("1.1.1"), read under the classification in force today. A skeleton set
(structure_only) has no criteria to fill in: no sheet is offered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from ocop.evaluation import scoring
from ocop.evaluation.models import Classification, CriteriaSet, Instrument
from ocop.products.criteria import CriteriaSheet, Criterion, Option


def _classification_code(raw: str, day: dt.date) -> str | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if Classification.objects.filter(code=raw).exists():
        return raw
    instrument = Instrument.objects.on(day)
    if instrument is None:
        return None
    node = Classification.objects.filter(instrument=instrument, code__endswith="-" + raw).first()
    return node.code if node else None


def criteria_set_for_product(product, day: dt.date | None = None) -> CriteriaSet | None:
    day = day or timezone.localdate()
    code = _classification_code(getattr(product, "classification_code", ""), day)
    return CriteriaSet.objects.for_classification(code, day) if code else None


def self_assessment_sheet(product):
    """The products app's CriteriaSheet for `product` (None when no scorable set applies today)."""
    criteria_set = criteria_set_for_product(product)
    if criteria_set is None or criteria_set.structure_only:
        return None
    sheet = criteria_set.parsed
    return CriteriaSheet(
        code=sheet.code,
        version=str(sheet.version),
        title=sheet.title,
        criteria=[
            Criterion(
                code=criterion.code,
                label=criterion.text,
                part=criterion.part,
                options=[Option(code=o.code, label=o.text, points=o.points) for o in criterion.options],
                mandatory=criterion.mandatory,
            )
            for criterion in sheet.criteria
        ],
        source=sheet,
    )


def self_assessment_total(sheet, choices) -> Decimal | None:
    """The total of a complete self-assessment (None while a criterion is unanswered or invalid)."""
    parsed = getattr(sheet, "source", None)
    if parsed is None:
        return None
    result = scoring.member_total(parsed, choices or {})
    return None if result.issues else result.total


def self_assessment_gap(product) -> str | None:
    """Why no online self-assessment is offered for `product` although a criteria set applies: the
    set is a skeleton (structure_only) whose criteria are not transcribed; its note says why."""
    criteria_set = criteria_set_for_product(product)
    if criteria_set is None or not criteria_set.structure_only:
        return None
    note = (criteria_set.definition or {}).get("note", "") if isinstance(criteria_set.definition, dict) else ""
    return str(note or "").strip() or None
