"""Django settings, read from the environment with safe development defaults.

Where PostgreSQL and Redis live is decided in config/embedded.py; production mode
(DJANGO_ENV=production) refuses to start without SECRET_KEY or with DEBUG on.
"""

import os
import sys
from pathlib import Path
from urllib.parse import unquote

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from config import embedded
from core.tenancy import reset_pooled_connection

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# ----------------------------------------------------------------- Mode

DJANGO_ENV = env("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
TESTING = env.bool("ACQS_TESTING", default="pytest" in sys.modules)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")
    if not env("SECRET_KEY", default=""):
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")

SECRET_KEY = env("SECRET_KEY", default="development-only-secret-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ----------------------------------------------------------------- Apps

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files for /api/v1/docs/
    "csp",
    "auditlog",
    "accounts",
    "questionnaires",
    "sessions_app",
    "documents",
    "audit",
    "config",
]

MIDDLEWARE = [
    "core.security_headers.SecurityHeadersMiddleware",  # first: its response phase sees the final response
    "config.health_views.HealthEndpointsMiddleware",  # early: probes skip host checks, sessions, tenancy
    "config.ops.routers.ReplicaRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Dates and numbers in the reader's English variant (the words are English only: LANGUAGES).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.RequestContextMiddleware",
    "accounts.middleware.TenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.AdminMfaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.context.FieldHistoryMiddleware",
]

if DEBUG and not TESTING:
    # `make run`: runserver --nostatic leaves static files to whitenoise, as in production, and they go
    # out gzipped (whitenoise's compressed copies exist only after collectstatic), so a page weighs in
    # development what it weighs in production (docs/operations.md, "Static files and the admin's weight").
    _STATIC_AT = MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware")
    MIDDLEWARE.insert(_STATIC_AT, "django.middleware.gzip.GZipMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# ----------------------------------------------------------------- Database

DATABASES = {"default": env.db_url_config(embedded.database_url())}
# Django's backend, plus statements sent with the COMMIT (core/postgresql/base.py: the audit row).
DATABASES["default"]["ENGINE"] = "core.postgresql"
# A unix-socket directory arrives percent-encoded in the URL's host part.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = not env.bool("DATABASE_POOL", default=not TESTING)
# Django's built-in psycopg pool (seed 000 §9.3: pooled connections); PgBouncer can sit in front.
DATABASES["default"].setdefault("OPTIONS", {})
# Off in tests: a pool keeps idle connections open, and the test database could not be dropped.
if env.bool("DATABASE_POOL", default=not TESTING):
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=1),
        "max_size": env.int("DATABASE_POOL_MAX", default=20),
        "timeout": 10,
        "reset": reset_pooled_connection,
    }
if TESTING:
    # One test database per run, so that two runs on one server (two checkouts, a run beside
    # `make run`) never collide; pytest-django drops it at the end.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
# The tables' owner, for maintenance that the application's role may not do (creating and detaching
# audit partitions, VACUUM, backups). Unset, maintenance uses the default connection.
if env("DATABASE_OWNER_URL", default=""):
    DATABASES["owner"] = env.db_url_config(env("DATABASE_OWNER_URL"))
    DATABASES["owner"]["ENGINE"] = "core.postgresql"
    DATABASES["owner"]["HOST"] = unquote(DATABASES["owner"].get("HOST", ""))
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}
MAINTENANCE_DATABASE = "owner" if "owner" in DATABASES else "default"

# Read replicas (docs/operations.md): reporting and list reads marked for them; everything else primary.
DATABASE_ROUTERS = ["config.ops.routers.ReplicaRouter"]
DATABASE_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = env.db_url_config(_url)
    _replica["ENGINE"] = "core.postgresql"
    _replica["HOST"] = unquote(_replica.get("HOST", ""))
    _replica["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], **_replica.get("OPTIONS", {})}
    _replica["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica_{_number}")
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5)
REPLICA_PIN_SECONDS = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ----------------------------------------------------------------- Redis: cache and Celery

REDIS_URL = embedded.redis_url()


