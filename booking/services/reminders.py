"""Reminder mail for the next day's bookings, safe to run again and again from cron.

Each booking is claimed before its mail goes out, with one conditional UPDATE
(`... SET reminder_sent_at = now WHERE id = ? AND reminder_sent_at IS NULL`). The database
lets exactly one run win that row, so two runs at the same time never both send.

When the mail server refuses, the claim is released again, so the next run retries: a missed
reminder means an empty seat and a student who forgot, while the rare double (a server that
took the message and then failed to answer) costs one extra mail. A participant without an
email address keeps the claim: there is nothing to retry. The booking itself is never touched
beyond `reminder_sent_at`.
"""

import datetime as dt
import logging

from core.time import local_date, start_of_day

from ..models import Booking, Slot
from .notifications import send_booking_mail

logger = logging.getLogger(__name__)


def due_reminders(*, now: dt.datetime):
    """Confirmed bookings on open slots that start tomorrow (Asia/Tokyo), not yet reminded."""
    tomorrow = local_date(now) + dt.timedelta(days=1)
    return Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        slot__status=Slot.Status.OPEN,
        slot__closure__isnull=True,
        slot__start__gte=start_of_day(tomorrow),
        slot__start__lt=start_of_day(tomorrow + dt.timedelta(days=1)),
    )


def claim(booking_id: int, *, now: dt.datetime) -> bool:
    """Atomically mark one booking as reminded; False when another run got there first (or it
    was cancelled meanwhile). Must not run inside a longer transaction, or the claim would
    only become visible to other runs when that transaction commits."""
    return bool(
        Booking.objects.filter(
            pk=booking_id,
            status=Booking.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
        ).update(reminder_sent_at=now)
    )


def release(booking_id: int, *, now: dt.datetime) -> None:
    Booking.objects.filter(pk=booking_id, reminder_sent_at=now).update(reminder_sent_at=None)


def send_reminders(*, now: dt.datetime) -> int:
    """Send tomorrow's reminders; returns how many mails went out in this run."""
    sent = 0
    candidates = list(
        due_reminders(now=now)
        .order_by("slot__start", "pk")
        .values_list("pk", "participant__contact_email", "participant__user__email")
    )
    for booking_id, contact_email, account_email in candidates:
        if not claim(booking_id, now=now):
            continue
        if not (contact_email or account_email):
            continue  # nobody to write to: keep the claim, nothing to retry
        if send_booking_mail(booking_id, "reminder"):
            sent += 1
        else:
            release(booking_id, now=now)
            logger.warning("Reminder for booking %s not sent; the next run retries", booking_id)
    return sent
