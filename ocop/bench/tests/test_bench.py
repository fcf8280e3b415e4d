"""`generate_scale --size small`, then every benchmark and a short load run against the live test
server: no timing assertions, only the shape of the table and of bench-results.json, that every
check passed (a benchmark whose result differs from its raw SQL raises) and that pages answered 200."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ocop.bench.benchmarks import all_benchmarks
from ocop.bench.harness import Result, load_results, merge, report
from ocop.bench.load import LoadResult
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
    for part in (
        "board",
        "completeness",
        "consolidation",
        "ranking and stars",
        "page: trivial page",
        "page: status board",
    ):
        assert any(part in n for n in names), (part, names)
    out = tmp_path / "bench-results.json"
    table = report(results, str(out))
    assert table.splitlines()[0].split()[:5] == ["db", "benchmark", "measured", "baseline", "ratio"]
    assert len(table.splitlines()) == len(results) + 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == len(results)
    for item in data:
        assert {"name", "measured", "baseline", "ratio", "unit"} <= item.keys()
        assert item["database"] == connection.vendor
        assert item["measured"] > 0 and item["baseline"] > 0 and item["ratio"] > 0
        if item["kind"] == "page":
            assert item["statuses"] == {"200": 24} or item["statuses"] == {200: 24}, item
            assert item["p95"] >= item["p50"] > 0 and item["rps"] > 0


def test_one_table_for_both_databases(tmp_path):
    """make bench runs SQLite, then PostgreSQL with --append: the file keeps the other database's rows
    and replaces an earlier run of the same database."""

    def row(name, db):
        return Result(name=name, measured=2.0, baseline=1.0, ratio=2.0, database=db)

    out = tmp_path / "bench-results.json"
    assert load_results(str(out)) == []
    report([row("board", "sqlite"), row("board", "postgresql"), row("ranking", "postgresql")], str(out))
    merged = merge(load_results(str(out)), [row("board (new)", "postgresql")])
    assert [(r.name, r.database) for r in merged] == [("board", "sqlite"), ("board (new)", "postgresql")]
    table = report(merged, str(out)).splitlines()
    assert table[1].split()[:2] == ["sqlite", "board"] and table[2].split()[:2] == ["pg", "board"]
    assert [r["database"] for r in json.loads(out.read_text(encoding="utf-8"))] == ["sqlite", "postgresql"]


def test_alternated_load_runs_are_pooled():
    """The page ratios pool the runs loaded in alternation: every latency and status of each run."""
    runs = [
        LoadResult("/p/", 8, 3, 1.5, [0.010, 0.030, 0.020], {200: 3}),
        LoadResult("/p/", 8, 2, 0.5, [0.050, 0.040], {200: 1, 503: 1}),
    ]
    pooled = LoadResult.pooled(runs)
    assert (pooled.requests, pooled.seconds, pooled.rps) == (5, 2.0, 2.5)
    assert pooled.p50 == 0.030  # the median of 0.010, 0.020, 0.030, 0.040, 0.050
    assert pooled.statuses == {200: 4, 503: 1} and not pooled.ok


def test_runs_on_shared_connections_reach_the_server_on_the_same_sockets():
    """The trivial page and a page measured in one round share their connections (`open_connections`):
    the server sees the same client sockets for both runs, so gunicorn's workers hold the same share
    of the clients on both sides; without `connections`, each run opens its own."""
    import http.server
    import threading

    from ocop.bench.load import close_connections, open_connections, run_load

    seen: dict[str, set] = {"/a/": set(), "/b/": set(), "/c/": set()}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive

        def do_GET(self):
            seen[self.path].add(self.client_address)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            """Quiet: the test reads which sockets the server saw, not its log."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        conns = open_connections(base, 3)
        try:
            a = run_load(base, "/a/", clients=3, requests=30, warmup=0, connections=conns)
            b = run_load(base, "/b/", clients=3, requests=30, warmup=0, connections=conns)
        finally:
            close_connections(conns)
        c = run_load(base, "/c/", clients=3, requests=30, warmup=0)
    finally:
        server.shutdown()
        server.server_close()
    assert a.ok and b.ok and c.ok and a.requests == b.requests == 30
    assert seen["/a/"] == seen["/b/"] and 1 <= len(seen["/a/"]) <= 3
    assert not seen["/c/"] & seen["/a/"]
    with pytest.raises(ValueError):
        run_load(base, "/a/", clients=2, requests=2, warmup=0, connections=[])


def test_measured_and_baseline_are_timed_in_alternation(monkeypatch):
    """harness.run: both sides warmed up once, then timed in pairs whose order alternates (measured
    first, then baseline first, ...), each side's median kept; the check sees each side's last result."""
    from ocop.bench import harness

    calls: list[str] = []
    clock = iter([0.0, 1.0, 1.0, 3.0, 3.0, 4.0, 4.0, 8.0, 8.0, 9.0, 9.0, 11.0])  # start, end of each timed call

    def side(label):
        def fn():
            calls.append(label)
            return f"{label}{calls.count(label)}"

        return fn

    checked = []
    monkeypatch.setattr(harness.time, "perf_counter", lambda: next(clock))
    result = harness.run("x", side("m"), side("b"), lambda m, b: checked.append((m, b)), runs=3)
    # warm-up m, b; pair 1 m, b; pair 2 b, m; pair 3 m, b
    assert calls == ["m", "b", "m", "b", "b", "m", "m", "b"]
    # measured took 1.0 (0→1), 4.0 (4→8) and 1.0 s (8→9); baseline 2.0 (1→3), 1.0 (3→4) and 2.0 s (9→11)
    assert (result.measured, result.baseline, result.ratio, result.runs) == (1.0, 2.0, 0.5, 3)
    assert checked == [("m4", "b4")]
