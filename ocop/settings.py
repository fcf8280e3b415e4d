"""Settings for the OCOP system.

Everything that differs between a laptop and production comes from environment variables
(see docs/deploy.md). With nothing set the app runs on SQLite with the console e-mail backend.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ocop.lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("OCOP_VAR_DIR", str(BASE_DIR / "var")))


# Production (HTTPS=1, or PRODUCTION=1 explicitly): secrets only from the environment, never DEBUG.
PRODUCTION = envbool("PRODUCTION", envbool("HTTPS", False))


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment in production (PRODUCTION=1 or HTTPS=1).")
    # Local development: keep a generated key in var/ (ignored by git) so sessions survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured("DEBUG must be off in production: it shows stack traces and settings to anyone.")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_NAME = envstr("SITE_NAME", "Hệ thống quản lý Chương trình OCOP")
# The public address, for links in e-mails (reminders); empty: links are paths only.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    # before django_tasks_db: its `db_worker` adds heartbeats and re-queues tasks of dead workers
    "ocop.ops",
    "django_tasks_db",
    "ninja",  # django-ninja: the REST API; ships Swagger UI as static files (no CDN)
    "ocop.lib",
    "ocop.geo",
    "ocop.accounts",
    "ocop.audit",
    "ocop.programme",
    "ocop.products",
    "ocop.reporting",
    "ocop.evaluation",
    "ocop.documents",
    "ocop.signing",
    "ocop.notifications",
    "ocop.catalogue",
    "ocop.analytics",
    "ocop.api",
    "ocop.front",
    "ocop.bench",
    "ocop.demo",
]
# Profile: "production" (the default with PRODUCTION=1 or HTTPS=1) leaves out the demo data
# (`manage.py demo`, ocop/demo) and the benchmarks (ocop/bench, /bench/ping/); "development" (the
# default otherwise: make run, make test, make bench) installs them. Neither app has models.
OCOP_PROFILE = envstr("OCOP_PROFILE", "production" if PRODUCTION else "development")
if OCOP_PROFILE not in ("production", "development"):
    raise ImproperlyConfigured("OCOP_PROFILE must be 'production' or 'development'.")
if OCOP_PROFILE == "production":
    INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in ("ocop.demo", "ocop.bench")]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed when the client accepts it; Django 5.2 pads the gzip header with 0-100 random
    # bytes (BREACH), and the CSRF token is masked per response. Below WhiteNoise: static files are
    # served pre-compressed by WhiteNoise and never reach it (docs/performance.md).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.lib.middleware.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ocop.lib.middleware.SecurityHeadersMiddleware",
    "ocop.lib.middleware.OutOfRangeIdMiddleware",
]

ROOT_URLCONF = "ocop.urls"
WSGI_APPLICATION = "ocop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ocop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ocop.front.context_processors.shell",
            ],
        },
    }
]

# Database: SQLite (WAL, IMMEDIATE transactions) unless DATABASE_URL is set.
if envstr("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(envstr("DATABASE_URL"), conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            # kept open between requests, as on PostgreSQL: opening one (the PRAGMAs, Django's SQL
            # functions) cost ≈ 1–2 ms on every request that reads the database (issue 17)
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Page fragments, the board and catalogue searches are cached in each process's memory (Django's
# local-memory cache). Every key is a digest of the data it shows (ocop/lib/cachekeys.py), so a
# process never serves figures another process or node has changed, and nothing needs a shared cache.
# Django's default of 300 entries is too few: a morning of public catalogue searches would push the
# report pages' fragments out (least recently used first). Each entry is a few KB to ~100 KB of HTML.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ocop",
        "OPTIONS": {"MAX_ENTRIES": envint("OCOP_CACHE_ENTRIES", 3000), "CULL_FREQUENCY": 4},
    }
}

# Background tasks (django-tasks): the database backend by default, so any number of
# `manage.py db_worker` processes claim tasks from the same database (see docs/deploy.md).
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (see ocop/accounts/services/throttle.py).
LOGIN_FAILURES_PER_USERNAME = envint("LOGIN_FAILURES_PER_USERNAME", 5)
LOGIN_FAILURES_PER_IP = envint("LOGIN_FAILURES_PER_IP", 20)
LOGIN_THROTTLE_MINUTES = envint("LOGIN_THROTTLE_MINUTES", 15)

# Language and formats: Vietnamese first, English second; dd/mm/yyyy; "." thousands separator.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "ocop" / "locale"]
FORMAT_MODULE_PATH = ["ocop.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "ocop_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "ocop" / "static"]
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Uploaded and generated files go through Django's storage API (default_storage / FileField):
# a local folder (MEDIA_ROOT, shared by all nodes, e.g. NFS) by default, S3-compatible object
# storage when S3_BUCKET is set (django-storages with boto3, both in requirements.txt; docs/deploy.md).
_default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if envstr("S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": envstr("S3_BUCKET"),
            "endpoint_url": envstr("S3_ENDPOINT_URL") or None,
            "region_name": envstr("S3_REGION") or None,
            "access_key": envstr("S3_ACCESS_KEY_ID") or None,
            "secret_key": envstr("S3_SECRET_ACCESS_KEY") or None,
            "location": envstr("S3_PREFIX", "media"),
            "default_acl": None,  # private objects: every download goes through a scoped view
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": envstr("S3_ADDRESSING_STYLE") or None,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: console backend unless configured.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "ocop@localhost")

# Security. HTTPS=1 in production turns on secure cookies, HSTS and the redirect.
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
# htmx sends the token from the page (hx-headers), no script reads the cookie
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# No inline script, no eval, no <style> element; style *attributes* stay allowed because ECharts
# writes its tooltips as HTML with style attributes (docs/security.md).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-elem 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Request bodies: 5 MB of form fields; uploaded files above 5 MB go to a temporary file instead of
# memory, and each upload field checks its own limit (OCOP_MAX_UPLOAD_MB, ocop/lib/files.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", 5000)
DATA_UPLOAD_MAX_NUMBER_FILES = envint("DATA_UPLOAD_MAX_NUMBER_FILES", 20)
OCOP_MAX_UPLOAD_MB = envint("OCOP_MAX_UPLOAD_MB", 20)
FILE_UPLOAD_PERMISSIONS = 0o640
# Several web nodes behind a load balancer: the client address comes from the proxy's header
# (X-Forwarded-For, right-most entry added by nginx) when BEHIND_PROXY=1 (ocop/accounts/services/throttle.py).
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
# Task workers (ocop/ops/workers.py): a worker writes a heartbeat every few seconds; a task left
# running by a worker silent for longer than the lease is put back in the queue.
TASK_WORKER_HEARTBEAT_SECONDS = envint("TASK_WORKER_HEARTBEAT_SECONDS", 10)
TASK_WORKER_LEASE_SECONDS = envint("TASK_WORKER_LEASE_SECONDS", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # a refused request (403) is logged as one line, without the traceback of PermissionDenied
    "filters": {"quiet_403": {"()": "ocop.lib.middleware.QuietForbiddenFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["quiet_403"]}, "django.security": {"filters": ["quiet_403"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}
# The trivial page /bench/ping/ of the benchmarks is routed only in development (DEBUG) or when the
# benchmarks' gunicorn asks for it (OCOP_BENCH_PAGES=1, set by ocop/bench/load.py); never in production.
OCOP_BENCH_PAGES = envbool("OCOP_BENCH_PAGES", DEBUG) and "ocop.bench" in INSTALLED_APPS

# Demo mode shows a banner on every page; `manage.py demo` turns it on for its database.
OCOP_DEMO_BANNER = envbool("OCOP_DEMO_BANNER", True)
CSRF_FAILURE_VIEW = "ocop.front.views.csrf_failure"

# Digital signatures (ocop/signing, docs/signing.md, docs/deploy.md): keys of the local TEST CA under
# SIGNING_DIR; production keys by SIGNING_KEYS (identity -> {"pkcs12": path, "passphrase_env": VAR} or
# {"pkcs11_module": path, "token_label": ..., "key_label": ..., "cert_label": ..., "pin_env": VAR});
# trust roots (PEM files) by SIGNING_TRUST_ROOTS; the TEST CA is trusted only when SIGNING_TRUST_TEST_CA.
SIGNING_DIR = Path(envstr("SIGNING_DIR", str(VAR_DIR / "signing")))
SIGNING_TRUST_ROOTS = envlist("SIGNING_TRUST_ROOTS", "")
SIGNING_TRUST_TEST_CA = envbool("SIGNING_TRUST_TEST_CA", DEBUG)
SIGNING_TSA_URL = envstr("SIGNING_TSA_URL", "")
SIGNING_KEYS: dict = {}
SIGNING_KEYS_FILE = envstr("SIGNING_KEYS_FILE", "")  # a JSON file of the same mapping (production)
SIGNING_VERIFY_MAX_BYTES = envint("SIGNING_VERIFY_MAX_BYTES", 20 * 1024 * 1024)
# issuing a document queues its signing (ocop/signing/tasks.py); the worker renders and signs the PDF
SIGNING_ON_ISSUE = envbool("SIGNING_ON_ISSUE", True)
