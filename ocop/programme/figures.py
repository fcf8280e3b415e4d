"""Figures of the indicator service (ocop/analytics) for the apps below it (issue 18: one source of numbers).

The programme board (ocop/programme/board.py) and the national report (ocop/reporting/national_report.py)
print quantities that are indicators (documents, activities and funding of a period; units expected,
submitted and on time for a request). They sit below analytics in the layers (docs/architecture.md) and
may not import it, so analytics registers its service here in `AnalyticsConfig.ready`
(`register_figure_source`) and the dependency points downwards. Analytics is installed in every profile:
without a source the figures fail loudly (FigureSourceMissing), never silently as zeros.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class FigureSource(Protocol):
    """What the indicator service provides (ocop/analytics/figures.py)."""

    def by_province(self, code: str, start: dt.date, end: dt.date) -> dict[int, int]:
        """Indicator `code` over the days start..end (records that carry a year of their own, such as
        funding, by their year start.year..end.year), per province id of the record's unit."""
        ...

    def of_request(self, code: str, request_id: int, part: str = "value") -> int:
        """Indicator `code` (or one part of a ratio: "num", "den") for one report request, all units."""
        ...


class FigureSourceMissing(ImproperlyConfigured):
    pass


_source: FigureSource | None = None


def register_figure_source(source: FigureSource | None) -> None:
    """Called once by the analytics app when Django starts (its AppConfig.ready)."""
    global _source
    _source = source


def source() -> FigureSource:
    if _source is None:
        raise FigureSourceMissing(
            "No indicator service registered (ocop.analytics must be in INSTALLED_APPS; "
            "AnalyticsConfig.ready registers it)."
        )
    return _source


def by_province(code: str, start: dt.date, end: dt.date) -> dict[int, int]:
    return source().by_province(code, start, end)


def of_request(code: str, request_id: int, part: str = "value") -> int:
    return source().of_request(code, request_id, part)
