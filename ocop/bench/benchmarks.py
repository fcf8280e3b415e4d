"""The benchmarks of the project (run by `make bench`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import types
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from ocop.bench.bench_analytics import bench_analytics_pivot
from ocop.bench.harness import Result, run
from ocop.geo.models import Era
from ocop.geo.services import unit_on, units_by_pk
from ocop.programme.board import build_board
from ocop.reporting.models import ReportRequest
from ocop.reporting.services.completeness import summarise, unit_statuses
from ocop.lib.dates import format_date
from ocop.lib.formatting import format_number


def _raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def bench_board(day: dt.date) -> Result:
    """The programme board (plan status, milestones, period counts of the 63 or 34 provinces valid on
    `day`, the legacy provinces' records rolled up into their successor from 01/7/2025) against raw
    SQL computing the same per-province document, activity and funding totals."""
    start = dt.date(day.year, 1, 1)
    era = Era.LEGACY if day < dt.date(2025, 7, 1) else Era.CURRENT
    # the province a record is shown under on `day`
    join = (
        "JOIN geo_adminunit u ON u.id = r.unit_id JOIN geo_adminunit p ON p.id = u.province_id "
        "LEFT JOIN geo_unitsuccession us ON us.predecessor_id = p.id "
        "LEFT JOIN geo_adminunit cp ON cp.id = us.successor_id AND cp.level = 'province'"
    )
    if era == Era.LEGACY:  # no roll-up before the reform
        join = "JOIN geo_adminunit u ON u.id = r.unit_id JOIN geo_adminunit p ON p.id = u.province_id"
        key, only = "p.code", "p.era = 'legacy'"
    else:
        key, only = "CASE WHEN p.era = 'legacy' THEN cp.code ELSE p.code END", "1 = 1"

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
                f"SELECT {key}, {expr} FROM {table} r {join} WHERE r.deleted_at IS NULL AND {only} AND {where} GROUP BY {key}",
                params,
            ):
                totals[code][col] = int(value)
        # plan status on the day: the most advanced status of the province's plans
        rank = {"approved": 3, "submitted": 2, "drafting": 1}
        status: dict[str, str] = {}
        for code, plan_status, _drafting, submitted, decided in _raw(
            f"SELECT {key}, r.status, r.drafting_since, r.submitted_on, r.decision_date FROM programme_provincialplan r {join} "
            f"WHERE r.deleted_at IS NULL AND {only} AND r.drafting_since <= %s",
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
                f"SELECT {key}, COUNT(DISTINCT r.kind) FROM programme_cyclemilestone r {join} "
                f"WHERE r.deleted_at IS NULL AND {only} AND r.date <= %s GROUP BY {key}",
                (day,),
            )
        )
        provinces = _raw("SELECT code FROM geo_adminunit WHERE level = 'province' AND era = %s", (era,))
        return {code: (*totals[code], status.get(code, "none"), milestones.get(code, 0)) for (code,) in provinces}

    def check(a, b):
        assert a == b, "board totals differ from the raw SQL"

    n = 63 if era == Era.LEGACY else 34
    return run(f"board {format_date(day)} ({n} provinces) vs raw SQL", measured, baseline, check)


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

    label = req.document_number or req.period_code or req.title[:30]
    return run(f"completeness of {label} ({req.recipients.count()} units) vs raw SQL", measured, baseline, check)


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


_LATEST_ACCEPTED = (
    "s.request_id = %s AND s.status = 'accepted' "
    "AND s.unit_id IN (SELECT r.adminunit_id FROM reporting_reportrequest_recipients r WHERE r.reportrequest_id = %s) "
    "AND s.number = (SELECT MAX(s2.number) FROM reporting_submission s2 WHERE s2.request_id = s.request_id "
    "AND s2.unit_id = s.unit_id AND s2.status = 'accepted')"
)


def _json_text(code: str) -> str:
    if connection.vendor == "postgresql":
        return f"s.data->>'{code}'"
    return f"json_extract(s.data, '$.{code}')"


def sql_consolidation(req: ReportRequest, previous: ReportRequest | None) -> dict:
    """What the consolidation computes that SQL can compute, in raw SQL: the national figures, the
    integer and money subtotals per region (summed per province in SQL, provinces mapped to their
    region), the previous period's figures; and the de-duplicated shortcomings and proposals, their
    texts read in SQL and grouped by the same function as the consolidation (no SQL equivalent)."""
    from ocop.reporting.consolidation import _within, group_items, issue_sections, region_of

    template = req.template.parsed
    summed = [f for f in template.fields if f.is_numeric and f.type != "percent"]
    out = {"totals": sql_totals(req), "previous": sql_totals(previous) if previous else None}
    regions: dict[str, dict[str, int]] = {}
    if summed:
        rows = _raw(
            f"SELECT u.era, COALESCE(p.code, u.code), {', '.join(f'SUM({_json_number(f.code)})' for f in summed)} "
            "FROM reporting_submission s JOIN geo_adminunit u ON u.id = s.unit_id "
            f"LEFT JOIN geo_adminunit p ON p.id = u.province_id WHERE {_LATEST_ACCEPTED} GROUP BY u.era, COALESCE(p.code, u.code)",
            (req.pk, req.pk),
        )
        for era, code, *values in rows:
            region = regions.setdefault(region_of(era, code), {f.code: 0 for f in summed})
            for f, v in zip(summed, values):
                region[f.code] += int(v or 0)
    out["regions"] = regions
    marked = issue_sections(req, template)
    issues = []
    for roots in marked.values():
        for section in template.sections:
            if not any(_within(section.number, root) for root in roots):
                continue
            codes = [f.code for f in section.fields if f.type == "text"]
            if not codes:
                continue
            entries = []
            rows = _raw(
                f"SELECT u.id, {', '.join(_json_text(c) for c in codes)} FROM reporting_submission s "
                f"JOIN geo_adminunit u ON u.id = s.unit_id WHERE {_LATEST_ACCEPTED} ORDER BY u.code, u.id",
                (req.pk, req.pk),
            )
            # each unit named as on the cut-off date, from the reference data (as the reports do)
            cached = units_by_pk([r[0] for r in rows])
            for unit_id, *texts in rows:
                name = unit_on(cached[unit_id], req.cutoff).name
                entries += [(name, t) for t in texts if isinstance(t, str) and t.strip()]
            issues.append([(i.text, tuple(i.units)) for i in group_items(entries)])
    out["issues"] = issues
    return out


def _consolidation_figures(c) -> dict:
    summed = [f for f in c.numeric_fields if f.type != "percent"]
    return {
        "totals": c.totals_dict(),
        "previous": ({row.field.code: row.previous for row in c.comparison.rows} if c.comparison else None),
        "regions": {g.label: {f.code: int(g.stats[f.code].total or 0) for f in summed} for g in c.regions},
        "issues": [[(i.text, tuple(i.units)) for i in g.items] for g in c.issues],
    }


def check_consolidation(measured: dict, baseline: dict) -> None:
    check_totals(measured["totals"], baseline["totals"])
    assert measured["regions"] == baseline["regions"], "regional subtotals differ from the raw SQL"
    assert measured["issues"] == baseline["issues"], "de-duplicated shortcomings and proposals differ"
    if baseline["previous"] is not None:
        for code, value in measured["previous"].items():
            expected = baseline["previous"][code]
            expected = expected[0] if isinstance(expected, tuple) else expected
            assert (value is None and not expected) or abs(float(value or 0) - float(expected or 0)) < 1e-6, (
                code,
                value,
                expected,
            )


def bench_consolidation(req: ReportRequest, label: str) -> Result:
    """The whole consolidation of a request (figures, regions, previous period, narratives,
    de-duplicated shortcomings and proposals, tables, completeness) against raw SQL computing the
    figures, regional subtotals and previous period, plus the same de-duplication of the texts."""
    from ocop.reporting.consolidation import consolidate, previous_request

    previous = previous_request(req)

    def measured():
        return _consolidation_figures(consolidate(req))

    def baseline():
        return sql_consolidation(req, previous)

    return run(f"consolidation of {label} vs raw SQL", measured, baseline, check_consolidation)


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


def bench_consolidation_districts() -> list[Result]:
    """The consolidation of a request to the ~700 legacy districts, every one answered (a few twice,
    a few not yet accepted), generated in a transaction rolled back at the end."""
    from ocop.geo.models import AdminUnit, Level
    from ocop.reporting.models import ReportTemplate, RequestKind, RequestStatus, Submission, SubmissionStatus

    template = ReportTemplate.objects.filter(code="ocop-cv9654-2018").order_by("-version").first()
    rng = random.Random(700)
    with transaction.atomic():
        req = ReportRequest.objects.create(
            title="Báo cáo kết quả triển khai Chương trình OCOP năm 2018 (đo hiệu năng)",
            template=template,
            kind=RequestKind.ADHOC,
            cutoff=dt.date(2018, 12, 31),
            deadline=dt.date(2019, 1, 10),
            recipient_level=Level.DISTRICT,
            status=RequestStatus.CLOSED,
        )
        districts = list(
            AdminUnit.objects.valid_on(dt.date(2018, 12, 31)).filter(level=Level.DISTRICT).order_by("code")
        )  # 2018's 713
        req.recipients.set(districts)
        parsed = template.parsed
        when = timezone.make_aware(dt.datetime(2019, 1, 8, 9, 0))
        subs = []
        for i, unit in enumerate(districts):
            if i % 50 == 7:
                continue  # not answered
            status = SubmissionStatus.SUBMITTED if i % 40 == 3 else SubmissionStatus.ACCEPTED
            subs.append(
                Submission(
                    request=req,
                    unit=unit,
                    number=1,
                    status=status,
                    data=_district_data(rng, parsed, unit),
                    first_submitted_at=when,
                    submitted_at=when,
                )
            )
            if i % 30 == 5:  # a correction, accepted again: the second version counts
                subs.append(
                    Submission(
                        request=req,
                        unit=unit,
                        number=2,
                        status=SubmissionStatus.ACCEPTED,
                        data=_district_data(rng, parsed, unit),
                        first_submitted_at=None,
                        submitted_at=when,
                    )
                )
        Submission.objects.bulk_create(subs, batch_size=500)
        result = [
            bench_completeness(req),
            bench_consolidation(req, f"{len(districts)} districts ({len(subs)} submissions)"),
        ]
        transaction.set_rollback(True)
    return result


# --- ranking and star assignment ---------------------------------------------------------------


def _json_choice(code: str) -> str:
    if connection.vendor == "postgresql":
        return f"(ms.choices->>'{code}')"
    return f"json_extract(ms.choices, '$.\"{code}\"')"


def _points_sql(criterion) -> str:
    whens = " ".join(f"WHEN '{o.code}' THEN {int(o.points)}" for o in criterion.options)
    return f"(CASE {_json_choice(criterion.code)} {whens} ELSE 0 END)"


def sql_rankings(round_ids: list[int]) -> dict[int, tuple]:
    """{entry id: (score, stars)} in raw SQL: each member's total recomputed from the chosen options
    (a CASE per criterion generated from the sheet), the failed star-level requirements counted per
    product, averaged per product in SQL; the rounding and the star band applied to the result."""
    from decimal import ROUND_HALF_UP

    from ocop.evaluation.models import CriteriaSet, Round, RoundProduct, scale_on

    out: dict[int, tuple] = {}
    ids = ",".join(str(int(i)) for i in round_ids)
    set_ids = sorted(set(RoundProduct.objects.filter(round_id__in=round_ids).values_list("criteria_set_id", flat=True)))
    held = dict(Round.objects.filter(pk__in=round_ids).values_list("pk", "held_on"))
    scales = {day: scale_on(day) for day in set(held.values())}
    for cs in CriteriaSet.objects.filter(pk__in=set_ids):
        sheet = cs.parsed
        assert all(o.points == int(o.points) for c in sheet.criteria for o in c.options) and not any(
            c.bonus for c in sheet.criteria
        )
        total = " + ".join(_points_sql(c) for c in sheet.criteria)
        reqs = []
        for c in sheet.mandatory_criteria:
            for level, needed in sorted(c.requirements.items()):
                meeting = [o.code for o in c.options if o.points >= needed]
                codes = ", ".join(f"'{m}'" for m in meeting) or "NULL"
                reqs.append((level, f"(CASE WHEN {_json_choice(c.code)} IN ({codes}) THEN 0 ELSE 1 END)"))
        fails = "".join(f", SUM(f{i})" for i in range(len(reqs)))
        inner_fails = "".join(f", {expr} AS f{i}" for i, (_l, expr) in enumerate(reqs))
        rows = _raw(
            f"SELECT t.rp, t.round_id, SUM(t.total), COUNT(*){fails} FROM ("
            f"SELECT rp.id AS rp, rp.round_id AS round_id, {total} AS total{inner_fails} "
            "FROM evaluation_memberscore ms JOIN evaluation_roundproduct rp ON rp.id = ms.round_product_id "
            f"WHERE rp.round_id IN ({ids}) AND rp.criteria_set_id = %s AND ms.submitted_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM evaluation_recusal r WHERE r.round_product_id = rp.id AND r.user_id = ms.user_id)"
            ") t GROUP BY t.rp, t.round_id",
            (cs.pk,),
        )
        for rp, round_id, summed, n, *failed in rows:
            scale = scales[held[round_id]]
            average = Decimal(int(summed)) / Decimal(n)
            score = average.quantize(Decimal(1).scaleb(-scale.rounding_places), rounding=ROUND_HALF_UP)
            capped = [
                level
                for (level, _e), count in zip(reqs, failed)
                if (scale.requirement_aggregation == "any" and count > 0)
                or (scale.requirement_aggregation == "all" and count == n)
                or (scale.requirement_aggregation == "majority" and count * 2 > n)
            ]
            stars = next((b.stars for b in scale.bands if score >= b.min), min(b.stars for b in scale.bands))
            if capped:
                stars = min(stars, min(capped) - 1)
            out[rp] = (score, max(stars, 1))
    return out


def bench_ranking(year: int | None = None) -> Result | None:
    """Ranking and star assignment of every product of a year's closed rounds (the latest year with
    generated rounds), as closing a round computes them (ocop/evaluation/rounds.py `rank_round`:
    every member's sheet re-added from the chosen options, requirements, average, stars) against raw
    SQL doing the same arithmetic."""
    from ocop.evaluation.models import MemberScore, Round, RoundProduct, RoundStatus
    from ocop.evaluation.rounds import rank_round

    rounds = (
        Round.objects.filter(status=RoundStatus.CLOSED, entries__isnull=False)
        .exclude(entries__criteria_set__structure_only=True)
        .distinct()
    )
    if year is None:
        latest = (
            rounds.filter(held_on__year__lt=timezone.localdate().year).order_by("-held_on").first()
            or rounds.order_by("-held_on").first()
        )
        if latest is None:
            return None
        year = latest.held_on.year
    chosen = list(rounds.filter(held_on__year=year).order_by("pk"))
    ids = [r.pk for r in chosen]
    sheets = MemberScore.objects.filter(round_product__round_id__in=ids).count()
    n_sets = RoundProduct.objects.filter(round_id__in=ids).values("criteria_set_id").distinct().count()

    def measured():
        out = {}
        for r in chosen:
            out.update({pk: (rk.score, rk.stars) for pk, rk in rank_round(r).items()})
        return out

    def baseline():
        return sql_rankings(ids)

    def check(a, b):
        assert a == b, f"rankings differ from the raw SQL: {len(set(a.items()) ^ set(b.items()))} products"

    return run(
        f"ranking and stars, {year}: {len(chosen)} rounds, {n_sets} criteria sets, {sheets} score sheets vs raw SQL",
        measured,
        baseline,
        check,
        runs=5,
    )


# --- pages under load ------------------------------------------------------------------------------


def _page_targets() -> list[tuple[str, str, str]]:
    """(label, path, username) of the busiest pages on the benchmark database."""
    from django.urls import NoReverseMatch, reverse

    from ocop.reporting.models import Submission, SubmissionStatus

    targets = [("status board", reverse("programme:board"), "tw.canbo")]
    req = (
        ReportRequest.objects.filter(owner_unit__isnull=True, recipient_level="province")
        .order_by("-cutoff", "-pk")
        .first()
    )
    if req is not None:
        units = req.recipients.count()
        targets.append(
            (f"completeness ({units} units)", reverse("reporting:request_detail", args=[req.pk]), "tw.canbo")
        )
        targets.append(
            (f"consolidation ({units} units)", reverse("reporting:consolidation", args=[req.pk]), "tw.canbo")
        )
        sent = Submission.objects.filter(request=req, status=SubmissionStatus.SUBMITTED).order_by("pk").first()
        if sent is not None:
            targets.append(("review page", reverse("reporting:submission", args=[sent.pk]), "tw.canbo"))
    try:
        targets.append(("catalogue search", reverse("catalogue:list") + "?q=m%E1%BA%ADt+ong", ""))
    except NoReverseMatch:
        pass
    from ocop.bench.weight import _first_listed_product

    product = _first_listed_product()
    if product is not None:
        targets.append(("product page", reverse("catalogue:product", args=[product]), ""))
    sub = (
        Submission.objects.filter(
            unit__code="19", unit__level="province", status__in=[SubmissionStatus.DRAFT, SubmissionStatus.RETURNED]
        )
        .order_by("-request__cutoff", "-pk")
        .first()
    )
    if sub is not None:
        targets.append(("submission form", reverse("reporting:submission", args=[sub.pk]), "tinh.thainguyen"))
    from ocop.evaluation.models_rounds import Round

    rnd = Round.objects.order_by("-pk").first()
    if rnd is not None:
        targets.append(("round page", reverse("evaluation:round_detail", args=[rnd.pk]), "tw.canbo"))
    return targets


def bench_pages(clients: int = 8, requests: int = 160, base: str | None = None, rounds: int = 4) -> list[Result]:
    """The busiest pages under `clients` concurrent clients against gunicorn (2 workers × 4 threads),
    each signed in with a demo account's session, against the trivial page /bench/ping/ (the same
    layout, no content) with the same session under the same load. Ratio: the page's p50 over the
    trivial page's p50, each over `rounds` × `requests` requests loaded in alternation."""
    from django.urls import reverse

    from ocop.bench.load import LoadResult, Server, close_connections, open_connections, run_load, session_cookie

    from django.core.management import call_command

    if base is None:
        call_command("collectstatic", interactive=False, verbosity=0)  # gunicorn serves them (whitenoise manifest)
    targets = _page_targets()
    cookies = {user: session_cookie(user) for _l, _p, user in targets if user}
    cookies.setdefault("tw.canbo", session_cookie("tw.canbo"))
    results = []
    with contextlib.nullcontext(types.SimpleNamespace(base=base)) if base else Server() as server:
        # The trivial page is loaded again right before each page, and each page's ratio is against that
        # adjacent run: on a shared machine the load of other processes drifts within a minute (the
        # trivial page's p50 measured 37 ms and 135 ms in two runs of 02/12/2026), which one baseline
        # at the start would fold into the pages' ratios.
        # It is loaded with the page's own session (signed in as the same account, or anonymous for the
        # public pages): the layout around a page (the role's navigation, the user box) is then the
        # same on both sides, and the ratio is what the page itself adds.
        # The two are loaded in alternation, `rounds` times, and the latencies of each side pooled: one
        # run of 160 requests lasts about a second, and the machine's speed drifted enough within a
        # few seconds to move a page's ratio by ±1 between runs (issue 17); alternating short runs
        # puts both sides under the same drift.
        # Within a round both sides are loaded on the same connections, shared equally by gunicorn's
        # two workers (open_connections): which worker accepted a connection was chance, and the page
        # and the trivial page measured on different shares (6 + 2 against 4 + 4 of the 8 clients)
        # moved single ratios by up to 0.5 (issue 17).
        trivial = run_load(server.base, reverse("bench:ping"), cookies["tw.canbo"], clients, requests)
        ping = reverse("bench:ping")

        def pair(path: str, cookie: str) -> tuple[LoadResult, LoadResult]:
            conns = open_connections(
                server.base, clients, probe=ping, cookie=cookie, workers=getattr(server, "workers", 1)
            )
            try:
                return (
                    run_load(server.base, ping, cookie, clients, requests, connections=conns),
                    run_load(server.base, path, cookie, clients, requests, connections=conns),
                )
            finally:
                close_connections(conns)

        for label, path, user in targets:
            pairs = [pair(path, cookies.get(user, "")) for _round in range(rounds)]
            adjacent = LoadResult.pooled([ping for ping, _page in pairs])
            load = LoadResult.pooled([page for _ping, page in pairs])
            results.append(
                Result(
                    name=f"page: {label} vs trivial page ({clients} clients, {rounds} × {requests} requests)",
                    measured=load.p50,
                    baseline=adjacent.p50,
                    ratio=load.p50 / adjacent.p50 if adjacent.p50 else float("inf"),
                    runs=load.requests,
                    p50=load.p50,
                    p95=load.p95,
                    rps=load.rps,
                    statuses=load.statuses,
                    kind="page",
                )
            )
        results.insert(
            0,
            Result(
                name=f"page: trivial page /bench/ping/ ({clients} clients, {requests} requests)",
                measured=trivial.p50,
                baseline=trivial.p50,
                ratio=1.0,
                runs=requests,
                p50=trivial.p50,
                p95=trivial.p95,
                rps=trivial.rps,
                statuses=trivial.statuses,
                kind="page",
            ),
        )
    return results


