#!/usr/bin/env bash
# The whole test suite: on SQLite, then on a throwaway PostgreSQL server; browser tests included.
# Called by `make test` (which installs the Python packages first).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# Debian's Chromium for the Playwright browser tests (Playwright cannot download its own here).
if [ -z "${CHROMIUM_PATH:-}" ]; then
  for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -x "$candidate" ] && export CHROMIUM_PATH=$candidate && break
  done
fi
if [ -z "${CHROMIUM_PATH:-}" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Chromium (apt) for the browser tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation2) >/dev/null
    export CHROMIUM_PATH=/usr/bin/chromium
  else
    echo "Chromium is missing: install the 'chromium' package (browser tests need it)." >&2
    exit 1
  fi
fi

# poppler-utils (pdftotext) reads rendered PDFs page by page in the layout and export tests.
if ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing poppler-utils (apt) for the PDF page tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils) >/dev/null
  else
    echo "pdftotext is missing: install the 'poppler-utils' package (PDF page tests need it)." >&2
    exit 1
  fi
fi

# LibreOffice headless and Liberation fonts for the PDF output of official documents (ocop/documents).
bash scripts/ensure_system.sh || exit 1

# The two phases run side by side (one per core), each with its own var/ folder (media, static,
# secret key) so that their files never meet; their output is printed one after the other.
#   SQLite: the whole suite, with the browser tests (Playwright driving Chromium).
#   PostgreSQL: the whole suite but the browser tests (they exercise the UI, which does not depend on
#   the database; run once is enough), plus the tests marked `postgres` (skipped on SQLite): gunicorn
#   nodes and task workers started against the test database — 63 provinces submitting at once, a
#   worker killed mid-task, two nodes sharing one database and one media folder, backup/restore.
# OCOP_TEST_SERIAL=1 runs them one after the other (e.g. on a one-core machine).
logs=$(mktemp -d /tmp/ocop-test-logs.XXXXXX)
pg_env=$(bash scripts/pg.sh start) || { echo "Could not start PostgreSQL" >&2; exit 1; }
eval "$pg_env"
trap 'bash scripts/pg.sh stop "$PG_TEST_DIR"; rm -rf "$logs"' EXIT

run_sqlite() {
  env -u DATABASE_URL OCOP_VAR_DIR="$PWD/var/test-sqlite" $PY -m pytest "$@" > "$logs/sqlite.log" 2>&1
}
run_postgres() {
  OCOP_VAR_DIR="$PWD/var/test-postgres" $PY -m pytest -m "not browser" "$@" > "$logs/postgres.log" 2>&1
}

started=$(date +%s)
if [ "${OCOP_TEST_SERIAL:-}" = "1" ]; then
  run_sqlite "$@"; sqlite_status=$?
  run_postgres "$@"; pg_status=$?
else
  run_sqlite "$@" & sqlite_pid=$!
  run_postgres "$@" & pg_pid=$!
  wait $sqlite_pid; sqlite_status=$?
  wait $pg_pid; pg_status=$?
fi

echo "=== Test suite on SQLite (browser tests included) ==="
cat "$logs/sqlite.log"
echo "=== Test suite on PostgreSQL (with the multi-process tests marked 'postgres') ==="
cat "$logs/postgres.log"
echo "(both phases took $(( $(date +%s) - started )) s)"

status=0
[ $sqlite_status -eq 0 ] || { echo "The SQLite phase FAILED (see above)." >&2; status=1; }
[ $pg_status -eq 0 ] || { echo "The PostgreSQL phase FAILED (see above)." >&2; status=1; }
exit $status
