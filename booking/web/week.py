"""The week of slots a student sees: which week was asked for, and each slot's state.

Availability is computed in bulk (one query for the slots with their confirmed counts, whatever
their number; one more for a student's own bookings on them). Each slot's state is
`booking.services.slot_state`, as in the API. It is for display only: `booking.services.book`
recounts under a lock before it accepts anything.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q

from booking.models import Booking, Participant, Slot, SlotOwner
from booking.services import SlotState, slot_state
from core.time import local_date, start_of_day


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
class DayView:
    day: dt.date
    slots: list[SlotState] = field(default_factory=list)


def week_slots(owner: SlotOwner, monday: dt.date):
    """One query: the owner's slots that start in the week, with their closure and counts."""
    return (
        Slot.objects.filter(
            start__gte=start_of_day(monday),
            start__lt=start_of_day(monday + dt.timedelta(days=7)),
            **owner.slot_key,
        )
        .select_related("closure")
        .annotate(
            confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
        )
        .order_by("start")
    )


def build_week(
    owner: SlotOwner, monday: dt.date, *, now: dt.datetime, participant: Participant | None = None
) -> list[DayView]:
    """Seven days (Monday first), each with its slots and their states; with `participant`,
    their own active bookings on those slots too."""
    slots = list(week_slots(owner, monday))
    mine = {}
    if participant is not None:
        mine = {
            b.slot_id: b
            for b in Booking.objects.filter(
                participant=participant,
                slot_id__in=[slot.pk for slot in slots],
                status__in=Booking.ACTIVE,
            )
        }
    days = [DayView(monday + dt.timedelta(days=n)) for n in range(7)]
    for slot in slots:
        state = slot_state(
            slot,
            now=now,
            confirmed=slot.confirmed,
            advance_days=owner.advance_days,
            join_until_minutes_before_end=owner.join_until_minutes_before_end,
            booked_by_me=mine.get(slot.pk),
        )
        days[(local_date(slot.start) - monday).days].slots.append(state)
    return days


def cache_seconds(days: list[DayView], *, now: dt.datetime, longest: int = 600) -> int:
    """How long a rendered week stays true without any booking change: until the next slot
    starts, stops taking bookings or ends (each changes what it shows), or the next local
    midnight (booking opens for another day)."""
    tomorrow = start_of_day(local_date(now) + dt.timedelta(days=1))
    moments = [tomorrow] + [
        moment
        for d in days
        for v in d.slots
        for moment in (v.slot.start, v.closes_at, v.slot.end)
        if moment > now
    ]
    seconds = int((min(moments) - now).total_seconds())
    return max(1, min(longest, seconds))
