"""Production: every secret comes from the environment, and the process refuses to start
without it rather than inventing one."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.error_reporting import init_error_reporting

from .base import *  # noqa: F403

DEBUG = False
MANABIBA_ENV = "production"


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


SECRET_KEY = require_env("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in require_env("ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS if not h.startswith(".")]

# The cache must be shared by all gunicorn workers (base.py): Redis with REDIS_URL, otherwise
# the database (run `manage.py createcachetable` once when deploying).
if not os.environ.get("REDIS_URL"):
    CACHES = {  # noqa: F811
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "manabiba_cache",
        }
    }

# Sessions live in the database only. `cached_db` saved a query per logged-in request, but a
# write that misses an unreachable Redis (a logout, a new login) would leave its old copy there
# to be read again once Redis is back: a cache is not where sessions may go stale.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Keep connections open between requests (and check them before use).
DATABASES = {  # noqa: F811
    "default": dj_database_url.parse(
        require_env("DATABASE_URL"), conn_max_age=600, conn_health_checks=True
    )
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = require_env("EMAIL_HOST")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() in {"1", "true", "yes"}
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "20"))
MAIL_LEASE_SECONDS = int(os.environ.get("MAIL_LEASE_SECONDS", "300"))
DEFAULT_FROM_EMAIL = require_env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_BASE_URL = require_env("WAGTAILADMIN_BASE_URL")

# Participant mail goes through a database outbox: a booking request only inserts the task row
# in its own transaction, and `manage.py db_worker --backend mail` (a second process beside
# gunicorn) renders and sends it. See booking/services/notifications.py and the README.
TASKS = {  # noqa: F811
    **TASKS,  # noqa: F405
    "mail": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    # Checking and importing attendance spreadsheets outlast gunicorn's timeout:
    # `manage.py db_worker --backend imports` (deploy/systemd/manabiba-import-worker.service).
    "imports": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

MIDDLEWARE = [  # noqa: F405
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *[m for m in MIDDLEWARE if m != "django.middleware.security.SecurityMiddleware"],  # noqa: F405
]

# whitenoise serves hashed, compressed static files from the app process itself; media go
# where base.py says (object storage when AWS_STORAGE_BUCKET_NAME is set).
STORAGES = {  # noqa: F811
    "default": MEDIA_STORAGE,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "imports": IMPORTS_STORAGE,  # noqa: F405
}
# With two app servers (AWS_STORAGE_BUCKET_NAME set, base.py), the spreadsheet uploaded through
# one is checked and imported by a worker elsewhere: it goes to the bucket, under a private
# prefix, readable only with the keys (never public, whatever AWS_QUERYSTRING_AUTH says for
# media, and never through the media's custom domain).
if MEDIA_STORAGE["BACKEND"] == "storages.backends.s3.S3Storage":  # noqa: F405
    STORAGES["imports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **{
                key: value
                for key, value in MEDIA_STORAGE["OPTIONS"].items()  # noqa: F405
                if key not in {"custom_domain", "querystring_auth"}
            },
            "location": "private/imports",
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

# HTTPS everywhere; the proxy in front terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() in {"1", "true"}
# A load balancer probes /healthz on plain HTTP (cms/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^health/?$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"

# One JSON object per line (time, level, logger, message, request id, user id: never a name or
# an e-mail address), for the log collector: core/logging.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Error reports to Sentry only when SENTRY_DSN is set, scrubbed of personal data
# (core/error_reporting.py).
init_error_reporting(os.environ.get("SENTRY_DSN"), environment=MANABIBA_ENV)
