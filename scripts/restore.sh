#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty private
# storage (folder or bucket), then check that every file is there and every encrypted value
# can be read with the configured key.
# Usage: scripts/restore.sh DIR    (DATABASE_URL, PORTAL_S3_* and PORTAL_FIELD_ENCRYPTION_KEY
#                                   set for the installation being restored)
set -euo pipefail
dir=${1:?usage: scripts/restore.sh DIR}
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python
: "${DATABASE_URL:?set DATABASE_URL to the empty database to restore into}"
"${PG_BIN:+$PG_BIN/}pg_restore" --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$dir/database.dump"
"$PY" manage.py sync_private_files --from "$dir/files"
# A backup from an older release: bring the schema up to this one's.
"$PY" manage.py migrate --no-input
"$PY" manage.py verify_restore
