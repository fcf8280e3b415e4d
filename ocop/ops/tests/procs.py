"""Helpers of the process tests: gunicorn nodes and task workers started against the test
database, and a small HTTP client (standard library) that signs in like a browser.

Every process gets a free loopback port, writes its output to a log file (shown when a test
fails), and is stopped in a `finally` (SIGTERM, then SIGKILL after a few seconds)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the test database (the one pytest-django created), for the child processes."""
    s = connection.settings_dict
    user = urllib.parse.quote(s.get("USER") or "")
    password = urllib.parse.quote(s.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def process_env(tmp_path: Path, media_root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ocop.settings_test",  # production settings with fast password hashing
        DATABASE_URL=database_url(),
        DB_CONN_MAX_AGE="0",
        SECRET_KEY=settings.SECRET_KEY,  # sessions and password hashes agree with this process
        ALLOWED_HOSTS="127.0.0.1,localhost",
        OCOP_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(media_root),
        STATIC_MANIFEST="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Procs:
    """The processes a test started; `stop_all()` in a finally."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, cmd: list[str], env: dict) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        handle = log.open("wb")
        proc = subprocess.Popen(
            cmd, cwd=BASE_DIR, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        handle.close()
        self.procs.append((name, proc, log))
        return proc

    def gunicorn(self, name: str, env: dict, *, workers: int = 2, threads: int = 4) -> str:
        port = free_port()
        self.start(
            name,
            [
                GUNICORN,
                "ocop.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            env,
        )
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/healthz/", self, name)
        return url

    def worker(self, name: str, env: dict) -> subprocess.Popen:
        return self.start(
            name,
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
                "--worker-id",
                name,
            ],
            env,
        )

    def logs(self) -> str:
        out = []
        for name, _proc, log in self.procs:
            text = log.read_text(errors="replace") if log.exists() else ""
            out.append(f"--- {name} ---\n{text[-4000:]}")
        return "\n".join(out)

    def stop_all(self) -> None:
        for _name, proc, _log in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 8
        for _name, proc, _log in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)


def wait_http(url: str, procs: Procs, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for n, p, _l in procs.procs if n == name):
            raise AssertionError(f"{name} exited early:\n{procs.logs()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{name} did not answer {url} within {timeout} s:\n{procs.logs()}")


def wait_for(predicate, timeout: float, what: str, procs: Procs | None = None, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}" + (f"\n{procs.logs()}" if procs else ""))


# --- a browser-like HTTP client ------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response:
    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """Cookies, CSRF tokens from the pages, no automatic redirects."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, path: str, data: list[tuple[str, str]] | dict | None = None, timeout: float = 60) -> Response:
        url = path if path.startswith("http") else self.base_url + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers={"Referer": self.base_url + "/"})
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.headers, exc.read())

    def get(self, path: str) -> Response:
        return self.request(path)

    def post(self, path: str, data) -> Response:
        return self.request(path, data)

    def log_in(self, username: str, password: str) -> None:
        page = self.get("/accounts/login/")
        token = csrf_token(page.text)
        response = self.post(
            "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        assert response.status == 302, (username, response.status, response.text[:500])


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class FormParser(HTMLParser):
    """The fields of the forms of a page, as a browser would submit them: [(attrs, [(name, value)])]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, list[tuple[str, str]]]] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = (a, [])
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form[1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]  # name, first option, selected option
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form[1].append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._form is not None:
                chosen = self._select[2] if self._select[2] is not None else self._select[1]
                if chosen is not None:
                    self._form[1].append((self._select[0], chosen))
            self._select = None


def forms_of(html: str) -> list[tuple[dict, list[tuple[str, str]]]]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms
