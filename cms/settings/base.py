"""Settings shared by every environment.

Environment-specific modules (dev, test, production) import from here. Nothing in this file
is a secret and nothing here turns DEBUG on.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "cms",
    "ministry",
    "outreach",
    "attendance",
    "booking",
    "programs",
    "core",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "recurrence",
    "schedule",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
]

# Background tasks (django-tasks). Wagtail's own run in-process ("default"). Mail to
# participants has its own backend, "mail": here it is sent in-process once the transaction
# commits; production (settings/production.py) turns it into a database outbox that
# `manage.py db_worker --backend mail` sends from.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "mail": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    # Checking and importing attendance spreadsheets from the admin (attendance/imports/): a
    # 50 MB file takes longer than a web request may last, so production runs them in
    # `manage.py db_worker --backend imports`; here they run in-process.
    "imports": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, cached pages included (below).
    "cms.csp.SiteCSPMiddleware",
    # Before anything that reads the host, the session or the body: every response gets a
    # request id (core/logging.py), the health check answers a load balancer on plain HTTP from
    # any address (cms/health.py), and control characters get 400 (cms/bad_input.py).
    "core.logging.RequestIdMiddleware",
    "cms.health.HealthCheckMiddleware",
    "cms.bad_input.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware (the key needs the language), before CSRF and messages (so it sees
    # the cookies they set): cms/page_cache.py.
    "cms.page_cache.PageCacheMiddleware",
    # After the page cache (a cached page needs no site data): cms/site_data.py.
    "cms.site_data.SiteDataMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The admin's own rules: second factor, idle timeout, no students (cms/accounts/).
    "cms.accounts.middleware.StaffSessionMiddleware",
    # After the admin's rules, so they run on every request: each person's copy of the admin
    # pages reloaded all day (dashboard, check-in desk, report page): cms/admin_cache.py.
    "cms.admin_cache.AdminPageCacheMiddleware",
]

ROOT_URLCONF = "cms.urls"
# A stale form (a booking tab left open, a login elsewhere since) gets a page that says so and
# links back, in the visitor's language (cms/errors.py).
CSRF_FAILURE_VIEW = "cms.errors.csrf_failure"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
            # Wagtail's admin tags with each person's sidebar remembered (cms/admin_sidebar.py).
            "libraries": {"wagtailadmin_tags": "cms.admin_sidebar"},
        },
    },
]
# Django warns (templates.W003) when one library name has two modules, as that one does on
# purpose; tests/perf/test_admin_sidebar.py fails on any other name used twice.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

# SQLite is the zero-setup default. IMMEDIATE transactions and a generous timeout make a file
# database serialise concurrent writers instead of failing with "database is locked"
# (docs/stack-notes.md). DATABASE_URL switches any settings module to PostgreSQL.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
}
if os.environ.get("DATABASE_URL", "").strip():
    DATABASES["default"] = dj_database_url.parse(os.environ["DATABASE_URL"].strip())

# How long booking, cancelling, closing and slot sync wait for a row lock on PostgreSQL before
# answering "busy" (booking/services/locks.py); SQLite's wait is its "timeout" above.
BOOKING_LOCK_TIMEOUT_MS = 3000

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every worker process: the page cache (cms/page_cache.py) and the
# availability version (core/cache.py) are only correct when all workers see the
# same versions. Redis when REDIS_URL is set; production falls back to the database cache;
# development and tests, single-process, use local memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "cms.redis_cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "manabiba"),
            # Redis down means slower, not broken (cms/redis_cache.py): a dead or hung Redis
            # costs a call at most these seconds, then is left alone for `retry_after`.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Full-page caching of public pages for anonymous visitors (off in dev and test settings).
PAGE_CACHE_ENABLED = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Japanese first; English through the language switch (a cookie set by Django's set_language).
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
# locale/: the project's own strings (`make messages`). vendor_locale/: translations of libraries
# that ship none in Japanese (django-recurrence's widget scripts), which makemessages never
# rewrites; compilemessages compiles both.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "vendor_locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# The youth support centre's phone number, on the 「相談する」 pages and their mails.
OUTREACH_CENTRE_PHONE = os.environ.get("OUTREACH_CENTRE_PHONE", "").strip()


# Media (uploaded images, their renditions, documents): local disk by default. With two app
# servers an upload on one must exist on the other, so AWS_STORAGE_BUCKET_NAME puts media on any
# S3-compatible object store (django-storages) in every settings module. Empty keys leave boto3
# its own credential chain. Presigned URLs (AWS_QUERYSTRING_AUTH=true) expire while the page
# cache still serves them: off by default, so the bucket (or AWS_S3_CUSTOM_DOMAIN) must be
# publicly readable.
def _env(name: str) -> str | None:
    return os.environ.get(name, "").strip() or None


if _env("AWS_STORAGE_BUCKET_NAME"):
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": _env("AWS_S3_ENDPOINT_URL"),
            "access_key": _env("AWS_ACCESS_KEY_ID"),
            "secret_key": _env("AWS_SECRET_ACCESS_KEY"),
            "region_name": _env("AWS_S3_REGION_NAME"),
            "custom_domain": _env("AWS_S3_CUSTOM_DOMAIN"),
            "querystring_auth": (_env("AWS_QUERYSTRING_AUTH") or "false").lower()
            in {"1", "true", "yes"},
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0]}"


# Where uploaded images are served from, for the Content-Security-Policy below.
MEDIA_ORIGINS = []
if _env("AWS_STORAGE_BUCKET_NAME"):
    if _env("AWS_S3_CUSTOM_DOMAIN"):
        MEDIA_ORIGINS = [f"https://{_env('AWS_S3_CUSTOM_DOMAIN')}"]
    elif _env("AWS_S3_ENDPOINT_URL"):
        MEDIA_ORIGINS = [_origin(_env("AWS_S3_ENDPOINT_URL"))]
    else:
        MEDIA_ORIGINS = ["https://*.amazonaws.com"]

# Content-Security-Policy (django-csp): everything from this site only, no inline script, no
# plugin, no framing by other sites. The site's own templates have no inline script or style.
# Wagtail's admin widgets write inline scripts: under /admin/ only, cms/csp.py allows them.
# data: images are QR codes (the second-factor set-up); blob: images are previews of images
# being uploaded in the admin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Uploaded attendance spreadsheets name people: they wait for their import in a private folder
# outside MEDIA_ROOT, never served, and are deleted once imported, cancelled or failed
# (attendance/imports/). Production puts them in the private part of the bucket.
IMPORTS_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": BASE_DIR / "private" / "imports",
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "imports": IMPORTS_STORAGE,
}

# The page editor posts many fields for StreamField-heavy pages.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "学び場 Manabiba"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
# Wagtail's own default, stated so that the proxy's body limit can follow it
# (client_max_body_size in deploy/nginx/manabiba.conf; tests/cms/test_deploy_files.py).
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# A damaged upload (a truncated PNG) gets the image form's error instead of a 500.
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.image_forms.ImageForm"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ja", "日本語"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# School and city networks are often closed, and students are minors: the admin must not call
# out to the internet (update check, gravatar).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# One login for everyone: django-allauth at /accounts/. Wagtail's /admin/login/ leads there
# (cms/accounts/views.py), so staff too go through e-mail verification, the rate limits and the
# second factor. docs/accounts.md explains the numbers below.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_bookings"
WAGTAILADMIN_LOGIN_URL = "account_login"
# Staff reset a forgotten password through allauth's form (rate-limited, no enumeration).
WAGTAIL_PASSWORD_RESET_ENABLED = False
ACCOUNT_ADAPTER = "cms.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Students sign in with their e-mail address; existing usernames still work. Sign-up asks no
# username: a form that says "this username is taken" tells anyone which usernames exist
# (allauth's ACCOUNT_PREVENT_ENUMERATION covers addresses only). allauth makes one up.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[学び場] "
# The sign-up form also asks the minimum participant profile and creates the Participant.
ACCOUNT_SIGNUP_FORM_CLASS = "booking.web.forms.SignupProfileForm"
# allauth's form on that base, with the advice for phone carriers' addresses (cms/accounts/).
ACCOUNT_FORMS = {"signup": "cms.accounts.forms.SignupForm"}

# How many proxies in front of the app add themselves to X-Forwarded-For (nginx: 1). 0 (the
# default) trusts no header and uses the connecting address; only the rightmost hops, the ones
# our own proxies wrote, are ever believed. allauth's rate limits key on the client it gives.
_proxies = os.environ.get("TRUSTED_PROXY_COUNT", "").strip() or "0"
if not _proxies.isdigit():
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number, 0 or more.")
TRUSTED_PROXY_COUNT = int(_proxies)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Per client (an address; an IPv6 /64), and per client and account for failed logins: a
# stranger's wrong passwords never lock a student out from another client, and a school's
# shared address lets a whole class sign in at once (docs/accounts.md).
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",
    "login_failed": "20/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}

# The second factor: an authenticator app (TOTP) and recovery codes. Required before the admin
# opens for whoever can see personal data (cms/accounts/middleware.py), optional for others.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Manabiba"
STAFF_MFA_REQUIRED = True
# Sessions with admin access end after this many seconds without a request; students' last
# SESSION_COOKIE_AGE (two weeks).
STAFF_IDLE_TIMEOUT = 30 * 60

EMAIL_SUBJECT_PREFIX = "[学び場] "
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "manabiba@localhost")
# Seconds one SMTP operation may take: without it a server that accepts the connection and
# then stops answering holds the mail worker forever (production.py reads EMAIL_TIMEOUT).
EMAIL_TIMEOUT = 20
# A mail task RUNNING longer than this belongs to a worker that died or hung: the hourly
# `resend_failed_mail` queues it again. Must exceed the longest a live send can take (a few
# EMAIL_TIMEOUTs). See booking/services/notifications.py.
MAIL_LEASE_SECONDS = 300

# Which environment this is; seed_demo refuses to run in production.
MANABIBA_ENV = "base"

# Programme schedules are wall-clock times in Asia/Tokyo. Keeping django-recurrence naive avoids
# its UTC conversion, which applies weekdays in UTC (docs/stack-notes.md); programs.schedule makes
# the results aware in TIME_ZONE.
RECURRENCE_USE_TZ = False
