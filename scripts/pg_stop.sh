#!/usr/bin/env bash
set -euo pipefail
PGPORT="${PGPORT:-54329}"
PGDATA="${PGDATA_DIR:-/tmp/ganbu-pg-$PGPORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
RUNAS=()
if [ "$(id -u)" = 0 ]; then RUNAS=(runuser -u postgres --); fi
"${RUNAS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
