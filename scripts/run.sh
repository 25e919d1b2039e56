#!/usr/bin/env bash
# The portal on embedded defaults: migrate, seed the demo, then the web server and a Celery
# worker with beat side by side. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
# Links in emails (sent by the worker as well as the web server) point at this server.
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}
$PY manage.py migrate --no-input -v0
$PY manage.py seed_demo
.venv/bin/celery -A portal worker -B --pool=solo --loglevel=INFO \
  --schedule "${PORTAL_VAR_DIR:-var}/celerybeat-schedule" &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
echo
echo "Portal: http://127.0.0.1:$PORT/  (Ctrl-C stops the web server and the worker)"
$PY manage.py runserver "127.0.0.1:$PORT"
