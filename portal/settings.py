"""Settings for the Public Partnerships Portal.

Everything comes from the environment (or a git-ignored `.env`). With nothing set the portal
runs on embedded defaults: SQLite and a file-based Celery broker in `var/`, email written to
`var/mail/`. `PORTAL_ENV=production` switches the safety checks on. Every setting is listed
in the README's settings table.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Read .env before any setting, so every one of them (PORTAL_VAR_DIR too) can be set there.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

PORTAL_ENV = env.str("PORTAL_ENV", default="development")
PRODUCTION = PORTAL_ENV == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY: production refuses to start without it.")
    # Development only: `make run` writes a random key into .env the first time.
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_forms_gds",
    # The spine first; apps import it, it imports none of them.
    "portal",
    "contributors",
    "payments",
    "feedback",
    "impact",
    # At the end of the import chain: nothing imports it.
    "messaging",
    # At the end of the chain: reads every app above, nothing imports it.
    "coproduction",
    # At the end too: partners, their invoices and the self-assessment; nothing imports it.
    "partners",
]

MIDDLEWARE = [
    "portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.StaffMfaMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
            "builtins": ["portal.templatetags.portal_tags"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: WAL lets readers and one writer
    # overlap, and IMMEDIATE makes writers queue rather than fail with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

# --- Redis: broker and cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A broker that needs no server: messages are files in var/celery/, shared by the web
    # process and the worker.
    CELERY_BROKER_URL = "filesystem://"
    _queue = VAR_DIR / "celery" / "queue"
    # The filesystem transport needs its folders; making them here means no setup step.
    for _folder in (_queue, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),  # else it lands in the cwd
        "store_processed": False,
    }

# Whether every web process sees the same cache. Roles and the public page are cached across
# requests only then: with a per-process cache, a role taken away or an entry unpublished in
# one worker would linger in the others.
PORTAL_SHARED_CACHE = env.bool("PORTAL_SHARED_CACHE", default=bool(REDIS_URL))

CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task gives the task back
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Each app adds its periodic jobs here; every entry says when in plain words.
CELERY_BEAT_SCHEDULE: dict = {}

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Public Partnerships <involvement@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

# --- Authentication (django-allauth) --------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up collects the contributor profile too: contact method, access needs, privacy.
ACCOUNT_SIGNUP_FORM_CLASS = "contributors.forms.SignupForm"
ACCOUNT_FORMS = {"signup": "contributors.signup.PortalSignupForm"}
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_TIMEOUT", default=300)
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("PORTAL_ORGANISATION_NAME", default="Northbridge Research Partnership")

# Sessions end after this much inactivity: every request pushes the expiry forward.
PORTAL_SESSION_IDLE_MINUTES = env.int("PORTAL_SESSION_IDLE_MINUTES", default=60)
SESSION_COOKIE_AGE = PORTAL_SESSION_IDLE_MINUTES * 60
# The expiry slides forward on use, but the session row is rewritten at most once a minute
# (portal.middleware.SlidingSessionMiddleware), not on every request.
PORTAL_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Coordinators and managers must set up an authenticator app before any staff page.
PORTAL_REQUIRE_STAFF_MFA = env.bool("PORTAL_REQUIRE_STAFF_MFA", default=PRODUCTION)

# --- The organisation -----------------------------------------------------------------------
PORTAL_ORGANISATION_NAME = MFA_TOTP_ISSUER
PORTAL_CONTACT_EMAIL = env.str("PORTAL_CONTACT_EMAIL", default="involvement@example.org")
PORTAL_CONTACT_PHONE = env.str("PORTAL_CONTACT_PHONE", default="0113 496 0000")
# Postal address, lines separated by commas: ends every payment statement, for people who write.
PORTAL_CONTACT_ADDRESS = env.str(
    "PORTAL_CONTACT_ADDRESS", default="Involvement Team, 1 Example Street, Leeds, LS1 1AA"
)

# Encryption key for bank details (Fernet, urlsafe base64 of 32 bytes). Derived from the
# secret key when unset, so development needs no step; production must set its own.
PORTAL_FIELD_ENCRYPTION_KEY = env.str("PORTAL_FIELD_ENCRYPTION_KEY", default="")
if PRODUCTION and not PORTAL_FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured("Set PORTAL_FIELD_ENCRYPTION_KEY in production.")

# --- contributors settings ------------------------------------------------------------------
# Retention of payment records after erasure, in years.
PORTAL_PAYMENT_RETENTION_YEARS = env.int("PORTAL_PAYMENT_RETENTION_YEARS", default=6)
# Opportunities wait for a manager's approval before contributors can see them.
PORTAL_OPPORTUNITY_APPROVAL = env.bool("PORTAL_OPPORTUNITY_APPROVAL", default=False)
# The portal's public address: every absolute link (emails, certificates) is built on it by
# portal.links. `make run` sets it from PORT; production refuses to start without it.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")
if not PORTAL_BASE_URL:
    if PRODUCTION:
        raise ImproperlyConfigured("Set PORTAL_BASE_URL (e.g. https://portal.example.org) in production.")
    PORTAL_BASE_URL = "http://127.0.0.1:8000"
# Contributors are invited to review their equality monitoring answers once a year.
PORTAL_DIVERSITY_REVIEW_DAYS = env.int("PORTAL_DIVERSITY_REVIEW_DAYS", default=365)
# Aggregates hide any count below this (and cells that would reveal one).
PORTAL_SMALL_NUMBER_THRESHOLD = env.int("PORTAL_SMALL_NUMBER_THRESHOLD", default=5)

# --- payments settings ----------------------------------------------------------------------
# A staff member who changed a person's payment details or invited them to take over their
# account may not decide that person's claims for this many days (docs/security.md).
PORTAL_PAYMENT_DETAILS_COOLING_DAYS = env.int("PORTAL_PAYMENT_DETAILS_COOLING_DAYS", default=30)
PORTAL_TRADING_ALLOWANCE = Decimal(env.str("PORTAL_TRADING_ALLOWANCE", default="1000.00"))
# A contributor sees a notice once their fees in a tax year reach this much.
PORTAL_ALLOWANCE_WARNING_AT = Decimal(env.str("PORTAL_ALLOWANCE_WARNING_AT", default="800.00"))
# Benefit limits are dated rows (payments.BenefitRule), not settings: they change every April.
# The weekday finance usually pays on (0 = Monday ... 4 = Friday): a claim is expected to be
# paid on the first such day after it could be decided, and counts in that benefit period.
PORTAL_PAYMENT_RUN_WEEKDAY = env.int("PORTAL_PAYMENT_RUN_WEEKDAY", default=3)
# "Paid on time" means paid within this many working days (Monday to Friday) of first submission.
PORTAL_PAYMENT_TARGET_WORKING_DAYS = env.int("PORTAL_PAYMENT_TARGET_WORKING_DAYS", default=20)
# Expenses above this amount need a receipt.
PORTAL_RECEIPT_REQUIRED_ABOVE = Decimal(env.str("PORTAL_RECEIPT_REQUIRED_ABOVE", default="10.00"))
PORTAL_RECEIPT_MAX_BYTES = env.int("PORTAL_RECEIPT_MAX_BYTES", default=5 * 1024 * 1024)
# Claims whose total is above this need a second approver; 0 switches second approval off.
PORTAL_SECOND_APPROVAL_ABOVE = Decimal(env.str("PORTAL_SECOND_APPROVAL_ABOVE", default="0"))
PORTAL_CLAIM_DECISION_REMINDER_DAYS = env.int("PORTAL_CLAIM_DECISION_REMINDER_DAYS", default=5)
PORTAL_DRAFT_CLAIM_REMINDER_DAYS = env.int("PORTAL_DRAFT_CLAIM_REMINDER_DAYS", default=7)

# --- feedback settings ----------------------------------------------------------------------
PORTAL_FEEDBACK_DUE_DAYS = env.int("PORTAL_FEEDBACK_DUE_DAYS", default=28)
# The owner is reminded this many days before feedback falls due.
PORTAL_FEEDBACK_DUE_SOON_DAYS = env.int("PORTAL_FEEDBACK_DUE_SOON_DAYS", default=7)
# Overdue feedback goes to the managers this many days after the owner's overdue reminder.
PORTAL_FEEDBACK_ESCALATE_AFTER_DAYS = env.int("PORTAL_FEEDBACK_ESCALATE_AFTER_DAYS", default=14)

# --- impact settings ------------------------------------------------------------------------
# Largest evidence file a coordinator may attach to an impact entry, in megabytes.
PORTAL_IMPACT_EVIDENCE_MAX_MB = env.int("PORTAL_IMPACT_EVIDENCE_MAX_MB", default=10)
# Report files (PDF, CSV, batches of certificates) are deleted this many days after they are made.
PORTAL_IMPACT_REPORT_KEEP_DAYS = env.int("PORTAL_IMPACT_REPORT_KEEP_DAYS", default=30)
# Days before a DBS check or training expires that the person and their coordinators are told.
PORTAL_CHECK_REMINDER_DAYS = env.int("PORTAL_CHECK_REMINDER_DAYS", default=30)

# --- Files, static, security ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from static/ in development
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files (receipts, evidence, reports) are private: never served as static media,
# only through views that check permission.
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "private")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LANGUAGE_CODE = "en-gb"
# Our wording for django-allauth's pages (sentence case, plain English) wins over its own.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SECURE_CONTENT_TYPE_NOSNIFF = True
# Every script and style is a file from our own static folder: no inline code, no other origin.
# GOV.UK Frontend's CSS uses data: URIs for a few images. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the portal never uses, switched off for it and anything it could embed.
PORTAL_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO; only its warnings are worth reading.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

ADMINS = [("Portal admin", a) for a in env.list("ADMIN_EMAILS", default=[])]
SILENCED_SYSTEM_CHECKS: list[str] = []
HEALTHZ_BROKER_TIMEOUT = timedelta(seconds=3).total_seconds()

CELERY_BEAT_SCHEDULE["portal-clear-expired-sessions"] = {
    "task": "portal.tasks.clear_expired_sessions",
    "schedule": crontab(hour=3, minute=15),  # 03:15 every night, London time
}
# PORTAL_REMINDER_SWEEP_SECONDS makes the sweep run every N seconds instead (used by the test
# in which a real worker and beat send a reminder).
_sweep_every = env.int("PORTAL_REMINDER_SWEEP_SECONDS", default=0)
CELERY_BEAT_SCHEDULE["portal-send-reminders"] = {
    "task": "portal.tasks.send_reminders",
    # on the hour, 08:00 to 18:00 London time: reminders arrive in the working day
    "schedule": _sweep_every or crontab(minute=0, hour="8-18"),
}
CELERY_BEAT_SCHEDULE["impact-delete-expired-reports"] = {
    "task": "impact.tasks.delete_expired_report_files",
    "schedule": crontab(hour=2, minute=40),  # 02:40 every night, London time
}
CELERY_BEAT_SCHEDULE["portal-deliver-unsent-email"] = {
    "task": "portal.tasks.deliver_unsent_email",
    "schedule": crontab(minute=30),  # half past every hour: what a broker outage left unsent
}
CELERY_BEAT_SCHEDULE["impact-sweep-reports"] = {
    "task": "impact.tasks.sweep_reports",
    "schedule": crontab(minute=50),  # reports a broker outage left waiting or a worker left half made
}
CELERY_BEAT_SCHEDULE["messaging-sweep-deliveries"] = {
    "task": "messaging.tasks.sweep_deliveries",
    # quarter to every hour: messages a broker outage or a stopped worker left unsent
    "schedule": crontab(minute=45),
}

# === Several nodes: shared private files, sessions, logs, error reports (issue 14) ==========
# Private files (receipts, evidence, reports, certificate batches) live in one storage,
# STORAGES["private"]: MEDIA_ROOT by default, an S3-compatible bucket (AWS, MinIO, Ceph, an S3
# gateway) when PORTAL_S3_BUCKET is set, so every web node and worker sees the same files.
PORTAL_S3_BUCKET = env.str("PORTAL_S3_BUCKET", default="")
# Above this size a download is a redirect to a signed URL rather than streamed through
# gunicorn; 0 streams everything (the store's endpoint need not be reachable by browsers).
PORTAL_S3_SIGNED_URL_ABOVE_MB = env.float("PORTAL_S3_SIGNED_URL_ABOVE_MB", default=0)
PORTAL_S3_SIGNED_URL_SECONDS = env.int("PORTAL_S3_SIGNED_URL_SECONDS", default=60)
if PORTAL_S3_BUCKET:
    _sse = env.str("PORTAL_S3_ENCRYPTION", default="AES256")  # or aws:kms with PORTAL_S3_KMS_KEY_ID
    _object_parameters = {"ServerSideEncryption": _sse} if _sse else {}
    if env.str("PORTAL_S3_KMS_KEY_ID", default=""):
        _object_parameters["SSEKMSKeyId"] = env.str("PORTAL_S3_KMS_KEY_ID")
    _private_storage = {
        "BACKEND": "portal.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": PORTAL_S3_BUCKET,
            "endpoint_url": env.str("PORTAL_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PORTAL_S3_REGION", default="") or None,
            # Unset: boto3's own chain (instance role, AWS_* variables, ~/.aws).
            "access_key": env.str("PORTAL_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("PORTAL_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("PORTAL_S3_PREFIX", default=""),
            "addressing_style": env.str("PORTAL_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            "object_parameters": _object_parameters,
            "querystring_expire": PORTAL_S3_SIGNED_URL_SECONDS,
        },
    }
else:
    _private_storage = {"BACKEND": "portal.storage.PrivateFileSystemStorage"}
STORAGES["private"] = _private_storage
# Nothing is public media: a stray default_storage user also gets the private, shared store.
STORAGES["default"] = _private_storage

# Sessions in the database, read through Redis when there is one: any node serves any person.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# Earlier keys, newest first, that bank details may still be encrypted with (comma-separated).
# After `manage.py rotate_encryption_key` has run, they can be dropped.
PORTAL_FIELD_ENCRYPTION_OLD_KEYS = env.list("PORTAL_FIELD_ENCRYPTION_OLD_KEYS", default=[])

# Beat touches this file on every tick; its health check reads the file's age.
CELERY_BEAT_SCHEDULER = "portal.celery:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
PORTAL_BEAT_HEARTBEAT_FILE = env.str("PORTAL_BEAT_HEARTBEAT_FILE", default=str(VAR_DIR / "beat-heartbeat"))

# One JSON object per line in production (log shippers parse it), readable text in
# development; every line made while handling a request carries its request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
MIDDLEWARE.insert(0, "portal.middleware.RequestIdMiddleware")
LOGGING["filters"] = {"request_id": {"()": "portal.logs.RequestIdFilter"}}
LOGGING["formatters"] = {
    "json": {"()": "portal.logs.JsonFormatter"},
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
}
LOGGING["handlers"]["console"].update({"filters": ["request_id"], "formatter": LOG_FORMAT})

# Error reports go to Sentry (or a Sentry-compatible service) only when a DSN is set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=PORTAL_ENV),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,  # contributors' names, emails and bank details stay here
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# --- Messages and calendars (the messaging app) ---------------------------------------------
# GOV.UK Notify sends text messages, and email and letters if their template ids are set.
# Each template is one "((body))" placeholder (and "((subject))" for email and letters).
PORTAL_NOTIFY_API_KEY = env.str("PORTAL_NOTIFY_API_KEY", default="")
PORTAL_NOTIFY_BASE_URL = env.str("PORTAL_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
PORTAL_NOTIFY_SMS_TEMPLATE_ID = env.str("PORTAL_NOTIFY_SMS_TEMPLATE_ID", default="")
PORTAL_NOTIFY_EMAIL_TEMPLATE_ID = env.str("PORTAL_NOTIFY_EMAIL_TEMPLATE_ID", default="")
PORTAL_NOTIFY_LETTER_TEMPLATE_ID = env.str("PORTAL_NOTIFY_LETTER_TEMPLATE_ID", default="")
# The bearer token Notify sends with delivery-status callbacks (set the same in Notify).
PORTAL_NOTIFY_CALLBACK_TOKEN = env.str("PORTAL_NOTIFY_CALLBACK_TOKEN", default="")
# Replies by email: messages go out with Reply-To reply+<id>@PORTAL_MESSAGING_REPLY_DOMAIN, and
# the mail service that receives that domain posts each email to /messages/inbound-email/
# with this bearer token. Unset: people reply in the portal only.
PORTAL_MESSAGING_REPLY_DOMAIN = env.str("PORTAL_MESSAGING_REPLY_DOMAIN", default="")
PORTAL_MESSAGING_INBOUND_TOKEN = env.str("PORTAL_MESSAGING_INBOUND_TOKEN", default="")
# Replies by text: on when the Notify service receives text messages and its received-text
# callback posts to /messages/notify/received-text/ (with PORTAL_NOTIFY_CALLBACK_TOKEN). Texts
# then say "reply to this text"; off, they send people to the portal to reply.
PORTAL_MESSAGING_TEXT_REPLIES = env.bool("PORTAL_MESSAGING_TEXT_REPLIES", default=False)
