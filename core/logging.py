"""Structured logs: one JSON object per line, with the request id and the user's id.

`RequestIdMiddleware` gives every request an id (an incoming `X-Request-ID` when it is a plain
token, as a proxy or load balancer sets it; otherwise a new one), returns it in the response
header and keeps it in a context variable for `JsonFormatter`. The formatter writes a fixed set
of keys: never a record's extra fields (Django's `request`, a booking), so no name, e-mail
address or note reaches the logs through it; the user is known by id only.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from zoneinfo import ZoneInfo

from django.core.signals import request_finished
from django.utils.functional import SimpleLazyObject, empty

REQUEST_ID_HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
LOG_ZONE = ZoneInfo("Asia/Tokyo")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
_request_var: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "request", default=None
)


def current_request_id() -> str | None:
    return request_id_var.get()


def current_user_id() -> int | None:
    """The id of the signed-in user of the current request, when the request already loaded
    its user: logging never queries the database (and never loads a session by itself)."""
    request = _request_var.get()
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None:
        return None
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class JsonFormatter(logging.Formatter):
    """time (ISO 8601, Asia/Tokyo with its offset), level, logger, message, request_id,
    user_id, and the traceback as `exception` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, LOG_ZONE).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
            "user_id": current_user_id(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def request_id_for(incoming: str | None) -> str:
    if incoming and SAFE_REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Put it right after SecurityMiddleware, so every response (a health check, a 400 for bad
    input) carries an id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        # Kept until the response is closed (`_forget_request`), not only until this returns:
        # Django logs a 4xx or 5xx response ("Not Found: ...") after the middleware is done.
        request_id_var.set(request_id)
        _request_var.set(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request(**kwargs) -> None:
    request_id_var.set(None)
    _request_var.set(None)


request_finished.connect(_forget_request, dispatch_uid="core.logging.forget_request")
