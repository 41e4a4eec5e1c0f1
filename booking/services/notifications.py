"""Mail to participants. Always sent after the transaction commits, never under a lock, and a
failing mail server never undoes a booking: in the request the error is logged, not raised;
in production's worker it fails the mail task, which `resend_failed_mail` retries.

The mail is a task (django-tasks) on the `mail` backend. In production that is the database
backend, a transactional outbox: the task row is inserted in the booking's own transaction, so
it exists exactly when the booking does, and `manage.py db_worker` renders and sends it. The
request pays one INSERT instead of rendering the mail and talking to the mail server. In
development and tests the backend runs the task in-process, once the transaction commits.

A task of the outbox may run more than once: `resend_failed_mail` retries a failed one, and
requeues one left RUNNING past `MAIL_LEASE_SECONDS` by a worker that was killed or hung
(django-tasks-db has no lease of its own). So each mail has a key, one per booking and event
(`mail_key`: a booking emits most events at most once, each being a one-way change of its
status; the events that can come again, a closure and its undoing, a new time, a new meeting
link, add what tells them apart), and the outbox task claims the key in the `SentMail`
ledger before it talks to the server: `sending`, committed before the message leaves; `sent`,
committed as soon as the server has answered 250 to the message, before the connection is
closed and before the worker marks the task done. A run that finds its key `sent` sends nothing.

The guarantee is at-least-once with a one-statement window, not exactly-once: a worker that
dies after the server's 250 and before the `sent` UPDATE commits leaves the key `sending`,
and the requeued task sends it again (the other choice, never resending a `sending` key,
would lose every mail whose worker died before the server took it, which is far likelier).
A server that takes the message and then times out before its 250 is the same ambiguity.
Such a duplicate carries the same `Message-ID` and `X-Manabiba-Key`, so a
receiving system can drop it. A worker killed at any other moment (before the 250, or after
the `sent` record) leads to exactly one delivered mail. Only outbox tasks use the ledger: in
development and tests the mail is sent once, in-process, and reminders have their own claim
(`booking.services.reminders`).
"""

import datetime as dt
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks_db import DatabaseBackend

from core.time import local_zone

from .meeting_links import link_fingerprint, meeting_url_for

logger = logging.getLogger(__name__)

SUBJECTS = {
    "confirmed": _("Your booking is confirmed"),
    "waitlisted": _("You are on the waiting list"),
    "cancelled": _("Your booking is cancelled"),
    "promoted": _("A place opened up: your booking is confirmed"),
    "closure": _("A booked time is closed"),
    "rescheduled": _("A booked time was cancelled"),
    "moved": _("The time of your booking changed"),
    "restored": _("Your booking is back"),
    "link_changed": _("A new link for your online session"),
    "reminder": _("Reminder: your booking tomorrow"),
}

# The mails of a booking that is still coming up: they carry its `.ics` and the way to cancel.
# A closure or a new schedule cancels the booking first, so `is_active` also keeps them out.
ACTIONABLE = frozenset(
    {"confirmed", "waitlisted", "promoted", "moved", "restored", "link_changed", "reminder"}
)

# The time as people write it: 「6月10日(水) 16:00〜19:00」, "Wed 10 June 16:00–19:00".
WHEN_FORMATS = {"ja": ("n月j日(D) H:i", "〜"), "en": ("D j F H:i", "–")}


def when_text(slot, language: str) -> str:
    """The slot's time in Asia/Tokyo, in `language` (call under `translation.override`: the
    weekday and month names come from the active language)."""
    pattern, dash = WHEN_FORMATS.get(language, WHEN_FORMATS["ja"])
    zone = local_zone()
    start = dateformat.format(slot.start.astimezone(zone), pattern)
    return f"{start}{dash}{slot.end.astimezone(zone):%H:%M}"


def _outbox() -> bool:
    """Is mail queued in the database (production) rather than sent in-process?"""
    return isinstance(booking_mail.get_backend(), DatabaseBackend)


def booking_changed(booking, event: str, *, variant: str = "") -> None:
    """Send the mail for `event` about `booking` once the surrounding transaction commits.
    `variant` tells apart the mails of an event that may happen to a booking more than once
    (`mail_key`)."""
    args = (booking.pk, event, variant) if variant else (booking.pk, event)
    if _outbox():
        # The outbox row commits (or rolls back) with the booking; the worker cannot see it
        # before the commit.
        booking_mail.enqueue(*args)
    else:
        transaction.on_commit(lambda: booking_mail.enqueue(*args))


