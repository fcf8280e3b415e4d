#!/usr/bin/env bash
# Run by `make bench` after the SQLite benchmarks: a throwaway PostgreSQL (scripts/pg.sh), the
# service ratios on it (appended to bench-results.json), then the load, fault and multi-node tests
# at full size: the process tests marked `postgres` in ocop/ops/tests —
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
# The same service ratios on PostgreSQL (production's database), appended to the SQLite rows of
# bench-results.json: one table with a "db" column (issue 17). OCOP_BENCH_PG=0 skips it.
if [ "${OCOP_BENCH_PG:-1}" != "0" ]; then
  echo "=== Benchmarks on PostgreSQL (the service ratios; same data: demo + generate_scale) ==="
  (unset SQLITE_PATH
   $PY manage.py migrate --noinput -v0 &&
   $PY manage.py demo --quiet-accounts > /dev/null &&
   $PY manage.py generate_scale --size "${OCOP_BENCH_SIZE:-full}" &&
   $PY manage.py bench --no-pages --append) || { echo "Benchmarks on PostgreSQL failed" >&2; exit 1; }
fi
echo "=== Load, fault and multi-node tests (PostgreSQL, gunicorn, task workers) ==="
$PY -m pytest ocop/ops/tests -m postgres -q -p no:cacheprovider "$@"
