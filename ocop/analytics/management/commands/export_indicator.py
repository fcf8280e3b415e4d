"""manage.py export_indicator CODE --by province|group|star --from YEAR --to YEAR --geography current|legacy

CSV (UTF-8, comma) on standard output or --output: one row per province and period (and dimension
value with --by group|star): unit code, unit name, period, [dimension,] value — the same figures as the
pivot page, computed by ocop/analytics/services.py with a national scope."""

from __future__ import annotations

import csv
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ocop.accounts.scope import Scope
from ocop.analytics.services import DEFAULT_YEAR_FROM, Query, QueryError, compute
from ocop.lib.spreadsheet import csv_value


class Command(BaseCommand):
    help = "Xuất một chỉ tiêu theo tỉnh và kỳ ra CSV."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--by", default="province", choices=["province", "group", "star"])
        parser.add_argument("--from", dest="year_from", type=int, default=DEFAULT_YEAR_FROM)
        parser.add_argument("--to", dest="year_to", type=int, default=timezone.localdate().year)
        parser.add_argument("--geography", default="current", choices=["current", "legacy"])
        parser.add_argument("--period", default="year", choices=["year", "quarter", "request"])
        parser.add_argument("--output", default="")

    def handle(self, *args, **opts):
        dimension = "" if opts["by"] == "province" else opts["by"]
        try:
            cube = compute(
                Query(opts["code"], opts["geography"], opts["period"], opts["year_from"], opts["year_to"], dimension),
                Scope(national=True),
            )
        except QueryError as exc:
            raise CommandError(str(exc)) from None
        handle = open(opts["output"], "w", newline="", encoding="utf-8") if opts["output"] else sys.stdout
        try:
            writer = csv.writer(handle)
            head = ["unit_code", "unit_name", "period"] + (["dimension"] if dimension else []) + ["value"]
            writer.writerow(head)
            for unit in cube.units:
                for period in cube.periods:
                    for dim in cube.dims if dimension else [None]:
                        value = cube.total(unit=unit.key, period=period.key, dim=dim.key if dim else None)
                        row = [unit.code, unit.label, period.label] + ([dim.label] if dim else []) + [value]
                        writer.writerow([csv_value(v) for v in row])
        finally:
            if handle is not sys.stdout:
                handle.close()
