#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server (Debian's postgresql package) on loopback with a temporary data directory, for
# the PostgreSQL half of the store suite and the multi-worker tests. Prints the URL to use as DEBRIEF_TEST_POSTGRES.
#   scripts/postgres-test-server.sh start [PORT]   → prints postgres://debrief@127.0.0.1:PORT/debrief
#   scripts/postgres-test-server.sh stop
set -euo pipefail
action=${1:-start}
port=${2:-55432}
base=${DEBRIEF_PG_DIR:-/tmp/debrief-pg-$port}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
  else
    echo "postgres-test-server: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1
  fi
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# initdb refuses to run as root: the server runs as the package's postgres user then.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $action in
  start)
    if [ -f "$base/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
      echo "postgres://debrief@127.0.0.1:$port/debrief"; exit 0
    fi
    rm -rf "$base"; mkdir -p "$base"
    [ "$(id -u)" = 0 ] && chown postgres "$base"
    as_owner "$bin/initdb" -D "$base/data" -U debrief --auth=trust -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
      || { cat "$base/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $base -c fsync=off -c max_connections=200" start >/dev/null \
      || { cat "$base/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U debrief debrief
    echo "postgres://debrief@127.0.0.1:$port/debrief"
    ;;
  stop)
    [ -d "$base/data" ] && as_owner "$bin/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$base"
    ;;
  *) echo "usage: $0 start|stop [PORT]" >&2; exit 2 ;;
esac
