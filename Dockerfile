# The portal's one image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango and HarfBuzz; libpq for psycopg is bundled by psycopg[binary].
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_ENV=production \
    PORTAL_VAR_DIR=/app/var PORTAL_MEDIA_ROOT=/app/var/private
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home --uid 1000 portal && mkdir -p /app/var/private && chown -R portal /app/var
# collectstatic needs settings but no secrets of worth; the real key comes from the environment.
RUN DJANGO_SECRET_KEY=build-only PORTAL_BASE_URL=https://build.invalid PORTAL_FIELD_ENCRYPTION_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= \
    python manage.py collectstatic --no-input -v0 && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
