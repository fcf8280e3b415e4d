"""The benchmarks of the project (run by `make bench`)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

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
        for code, plan_status, _drafting, submitted, decided in _raw(
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


def _json_number(code: str, real: bool = False) -> str:
    """A numeric value of a submission's data in this database's SQL (codes are [a-z0-9_], see schema.CODE_RE)."""
    if connection.vendor == "postgresql":
        return f"NULLIF(s.data->>'{code}', '')::numeric"
    expr = f"json_extract(s.data, '$.{code}')"
    return f"CAST(NULLIF({expr}, '') AS REAL)" if real else expr


def sql_totals(req: ReportRequest) -> dict[str, object]:
    """The national figures of `req` in one raw SQL query over the latest accepted version of each
    expected unit's report: SUM for integer and money fields, (AVG, MIN, MAX) for percentages."""
    from ocop.reporting.models import SubmissionStatus

    fields = [f for f in req.template.parsed.fields if f.is_numeric]
    columns = []
    for f in fields:
        if f.type == "percent":
            expr = _json_number(f.code, real=True)
            columns += [f"AVG({expr})", f"MIN({expr})", f"MAX({expr})"]
        else:
            columns.append(f"SUM({_json_number(f.code)})")
    row = _raw(
        f"SELECT {', '.join(columns)} FROM reporting_submission s "
        "WHERE s.request_id = %s AND s.status = %s "
        "AND s.unit_id IN (SELECT r.adminunit_id FROM reporting_reportrequest_recipients r WHERE r.reportrequest_id = %s) "
        "AND s.number = (SELECT MAX(s2.number) FROM reporting_submission s2 WHERE s2.request_id = s.request_id "
        "AND s2.unit_id = s.unit_id AND s2.status = %s)",
        (req.pk, SubmissionStatus.ACCEPTED, req.pk, SubmissionStatus.ACCEPTED),
    )[0]
    out: dict[str, object] = {}
    values = iter(row)
    for f in fields:
        if f.type == "percent":
            out[f.code] = (next(values), next(values), next(values))
        else:
            total = next(values)
            out[f.code] = int(total or 0)
    return out


def check_totals(measured: dict, baseline: dict) -> None:
    """The consolidation's national figures equal the raw SQL ones (percentages to 1e-6)."""
    assert measured.keys() == baseline.keys(), "different fields"
    for code, value in measured.items():
        expected = baseline[code]
        if isinstance(value, tuple):
            for a, b in zip(value, expected):
                assert (a is None) == (b is None), (code, value, expected)
                if a is not None:
                    assert abs(float(a) - float(b)) < 1e-6, (code, value, expected)
        else:
            assert value == expected, (code, value, expected)


def bench_consolidation(req: ReportRequest, label: str) -> Result:
    """The whole consolidation of a request (figures, regions, comparison, narratives, de-duplicated
    shortcomings and proposals, tables, completeness) against raw SQL summing the same numbers."""
    from ocop.reporting.consolidation import consolidate

    def measured():
        return consolidate(req).totals_dict()

    def baseline():
        return sql_totals(req)

    return run(f"consolidation of {label} vs raw SQL", measured, baseline, check_totals)


SHORTCOMINGS = [
    "cán bộ phụ trách OCOP cấp xã còn kiêm nhiệm nhiều việc",
    "kinh phí hỗ trợ chủ thể còn hạn chế",
    "chủ thể sản xuất quy mô nhỏ, chưa chú trọng bao bì, nhãn mác",
    "thị trường tiêu thụ sản phẩm còn hẹp",
    "chưa có vùng nguyên liệu ổn định cho sản phẩm chủ lực",
    "sự phối hợp giữa các phòng, ban trong triển khai Chương trình có lúc chưa chặt chẽ",
]
PROPOSALS = [
    "đề nghị tỉnh hỗ trợ kinh phí tập huấn cho cán bộ cấp xã",
    "đề nghị hỗ trợ chủ thể tham gia hội chợ, xúc tiến thương mại",
    "đề nghị hướng dẫn thống nhất hồ sơ đánh giá sản phẩm",
    "đề nghị có chính sách tín dụng ưu đãi cho hợp tác xã",
]


