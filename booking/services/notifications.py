"""Mail to participants. Always sent after the transaction commits, never under a lock, and a
failing mail server never undoes a booking: in the request the error is logged, not raised;
in production's worker it fails the mail task, which `resend_failed_mail` retries.

The mail is a task (django-tasks) on the `mail` backend. In production that is the database
backend, a transactional outbox: the task row is inserted in the booking's own transaction, so
it exists exactly when the booking does, and `manage.py db_worker` renders and sends it. The
request pays one INSERT instead of rendering the mail and talking to the mail server. In
development and tests the backend runs the task in-process, once the transaction commits.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmed": _("Your booking is confirmed"),
    "waitlisted": _("You are on the waiting list"),
    "cancelled": _("Your booking is cancelled"),
    "promoted": _("A place opened up: your booking is confirmed"),
    "closure": _("A booked time is closed"),
    "rescheduled": _("A booked time was cancelled"),
    "reminder": _("Reminder: your booking tomorrow"),
}


def _outbox() -> bool:
    """Is mail queued in the database (production) rather than sent in-process?"""
    return isinstance(booking_mail.get_backend(), DatabaseBackend)


def booking_changed(booking, event: str) -> None:
    """Send the mail for `event` about `booking` once the surrounding transaction commits."""
    if _outbox():
        # The outbox row commits (or rolls back) with the booking; the worker cannot see it
        # before the commit.
        booking_mail.enqueue(booking.pk, event)
    else:
        transaction.on_commit(lambda: booking_mail.enqueue(booking.pk, event))


# How often a mail the server refused is tried in all (`resend_failed_mail`).
MAX_ATTEMPTS = 5


@task(backend="mail")
def booking_mail(booking_id: int, event: str, attempt: int = 1) -> bool:
    """The outbox task. A mail the server refuses fails the task, which the worker keeps with
    its error; `resend_failed_mail` (cron) queues it again, up to MAX_ATTEMPTS in all."""
    return send_booking_mail(booking_id, event, raise_errors=True)


def resend_failed_mail() -> int:
    """Queue again every booking mail of the outbox that failed fewer than MAX_ATTEMPTS times
    (the mail server was down, say). Returns how many. Safe to run repeatedly: a failed task
    is replaced by its retry in one transaction, and runs that overlap skip each other's rows.
    Nothing is ever queued where mail is sent in-process (development, tests)."""
    if not _outbox():
        return 0
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        failed = list(
            DBTaskResult.objects.failed()
            .filter(task_path=booking_mail.module_path, backend_name=booking_mail.backend)
            .select_for_update(skip_locked=True)
        )
        retried = []
        for result in failed:
            args, kwargs = result.args_kwargs["args"], result.args_kwargs["kwargs"]
            attempt = kwargs.get("attempt", 1)
            if attempt < MAX_ATTEMPTS:
                booking_mail.enqueue(*args, attempt=attempt + 1)
                retried.append(result.pk)
        # Given up ones stay, with their error, until `prune_db_task_results` removes them.
        DBTaskResult.objects.filter(pk__in=retried).delete()
    return len(retried)


def send_booking_mail(booking_id: int, event: str, *, raise_errors: bool = False) -> bool:
    from programs.models import ProgramPage

    from ..models import Booking

    try:
        booking = (
            Booking.objects.select_related("participant__user", "slot__space", "slot__closure")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None:  # deleted by hand since it was queued: nothing to tell
            return False
        participant = booking.participant
        if not participant.email:
            return False
        # The programme page is read on its own, and only the columns the mail shows: joined
        # above, Wagtail's many page columns make planning that query the mail's largest cost
        # (bench/HISTORY.md). A study space's slot has no programme: no query then.
        only_shown = ProgramPage.objects.only("title", "place")
        prefetch_related_objects([booking], Prefetch("slot__program", queryset=only_shown))
        slot = booking.slot
        # Japanese for everyone; people who chose English get the English text first.
        languages = ["en", "ja"] if participant.language == "en" else ["ja"]
        context = {
            "booking": booking,
            "slot": slot,
            "title": slot.owner.owner_title,
            # As stored, not `owner_place`: the mail never said "Online" for online study.
            "place": slot.owner.place,
            "event": event,
            "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        }
        parts = []
        for language in languages:
            with translation.override(language):
                parts.append(render_to_string("booking/email/booking.txt", context).strip())
        with translation.override(languages[0]):
            subject = str(SUBJECTS[event])
        send_mail(
            settings.EMAIL_SUBJECT_PREFIX + subject,
            "\n\n----------\n\n".join(parts) + "\n",
            settings.DEFAULT_FROM_EMAIL,
            [participant.email],
        )
        return True
    except Exception:
        logger.exception("Could not send %s mail for booking %s", event, booking_id)
        if raise_errors:
            raise
        return False
