"""Places left on programme sessions, in bulk, for the programme cards and pages
(registered with programs.places by booking's AppConfig.ready).

Each session's state is `slot_state`, the one read model of "what do we show", as in the week
views and the API; the counts come with the slots in one query, whatever the number of
sessions. For display only: `book()` recounts under a lock.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from ..models import Booking, Slot
from .availability import SlotState, slot_state


@dataclass(frozen=True)
class SessionPlaces:
    """A session as a card shows it: its state (places left, full …) and how many wait."""

    view: SlotState
    waiting: int


def program_session_places(sessions, *, now: dt.datetime) -> dict:
    """`sessions`: (programme page, session start) pairs. Returns a `SessionPlaces` for each
    pair that has a slot, keyed by (programme id, start)."""
    programs = {program.pk: program for program, _start in sessions}
    wanted = {(program.pk, start) for program, start in sessions}
    slots = Slot.objects.filter(
        program_id__in=programs, start__in={start for _pk, start in wanted}
    ).annotate(
        confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    )
    places = {}
    for slot in slots:
        key = (slot.program_id, slot.start)
        if key not in wanted:
            continue
        program = programs[slot.program_id]
        view = slot_state(
            slot,
            now=now,
            confirmed=slot.confirmed,
            advance_days=program.advance_days,
            join_until_minutes_before_end=program.join_until_minutes_before_end,
        )
        places[key] = SessionPlaces(view, slot.waiting)
    return places
