"""Focused data for the attendance tests: a fixed clock, spaces, slots, bookings, visits."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from attendance.models import Attendance
from booking.models import Booking, Participant, Slot, StudySpace
from core.models import School
from core.time import fiscal_year_of

TOKYO = ZoneInfo("Asia/Tokyo")
# A Wednesday afternoon at the desk: every test's "now" unless it says otherwise.
NOW = dt.datetime(2026, 6, 3, 16, 30, tzinfo=TOKYO)
TODAY = NOW.date()

_counter = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def make_school(name=None) -> School:
    return School.objects.create(name=name or f"学校{next(_counter)}")


def make_space(**kwargs) -> StudySpace:
    n = next(_counter)
    fields = {"name": f"学習スペース{n}", "slug": f"att-space-{n}", "place": "市民学習センター"}
    fields.update(kwargs)
    return StudySpace.objects.create(**fields)


def make_slot(owner=None, *, start=None, minutes=120, capacity=10, **kwargs) -> Slot:
    """A slot of `owner` (a study space, or a programme page); by default today 16:00–18:00."""
    owner = owner or make_space()
    start = start or at(TODAY, 16)
    key = {"space": owner} if isinstance(owner, StudySpace) else {"program": owner}
    return Slot.objects.create(
        start=start, end=start + dt.timedelta(minutes=minutes), capacity=capacity, **key, **kwargs
    )


def make_participant(*, with_user=False, **kwargs) -> Participant:
    n = next(_counter)
    user = None
    if with_user:
        user = get_user_model().objects.create_user(
            username=f"att-student{n}", email=f"att{n}@example.org", password="test-pass"
        )
    fields = {
        "reference": f"A-{n:05d}",
        "nickname": f"ニックネーム{n}",
        "birth_year": 2000,  # an adult: no consent needed unless a test says so
        "user": user,
    }
    fields.update(kwargs)
    return Participant.objects.create(**fields)


def make_booking(slot, participant=None, *, status=Booking.Status.CONFIRMED, **kwargs) -> Booking:
    return Booking.objects.create(
        slot=slot,
        participant=participant or make_participant(),
        status=status,
        created_at=slot.start - dt.timedelta(days=2),
        **kwargs,
    )


def make_visit(participant, day: dt.date, *, kind="study_space", source="import") -> Attendance:
    """A past visit without a slot (as imported from last year's spreadsheets)."""
    return Attendance.objects.create(
        participant=participant,
        date=day,
        kind=kind,
        source=source,
        recorded_at=at(day, 18),
        fiscal_year=fiscal_year_of(day),
        month=day.year * 100 + day.month,
    )


def texts(response) -> list[str]:
    """The messages a response left for the next page, as text."""
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]


def logged(participant, action):
    """The audit entries of `action` about `participant`."""
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.filter(object_id=str(participant.pk), action=action)
