"""Settings for the test suite (pytest-django uses this module)."""

from .base import *  # noqa: F403

DEBUG = False
MANABIBA_ENV = "test"
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
# Tests never share a cache with a running site, whatever REDIS_URL says. Whole-page caching is
# off so that tests see fresh pages and the query-count tests count real queries; tests/perf/
# turns it on to prove it correct.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PAGE_CACHE_ENABLED = False
# Tests sign staff in with force_login, which has no second factor; the tests of the rule
# itself (tests/cms/accounts/) turn it back on.
STAFF_MFA_REQUIRED = False
