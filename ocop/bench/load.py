"""A small load generator: N concurrent clients (threads, http.client keep-alive connections) send a
fixed number of GET requests to a gunicorn started on a free loopback port, signed in with a demo
account's session cookie; latencies give p50, p95 and requests per second.

Used by `make bench` (benchmarks.bench_pages) and by the test of the bench (short run). Nothing
here is specific to one page: `run_load(base, path, cookie, clients, requests)`.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@dataclass
class LoadResult:
    path: str
    clients: int
    requests: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, one per request
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return 0.0
        k = max(0, min(len(data) - 1, round(p / 100 * len(data) + 0.5) - 1))
        return data[k]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def ok(self) -> bool:
        return set(self.statuses) == {200}

    @classmethod
    def pooled(cls, runs: list[LoadResult]) -> LoadResult:
        """Several runs of the same path as one: every latency, every status, the summed time."""
        statuses: dict[int, int] = {}
        for run in runs:
            for status, n in run.statuses.items():
                statuses[status] = statuses.get(status, 0) + n
        return cls(
            runs[0].path,
            runs[0].clients,
            sum(r.requests for r in runs),
            sum(r.seconds for r in runs),
            [x for r in runs for x in r.latencies],
            statuses,
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the project on a free loopback port, with the environment of this process
    (so SQLITE_PATH / DATABASE_URL point at the benchmark database). A context manager."""

    def __init__(self, workers: int = 2, threads: int = 4, env: dict | None = None):
        self.port = free_port()
        self.workers, self.threads = workers, threads
        # OCOP_BENCH_PAGES routes the trivial page /bench/ping/ (never routed in production)
        self.env = {**os.environ, "OCOP_BENCH_PAGES": "1", **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="ocop-bench-gunicorn-", suffix=".log", delete=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [
                str(gunicorn),
                "ocop.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
                # connections kept open across the runs that share them (open_connections)
                "--keep-alive",
                "30",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log_tail()}")
            try:
                status, _body, _h = request(self.base, "/healthz/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz/ within 60 s")

    def log_tail(self, size: int = 3000) -> str:
        """The end of gunicorn's error log (a file: a pipe nobody reads would block the server)."""
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")[-size:]

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def request(base: str, path: str, cookie: str = "", conn: http.client.HTTPConnection | None = None):
    """(status, body, headers) of one GET."""
    url = urllib.parse.urlsplit(base)
    own = conn is None
    conn = conn or http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
        return response.status, body, response.headers
    finally:
        if own:
            conn.close()


def session_cookie(username: str, password: str | None = None) -> str:
    """A session for `username` created in the database the server uses (no login form, no throttle):
    "sessionid=…". Call inside Django (the benchmark runs in manage.py)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = (
        settings.AUTHENTICATION_BACKENDS[0]
        if getattr(settings, "AUTHENTICATION_BACKENDS", None)
        else "django.contrib.auth.backends.ModelBackend"
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def open_connections(
    base: str, n: int, *, probe: str | None = None, cookie: str = "", workers: int = 1, attempts: int = 40
) -> list[http.client.HTTPConnection]:
    """`n` keep-alive connections to `base`, connected now. Every request on a connection goes to the
    gunicorn worker that accepted it, so `run_load` calls sharing these connections meet the same
    share of the clients per worker.

    Which worker accepts a connection is chance: of 8 connections one worker took 4 to 6 when they
    were opened as the clients started, and 7 or all 8 when they were opened together (measured
    03/12/2026); the page and the trivial page, measured on different shares, differed by up to a
    third for that alone (issue 17). With `probe` (a path whose answer names its worker in the
    X-Bench-Worker header: /bench/ping/) and `workers` > 1, connections are opened one at a time,
    each asked `probe` once, until every worker holds an equal share (at most one apart); after
    `attempts` tries the last set is kept as it is. Close them with `close_connections`."""
    from ocop.bench.views import WORKER_HEADER

    url = urllib.parse.urlsplit(base)
    conns: list[http.client.HTTPConnection] = []
    for _attempt in range(max(1, attempts)):
        conns = [http.client.HTTPConnection(url.hostname, url.port, timeout=120) for _ in range(n)]
        if probe is None or workers <= 1:
            for conn in conns:
                conn.connect()
            return conns
        shares: dict[str, int] = {}
        for conn in conns:
            _status, _body, headers = request(base, probe, cookie, conn)
            worker = headers.get(WORKER_HEADER, "")
            shares[worker] = shares.get(worker, 0) + 1
        if len(shares) == min(workers, n) and max(shares.values()) - min(shares.values()) <= 1:
            return conns
        close_connections(conns)
    for conn in conns:
        conn.connect()
    return conns


def close_connections(conns: list[http.client.HTTPConnection]) -> None:
    for conn in conns:
        conn.close()


def run_load(
    base: str,
    path: str,
    cookie: str = "",
    clients: int = 8,
    requests: int = 200,
    warmup: int = 2,
    connections: list[http.client.HTTPConnection] | None = None,
) -> LoadResult:
    """`requests` GETs of `path` shared by `clients` threads, each on its own keep-alive connection:
    new ones, or `connections` (one per client, from `open_connections`, left open; one that failed
    is replaced in the list)."""
    url = urllib.parse.urlsplit(base)
    if connections is not None and len(connections) != clients:
        raise ValueError("run_load: one connection per client")
    for _ in range(warmup):
        request(base, path, cookie)
    lock = threading.Lock()
    remaining = [requests]
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client(index: int):
        shared = connections is not None
        conn = connections[index] if shared else http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        try:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                start = time.perf_counter()
                try:
                    status, _body, _h = request(base, path, cookie, conn)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
                    if shared:
                        connections[index] = conn
                    status = 599
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            if not shared:
                conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(path, clients, requests, time.perf_counter() - start, latencies, statuses)
