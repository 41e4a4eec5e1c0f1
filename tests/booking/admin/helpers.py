"""Focused data for the booking admin tests."""

import datetime as dt
import itertools

from django.utils import timezone

from booking.models import OpeningHours, Participant, Slot, StudySpace
from booking.services.opening_hours import apply_opening_hours
from core.time import local_zone

_counter = itertools.count(1)

WEEKDAYS = [0, 1, 2, 3, 4]
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


def make_space(*, hours=(), capacity=12, apply=True, now=None, **kwargs) -> StudySpace:
    """A study space; `hours` is a list of (weekdays, opens, closes) valid from today."""
    n = next(_counter)
    space = StudySpace.objects.create(
        name=kwargs.pop("name", f"スペース{n}"),
        slug=kwargs.pop("slug", f"space-{n}"),
        place=kwargs.pop("place", "ユースサポートセンター"),
        capacity=capacity,
        **kwargs,
    )
    now = now or timezone.now()
    for weekdays, opens, closes in hours:
        OpeningHours.objects.create(
            space=space,
            weekdays=weekdays,
            opens=opens,
            closes=closes,
            valid_from=timezone.localdate(now),
        )
    if hours and apply:
        apply_opening_hours(space, now=now)
    return space


def make_participant(**kwargs) -> Participant:
    n = next(_counter)
    fields = {
        "reference": f"T-{n:04d}",
        "nickname": f"生徒{n}",
        "contact_email": f"student{n}@example.org",
    }
    fields.update(kwargs)
    return Participant.objects.create(**fields)


def make_slot(owner, start: dt.datetime, *, minutes=60, capacity=5) -> Slot:
    key = {"space": owner} if isinstance(owner, StudySpace) else {"program": owner}
    return Slot.objects.create(
        start=start, end=start + dt.timedelta(minutes=minutes), capacity=capacity, **key
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware Asia/Tokyo datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=local_zone())
