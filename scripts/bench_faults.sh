#!/usr/bin/env bash
# The load, fault and multi-node tests at full size, run by `make bench` after the benchmarks:
# a throwaway PostgreSQL (scripts/pg.sh), then the process tests marked `postgres` in ocop/ops/tests —
# the 63 provinces submitting the same report at the same moment through gunicorn, a task worker
# killed mid-task (and mid-PDF render) and the task completed once by another, two gunicorn nodes and
# two workers sharing one database and one media folder, backup/restore with pg_dump. These tests
# already run at the programme's real size (63 provinces), so `make test` runs the same ones.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
pg_env=$(bash scripts/pg.sh start) || { echo "Could not start PostgreSQL" >&2; exit 1; }
eval "$pg_env"
trap 'bash scripts/pg.sh stop "$PG_TEST_DIR"' EXIT
echo "=== Load, fault and multi-node tests (PostgreSQL, gunicorn, task workers) ==="
$PY -m pytest ocop/ops/tests -m postgres -q -p no:cacheprovider "$@"
