#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on 127.0.0.1 for tests and benchmarks.
#   eval "$(scripts/pg-temp.sh start [PORT])"   # exports DATABASE_URL and PG_TEMP_DIR
#   scripts/pg-temp.sh stop "$PG_TEMP_DIR"
# PostgreSQL refuses to run as root, so the server runs as the postgres user from a
# directory under /tmp that it owns (see shared/RECIPES.md).
set -euo pipefail

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    port=${2:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    bin=$(pg_bin)
    dir=$(mktemp -d /tmp/pg-temp.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    cd /
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE portal LOGIN CREATEDB PASSWORD 'portal'" \
      -c "CREATE DATABASE portal OWNER portal" >/dev/null
    echo "export PG_TEMP_DIR=$dir"
    echo "export PG_TEMP_PORT=$port"
    echo "export DATABASE_URL=postgres://portal:portal@127.0.0.1:$port/portal"
    ;;
  stop)
    dir=${2:?usage: pg-temp.sh stop DIR}
    cd /
    as_postgres "$(pg_bin)/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start [PORT] | stop DIR" >&2
    exit 2
    ;;
esac
