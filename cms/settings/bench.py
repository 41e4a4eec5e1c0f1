"""The benchmark (`make bench`): production settings with safe local values.

Everything production reads from the environment gets a default that only makes sense on
127.0.0.1, so `bench/run.py` runs without secrets. Plain HTTP on loopback: no TLS redirect and
no secure-only cookies. Mail is rendered but never sent.
"""

import os
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent.parent
_BENCH_DEFAULTS = {
    "SECRET_KEY": "bench-only-insecure-key-never-used-in-production",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": "postgresql://postgres:postgres@127.0.0.1:5432/manabiba_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/3",
    "EMAIL_HOST": "127.0.0.1",
    "DEFAULT_FROM_EMAIL": "bench@localhost",
    "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8000",
    "SECURE_SSL_REDIRECT": "false",
    "CACHE_KEY_PREFIX": "manabiba-bench",
    "MEDIA_ROOT": str(_BASE_DIR / "bench" / ".media"),
    "LOG_LEVEL": "WARNING",
}
for _name, _value in _BENCH_DEFAULTS.items():
    os.environ.setdefault(_name, _value)

from .production import *  # noqa: E402, F403

MANABIBA_ENV = "bench"
ROOT_URLCONF = "bench.urls"
STATIC_ROOT = _BASE_DIR / "bench" / ".static"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
