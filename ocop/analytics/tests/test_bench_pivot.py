"""The pivot benchmark (ocop/bench/bench_analytics.py) on the hand-built world: its raw SQL and the
service agree cell by cell (the benchmark's own check), and make bench runs it."""

from __future__ import annotations

import inspect

import pytest

from ocop.analytics.tests.world import build
from ocop.bench import benchmarks
from ocop.bench.bench_analytics import bench_analytics_pivot

pytestmark = pytest.mark.django_db


def test_pivot_and_raw_sql_agree_on_the_world():
    build()
    result = bench_analytics_pivot()  # raises AssertionError when a cell differs
    assert result.name.startswith("analytics pivot products_certified 34 provinces")
    assert result.measured > 0 and result.baseline > 0 and result.ratio > 0


def test_make_bench_runs_it():
    assert "add(bench_analytics_pivot())" in inspect.getsource(benchmarks)