def _test_run() -> str:
    """The name of this test run (one per pytest-xdist worker), shared with the processes it starts.

    The run's cache keys and documents queue carry it: two runs on one Redis would otherwise wipe each
    other's keys (each test empties the cache) and take each other's tasks.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return os.environ.setdefault(f"ACQS_TEST_RUN_NAME_{worker.upper()}", f"{worker}-{os.getpid()}")


# A Redis outage turns cache calls into misses (logged once), never into errors: pages fall back to the
# database (config/ops/cache.py).
CACHES = {
    "default": {
        "BACKEND": "config.ops.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default=f"acqs-test-{_test_run()}" if TESTING else "acqs"),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "IGNORE_EXCEPTIONS": True,
            # Fail fast in production; the suite runs a loaded machine, where a busy Redis is not a dead one.
            "SOCKET_CONNECT_TIMEOUT": 2 if TESTING else 0.5,
            "SOCKET_TIMEOUT": 5 if TESTING else 1,
            "RETRY_AFTER": 5,
        },
    }
}
# User sessions in Redis, backed by the database (seed 000 §9.2: 24 hours; logout deletes both).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 24 * 60 * 60

CELERY_BROKER_URL = embedded.celery_broker_url()
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(embedded.DATA_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task held by a killed worker comes back after this long (above the longest retry delay and time limit).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
# Each test run generates documents on a queue of its own (tests/documents/broker.py reads and empties it).
DOCUMENTS_QUEUE = env("DOCUMENTS_QUEUE", default=f"acqs-test-{_test_run()}-docs" if TESTING else "celery")
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_MAX_TASKS_PER_CHILD", default=100)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# ----------------------------------------------------------------- REST API

# Every API view also sets these itself (config/api.py): the defaults here serve anything else DRF renders.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Adaptive Client Questionnaires API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Names for the choice sets that share a field name ("status"); config/api.py's schema uses these too,
    # and `check --deploy` (drf-spectacular's schema check) would warn of a collision without them.
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "sessions_app.models.SessionStatus",
        "InvitationStatusEnum": "sessions_app.invitation_models.InvitationStatus",
        "QuestionTypeEnum": "questionnaires.types.QUESTION_TYPES",
    },
}

# ----------------------------------------------------------------- Auth

AUTH_USER_MODEL = "accounts.User"
# ModelBackend, with the user every request loads read in one prebuilt statement (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.UserBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lockout, throttling, MFA and idle sessions (docs/accounts.md)
LOGIN_LOCKOUT_THRESHOLD = env.int("LOGIN_LOCKOUT_THRESHOLD", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=50)
LOGIN_IP_FAILURE_MINUTES = env.int("LOGIN_IP_FAILURE_MINUTES", default=15)
PASSWORD_RESET_IP_LIMIT = env.int("PASSWORD_RESET_IP_LIMIT", default=10)
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
# Encrypts users.mfa_secret; unset, the key is derived from SECRET_KEY. Set a dedicated one in production.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
FIELD_ENCRYPTION_KEY_FALLBACKS = env.list("FIELD_ENCRYPTION_KEY_FALLBACKS", default=[])
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # A fast hasher keeps the suite quick; production keeps Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# ----------------------------------------------------------------- Client sessions

SESSION_LIFETIME_DAYS = env.int("SESSION_LIFETIME_DAYS", default=30)  # a session's expires_at
SESSION_ABANDON_AFTER_DAYS = env.int("SESSION_ABANDON_AFTER_DAYS", default=14)  # idle → ABANDONED
# An invitation's link works this many days after it is sent, or until the due date if that is sooner.
INVITATION_LINK_DAYS = env.int("INVITATION_LINK_DAYS", default=14)
MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# ----------------------------------------------------------------- Audit

# Signs the hash chain of audit_logs (docs/audit.md); empty: SECRET_KEY. Changing it breaks verification
# of the existing chain, so production sets its own and keeps it.
AUDIT_SIGNING_KEY = env("AUDIT_SIGNING_KEY", default="")
AUDITLOG_LOGENTRY_MODEL = "audit.AuditLog"
# audit_logs replaces django-auditlog's own table; its migrations would create that table anyway.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_CID_HEADER = "x-request-id"
AUDIT_PARTITION_MONTHS_AHEAD = 1

# ----------------------------------------------------------------- Storage

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic's output, which whitenoise serves. Tests have none: otherwise each test client's whitenoise
# would look for this folder (and warn that a fresh clone has none) or serve what an old collectstatic left;
# the tests of production serving collect into a folder of their own (tests/ops/test_serving.py).
STATIC_ROOT = None if TESTING else BASE_DIR / "staticfiles"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(embedded.DATA_DIR / "media"))
MEDIA_URL = "/media/"

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="us-east-1")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    DEFAULT_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    # Hashed, compressed names served by whitenoise in production; plain names in development and tests.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Source maps (drf-spectacular-sidecar ships Swagger UI's and ReDoc's) serve only developer tools;
# compressing them would more than double collectstatic's time for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Files an admin change form loads as one (core/static_bundles.py; docs/operations.md, "Static files").
# The CSS bundle sits beside the admin's own stylesheets, so that their url()s still resolve.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.static_bundles.BundleFinder",
]
STATIC_BUNDLES = {
    "admin/css/change_form.bundle.css": [
        "admin/css/base.css",
        "admin/css/dark_mode.css",
        "admin/css/widgets.css",  # forms.css @imports it first
        "admin/css/forms.css",
    ],
    "questionnaires/authoring.bundle.js": [
        "admin/js/vendor/jquery/jquery.min.js",
        "admin/js/jquery.init.js",
        "admin/js/core.js",
        "admin/js/admin/RelatedObjectLookups.js",
        "admin/js/inlines.js",
        "questionnaires/authoring.js",
    ],
}
STATIC_BUNDLES_ROOT = embedded.DATA_DIR / "static-bundles"
BACKUP_BUCKET = env("BACKUP_BUCKET", default="")
if BACKUP_BUCKET:
    STORAGES["backups"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BACKUP_BUCKET, "file_overwrite": True, "default_acl": None},
    }
else:
    STORAGES["backups"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("BACKUP_ROOT", default=str(embedded.DATA_DIR / "backups"))},
    }

# ----------------------------------------------------------------- E-mail

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="questionnaires@localhost")
# Where links in e-mails point (reminders, documents): the site as its users reach it, no trailing slash.
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

# ----------------------------------------------------------------- Security

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# django-csp's policy for every response (core/security_headers.py adds the other headers). Nothing is
# inline: scripts and styles are static files, so no directive needs 'unsafe-inline', a nonce or a hash
# (tests/browser/test_content_security_policy.py). frame-ancestors follows X-Frame-Options per response.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# ----------------------------------------------------------------- I18n

LANGUAGE_CODE = "en-us"
# English only; the variants differ in how dates and numbers are written (Django's locale formats).
LANGUAGES = [
    ("en", "English (United States)"),
    ("en-gb", "English (United Kingdom)"),
    ("en-au", "English (Australia)"),
    ("en-ca", "English (Canada)"),
    ("en-ie", "English (Ireland)"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ----------------------------------------------------------------- Logging

LOG_FORMAT = env("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.ops.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.ops.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
