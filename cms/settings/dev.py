"""Local development: the default settings module (`make run`)."""

from .base import *  # noqa: F403

DEBUG = True
MANABIBA_ENV = "dev"
# A fixed key is acceptable only here: dev never serves real users.
SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Template and code edits show at once; the page cache is exercised by tests/perf and `make bench`.
PAGE_CACHE_ENABLED = False
