"""Settings for Referral Hub, driven by the environment (12-factor).

Embedded default (nothing set): SQLite file + in-memory channel layer + local-memory
cache, a development checkout (``DJANGO_DEBUG`` unset or 1; Django's debug pages only
with ``DJANGO_DEBUG_PAGES=1``). ``DATABASE_URL`` switches to PostgreSQL (psycopg 3), ``REDIS_URL`` to
channels-redis and a Redis cache (shared throttling and lockouts across replicas).
``DJANGO_DEBUG=0`` gives production settings that pass ``manage.py check --deploy``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import time
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from referral_hub import extensions
from referral_hub.apps_list import PROJECT_APPS

# Generic Django classes (ModelAdmin[...], ...) subscriptable at runtime, as the types say.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# A development checkout (DJANGO_DEBUG=1, the default): demo logins, a generated secret
# key, local hosts, open /metrics, text logs. DJANGO_DEBUG=0 is production.
DEVELOPMENT = env_bool("DJANGO_DEBUG", True)
# Django's own debug mode (tracebacks, the technical 404 page listing every URL pattern,
# SQL kept in memory) only when a developer asks for it, never in production: people see
# the app's error pages in its layout and their language, also on `make run`.
DEBUG_PAGES = DEVELOPMENT and env_bool("DJANGO_DEBUG_PAGES", False)
DEBUG = DEBUG_PAGES


def checkout_secret_key(path: Path) -> str:
    """The development key of this checkout: random, written once to a git-ignored file
    (``.secret_key``) on the first debug start, so no key is a constant in the repository.
    Concurrent first starts agree: only one creates the file, the others read it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.05)  # another process is writing it
        raise ImproperlyConfigured(f"{path} is empty: delete it to generate a new key.") from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = checkout_secret_key(Path(os.environ.get("SECRET_KEY_FILE") or BASE_DIR / ".secret_key"))

# The access log's seals are HMACs under a key that is NOT in the database (so whoever
# can write the tables cannot re-sign rewritten chains). Production requires it; a debug
# checkout derives one from its SECRET_KEY (generated per checkout, never committed).
AUDIT_SEAL_KEY = os.environ.get("AUDIT_SEAL_KEY") or ""
if not AUDIT_SEAL_KEY:
    if not DEVELOPMENT:
        raise ImproperlyConfigured("AUDIT_SEAL_KEY must be set when DJANGO_DEBUG=0.")
    AUDIT_SEAL_KEY = hashlib.sha256(("audit-seal:" + SECRET_KEY).encode()).hexdigest()
# Key rotation: the keys AUDIT_SEAL_KEY replaced, newest first (comma-separated). Rows,
# messages and seals signed under one of them still verify; new ones are signed under
# AUDIT_SEAL_KEY only. Keep an old key listed while rows signed under it exist.
AUDIT_SEAL_OLD_KEYS = [
    k.strip() for k in (os.environ.get("AUDIT_SEAL_OLD_KEYS") or "").split(",") if k.strip()
]
# verify_audit fails when rows older than this are not covered by a seal.
AUDIT_SEAL_MAX_AGE_SECONDS = int(os.environ.get("AUDIT_SEAL_MAX_AGE_SECONDS") or 86400)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEVELOPMENT else []
)
if not DEVELOPMENT and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "guardian",
    "axes",
    "csp",
    "django_prometheus",
    # The project's apps, lowest layer first: the one list (referral_hub/apps_list.py).
    *PROJECT_APPS,
]

MIDDLEWARE = [
    # First: every later reader sees the client address and scheme resolved from
    # TRUSTED_PROXY_COUNT, never a client-supplied X-Forwarded-* value.
    "referral_hub.proxy.TrustedProxyMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "referral_hub.middleware.RequestIdMiddleware",
    "referral_hub.logs.AccessLogMiddleware",
    "referral_hub.middleware.ApiErrorBodyMiddleware",
    "referral_hub.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The apps' middleware, in their registration order (referral_hub/extensions.py):
    # people's language and time zone, then its error pages for bare error responses.
    "referral_hub.middleware.AppMiddleware",
    # Before any view (and CSRF's process_view): NUL bytes and invalid Unicode are a 400.
    "referral_hub.middleware.InvalidTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "referral_hub.urls"
ASGI_APPLICATION = "referral_hub.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                # What the apps register (the viewer's roles, the navigation's counts).
                "referral_hub.context_processors.registered",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
SQLITE_TIMEOUT = float(os.environ.get("SQLITE_TIMEOUT", "20"))
SQLITE_INIT_COMMAND = (
    f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={int(SQLITE_TIMEOUT * 1000)}"
)
# Concurrency on SQLite (docs/embedded-default.md): WAL lets readers and one writer run
# together; every transaction begins IMMEDIATE (takes the write lock up front, so the
# busy timeout can wait for it instead of the read-to-write upgrade deadlock that
# returns SQLITE_BUSY at once); the timeout (seconds) is the busy handler on every
# connection. Applied however SQLite is chosen (the default, or DATABASE_URL=sqlite:///…).
SQLITE_OPTIONS = {
    "init_command": SQLITE_INIT_COMMAND,
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_TIMEOUT,
}
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
        )
    }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")


