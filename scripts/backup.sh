#!/usr/bin/env bash
# Back up the portal: the database (pg_dump, custom format) and then every private file
# (receipts, evidence, reports) with a checksum manifest, into one folder.
# Usage: scripts/backup.sh DIR     (with the portal's settings in the environment or .env)
# The database goes first: a file uploaded during the copy is merely extra, never missing.
# Keep PORTAL_FIELD_ENCRYPTION_KEY (and any old keys) somewhere else that is backed up too:
# without it the bank details in the dump cannot be read. See docs/deployment.md.
set -euo pipefail
dir=${1:?usage: scripts/backup.sh DIR}
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
mkdir -p "$dir"
"${PG_BIN:+$PG_BIN/}pg_dump" --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dir/database.dump"
"$PY" manage.py sync_private_files --to "$dir/files"
date -u +%Y-%m-%dT%H:%M:%SZ >"$dir/made-at"
echo "Backup written to $dir"
