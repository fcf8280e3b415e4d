#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite.
#   eval "$(scripts/pg.sh start)"   -> exports PG_TEST_DIR and DATABASE_URL
#   scripts/pg.sh stop "$PG_TEST_DIR"
# Runs as a non-root user (PostgreSQL refuses root): as root, a system user "ocoptest" is created.
# Listens on a free loopback port and a private socket directory; fsync off (throwaway data).
set -euo pipefail

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$candidate" ] && { echo "$candidate"; return; }
  echo "PostgreSQL binary '$name' not found" >&2
  exit 1
}

as_pg_user() {
  if [ "$(id -u)" = "0" ]; then
    su -s /bin/bash ocoptest -c "$*"
  else
    bash -c "$*"
  fi
}

ensure_installed() {
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ]; then
      echo "Installing PostgreSQL (apt)..." >&2
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    else
      echo "PostgreSQL is not installed; install the 'postgresql' package." >&2
      exit 1
    fi
  fi
}

start() {
  ensure_installed
  local initdb pg_ctl dir port
  initdb=$(find_bin initdb)
  pg_ctl=$(find_bin pg_ctl)
  if [ "$(id -u)" = "0" ] && ! id ocoptest >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin ocoptest
  fi
  dir=$(mktemp -d /tmp/ocop-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" = "0" ] && chown ocoptest "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  as_pg_user "'$initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_pg_user "'$pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >/dev/null" \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export PG_TEST_DIR='$dir'"
  echo "export DATABASE_URL='postgres://postgres@127.0.0.1:$port/postgres'"
}

stop() {
  local dir=${1:-${PG_TEST_DIR:-}}
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  local pg_ctl
  pg_ctl=$(find_bin pg_ctl)
  as_pg_user "'$pg_ctl' -D '$dir/data' -m immediate -w stop >/dev/null 2>&1" || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start|stop [dir]" >&2; exit 2 ;;
esac
