# Two commands do all set-up on a fresh Debian 12 machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate demo clean check worker bench

# installs the lock files (every package pinned, transitive ones too); requirements*.txt are the
# hand-edited top-level pins they are compiled from by scripts/lock.sh
$(VENV)/.stamp-run: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --disable-pip-version-check -q -r requirements.lock
	touch $@

$(VENV)/.stamp-dev: requirements.lock requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --disable-pip-version-check -q -r requirements-dev.lock
	touch $@ $(VENV)/.stamp-run

install: $(VENV)/.stamp-run
install-dev: $(VENV)/.stamp-dev

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py demo

# Install, migrate, load units and demo data, serve on http://127.0.0.1:8000 (SQLite), with one
# background worker beside the web server (stopped with it). LibreOffice headless (PDF output of
# official documents) is installed with apt when missing (as root; scripts/ensure_system.sh).
run: demo
	bash scripts/ensure_system.sh
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py schedule_tasks
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn ocop.wsgi -b $(HOST):$(PORT) -w 2 --threads 4 --access-logfile - --error-logfile -

# The background worker: a loop that claims due tasks (deadline reminders, long renders) from the
# database and runs them; start as many as needed (Ctrl+C stops after the current task).
worker: migrate
	$(PY) manage.py db_worker --no-reload

# Install what the tests need, run `make check`, then the whole suite on SQLite and on a throwaway
# PostgreSQL, including the browser tests in headless Chromium.
test: install-dev check
	bash scripts/test.sh

# Benchmarks on their own SQLite database (var/bench.sqlite3) with the demo data and the generated
# national-scale data (generate_scale --size full: ten years of reports, 100.000 products; skipped when
# already there): each figure is a ratio against a baseline measured in the same run, the busiest
# pages under load through gunicorn, each page's weight in headless Chromium (first and repeat visit
# against the 150 KB / 30 KB budgets), then (scripts/bench_faults.sh) the same service ratios on a
# throwaway PostgreSQL appended to the same table. Results also in bench-results.json (docs/performance.md).
# OCOP_BENCH_PAGES=1 routes the trivial page /bench/ping/ that the page ratios are measured against
# (never set in production).
bench: install-dev
	SQLITE_PATH=var/bench.sqlite3 $(PY) manage.py migrate --noinput -v0
	SQLITE_PATH=var/bench.sqlite3 $(PY) manage.py demo --quiet-accounts > /dev/null
	SQLITE_PATH=var/bench.sqlite3 $(PY) manage.py generate_scale --size full
	SQLITE_PATH=var/bench.sqlite3 OCOP_BENCH_PAGES=1 $(PY) manage.py bench
	bash scripts/bench_faults.sh

# Lint and format check (ruff, pyproject.toml), the layers between apps (import-linter, pyproject.toml
# [tool.importlinter], docs/architecture.md), Django's system checks, and no model change without its
# migration.
check: install-dev
	$(VENV)/bin/ruff check ocop manage.py
	$(VENV)/bin/ruff format --check ocop manage.py scripts
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf var .venv