# --- everything -----------------------------------------------------------------------------------

# run explicitly by all_benchmarks (with their arguments); every other bench_* is discovered
_EXPLICIT = {
    "bench_board",
    "bench_completeness",
    "bench_consolidation",
    "bench_consolidation_districts",
    "bench_ranking",
    "bench_pages",
}


def bench_catalogue_search(size: int | None = None) -> Result:
    """The public catalogue's search and filters (five workloads: word search, search without
    diacritics, filters, search with filters, first page; count plus one page each) over `size`
    listed products (100,000; the test settings ask for fewer), against the same SQL written by
    hand. Uses the products in the database when there are enough, else generates benchmark data and
    rolls it back (ocop/demo/benchdata.py)."""
    from django.conf import settings

    from ocop.demo import benchdata
    from ocop.catalogue.services import Provinces

    size = size or getattr(settings, "OCOP_BENCH_CATALOGUE_PRODUCTS", benchdata.SIZE)

    with benchdata.catalogue_of(size) as listed:
        provinces = Provinces()

        def check(a, b):
            assert a == b, "catalogue search differs from the raw SQL"
            assert a[0][0] > 0 and a[4][0] >= size, "benchmark data missing"

        return run(
            f"catalogue search + filters ({format_number(listed)} products) vs raw SQL",
            lambda: benchdata.measured_side(provinces),
            lambda: benchdata.baseline_side(provinces),
            check,
        )


