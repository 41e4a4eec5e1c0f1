"""Helpers shared by the JSON API tests: a CSRF-enforcing client, error-shape checks, URLs."""

import json
import re

from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from tests.booking.factories import at

OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def soon(days=1, hour=16):
    return at(days, hour, now=timezone.now())


def today():
    return timezone.localdate()


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] and isinstance(body["code"], str)
    assert body["detail"] and isinstance(body["detail"], str)
    if code:
        assert body["code"] == code, body
    return body


def api_client(user=None):
    """A client that enforces CSRF like a browser, logged in as `user`, with its token."""
    client = Client(enforce_csrf_checks=True)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    if user:
        client.force_login(user)
    return client


def post_booking(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/api/v1/bookings", data, content_type="application/json", **extra)


def slots_url(start, end, **params):
    query = f"start={start}&end={end}"
    for key, value in params.items():
        query += f"&{key}={value}"
    return f"/api/v1/slots?{query}"


# ---------------------------------------------------------------- GET /api/v1/slots
