"""Optional error reporting to Sentry (or a compatible server), only when SENTRY_DSN is set.

Participants are young people: an event carries no personal data. `send_default_pii=False`
keeps the SDK from adding it, and `scrub_event` removes what could still be there: the request
body, cookies, query string, headers other than a few harmless ones, the client's address,
and every user field but the id. The request id (core/logging.py) is added as a tag, so an
event can be matched with the logs.
"""

from __future__ import annotations

from .logging import current_request_id

KEPT_HEADERS = {"accept", "accept-language", "content-type", "host", "user-agent", "x-request-id"}
KEPT_USER_FIELDS = {"id"}


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {key: value for key, value in user.items() if key in KEPT_USER_FIELDS}
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_error_reporting(dsn: str | None, *, environment: str) -> bool:
    """Start the SDK when `dsn` is set; returns whether it did. Nothing happens without it."""
    dsn = (dsn or "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )
    return True
