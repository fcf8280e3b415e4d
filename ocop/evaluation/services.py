"""Date-based queries over the loaded evaluation data (the law in force on a day) and the glue
between them and the pure scoring functions (ocop/evaluation/scoring.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from ocop.evaluation import scoring
from ocop.evaluation.models import (  # noqa: F401  (re-exported)
    CriteriaSet,
    procedure_rule_on,
    rules_on,
    scale_on,
)
from ocop.lib.dates import format_date


def criteria_set_on(classification_code: str, day: dt.date) -> CriteriaSet | None:
    """The criteria set that judges a product of `classification_code` evaluated on `day`, following
    the crosswalk between classifications (see CriteriaSet.objects.for_classification)."""
    return CriteriaSet.objects.for_classification(classification_code, day)


def rank_on(day: dt.date, classification_code: str, member_choices: Mapping, recused: Iterable = ()) -> scoring.Ranking:
    """Rank a product evaluated on `day` with the criteria set, star scale and procedure in force then."""
    criteria_set = criteria_set_on(classification_code, day)
    scale = scale_on(day)
    if criteria_set is None or scale is None:
        raise scoring.ScoringError(
            _("Không có bộ tiêu chí hoặc thang hạng sao áp dụng cho mã phân loại %(c)s vào ngày %(d)s.")
            % {"c": classification_code, "d": format_date(day)}
        )
    return scoring.rank_product(criteria_set.parsed, scale, member_choices, recused, rules_on(day))