# How often a mail the server refused is tried in all (`resend_failed_mail`).
MAX_ATTEMPTS = 5


@task(backend="mail")
def booking_mail(booking_id: int, event: str, variant: str = "", attempt: int = 1) -> bool:
    """The outbox task. A mail the server refuses fails the task, which the worker keeps with
    its error; `resend_failed_mail` (cron) queues it again, up to MAX_ATTEMPTS in all. From the
    outbox it claims its key in the ledger first (module docstring): a key already sent is
    skipped, and the task succeeds returning False."""
    return send_booking_mail(booking_id, event, variant=variant, raise_errors=True, once=_outbox())


def mail_key(booking_id: int, event: str, variant: str = "") -> str:
    """The mail's identity, the same for every attempt: one per booking and event, and per
    `variant` for the events that may happen to a booking more than once: a closure and its
    restoring (the closure's id: a restored booking may be closed again), a new time (the
    slot's `sequence`), a new meeting link (the link's fingerprint)."""
    key = f"booking-{booking_id}-{event}"
    return f"{key}-{variant}" if variant else key


def key_headers(key: str) -> dict[str, str]:
    """Headers that let a receiving system recognise a mail sent twice as one."""
    domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "manabiba.invalid"
    return {"Message-ID": f"<{key}@{domain}>", "X-Manabiba-Key": key}


class MailInFlight(Exception):
    """Another run claimed this mail less than a lease ago and may still be sending it: the
    task fails, and `resend_failed_mail` tries it again later."""


class MailLeaseExpired(Exception):
    """Kept as the error of a mail task that stayed RUNNING past the lease at its last
    attempt (`requeue_stalled_mail`)."""


def _claim(booking, event: str, key: str, *, now: dt.datetime) -> bool:
    """Take `key` for this run (committed at once: call outside a transaction, as the worker
    does). False: already sent. Raises MailInFlight when a live run may hold it."""
    from ..models import SentMail

    row, created = SentMail.objects.get_or_create(
        key=key,
        defaults={
            "booking": booking,
            "event": event,
            "status": SentMail.Status.SENDING,
            "claimed_at": now,
        },
    )
    if created:
        return True
    if row.status == SentMail.Status.SENT:
        return False
    # Failed, or `sending` by a run older than the lease (its worker died): take it over. One
    # conditional UPDATE, so of two runs at once only one wins.
    lease = dt.timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    taken = (
        SentMail.objects.filter(pk=row.pk)
        .filter(
            Q(status=SentMail.Status.FAILED)
            | Q(status=SentMail.Status.SENDING, claimed_at__lte=now - lease)
        )
        .update(status=SentMail.Status.SENDING, claimed_at=now, sends=F("sends") + 1)
    )
    if not taken:
        raise MailInFlight(f"{key} is being sent by another run since {row.claimed_at}")
    return True


def _record(key: str, status: str, *, claimed_at: dt.datetime) -> None:
    """Record the outcome of this run's claim (not of a run that took the key over since)."""
    from ..models import SentMail

    fields = {"status": status}
    if status == SentMail.Status.SENT:
        fields["sent_at"] = timezone.now()
    SentMail.objects.filter(key=key, status=SentMail.Status.SENDING, claimed_at=claimed_at).update(
        **fields
    )


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


def requeue_stalled_mail(*, now: dt.datetime) -> int:
    """Queue again every booking mail task left RUNNING for longer than MAIL_LEASE_SECONDS:
    its worker was killed or hung (django-tasks-db 0.12 has no lease; `started_at` is when a
    worker claimed it). Returns how many. The row goes back to READY in place, its attempt
    counted, so a worker that was only slow and finishes after all just marks it done; at its
    last attempt it is marked failed and kept, like a mail the server kept refusing. The
    ledger (`SentMail`) keeps a mail the server had already accepted from going out again.
    `now` must be the clock the workers wrote `started_at` with: the command passes
    `timezone.now()`."""
    if not _outbox():
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    lease = dt.timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    requeued = 0
    with transaction.atomic():
        stalled = list(
            DBTaskResult.objects.running()
            .filter(
                task_path=booking_mail.module_path,
                backend_name=booking_mail.backend,
                started_at__lt=now - lease,
            )
            .select_for_update(skip_locked=True)
        )
        for result in stalled:
            args, kwargs = result.args_kwargs["args"], result.args_kwargs["kwargs"]
            attempt = kwargs.get("attempt", 1)
            if attempt < MAX_ATTEMPTS:
                result.status = TaskResultStatus.READY
                result.args_kwargs = {"args": args, "kwargs": {**kwargs, "attempt": attempt + 1}}
                result.save(update_fields=["status", "args_kwargs"])
                requeued += 1
            else:
                result.set_failed(
                    MailLeaseExpired(f"still running after {lease} at attempt {attempt}")
                )
    return requeued


