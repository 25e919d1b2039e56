"""gunicorn's settings, read from the environment (gunicorn loads this file from the working
directory). Command-line flags still win, e.g. `--bind` in tests."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that runs longer than this is killed; big reports are made by Celery, not here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (docker stop) finish the requests in hand for this long before exiting.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then, so a slow leak never grows into an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
# The portal logs each request itself, as JSON with its request id (portal.middleware).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
