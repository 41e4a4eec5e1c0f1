"""Focused data for booking tests: a space, slots, participants, and a fixed clock."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from booking.models import Participant, Slot, StudySpace

TOKYO = ZoneInfo("Asia/Tokyo")
# A Wednesday morning in Masuda: every test's "now" unless it says otherwise.
NOW = dt.datetime(2026, 6, 3, 9, 0, tzinfo=TOKYO)

_counter = itertools.count(1)


def at(day_offset: int = 1, hour: int = 16, minute: int = 0, *, now=NOW) -> dt.datetime:
    """An aware Asia/Tokyo time `day_offset` days after `now`'s date."""
    day = now.astimezone(TOKYO).date() + dt.timedelta(days=day_offset)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def make_space(**kwargs) -> StudySpace:
    n = next(_counter)
    fields = {"name": f"学習スペース{n}", "slug": f"space-{n}", "place": "市民学習センター"}
    fields.update(kwargs)
    return StudySpace.objects.create(**fields)


def make_slot(owner=None, *, start=None, minutes=180, capacity=5, **kwargs) -> Slot:
    """A slot of `owner` (a StudySpace or a ProgramPage; a new space when None)."""
    owner = owner or make_space()
    start = start or at(1)
    key = {"space": owner} if isinstance(owner, StudySpace) else {"program": owner}
    return Slot.objects.create(
        start=start, end=start + dt.timedelta(minutes=minutes), capacity=capacity, **key, **kwargs
    )


def make_participant(user=None, *, with_user=False, **kwargs) -> Participant:
    n = next(_counter)
    if with_user and user is None:
        user = get_user_model().objects.create_user(
            username=f"student{n}", email=f"student{n}@example.org", password="test-pass"
        )
    fields = {
        "reference": f"P-{n:05d}",
        "nickname": f"生徒{n}",
        "contact_email": f"p{n}@example.org",
        "user": user,
    }
    fields.update(kwargs)
    return Participant.objects.create(**fields)