def _district_data(rng: random.Random, template, unit) -> dict:
    data: dict = {}
    for f in template.fields:
        if f.type == "integer":
            data[f.code] = rng.randint(0, 40)
        elif f.type == "money":
            data[f.code] = rng.randint(0, 900) * 1_000_000
        elif f.type == "percent":
            if rng.random() < 0.8:
                data[f.code] = str(Decimal(rng.randint(0, 1000)) / 10)
        elif f.type == "text":
            data[f.code] = f"Huyện {unit.name} đã triển khai các nội dung theo kế hoạch."
    picks = rng.sample(SHORTCOMINGS, rng.randint(1, 3))
    if rng.random() < 0.3:  # a wording of its own, and a near-identical one
        picks.append(f"trên địa bàn huyện {unit.name} còn thiếu cán bộ có chuyên môn về xúc tiến thương mại")
    data["difficulties_text"] = "; ".join(picks).capitalize() + "."
    data["proposals_policy_text"] = "; ".join(rng.sample(PROPOSALS, rng.randint(1, 2))).capitalize() + "."
    data["proposals_support_text"] = "Đề nghị tỉnh hỗ trợ xây dựng điểm giới thiệu sản phẩm OCOP."
    return data


def bench_consolidation_districts() -> Result:
    """The consolidation of a request to the ~700 legacy districts, every one answered (a few twice,
    a few not yet accepted), generated in a transaction rolled back at the end."""
    from ocop.geo.models import AdminUnit, Level
    from ocop.reporting.models import ReportTemplate, RequestKind, RequestStatus, Submission, SubmissionStatus

    template = ReportTemplate.objects.filter(code="ocop-cv9654-2018").order_by("-version").first()
    rng = random.Random(700)
    with transaction.atomic():
        req = ReportRequest.objects.create(
            title="Báo cáo kết quả triển khai Chương trình OCOP năm 2018 (đo hiệu năng)", template=template,
            kind=RequestKind.ADHOC, cutoff=dt.date(2018, 12, 31), deadline=dt.date(2019, 1, 10),
            recipient_level=Level.DISTRICT, status=RequestStatus.CLOSED,
        )
        districts = list(AdminUnit.objects.filter(era=Era.LEGACY, level=Level.DISTRICT).order_by("code"))
        req.recipients.set(districts)
        parsed = template.parsed
        when = timezone.make_aware(dt.datetime(2019, 1, 8, 9, 0))
        subs = []
        for i, unit in enumerate(districts):
            if i % 50 == 7:
                continue  # not answered
            status = SubmissionStatus.SUBMITTED if i % 40 == 3 else SubmissionStatus.ACCEPTED
            subs.append(Submission(request=req, unit=unit, number=1, status=status, data=_district_data(rng, parsed, unit),
                                   first_submitted_at=when, submitted_at=when))
            if i % 30 == 5:  # a correction, accepted again: the second version counts
                subs.append(Submission(request=req, unit=unit, number=2, status=SubmissionStatus.ACCEPTED,
                                       data=_district_data(rng, parsed, unit), first_submitted_at=None, submitted_at=when))
        Submission.objects.bulk_create(subs, batch_size=500)
        result = bench_consolidation(req, f"{len(districts)} districts ({len(subs)} submissions)")
        transaction.set_rollback(True)
    return result


def all_benchmarks() -> list[Result]:
    results = [bench_board(dt.date(2018, 12, 12)), bench_board(dt.date(2024, 12, 31))]
    for req in ReportRequest.objects.filter(is_demo=True).order_by("cutoff")[:2]:
        results.append(bench_completeness(req))
    seed = ReportRequest.objects.filter(is_demo=True, document_number="9654/BNN-VPĐP").first()
    if seed is not None:
        results.append(bench_consolidation(seed, f"the 2018 request ({seed.recipients.count()} provinces)"))
    results.append(bench_consolidation_districts())
    return results



