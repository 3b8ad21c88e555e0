#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for tests and benchmarks on 127.0.0.1:${PGPORT:-54329}.
# Installs the Debian package when missing (needs root). Prints the DATABASE_URL to use.
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA_DIR:-/tmp/ganbu-pg-$PGPORT}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "PostgreSQL is not installed and this user cannot install it (apt-get needs root)" >&2; exit 1
  fi
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
RUNAS=()
if [ "$(id -u)" = 0 ]; then RUNAS=(runuser -u postgres --); fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
  "${RUNAS[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDATA'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 512MB
work_mem = 32MB
CONF
fi
# autovacuum off on this throwaway server: an auto-ANALYZE holds a snapshot that keeps a ballot
# table's lock-only xmax from being frozen by the scrub's VACUUM FULL, at random moments, and the
# anonymity tests compare every row's xmin/xmax (ballots/tests/test_anonymity.py); production keeps it
if ! "${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  "${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -o "-c autovacuum=off" -w start >/dev/null
fi
"$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='ganbu'" | grep -q 1 \
  || "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE ROLE ganbu LOGIN PASSWORD 'ganbu' CREATEDB"
"$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='ganbu'" | grep -q 1 \
  || "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE ganbu OWNER ganbu"
echo "postgres://ganbu:ganbu@127.0.0.1:$PGPORT/ganbu"
