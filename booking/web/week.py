"""The week of slots a student sees: which week was asked for, and each slot's state.

Availability is computed in bulk (one query for the slots with their confirmed and waiting
counts, whatever their number). It is for display only: `booking.services.book` recounts
under a lock before it accepts anything.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from booking.models import Booking, Slot
from core.time import local_date, start_of_day

# Closed before full: a closed slot's seats do not matter.
PAST, CLOSED, FULL, NOT_YET, OPEN = "past", "closed", "full", "not_yet", "open"


def parse_week(value: str | None, *, today: dt.date) -> dt.date:
    """The Monday of the week containing `value` (YYYY-MM-DD); this week when it is missing or
    not a date. Weeks far away are clamped: nobody books years ahead, and links get mangled."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        day = today
    if abs((day - today).days) > 366 * 2:
        day = today
    return day - dt.timedelta(days=day.weekday())


@dataclass
class SlotView:
    slot: Slot
    state: str
    places_left: int
    opens_on: dt.date | None = None
    my_booking: Booking | None = None

    @property
    def pk(self) -> int:
        return self.slot.pk


@dataclass
class DayView:
    day: dt.date
    slots: list[SlotView] = field(default_factory=list)


def owner_filter(owner) -> dict:
    from booking.models import StudySpace

    return {"space": owner} if isinstance(owner, StudySpace) else {"program": owner}


def week_slots(owner, monday: dt.date):
    """One query: the owner's slots that start in the week, with their closure and counts."""
    return (
        Slot.objects.filter(
            start__gte=start_of_day(monday),
            start__lt=start_of_day(monday + dt.timedelta(days=7)),
            **owner_filter(owner),
        )
        .select_related("closure")
        .annotate(
            confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
        )
        .order_by("start")
    )


def slot_state(slot: Slot, *, now: dt.datetime, advance_days: int) -> SlotView:
    places_left = max(slot.capacity - slot.confirmed, 0)
    if slot.start <= now:
        return SlotView(slot, PAST, places_left)
    if slot.is_closed:
        return SlotView(slot, CLOSED, places_left)
    opens_on = local_date(slot.start) - dt.timedelta(days=advance_days)
    if opens_on > local_date(now):
        return SlotView(slot, NOT_YET, places_left, opens_on=opens_on)
    if places_left == 0:
        return SlotView(slot, FULL, 0)
    return SlotView(slot, OPEN, places_left)


def build_week(owner, monday: dt.date, *, now: dt.datetime) -> list[DayView]:
    """Seven days (Monday first), each with its slots and their states."""
    days = [DayView(monday + dt.timedelta(days=n)) for n in range(7)]
    for slot in week_slots(owner, monday):
        view = slot_state(slot, now=now, advance_days=owner.advance_days)
        days[(local_date(slot.start) - monday).days].slots.append(view)
    return days


def cache_seconds(days: list[DayView], *, now: dt.datetime, longest: int = 600) -> int:
    """How long a rendered week stays true without any booking change: until the next slot
    starts (it becomes past) or the next local midnight (booking opens for another day)."""
    tomorrow = start_of_day(local_date(now) + dt.timedelta(days=1))
    moments = [tomorrow] + [v.slot.start for d in days for v in d.slots if v.slot.start > now]
    seconds = int((min(moments) - now).total_seconds())
    return max(1, min(longest, seconds))
