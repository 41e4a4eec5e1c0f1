"""Local development: the default settings module (`make run`)."""

import os

from .base import *  # noqa: F403

DEBUG = True
MANABIBA_ENV = "dev"
# A fixed key is acceptable only here: dev never serves real users.
SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Links in mail and QR codes follow the port `make run` serves on (PORT=8080 make run).
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
)
# Template and code edits show at once; the page cache is exercised by tests/perf and `make bench`.
PAGE_CACHE_ENABLED = False
