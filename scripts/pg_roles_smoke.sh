#!/usr/bin/env bash
# The production database setup, end to end on the throwaway PostgreSQL of scripts/pg_start.sh:
# the owner role migrates and grants, the runtime role seeds, anchors and verifies the audit log,
# and may not TRUNCATE it. Exit status non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PGPORT="${PGPORT:-54329}"
PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -q)
T="$(mktemp -d)"
cleanup() {
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS ganbu_roles" -c "DROP ROLE IF EXISTS ganbu_app" >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
cleanup
"${PSQL[@]}" -c "CREATE DATABASE ganbu_roles OWNER ganbu TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" \
             -c "CREATE ROLE ganbu_app LOGIN PASSWORD 'app'"
OWNER="postgres://ganbu:ganbu@127.0.0.1:$PGPORT/ganbu_roles"
APP="postgres://ganbu_app:app@127.0.0.1:$PGPORT/ganbu_roles"
export GANBU_VAR_DIR="$T/var" GANBU_AUDIT_KEY_FILE="$T/audit_signing_key"
PY=.venv/bin/python
DATABASE_URL=$OWNER $PY manage.py migrate -v0
DATABASE_URL=$OWNER $PY manage.py grant_runtime_role ganbu_app
DATABASE_URL=$APP $PY manage.py seed_demo --cadres 50
DATABASE_URL=$APP $PY manage.py audit_anchor --out "$T/anchors.jsonl"
DATABASE_URL=$APP $PY manage.py verify_audit --anchors "$T/anchors.jsonl"
if psql "$APP" -q -c "TRUNCATE audit_auditevent" 2>/dev/null; then
  echo "the runtime role could TRUNCATE the audit log" >&2
  exit 1
fi
echo "two-role setup: migrate as owner, serve as runtime role, audit log append-only: ok"
