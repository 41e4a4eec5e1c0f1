"""What publishing or unpublishing a programme page does to its bookings.

Its sessions follow the schedule (`sync_owner_slots`: a session taken out of the schedule is
cancelled, one whose duration changed keeps its bookings at the new time; either way each
person is mailed), and a new meeting link reaches everyone with a confirmed booking on a
session that has not ended. What this returns is what the editor's message states
(booking.wagtail_hooks).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import audit
from programs.models import ProgramPage

from ..models import Booking, Slot
from . import notifications
from .meeting_links import link_fingerprint
from .slots import SlotChanges, sync_owner_slots

MEETING_LINK_SENT = "manabiba.meeting_link_sent"
# Registered by booking.wagtail_hooks; the detail is the number of mails, never the link.
LOG_ACTIONS = {
    MEETING_LINK_SENT: (
        _("Send the new meeting link"),
        _("New meeting link mailed to the people booked (mails)"),
    ),
}


@dataclass(frozen=True)
class ProgramChanges:
    slots: SlotChanges
    link_changed: bool = False
    link_told: int = 0  # mails with the new meeting link


def program_published(
    program: ProgramPage, *, now: dt.datetime, previous_meeting_url: str | None = None
) -> ProgramChanges:
    """Bring the programme's bookings in line with what was just published (or unpublished).
    `previous_meeting_url`: the link the programme had before, when known; a different link
    now (an online programme's, not empty) is announced to the people booked."""
    slots = sync_owner_slots(program, now=now)
    changed = (
        previous_meeting_url is not None
        and previous_meeting_url != program.meeting_url
        and program.is_online
        and bool(program.meeting_url)
    )
    told = announce_meeting_link(program, now=now) if changed else 0
    return ProgramChanges(slots, changed, told)


def announce_meeting_link(program: ProgramPage, *, now: dt.datetime, by=None) -> int:
    """Mail `program`'s meeting link to every confirmed booking on a session that has not
    ended (one under way too: its people may be trying to join right now). Returns how many
    mails were queued. Each mail's key carries the link's fingerprint: one mail per booking
    per link, however often this runs. Audited on the programme with the count, never the
    link. A link removed, or a programme no longer online, sends nothing."""
    if not (program.is_online and program.meeting_url):
        return 0
    fingerprint = link_fingerprint(program.meeting_url)
    bookings = Booking.objects.filter(
        slot__program=program,
        slot__end__gt=now,
        slot__status=Slot.Status.OPEN,
        slot__closure__isnull=True,
        status=Booking.Status.CONFIRMED,
    ).select_related("participant__user")
    told = 0
    with transaction.atomic():
        for booking in bookings:
            if booking.participant.email:
                notifications.booking_changed(booking, "link_changed", variant=fingerprint)
                told += 1
        audit.log_action(program, MEETING_LINK_SENT, by=by, now=now, detail=str(told))
    return told