def discovered() -> list:
    """The other module-level bench_* functions of this module that need no argument (added by other
    features: catalogue search, Excel import…), in source order."""
    import inspect
    import sys

    module = sys.modules[__name__]
    found = []
    for name, fn in vars(module).items():
        if (
            not name.startswith("bench_")
            or name in _EXPLICIT
            or not inspect.isfunction(fn)
            or fn.__module__ != __name__
        ):
            continue
        params = inspect.signature(fn).parameters.values()
        if all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
            found.append(fn)
    return sorted(found, key=lambda f: f.__code__.co_firstlineno)


GROUPS = ("services", "pages", "weight", "documents")


def all_benchmarks(
    quick: bool = False, pages: bool = True, log=None, base: str | None = None, only: set[str] | None = None
) -> list[Result]:
    """Every benchmark on the current database. `quick` (tests): fewer requests under load; `base`: load
    an already running server instead of starting gunicorn; `only`: some of GROUPS (iterating)."""
    results: list[Result] = []

    def want(group: str) -> bool:
        return only is None or group in only

    def add(result):
        if result is None:
            return
        for r in result if isinstance(result, list) else [result]:
            r.database = r.database or connection.vendor
            results.append(r)
            if log:
                log(f"  {r.name}: {r.ratio:.2f}")

    if want("services"):
        _services(add)
    if want("documents") and not quick:  # LibreOffice conversions (their own test: ocop/bench/tests/test_documents.py)
        from ocop.bench.documents import bench_documents

        add(bench_documents())
    if pages and want("pages"):
        add(bench_pages(4, 24, base, rounds=1) if quick else bench_pages(base=base))
    if pages and not quick and want("weight"):  # page weight in headless Chromium (ocop/bench/weight.py; its own test)
        from ocop.bench.weight import bench_weight

        add(bench_weight(base))
    return results


