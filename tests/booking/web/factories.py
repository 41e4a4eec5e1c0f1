"""Data for the student-facing booking pages. The views read the real clock, so times here are
relative to `timezone.now()`."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from booking.models import Participant, Slot, StudySpace
from core.time import local_date, local_zone

_counter = itertools.count(1)


def days_ahead(days: int, hour: int = 16, minute: int = 0) -> dt.datetime:
    """An aware Asia/Tokyo time `days` days after today."""
    day = local_date(timezone.now()) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=local_zone())


def week_of(moment: dt.datetime) -> str:
    return local_date(moment).isoformat()


def make_space(**kwargs) -> StudySpace:
    n = next(_counter)
    fields = {"name": f"学習スペース{n}", "slug": f"ui-space-{n}", "place": "市民学習センター2階"}
    fields.update(kwargs)
    return StudySpace.objects.create(**fields)


def make_slot(owner, *, start=None, minutes=120, capacity=3, **kwargs) -> Slot:
    start = start or days_ahead(2)
    key = {"space": owner} if isinstance(owner, StudySpace) else {"program": owner}
    return Slot.objects.create(
        start=start, end=start + dt.timedelta(minutes=minutes), capacity=capacity, **key, **kwargs
    )


PASSWORD = "test-pass-123"


def make_student(username=None, *, profile=True, password=PASSWORD, **kwargs):
    """A user account, with a participant profile unless `profile=False`."""
    n = next(_counter)
    username = username or f"uistudent{n}"
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=password
    )
    if profile:
        fields = {
            "reference": f"P-{9000 + n}",
            "nickname": f"ニック{n}",
            "contact_email": user.email,
            "birth_year": 2009,
            "user": user,
        }
        fields.update(kwargs)
        Participant.objects.create(**fields)
    return user
