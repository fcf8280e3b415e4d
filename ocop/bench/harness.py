"""Benchmarks as ratios: each figure is measured against a baseline doing the same work in the same
run (usually the same aggregation in raw SQL), because shared machines are noisy.

A benchmark is a function of ocop/bench/benchmarks.py returning a Result (or a list of them),
usually through `run(name, measured, baseline, check)` where `check(result, baseline_result)` asserts
both computed the same thing, so a fast wrong answer never passes for a good ratio. Every module-level
function named `bench_*` that takes no required argument is run by `all_benchmarks()` on the
benchmark database (the generated national-scale data, `manage.py generate_scale`).

Page results (load against gunicorn) carry p50, p95 and requests per second; their ratio is the
page's p50 over the trivial page's p50 under the same load.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import asdict, dataclass
from typing import Callable


@dataclass
class Result:
    name: str
    measured: float  # median seconds per run
    baseline: float
    ratio: float
    unit: str = "s"
    runs: int = 0
    p50: float | None = None  # pages: seconds
    p95: float | None = None
    rps: float | None = None
    statuses: dict | None = None  # pages: {HTTP status: count}
    database: str = ""  # "sqlite" or "postgresql" (connection.vendor of the run; make bench runs both)
    kind: str = "ratio"  # "ratio" (against raw SQL / bare read), "page" (under load) or "weight" (bytes / budget)


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def paired_medians(measured: Callable[[], object], baseline: Callable[[], object], runs: int) -> tuple:
    """(median seconds of `measured`, its last result, median seconds of `baseline`, its last result):
    both warmed up once (imports, caches, prepared statements), then timed in alternation, each pair
    in the opposite order of the one before (measured first, then baseline first, ...). A shared
    machine's speed drifts over seconds: timed one side after the other, a slow spell can fall on
    one side only and move its ratio; in alternation it falls on both (docs/performance.md, ninth
    pass)."""
    measured()
    baseline()
    m_times, b_times = [], []
    m_result = b_result = None
    for i in range(runs):
        if i % 2 == 0:
            m, m_result = _timed(measured)
            b, b_result = _timed(baseline)
        else:
            b, b_result = _timed(baseline)
            m, m_result = _timed(measured)
        m_times.append(m)
        b_times.append(b)
    return statistics.median(m_times), m_result, statistics.median(b_times), b_result


def run(
    name: str, measured: Callable, baseline: Callable, check: Callable[[object, object], None], runs: int = 7
) -> Result:
    m, m_result, b, b_result = paired_medians(measured, baseline, runs)
    check(m_result, b_result)
    return Result(name=name, measured=m, baseline=b, ratio=m / b if b else float("inf"), runs=runs)


def load_results(path: str) -> list[Result]:
    """The rows of an earlier bench-results.json (an absent file: none)."""
    try:
        with open(path, encoding="utf-8") as fh:
            rows = json.load(fh)
    except FileNotFoundError:
        return []
    fields = set(Result.__dataclass_fields__)
    return [Result(**{k: v for k, v in row.items() if k in fields}) for row in rows]


def merge(previous: list[Result], current: list[Result]) -> list[Result]:
    """One table for both databases: the earlier rows of the other databases, then this run's rows
    (an earlier run on the same database is replaced)."""
    ran = {r.database for r in current}
    return [r for r in previous if r.database not in ran] + current


def report(results: list[Result], path: str | None = "bench-results.json") -> str:
    lines = [
        f"{'db':<6} {'benchmark':<66} {'measured':>10} {'baseline':>10} {'ratio':>6} {'p50':>8} {'p95':>8} {'req/s':>7}"
    ]
    for r in results:
        extra = ""
        db = {"postgresql": "pg", "sqlite": "sqlite"}.get(r.database, r.database)[:6]
        if r.kind == "weight":  # bytes against the budget in bytes
            lines.append(
                f"{db:<6} {r.name[:66]:<66} {r.measured / 1000:>8.1f}KB {r.baseline / 1000:>8.1f}KB {r.ratio:>6.2f}"
            )
            continue
        if r.kind == "page":
            extra = f" {r.p50 * 1000:>6.1f}ms {r.p95 * 1000:>6.1f}ms {r.rps:>7.1f}"
        lines.append(
            f"{db:<6} {r.name[:66]:<66} {r.measured * 1000:>8.1f}ms {r.baseline * 1000:>8.1f}ms {r.ratio:>6.2f}{extra}"
        )
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump([asdict(r) for r in results], fh, ensure_ascii=False, indent=2)
    return "\n".join(lines)
