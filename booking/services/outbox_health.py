"""How far behind the mail outbox is, for the health check (cms/health.py).

Only production's database backend has an outbox; with any other backend for `mail` (in-process
in development and tests) there is nothing waiting to measure.
"""

import datetime as dt

from django_tasks import task_backends
from django_tasks.base import TaskResultStatus
from django_tasks_db import DatabaseBackend

MAIL_BACKEND = "mail"


def oldest_unsent_mail_age(*, now: dt.datetime) -> float | None:
    """Seconds since the oldest mail task still waiting or being sent was queued; None when
    there is none, or when the mail backend is not the database outbox."""
    if not isinstance(task_backends[MAIL_BACKEND], DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    oldest = (
        DBTaskResult.objects.filter(
            backend_name=MAIL_BACKEND,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        )
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    if oldest is None:
        return None
    return round(max((now - oldest).total_seconds(), 0.0), 1)
