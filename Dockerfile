# The portal's one image: web (gunicorn), Celery worker and Celery beat all run from it.
# Pinned to a patch release: a rebuild gets the same Python; bump it deliberately.
FROM python:3.11.13-slim-bookworm

# WeasyPrint needs Pango and HarfBuzz; libpq for psycopg is bundled by psycopg[binary].
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_ENV=production \
    PORTAL_VAR_DIR=/app/var PORTAL_MEDIA_ROOT=/app/var/private \
    GUNICORN_BIND=0.0.0.0:8000
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home --uid 1000 portal && mkdir -p /app/var/private /app/var/beat && chown -R portal /app/var
# collectstatic needs settings but no secrets of worth; the real key comes from the environment.
RUN DJANGO_SECRET_KEY=build-only PORTAL_BASE_URL=https://build.invalid PORTAL_FIELD_ENCRYPTION_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= \
    python manage.py collectstatic --no-input -v0 && chown -R portal /app/var
USER portal
# Reachable on the container network only; docker-compose.yml publishes the proxy, not this.
EXPOSE 8000
# Exec form, settings from gunicorn.conf.py (workers, timeout... from the environment): gunicorn
# is PID 1 and shuts down gracefully on SIGTERM. Migrations are a separate job, never run here.
CMD ["gunicorn", "portal.wsgi:application"]
