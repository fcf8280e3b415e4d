"""The benchmarks of the project (run by `make bench`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

from ocop.bench.harness import Result, run
from ocop.geo.models import Era
from ocop.programme.board import build_board
from ocop.reporting.models import ReportRequest
from ocop.reporting.services.completeness import summarise, unit_statuses


def _raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def bench_board(day: dt.date) -> Result:
    """The programme board (63 provinces, plan status, milestones, period counts) against raw SQL
    computing the same per-province document, activity and funding totals."""
    start = dt.date(day.year, 1, 1)

    def measured():
        return {
            r.province.code: (r.documents, r.activities, r.funding, r.plan_status, len(r.milestones))
            for r in build_board(day, (start, day))
        }

    def baseline():
        totals = defaultdict(lambda: [0, 0, 0])
        for table, col, expr, where in (
            ("programme_directivedocument", 0, "COUNT(*)", "r.date BETWEEN %s AND %s"),
            ("programme_activity", 1, "COUNT(*)", "r.date BETWEEN %s AND %s"),
            ("programme_funding", 2, "COALESCE(SUM(r.amount), 0)", "r.year BETWEEN %s AND %s"),
        ):
            params = (start.year, day.year) if "year" in where else (start, day)
            for code, value in _raw(
                f"SELECT p.code, {expr} FROM {table} r JOIN geo_adminunit u ON u.id = r.unit_id "
                f"JOIN geo_adminunit p ON p.id = u.province_id WHERE r.deleted_at IS NULL AND {where} GROUP BY p.code",
                params,
            ):
                totals[code][col] = int(value)
        # plan status on the day: the most advanced status of the province's plans
        rank = {"approved": 3, "submitted": 2, "drafting": 1}
        status: dict[str, str] = {}
        for code, plan_status, drafting, submitted, decided in _raw(
            "SELECT p.code, r.status, r.drafting_since, r.submitted_on, r.decision_date FROM programme_provincialplan r "
            "JOIN geo_adminunit u ON u.id = r.unit_id JOIN geo_adminunit p ON p.id = u.province_id "
            "WHERE r.deleted_at IS NULL AND r.drafting_since <= %s",
            (day,),
        ):
            as_date = lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v  # noqa: E731
            if plan_status == "approved" and decided and as_date(decided) <= day:
                on_day = "approved"
            elif plan_status in ("submitted", "approved") and submitted and as_date(submitted) <= day:
                on_day = "submitted"
            else:
                on_day = "drafting"
            if rank[on_day] > rank.get(status.get(code), 0):
                status[code] = on_day
        milestones = dict(
            _raw(
                "SELECT p.code, COUNT(DISTINCT r.kind) FROM programme_cyclemilestone r JOIN geo_adminunit u ON u.id = r.unit_id "
                "JOIN geo_adminunit p ON p.id = u.province_id WHERE r.deleted_at IS NULL AND r.date <= %s GROUP BY p.code",
                (day,),
            )
        )
        provinces = _raw("SELECT code FROM geo_adminunit WHERE level = 'province' AND era = %s", (Era.LEGACY,))
        return {code: (*totals[code], status.get(code, "none"), milestones.get(code, 0)) for (code,) in provinces}

    def check(a, b):
        assert a == b, "board totals differ from the raw SQL"

    return run(f"board {day:%d/%m/%Y} (63 provinces) vs raw SQL", measured, baseline, check)


def bench_completeness(req: ReportRequest) -> Result:
    """Completeness of a request (state and timeliness per unit) against raw SQL."""

    def measured():
        s = summarise(unit_statuses(req))
        return (s.expected, s.submitted, s.on_time, s.late, s.accepted)

    def baseline():
        rows = _raw(
            "SELECT r.adminunit_id, MIN(s.first_submitted_at), MAX(CASE WHEN s.status = 'accepted' THEN 1 ELSE 0 END) "
            "FROM reporting_reportrequest_recipients r LEFT JOIN reporting_submission s "
            "ON s.request_id = r.reportrequest_id AND s.unit_id = r.adminunit_id WHERE r.reportrequest_id = %s "
            "GROUP BY r.adminunit_id",
            (req.pk,),
        )
        from django.utils import timezone

        expected = len(rows)
        submitted = on_time = accepted = 0
        for _unit, first, is_accepted in rows:
            if first is not None:
                submitted += 1
                if isinstance(first, str):
                    first = dt.datetime.fromisoformat(first)
                if timezone.is_naive(first):
                    first = timezone.make_aware(first, dt.timezone.utc)
                if timezone.localdate(first) <= req.deadline:
                    on_time += 1
            accepted += int(is_accepted or 0)
        return (expected, submitted, on_time, submitted - on_time, accepted)

    def check(a, b):
        assert a[:4] == b[:4], f"completeness differs: {a} vs {b}"

    return run(f"completeness of “{req.document_number or req.title[:30]}” vs raw SQL", measured, baseline, check)


def all_benchmarks() -> list[Result]:
    results = [bench_board(dt.date(2018, 12, 12)), bench_board(dt.date(2024, 12, 31))]
    for req in ReportRequest.objects.filter(is_demo=True).order_by("cutoff")[:2]:
        results.append(bench_completeness(req))
    return results



