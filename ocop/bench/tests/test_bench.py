"""`generate_scale --size small`, then every benchmark and a short load run against the live test
server: no timing assertions, only the shape of the table and of bench-results.json, that every
check passed (a benchmark whose result differs from its raw SQL raises) and that pages answered 200."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocop.bench.benchmarks import all_benchmarks
from ocop.bench.harness import report
from ocop.bench.scale import GEN_PREFIX, marker
from ocop.evaluation.models import Certificate, MemberScore, RoundProduct
from ocop.products.models import Entity, Product
from ocop.reporting.models import ReportRequest, Submission


def test_generate_scale_small_then_bench(site, tmp_path, capsys):
    call_command("generate_scale", size="small", seed=7)
    row = marker()
    assert row is not None and row.sha256 == "small:7" and row.rows > 5000
    assert Entity.objects.filter(name__startswith=GEN_PREFIX).count() == 600
    assert Product.objects.filter(name__startswith=GEN_PREFIX).count() == 1200
    national = ReportRequest.objects.filter(title__startswith=GEN_PREFIX, owner_unit__isnull=True)
    assert national.filter(cutoff__lt="2025-07-01").exists() and national.filter(cutoff__gte="2025-07-01").exists()
    # before the reform every legacy district answers its province's collection request
    assert Submission.objects.filter(request__owner_unit__isnull=False, unit__level="district").count() > 500
    assert RoundProduct.objects.count() > 20 and MemberScore.objects.count() >= 5 * RoundProduct.objects.count() * 0.9
    assert Certificate.objects.exists()
    # the same size and seed again: nothing to do; another one: refused
    call_command("generate_scale", size="small", seed=7)
    assert marker().rows == row.rows
    with pytest.raises(CommandError, match="small:7"):
        call_command("generate_scale", size="small", seed=8)

    results = all_benchmarks(quick=True, base=site)
    names = [r.name for r in results]
    for part in ("board", "completeness", "consolidation", "ranking and stars", "page: trivial page", "page: status board"):
        assert any(part in n for n in names), (part, names)
    out = tmp_path / "bench-results.json"
    table = report(results, str(out))
    assert table.splitlines()[0].split()[:4] == ["benchmark", "measured", "baseline", "ratio"]
    assert len(table.splitlines()) == len(results) + 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == len(results)
    for item in data:
        assert {"name", "measured", "baseline", "ratio", "unit"} <= item.keys()
        assert item["measured"] > 0 and item["baseline"] > 0 and item["ratio"] > 0
        if item["kind"] == "page":
            assert item["statuses"] == {"200": 24} or item["statuses"] == {200: 24}, item
            assert item["p95"] >= item["p50"] > 0 and item["rps"] > 0
