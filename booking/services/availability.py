"""A slot's state as a participant sees it at a moment: the one answer that the week views, the
JSON API and My bookings show, so that they cannot disagree.

It is for display: counts come in bulk from the caller's query, and `book()` still decides under
a lock from its own recount. The booking window is the rule both share: `too_early` here is what
`book()` refuses with "too_early".
"""

import datetime as dt
import enum
from dataclasses import dataclass

from core.time import local_date

from ..models import Booking, Slot


class Availability(enum.StrEnum):
    # In the order they are decided: a slot that has started is past or in progress whatever
    # else is true of it, and a closed slot's places do not matter.
    PAST = "past"  # ended
    IN_PROGRESS = "in_progress"  # started, not ended: no longer bookable
    CLOSED = "closed"  # under a closure, or cancelled
    NOT_YET_BOOKABLE = "not_yet_bookable"  # beyond the booking window (`too_early`)
    FULL = "full"  # every place confirmed: the waiting list is open
    OPEN = "open"


def too_early(start: dt.datetime, *, now: dt.datetime, advance_days: int) -> bool:
    """Is a slot starting at `start` beyond the booking window at `now`? Booking opens
    `advance_days` local days ahead: a slot exactly `advance_days` days away can be booked, one
    a day further cannot."""
    return (local_date(start) - local_date(now)).days > advance_days


@dataclass(frozen=True)
class SlotState:
    slot: Slot
    state: Availability
    places_left: int
    opens_on: dt.date | None = None  # when not yet bookable: the first day it can be booked
    my_booking: Booking | None = None  # the participant's active booking on the slot

    @property
    def pk(self) -> int:
        return self.slot.pk

    @property
    def started(self) -> bool:
        return self.state in (Availability.PAST, Availability.IN_PROGRESS)

    @property
    def ended(self) -> bool:
        return self.state == Availability.PAST


def slot_state(
    slot: Slot,
    *,
    now: dt.datetime,
    confirmed: int,
    advance_days: int,
    booked_by_me: Booking | None = None,
) -> SlotState:
    """`slot`'s state at `now`. `confirmed`: its confirmed places (the waiting list aside),
    counted by the caller in the same query as the slots. `advance_days`: its owner's booking
    window. `booked_by_me`: the participant's active booking on it, carried along for display.
    """
    places_left = max(slot.capacity - confirmed, 0)
    opens_on = None
    if slot.end <= now:
        state = Availability.PAST
    elif slot.start <= now:
        state = Availability.IN_PROGRESS
    elif slot.is_closed:
        state = Availability.CLOSED
    elif too_early(slot.start, now=now, advance_days=advance_days):
        state = Availability.NOT_YET_BOOKABLE
        opens_on = local_date(slot.start) - dt.timedelta(days=advance_days)
    elif places_left == 0:
        state = Availability.FULL
    else:
        state = Availability.OPEN
    return SlotState(slot, state, places_left, opens_on=opens_on, my_booking=booked_by_me)