def _channel_prefix(redis_url: str) -> str:
    """Redis pub/sub channels ignore the database number, so two deployments (or test
    runs) sharing one Redis on different databases would hear each other's case events.
    The prefix carries the database number (or ``CHANNEL_LAYER_PREFIX``), keeping them
    apart the way the database number keeps their keys apart."""
    explicit = os.environ.get("CHANNEL_LAYER_PREFIX", "").strip()
    if explicit:
        return explicit
    database = urlparse(redis_url).path.strip("/") or "0"
    return f"referral-hub-{database}"


if REDIS_URL:
    # Pub/sub delivers straight to subscribed processes (no per-channel queues to
    # overflow); measured in bench/chat.py: no loss at 100 clients x 50 msg/s where the
    # list-based core layer dropped events, and a lower p99. Both are at-most-once:
    # durability comes from the database and replay, never from the layer.
    if os.environ.get("REDIS_CHANNEL_LAYER", "pubsub") == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [REDIS_URL],
                    "capacity": 1500,
                    "expiry": 10,
                    "prefix": _channel_prefix(REDIS_URL),
                },
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                # channels-redis' pub/sub layer with batched publishing (referral_hub/layers.py)
                "BACKEND": "referral_hub.layers.PubSubChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": _channel_prefix(REDIS_URL)},
            }
        }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ---------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend + the production refusal of demo accounts (also for old sessions).
    "referral_hub.auth_backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# An expired form token is the app's 403 page saying what to do (JSON under the API).
CSRF_FAILURE_VIEW = "referral_hub.errorviews.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "referral_hub.errorviews.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_CLIENT_IP_CALLABLE = "referral_hub.proxy.client_ip"

# How many reverse proxies in front of the app append to X-Forwarded-For / set
# X-Forwarded-Proto. 0: none believed (see referral_hub/proxy.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Only ever holds the scheme TrustedProxyMiddleware resolved (it overwrites the header).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# API tokens (``Authorization: Token``) are refused this many days after issue.
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30") or 30)
if API_TOKEN_TTL_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_TTL_DAYS must be 1 or more.")

# Web sign-ups per client address (referral_hub/ratelimit.py syntax; "off" disables).
REGISTRATION_RATE = os.environ.get("REGISTRATION_RATE", "10/hour")

# --- API ----------------------------------------------------------------------------
_throttle_anon = os.environ.get("API_THROTTLE_ANON", "120/min")
_throttle_user = os.environ.get("API_THROTTLE_USER", "1200/min")
# The public credential check (GET /api/v1/verify/{number}/): per client address, "off" disables.
API_THROTTLE_VERIFY = os.environ.get("API_THROTTLE_VERIFY", "30/min")
# "Report a problem with this listing" (API and page): per client address, "off" disables.
API_THROTTLE_FLAG = os.environ.get("API_THROTTLE_FLAG", "10/hour")
_throttle_classes = []
_throttle_rates: dict[str, str | None] = {}
if _throttle_anon.lower() != "off":
    _throttle_classes.append("rest_framework.throttling.AnonRateThrottle")
    _throttle_rates["anon"] = _throttle_anon
if _throttle_user.lower() != "off":
    _throttle_classes.append("rest_framework.throttling.UserRateThrottle")
    _throttle_rates["user"] = _throttle_user

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "referral_hub.auth_backends.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "referral_hub.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_SCHEMA_CLASS": "referral_hub.schema.AutoSchema",
    "EXCEPTION_HANDLER": "referral_hub.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": _throttle_classes,
    "DEFAULT_THROTTLE_RATES": _throttle_rates,
    # Throttles key on REMOTE_ADDR, which TrustedProxyMiddleware has already resolved.
    "NUM_PROXIES": 0,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEVELOPMENT else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Referral Hub API",
    "DESCRIPTION": (
        "Infant and early-childhood mental health care coordination: directory of "
        "endorsed providers, guardian consent, closed-loop referrals and case teams. "
        'Errors are `{"detail": ..., "code": ...}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The API is documented as JSON in, JSON out (DRF's form parsers stay for its own test
    # client; a malformed multipart body is refused by the HTTP server before Django).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Field names shared by several choice sets get one named enum each (no hashed names):
    # the apps register them (referral_hub/extensions.py).
    "ENUM_NAME_OVERRIDES": extensions.schema_enum_names,
}

