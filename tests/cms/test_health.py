"""/healthz for a load balancer: the database, the cache and the mail outbox's delay."""

import copy
import datetime as dt

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone

pytestmark = pytest.mark.django_db

FIELDS = {"status", "database", "cache", "mail_outbox_oldest_seconds"}


@pytest.mark.parametrize("path", ["/healthz", "/health", "/healthz/"])
def test_healthy_site_answers_200_with_every_field(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == FIELDS
    assert body == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        # In-process mail backend (tests): no outbox to measure.
        "mail_outbox_oldest_seconds": None,
    }
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert response["X-Request-ID"]


def test_post_is_not_allowed(client):
    assert client.post("/healthz").status_code == 405


def test_plain_http_from_localhost_is_answered_even_with_ssl_redirect(client, settings):
    """As production is set up: HTTPS redirect on, only the public host allowed."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^health/?$"]
    settings.ALLOWED_HOSTS = ["manabiba.example.jp"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    # Any other page still goes to HTTPS.
    other = client.get("/search/", HTTP_HOST="manabiba.example.jp")
    assert other.status_code == 301
    assert other["Location"].startswith("https://")


def test_cache_down_is_degraded_but_healthy(client, settings):
    # Nothing listens on port 1: a real connection failure of Django's Redis backend.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "mail_outbox_oldest_seconds": None,
    }


def test_database_down_is_503(client, tmp_path):
    """A real unreachable database: a fresh connection for the default alias to a database
    file in a folder that does not exist (SQLite) or to a port nobody listens on
    (PostgreSQL)."""
    real = connections["default"]
    settings_dict = copy.deepcopy(real.settings_dict)
    if real.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    unreachable = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = unreachable
    try:
        response = client.get("/healthz")
    finally:
        connections["default"] = real
        unreachable.close()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == "down"
    assert body["mail_outbox_oldest_seconds"] is None


def test_outbox_age_is_the_oldest_waiting_mail_task(client, settings):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        **settings.TASKS,
        "mail": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    assert client.get("/healthz").json()["mail_outbox_oldest_seconds"] is None

    now = timezone.now()

    def task(status, seconds_ago, backend="mail"):
        row = DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="booking.services.notifications.booking_mail",
            backend_name=backend,
            run_after=now,
            exception_class_path="",
            traceback="",
        )
        DBTaskResult.objects.filter(pk=row.pk).update(
            enqueued_at=now - dt.timedelta(seconds=seconds_ago)
        )

    task(TaskResultStatus.READY, 120)
    task(TaskResultStatus.RUNNING, 300)
    task(TaskResultStatus.SUCCESSFUL, 9000)  # sent: not waiting
    task(TaskResultStatus.FAILED, 8000)  # given up: resend_failed_mail's business
    task(TaskResultStatus.READY, 7000, backend="default")  # not mail
    age = client.get("/healthz").json()["mail_outbox_oldest_seconds"]
    assert 300 <= age < 330
