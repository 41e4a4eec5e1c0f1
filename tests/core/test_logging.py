"""JSON logs with the request id and the user's id (core/logging.py), and error reports that
carry no personal data (core/error_reporting.py)."""

import io
import json
import logging
import re

import pytest

from core import error_reporting
from core.logging import JsonFormatter, request_id_for
from tests.booking.factories import make_participant

KEYS = {"time", "level", "logger", "message", "request_id", "user_id"}


@pytest.fixture
def json_log():
    """What Django's request logger writes during the test, one JSON object per line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def records(stream):
    lines = [line for line in stream.getvalue().splitlines() if line]
    return [json.loads(line) for line in lines]


@pytest.mark.django_db
def test_a_log_line_of_a_request_is_json_with_its_request_id_and_user_id(client, json_log):
    participant = make_participant(
        with_user=True, nickname="山田はなこ", contact_email="hanako@example.jp"
    )
    user = participant.user
    client.force_login(user)
    # Someone else's (or no) booking: 404, which Django logs as a warning.
    response = client.get("/my/bookings/NO-SUCH-CODE.ics")
    assert response.status_code == 404
    entries = records(json_log)
    assert len(entries) == 1
    entry = entries[0]
    assert set(entry) == KEYS
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "django.request"
    assert "Not Found" in entry["message"]
    assert entry["request_id"] == response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", entry["request_id"])
    assert entry["user_id"] == user.pk
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00", entry["time"])
    text = json_log.getvalue()
    for personal in ("山田はなこ", "hanako@example.jp", user.email, user.username):
        assert personal not in text


@pytest.mark.django_db
def test_an_incoming_request_id_is_kept_when_it_is_a_plain_token(client, json_log):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="lb-1234abcd")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "lb-1234abcd"
    entries = records(json_log)
    assert len(entries) == 1
    assert entries[0]["request_id"] == "lb-1234abcd"
    assert entries[0]["user_id"] is None


@pytest.mark.parametrize("incoming", [None, "", "short", "a b c d e f g", "<script>x</script>"])
def test_an_unsafe_or_missing_request_id_is_replaced(incoming):
    assert re.fullmatch(r"[0-9a-f]{32}", request_id_for(incoming))


def test_outside_a_request_the_ids_are_null_and_tracebacks_kept():
    logger = logging.getLogger("tests.json")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logger.makeRecord(
            "tests.json", logging.ERROR, __file__, 1, "failed %s", ("job",), exc_info=True
        )
        import sys

        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed job"
    assert entry["request_id"] is None and entry["user_id"] is None
    assert "ValueError: boom" in entry["exception"]


def test_error_reporting_is_off_without_a_dsn(monkeypatch):
    import sentry_sdk

    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))
    assert error_reporting.init_error_reporting(None, environment="production") is False
    assert error_reporting.init_error_reporting("  ", environment="production") is False
    assert calls == []
    assert not sentry_sdk.get_client().is_active()


def test_error_reporting_with_a_dsn_sends_no_personal_data(monkeypatch):
    import sentry_sdk

    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **kwargs: calls.append(kwargs))
    dsn = "https://public@errors.example.jp/1"
    assert error_reporting.init_error_reporting(dsn, environment="production") is True
    assert len(calls) == 1
    options = calls[0]
    assert options["dsn"] == dsn
    assert options["send_default_pii"] is False
    assert options["before_send"] is error_reporting.scrub_event
    assert options["max_request_body_size"] == "never"


def test_the_scrubber_keeps_the_user_id_and_drops_personal_fields():
    event = {
        "message": "boom",
        "request": {
            "url": "https://manabiba.example.jp/my/",
            "method": "POST",
            "data": {"nickname": "山田はなこ", "contact_email": "hanako@example.jp"},
            "cookies": {"sessionid": "secret"},
            "query_string": "email=hanako@example.jp",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {
                "Cookie": "sessionid=secret",
                "Authorization": "Basic xyz",
                "User-Agent": "Firefox",
                "X-Request-ID": "lb-1234abcd",
            },
        },
        "user": {
            "id": 42,
            "email": "hanako@example.jp",
            "username": "hanako",
            "ip_address": "203.0.113.9",
        },
    }
    scrubbed = error_reporting.scrub_event(event, {})
    assert scrubbed["user"] == {"id": 42}
    request = scrubbed["request"]
    assert request["headers"] == {"User-Agent": "Firefox", "X-Request-ID": "lb-1234abcd"}
    for key in ("data", "cookies", "query_string", "env"):
        assert key not in request
    assert request["url"] == "https://manabiba.example.jp/my/"
    text = json.dumps(scrubbed, ensure_ascii=False)
    for personal in ("山田はなこ", "hanako", "203.0.113.9", "secret"):
        assert personal not in text


def test_production_logs_json_and_starts_no_error_reporting_without_a_dsn(tmp_path):
    from tests.cms.test_production_settings import production_env
    from tests.cms.test_production_settings import run as run_python

    code = (
        "import django; django.setup(); import logging, sentry_sdk;"
        "h = logging.getLogger().handlers[0];"
        "print(type(h.formatter).__name__, sentry_sdk.get_client().is_active())"
    )
    result = run_python(["-c", code], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "JsonFormatter False"