def _superseded(booking, event: str, variant: str) -> bool:
    """Is this the mail of a change that has been changed again? Its successor, queued by
    then, says the same (every mail shows the booking as it is now): send that one only."""
    if event == "moved":
        return variant != str(booking.slot.sequence)
    if event == "link_changed":
        return variant != link_fingerprint(meeting_url_for(booking))
    return False


def send_booking_mail(
    booking_id: int,
    event: str,
    *,
    variant: str = "",
    raise_errors: bool = False,
    once: bool = False,
) -> bool:
    """Render and send one booking mail; True when the server accepted it. `once`: claim its
    key in the `SentMail` ledger first and skip a key already sent (module docstring)."""
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
        only_shown = ProgramPage.objects.only("title", "place", "kind", "meeting_url")
        prefetch_related_objects([booking], Prefetch("slot__program", queryset=only_shown))
        slot = booking.slot
        if _superseded(booking, event, variant):
            logger.info("%s mail for booking %s was superseded", event, booking_id)
            return False
        # Japanese for everyone; people who chose English get the English text first.
        languages = ["en", "ja"] if participant.language == "en" else ["ja"]
        actionable = event in ACTIONABLE and booking.is_active
        site_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        context = {
            "booking": booking,
            "slot": slot,
            "title": slot.owner.owner_title,
            "event": event,
            # Private: only for a confirmed booking of an online programme (meeting_links).
            "meeting_url": meeting_url_for(booking),
            # Cancelling is a POST from the logged-in page: a link that cancelled when opened
            # would be followed by mail scanners.
            "my_bookings_url": site_url + reverse("my_bookings"),
            "can_cancel": actionable,
        }
        parts = []
        for language in languages:
            with translation.override(language):
                # "Online" for online study, in the reader's language.
                context["place"] = slot.owner.owner_place
                context["when"] = when_text(slot, language)
                parts.append(render_to_string("booking/email/booking.txt", context).strip())
        with translation.override(languages[0]):
            subject = str(SUBJECTS[event])
        key = mail_key(booking_id, event, variant)
        message = EmailMessage(
            settings.EMAIL_SUBJECT_PREFIX + subject,
            "\n\n----------\n\n".join(parts) + "\n",
            settings.DEFAULT_FROM_EMAIL,
            [participant.email],
            headers=key_headers(key),
        )
        if actionable:
            message.attach(f"manabiba-{booking.code}.ics", _calendar_file(booking), "text/calendar")
        claimed_at = timezone.now()
        if once and not _claim(booking, event, key, now=claimed_at):
            logger.info("%s mail for booking %s was sent already", event, booking_id)
            return False
        if not once:
            _deliver(message)
            return True
        try:
            _deliver(message, on_accepted=lambda: _record(key, "sent", claimed_at=claimed_at))
        except Exception:
            _record(key, "failed", claimed_at=claimed_at)
            raise
        return True
    except Exception:
        logger.exception("Could not send %s mail for booking %s", event, booking_id)
        if raise_errors:
            raise
        return False


def _calendar_file(booking) -> bytes:
    """The same file as the booking's download, with the online link: the mail goes only to
    the participant, like the download."""
    # Imported here: the builder lives with the pages that serve it, and imports this package.
    from ..web.calendar_files import booking_calendar

    with translation.override(booking.participant.language or "ja"):
        return booking_calendar([booking], with_links=True)


def _deliver(message: EmailMessage, *, on_accepted=None) -> None:
    """Send on a connection of our own, so that `on_accepted` runs as soon as the server has
    accepted the message, before the connection is closed: a server that then hangs on QUIT,
    or a worker killed there, cannot make the mail go out twice."""
    connection = get_connection()
    connection.open()
    try:
        connection.send_messages([message])
        if on_accepted is not None:
            on_accepted()
    finally:
        try:
            connection.close()
        except Exception:  # the message is out (or the error above says why not)
            logger.warning("Closing the mail connection failed", exc_info=True)
