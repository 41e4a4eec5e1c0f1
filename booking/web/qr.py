"""QR codes of booking codes, drawn on the server as inline SVG (no script, no remote image)."""

from functools import lru_cache

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from booking.models import Booking


def needs_check_in_code(booking: Booking) -> bool:
    """A QR code is for the desk: only a confirmed place at a study space or an in-person
    session. Someone on the waiting list has no place to check in to, and nobody checks in to
    an online session."""
    if booking.status != Booking.Status.CONFIRMED:
        return False
    program = booking.slot.program if booking.slot.program_id else None
    return program is None or not program.is_online


def check_in_url(code: str) -> str:
    """What a booking's QR code holds: its check-in page in the staff admin. A staff device
    that scans it opens the check-in; anyone else meets the admin login."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("checkin_code", args=[code])


@lru_cache(maxsize=2048)
def inline_svg(text: str) -> str:
    """Drawing one takes longer than the rest of My bookings together, and a student opens
    that page again and again: each process keeps the last ones it drew. The drawing depends
    on `text` alone, so a kept one can only ever be shown for the same text."""
    qr = segno.make(text, error="m", micro=False)
    return mark_safe(qr.svg_inline(scale=6, border=2, dark="#111", light="#fff"))  # noqa: S308
