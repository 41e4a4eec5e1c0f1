"""Places left on programme sessions, for the programme cards and the programme page.

Slots and bookings belong to booking, above programs: booking registers how to read them here,
in its `AppConfig.ready` (as outreach registers its retention hold in `core.retention`), and
programs only asks. The answer is booking's one read model of "what do we show" for each
session (`booking.services.availability.slot_state`), in one query for all the sessions asked
about; it is for display, and booking decides under a lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import ProgramPage

# Gets (programme, session start) pairs and `now`; returns what to show for each pair that has
# a bookable slot, keyed by (programme id, start).
Reader = Callable[..., dict[tuple[int, dt.datetime], Any]]
_reader: Reader | None = None


def register_reader(reader: Reader) -> Reader:
    global _reader
    _reader = reader
    return reader


def session_places(
    sessions: Iterable[tuple[ProgramPage, dt.datetime]], *, now: dt.datetime
) -> dict[tuple[int, dt.datetime], Any]:
    """What to show of each session's places, by (programme id, start); sessions of programmes
    that need no booking, or without a slot yet, are left out."""
    wanted = [(program, start) for program, start in sessions if program.booking_required]
    if _reader is None or not wanted:
        return {}
    return _reader(wanted, now=now)


@dataclass(frozen=True)
class SessionWithPlaces:
    start: dt.datetime
    end: dt.datetime
    places: Any = None
