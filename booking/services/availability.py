"""A slot's state as a participant sees it at a moment: the one answer that the week views, the
JSON API and My bookings show, so that they cannot disagree.

It is for display: counts come in bulk from the caller's query, and `book()` still decides under
a lock from its own recount. The booking window is the rule both share: `too_early` here is what
`book()` refuses with "too_early", and `bookable_until` is when it starts refusing "too_late".

A programme's session cannot be joined once it has started. The open study space can: a time
under way stays bookable until a cut-off before its end (the space's
`join_until_minutes_before_end`), shown as "open now", because most students decide after
school.
"""

import datetime as dt
import enum
from dataclasses import dataclass

from core.time import local_date

from ..models import Booking, Slot


class Availability(enum.StrEnum):
    # In the order they are decided: a slot that has started is past, open now or in progress
    # whatever else is true of it, and a closed slot's places do not matter.
    PAST = "past"  # ended
    OPEN_NOW = "open_now"  # started, places left, before its cut-off: still bookable
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


def bookable_until(slot: Slot, join_until_minutes_before_end: int | None) -> dt.datetime:
    """The moment from which `slot` can no longer be booked: its start; for a study space,
    `join_until_minutes_before_end` minutes before its end (never before its start)."""
    if join_until_minutes_before_end is None:
        return slot.start
    return max(slot.start, slot.end - dt.timedelta(minutes=join_until_minutes_before_end))


@dataclass(frozen=True)
class SlotState:
    slot: Slot
    state: Availability
    places_left: int
    opens_on: dt.date | None = None  # when not yet bookable: the first day it can be booked
    my_booking: Booking | None = None  # the participant's active booking on the slot
    closes_at: dt.datetime | None = None  # `bookable_until`: when booking it stops

    @property
    def pk(self) -> int:
        return self.slot.pk

    @property
    def started(self) -> bool:
        return self.state in (Availability.PAST, Availability.OPEN_NOW, Availability.IN_PROGRESS)

    @property
    def ended(self) -> bool:
        return self.state == Availability.PAST


def slot_state(
    slot: Slot,
    *,
    now: dt.datetime,
    confirmed: int,
    advance_days: int,
    join_until_minutes_before_end: int | None = None,
    booked_by_me: Booking | None = None,
) -> SlotState:
    """`slot`'s state at `now`. `confirmed`: its confirmed places (the waiting list aside),
    counted by the caller in the same query as the slots. `advance_days` and
    `join_until_minutes_before_end`: its owner's booking window and cut-off (None, a
    programme's: no joining once started). `booked_by_me`: the participant's active booking on
    it, carried along for display.
    """
    places_left = max(slot.capacity - confirmed, 0)
    opens_on = None
    closes_at = bookable_until(slot, join_until_minutes_before_end)
    if slot.end <= now:
        state = Availability.PAST
    elif slot.start <= now:
        # Joining while it runs: no waiting list then, as nobody can cancel a started time.
        joinable = now < closes_at and not slot.is_closed and places_left > 0
        state = Availability.OPEN_NOW if joinable else Availability.IN_PROGRESS
    elif slot.is_closed:
        state = Availability.CLOSED
    elif too_early(slot.start, now=now, advance_days=advance_days):
        state = Availability.NOT_YET_BOOKABLE
        opens_on = local_date(slot.start) - dt.timedelta(days=advance_days)
    elif places_left == 0:
        state = Availability.FULL
    else:
        state = Availability.OPEN
    return SlotState(
        slot, state, places_left, opens_on=opens_on, my_booking=booked_by_me, closes_at=closes_at
    )
