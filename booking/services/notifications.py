"""Mail to participants. Always sent after the transaction commits, never under a lock, and a
failing mail server never undoes a booking: errors are logged, not raised."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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


def booking_changed(booking, event: str, **extra) -> None:
    """Queue the mail for `event` about `booking` until the surrounding transaction commits."""
    transaction.on_commit(lambda: send_booking_mail(booking.pk, event, **extra))


def send_booking_mail(booking_id: int, event: str, **extra) -> bool:
    from ..models import Booking

    try:
        booking = Booking.objects.select_related(
            "participant__user", "slot__space", "slot__program", "slot__closure"
        ).get(pk=booking_id)
        participant = booking.participant
        if not participant.email:
            return False
        # Japanese for everyone; people who chose English get the English text first.
        languages = ["en", "ja"] if participant.language == "en" else ["ja"]
        context = {
            "booking": booking,
            "slot": booking.slot,
            "event": event,
            "site_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
            **extra,
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
        return False