def _services(add) -> None:
    """The service ratios (against raw SQL / a bare read), run on SQLite and PostgreSQL."""
    add(bench_board(dt.date(2018, 12, 12)))
    add(bench_board(dt.date(2024, 12, 31)))
    add(bench_board(timezone.localdate()))
    seed = ReportRequest.objects.filter(is_demo=True, document_number="9654/BNN-VPĐP").first()
    national = ReportRequest.objects.filter(
        owner_unit__isnull=True, recipient_level="province", status="closed", template__code="ocop-periodic"
    ).order_by("-cutoff", "-pk")
    latest_legacy = national.filter(cutoff__lt=dt.date(2025, 7, 1), period_code__endswith="-Y").first()
    latest_current = national.filter(cutoff__gte=dt.date(2025, 7, 1)).first()
    for req in [r for r in (seed, latest_legacy, latest_current) if r is not None]:
        add(bench_completeness(req))
    if seed is not None:
        add(bench_consolidation(seed, f"the 2018 request ({seed.recipients.count()} provinces)"))
    for req in [r for r in (latest_legacy, latest_current) if r is not None]:
        add(bench_consolidation(req, f"{req.period_code} ({req.recipients.count()} provinces)"))
    add(bench_consolidation_districts())
    add(bench_ranking())
    add(bench_analytics_pivot())  # issue 18: the analytics pivot by province × year
    for fn in discovered():
        add(fn())


