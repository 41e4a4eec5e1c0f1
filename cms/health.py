"""The health check for a load balancer or monitoring: `/healthz` (and `/health`).

A middleware answers it near the top of the stack, before the host check, sessions, CSRF, the
page cache and the language redirect, so a probe to http://127.0.0.1/healthz gets the answer
itself: never a redirect, a cookie or a cached copy. SecurityMiddleware lets it through on plain
HTTP (`SECURE_REDIRECT_EXEMPT` in production settings).

HTTP 503 only when the database is down: without the cache (Redis) the site is slower, not
broken, so that is "degraded" with 200. The body names no person.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from booking.services.outbox_health import oldest_unsent_mail_age

HEALTH_PATHS = frozenset({"/healthz", "/healthz/", "/health", "/health/"})


def database_ok() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_ok() -> bool:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
        return ok
    except Exception:  # any backend's failure means "unavailable", never an error page
        return False


def health() -> tuple[dict, int]:
    database = database_ok()
    cached = cache_ok()
    outbox_age = None
    if database:
        try:
            outbox_age = oldest_unsent_mail_age(now=timezone.now())
        except DatabaseError:
            outbox_age = None
    if not database:
        status = "down"
    elif not cached:
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        "database": "ok" if database else "down",
        "cache": "ok" if cached else "unavailable",
        "mail_outbox_oldest_seconds": outbox_age,
    }
    return body, 200 if database else 503


def healthz(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body, status = health()
    response = JsonResponse(body, status=status)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers the health paths; every other request goes on. Put it right after
    SecurityMiddleware (and the request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS:
            return healthz(request)
        return self.get_response(request)
