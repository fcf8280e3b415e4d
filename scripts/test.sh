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

# LibreOffice headless and Liberation fonts for the PDF output of official documents (ocop/documents).
bash scripts/ensure_system.sh || exit 1

status=0
echo "=== Test suite on SQLite ==="
env -u DATABASE_URL $PY -m pytest "$@" || status=1

# The PostgreSQL phase also runs the tests marked `postgres` (skipped on SQLite): gunicorn nodes and
# task workers started against the test database — 63 provinces submitting at once, a worker killed
# mid-task, two nodes sharing one database and one media folder, backup/restore with pg_dump.
echo "=== Test suite on PostgreSQL (with the multi-process tests marked 'postgres') ==="
pg_env=$(bash scripts/pg.sh start) || { echo "Could not start PostgreSQL" >&2; exit 1; }
eval "$pg_env"
trap 'bash scripts/pg.sh stop "$PG_TEST_DIR"' EXIT
$PY -m pytest "$@" || status=1

if [ $status -ne 0 ]; then
  echo "Some tests FAILED (see above)." >&2
fi
exit $status