def bench_excel_import(rows: int = 10_000, entities: int = 200) -> Result:
    """Excel import: the importer's dry run (read, check every cell, look up communes, entities and
    duplicates) of an N-row products file against openpyxl's bare read-only iteration of the same file."""
    import io

    from openpyxl import load_workbook

    from ocop.accounts.models import Role, User
    from ocop.geo.models import AdminUnit, Level
    from ocop.products import importer

    communes = list(
        AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE)
        .order_by("code")
        .values_list("code", flat=True)[:500]
    )
    rng = random.Random(7)
    kinds = ["Hợp tác xã", "Doanh nghiệp", "Tổ hợp tác", "Hộ sản xuất có đăng ký kinh doanh"]
    sectors = ["Thực phẩm", "Đồ uống", "Dược liệu và sản phẩm từ dược liệu", "Thủ công mỹ nghệ"]
    entity_rows = [
        {
            "entity.kind": kinds[i % 4],
            "entity.name": f"Chủ thể đo {i}",
            "entity.registration_number": f"BENCH-{i:06d}",
            "entity.address": "Thôn 1",
            "entity.commune_code": rng.choice(communes),
            "entity.representative_name": "Nguyễn Văn A",
        }
        for i in range(entities)
    ]
    product_rows = [
        {
            "product.entity_registration_number": f"BENCH-{rng.randrange(entities):06d}",
            "product.name": f"Sản phẩm đo {i}",
            "product.sector": rng.choice(sectors),
            "product.registered_on": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
            "product.description": "Mô tả " * rng.randint(1, 8),
        }
        for i in range(rows)
    ]
    content = importer.write_workbook(entity_rows, product_rows)
    actor = User(username="bench.import", role=Role.CENTRAL_ADMIN, is_active=True)

    def measured():
        result = importer.check_file(actor, io.BytesIO(content))
        return result.entity_rows + result.product_rows, len(result.errors)

    def baseline():
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        count = 0
        for ws in wb.worksheets:
            for values in ws.iter_rows(min_row=importer.FIRST_DATA_ROW, values_only=True):
                if any(v is not None for v in values):
                    count += 1
        wb.close()
        return count

    def check(m, b):
        assert m == (b, 0), f"import dry run read {m[0]} rows with {m[1]} errors, bare read {b} rows"

    return run(
        f"Excel import dry run. {format_number(rows)} products + {entities} entities vs bare openpyxl read",
        measured,
        baseline,
        check,
        runs=5,  # 3–5 s each; with three, one slow spell on a shared machine moved the median (2.40 once)
    )
