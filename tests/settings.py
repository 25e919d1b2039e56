import atexit
import shutil
import tempfile

from portal.settings import *  # noqa: F403

# Uploads and collected static files go to one throwaway folder, removed when the run ends.
_TMP = Path(tempfile.mkdtemp(prefix="portal-test-"))  # noqa: F405
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
for _folder in ("media", "static"):
    (_TMP / _folder).mkdir()

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Celery opens a producer even in eager mode; without this it tried to load a Redis client.
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# On the PostgreSQL run `make test` also sets REDIS_URL, and the cache is the real Redis.
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process: the local cache is shared by every request, as Redis is in production.
PORTAL_SHARED_CACHE = True
PORTAL_REQUIRE_STAFF_MFA = False
ACCOUNT_RATE_LIMITS = False
MEDIA_ROOT = _TMP / "media"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
STATIC_ROOT = _TMP / "static"
WHITENOISE_USE_FINDERS = True
