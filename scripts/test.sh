#!/usr/bin/env bash
# The whole check, as CI runs it: lint, migrations, Django checks, the suite on SQLite, then
# the suite again on real PostgreSQL and Redis (started here unless DATABASE_URL/REDIS_URL
# are already set), including the tests in which a real Celery worker takes tasks from Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
step() { printf '\n== %s\n' "$*"; }

step "System packages"
scripts/system-deps.sh

step "Lint and format"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "Import contracts (spine <- contributors <- payments | feedback <- impact)"
.venv/bin/lint-imports --no-cache

step "Migrations and Django checks"
export PORTAL_VAR_DIR=$(mktemp -d)
$PY manage.py makemigrations --check --dry-run
$PY manage.py check --fail-level WARNING
PORTAL_ENV=production DJANGO_SECRET_KEY=check-deploy-$(date +%s)-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF \
  PORTAL_FIELD_ENCRYPTION_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= ALLOWED_HOSTS=portal.example.org \
  PORTAL_BASE_URL=https://portal.example.org \
  $PY manage.py check --deploy --fail-level WARNING

step "Tests on SQLite"
env -u DATABASE_URL -u REDIS_URL .venv/bin/pytest -q "$@"

step "Tests on PostgreSQL and Redis"
services_dir=""
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  services_dir=$(mktemp -d /tmp/portal-services.XXXXXX)
  trap 'scripts/services.sh stop "$services_dir"' EXIT
  eval "$(scripts/services.sh start "$services_dir")"
fi
echo "DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"
# Browser tests ran above and do not depend on the database engine; this run is for what does
# (row locks, races, constraints, the real worker and beat).
.venv/bin/pytest -q -m "not e2e" "$@"
rm -rf "$PORTAL_VAR_DIR"