# --- Static, i18n -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# A development checkout serves static files straight from the apps (no collectstatic
# needed, edits show on reload) whatever Django's DEBUG says.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
STORAGES = {
    # Uploaded files (endorsement documents). Local files by default; an S3-compatible
    # backend (e.g. django-storages' "storages.backends.s3.S3Storage") by setting.
    "default": {
        "BACKEND": os.environ.get("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEVELOPMENT
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
LANGUAGE_CODE = "en"
# Families read Spanish as often as English: every family-facing page and e-mail exists
# in both. Each app keeps its own catalogue in <app>/locale/es/ (`make messages`).
LANGUAGES = [("en", "English"), ("es", "Español")]
# One readable date format per language, everywhere a person reads a date.
FORMAT_MODULE_PATH = ["referral_hub.formats"]
LOCALE_PATHS: list[str] = []  # every catalogue lives in its app: <app>/locale/es/
LANGUAGE_COOKIE_NAME = "rh_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The switcher posts to Django's set_language (referral_hub.language): remembered a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Mail (12-factor) ---------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A hung SMTP server must not hold a worker (or an outbox lease) forever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "15"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@referral-hub.local")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Text messages (referral_hub/sms.py; docs/notices.md, "Texts") ----------------------
# Console by default (printed, nothing sent); referral_hub.sms.FileBackend writes one JSON
# line per text to SMS_FILE_PATH; referral_hub.sms.TwilioBackend sends through Twilio.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "referral_hub.sms.ConsoleBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", "")
SMS_TIMEOUT_S = int(os.environ.get("SMS_TIMEOUT_S", "15"))
# Held (never dropped) while it is night where the reader lives; "off" sends at any hour.
SMS_QUIET_HOURS = os.environ.get("SMS_QUIET_HOURS", "21:00-08:00")
# The inbound webhook (POST /api/v1/sms/inbound/) answers only a caller that proves it
# knows this secret (Authorization: Bearer <secret>) or, with Twilio, a valid
# X-Twilio-Signature. Unset: the webhook refuses everything (403).
SMS_INBOUND_SECRET = os.environ.get("SMS_INBOUND_SECRET", "")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEVELOPMENT:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Production logs are JSON lines (LOG_FORMAT=json|text; json by default in production)
# with an access line per request (LOG_ACCESS; on by default in production, where
# daphne's own access log is not used).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEVELOPMENT else "json")
LOG_ACCESS = env_bool("LOG_ACCESS", not DEVELOPMENT)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "referral_hub.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "referral_hub.access": {"level": "INFO" if LOG_ACCESS else "WARNING"},
        "celery": {"level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}

# --- Background jobs (Celery) ------------------------------------------------------
# Production: Redis (REDIS_URL) is the broker; the compose file runs it with AOF so
# queued jobs survive a restart. Embedded default: kombu's filesystem transport, which
# needs no service and no extra package (SQLAlchemy's would add a dependency and fight
# SQLite's single writer); web, worker and beat on one machine share a folder. Nothing
# durable rides on the broker anyway: the outbox table holds every notification and
# beat sweeps it, so a lost "deliver now" kick only delays mail by one sweep.
CELERY_QUEUE_DIR = Path(os.environ.get("CELERY_QUEUE_DIR", str(BASE_DIR / ".celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "store_processed": False,
    }
    for _folder in ("queue", "control", "processed"):
        (CELERY_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
# Workers log through Django's LOGGING (JSON lines in production), not Celery's format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that kicks the outbox must not hang on a broker that is down.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_QUEUE_DIR / "beat-schedule")
# Beat keeps its schedule file here whatever the broker: without the folder (git-ignored,
# so absent in a fresh checkout) `worker --beat` lost its embedded beat when REDIS_URL
# was set, and nothing swept the outbox. A read-only folder is left to beat to report.
with contextlib.suppress(OSError):
    CELERY_QUEUE_DIR.mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = "UTC"
# The beat schedule: each app registers its entries (referral_hub/extensions.py,
# register_beat_entry); referral_hub/celery.py runs them.
CELERY_BEAT_SCHEDULE = extensions.beat_schedule
# Monthly indicator tallies older than this are recomputed from the referrals before a
# period is published from them (the hourly job keeps the recent years younger).
INDICATORS_TALLY_MAX_AGE_S = int(os.environ.get("INDICATORS_TALLY_MAX_AGE_S", str(2 * 3600)))

# --- Outbox -------------------------------------------------------------------------
OUTBOX_MAX_BACKOFF_S = int(os.environ.get("OUTBOX_MAX_BACKOFF_S", "300"))
OUTBOX_BASE_BACKOFF_S = int(os.environ.get("OUTBOX_BASE_BACKOFF_S", "5"))
# After this many failed attempts a row is "failed": it stays in the table, shows in the
# admin and the outbox_failed metric, and is retried only when staff requeue it.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "25"))

# --- Metrics ------------------------------------------------------------------------
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
PROMETHEUS_EXPORT_MIGRATIONS = False

# Demo logins are refused in production (referral_hub/auth_backends.py): these names,
# any address in the reserved demo.invalid domain, and this password.
DEMO_PASSWORD = "demo-pass-2026"
# Fixed from DJANGO_DEBUG at start-up.
DEMO_LOGINS_ALLOWED = DEVELOPMENT
DEMO_USERNAMES = frozenset(
    {
        "pediatrician",
        "educator",
        "social_worker",
        "slp",
        "imh_clinician",
        "outsider",
        "guardian",
        "guardian2",
        "guardian_es",
        "curator",
        "reviewer",
        "reviewer2",
        "renewing",
        "network_lead",
        "coordinator",
    }
)
