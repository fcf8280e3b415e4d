"""Benchmarks as ratios: each figure is measured against a baseline doing the same work in the same
run (usually the same aggregation in raw SQL), because shared machines are noisy.

A benchmark is a function returning (name, unit, measured_callable, baseline_callable, check) where
`check(result, baseline_result)` asserts both computed the same thing, so a fast wrong answer never
passes for a good ratio.
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


def median_time(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    fn()  # warm up (imports, caches, prepared statements)
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def run(name: str, measured: Callable, baseline: Callable, check: Callable[[object, object], None], runs: int = 7) -> Result:
    m, m_result = median_time(measured, runs)
    b, b_result = median_time(baseline, runs)
    check(m_result, b_result)
    return Result(name=name, measured=m, baseline=b, ratio=m / b if b else float("inf"), runs=runs)


def report(results: list[Result], path: str | None = "bench-results.json") -> str:
    lines = [f"{'benchmark':<58} {'measured':>10} {'baseline':>10} {'ratio':>7}"]
    for r in results:
        lines.append(f"{r.name:<58} {r.measured * 1000:>8.1f}ms {r.baseline * 1000:>8.1f}ms {r.ratio:>7.2f}")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump([asdict(r) for r in results], fh, ensure_ascii=False, indent=2)
    return "\n".join(lines)
