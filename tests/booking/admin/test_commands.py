"""`generate_slots` from cron, and the booking part of `seed_demo`."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from booking.models import Booking, OpeningHours, Participant, Slot, StudySpace
from core.time import local_zone

from .helpers import EVERY_DAY, at, make_space

pytestmark = pytest.mark.django_db


def run(name, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def expected_daily_slots(days: int) -> int:
    """Daily 16:00 slots from now through `days` days after today (Asia/Tokyo)."""
    now = timezone.now()
    today = timezone.localdate(now)
    starts = [at(today + dt.timedelta(days=n), 16) for n in range(days + 1)]
    return sum(1 for start in starts if start > now)


def test_generate_slots_creates_ahead_and_is_safe_to_repeat():
    space = make_space(hours=[(EVERY_DAY, dt.time(16), dt.time(19))], advance_days=14)
    Slot.objects.all().delete()

    first = run("generate_slots", "--days", "20")
    created = Slot.objects.filter(space=space).count()
    assert created == expected_daily_slots(20)
    assert f"Slots: {created} created, 0 updated, 0 deleted, 0 cancelled, 0 moved;" in first

    assert "Slots: 0 created" in run("generate_slots", "--days", "20")
    assert Slot.objects.filter(space=space).count() == created

    run("generate_slots")  # the default horizon (28 days) reaches further
    assert Slot.objects.filter(space=space).count() == expected_daily_slots(28)


@pytest.mark.parametrize("days", ["0", "367", "-3"])
def test_generate_slots_rejects_a_silly_horizon(days):
    with pytest.raises(CommandError, match="--days"):
        run("generate_slots", "--days", days)


def booking_counts() -> dict:
    return {
        "spaces": StudySpace.objects.count(),
        "hours": OpeningHours.objects.count(),
        "slots": Slot.objects.count(),
        "open_slots": Slot.objects.filter(status="open").count(),
        "participants": Participant.objects.count(),
        "bookings": Booking.objects.count(),
        "booking_rows": list(Booking.objects.values_list("pk", "status", "slot_id")),
    }


def test_seed_demo_builds_a_living_calendar_and_is_idempotent():
    first = run("seed_demo", "--students", "5")
    assert "Demo site ready" in first
    space = StudySpace.objects.get(slug="study-space")
    assert space.name == "学習スペース" and space.capacity == 12
    assert space.place == "益田市ユースサポートセンター 2階"
    hours = {(tuple(h.weekdays), h.opens, h.closes) for h in space.opening_hours.all()}
    assert hours == {
        ((0, 1, 2, 3, 4), dt.time(16), dt.time(19)),
        ((5, 6), dt.time(10), dt.time(17)),
    }
    space_slots = Slot.objects.filter(space=space)
    assert space_slots.count() >= 28
    for slot in space_slots:
        local = slot.start.astimezone(local_zone())
        expected = dt.time(16) if local.weekday() < 5 else dt.time(10)
        assert local.time() == expected
    assert Slot.objects.filter(program__isnull=False).count() > 10

    # The students' profiles; the demo's outreach cases add young people without an account.
    participants = Participant.objects.select_related("user").filter(user__isnull=False)
    assert participants.count() == 5
    assert {p.user.username for p in participants} == {f"student{n}" for n in range(1, 6)}
    assert all(p.nickname and p.birth_year and p.contact_email for p in participants)
    assert participants.filter(school__isnull=True).exists()
    assert participants.filter(school__isnull=False).exists()
    assert Booking.objects.filter(status="confirmed").count() >= 5
    assert not Participant.objects.filter(user__username__in=["staff", "admin"]).exists()

    before = booking_counts()
    second = run("seed_demo", "--students", "5")
    assert "(0 objects created)" in second
    assert booking_counts() == before
