"""Slots follow schedules: programme schedules (django-recurrence) and a study space's opening
hours (django-scheduler). Booked slots are cancelled explicitly, never deleted or orphaned."""

import datetime as dt

import pytest
import recurrence
from django.core import mail

from booking.models import Booking, OpeningHours, Slot
from booking.services import book, close, generate_slots
from booking.services.opening_hours import apply_opening_hours
from booking.services.slots import sync_owner_slots
from tests.booking.factories import NOW, TOKYO, make_participant, make_space
from tests.factories import make_program, make_program_index

pytestmark = pytest.mark.django_db

MO, TU, WE, TH, FR, SA, SU = range(7)


def weekly(*days):
    return recurrence.Recurrence(rrules=[recurrence.Rule(recurrence.WEEKLY, byday=list(days))])


def make_bookable_program(**kwargs):
    """A published programme with no slots yet: publishing syncs its slots against the real
    clock (booking.signals); these tests sync against NOW themselves."""
    program = make_program(make_program_index(), **kwargs)
    Slot.objects.filter(program=program).delete()
    return program


def local_starts(slots):
    return [s.start.astimezone(TOKYO) for s in slots]


def add_hours(space, days, opens, closes, valid_from=None, valid_until=None):
    return OpeningHours.objects.create(
        space=space,
        weekdays=list(days),
        opens=opens,
        closes=closes,
        valid_from=valid_from or NOW.date(),
        valid_until=valid_until,
    )


@pytest.mark.parametrize(
    "opens,closes",
    [
        (dt.time(16), dt.time(19)),
        (dt.time(7, 30), dt.time(9, 30)),
    ],  # 7:30 JST is the day before in UTC
)
@pytest.mark.parametrize("valid_from", [dt.date(2026, 6, 3), dt.date(2026, 6, 6)])  # Wed, Sat
def test_weekdays_mo_fr_give_all_five_days_in_tokyo(opens, closes, valid_from):
    space = make_space(capacity=12)
    add_hours(space, [MO, TU, WE, TH, FR], opens, closes, valid_from=valid_from)
    counts = apply_opening_hours(space, now=NOW - dt.timedelta(days=3))
    slots = list(Slot.objects.filter(space=space).order_by("start"))
    assert counts["created"] == len(slots) > 0
    starts = local_starts(slots)
    assert {s.weekday() for s in starts} == {MO, TU, WE, TH, FR}
    assert all(s.time() == opens for s in starts)
    assert all(
        (s.end - s.start)
        == dt.datetime.combine(valid_from, closes) - dt.datetime.combine(valid_from, opens)
        for s in slots
    )
    assert min(starts).date() >= valid_from
    # Every weekday in the first full week is there, once.
    week = [s.date() for s in starts if dt.date(2026, 6, 8) <= s.date() <= dt.date(2026, 6, 14)]
    assert week == [dt.date(2026, 6, 8) + dt.timedelta(days=i) for i in range(5)]
    assert all(s.capacity == 12 for s in slots)


def test_opening_hours_cut_into_slots_and_until_respected():
    space = make_space(slot_minutes=60)
    add_hours(space, [SA], dt.time(10), dt.time(13), valid_until=dt.date(2026, 6, 13))
    apply_opening_hours(space, now=NOW)
    starts = local_starts(Slot.objects.filter(space=space).order_by("start"))
    assert [(s.date(), s.hour) for s in starts] == [
        (dt.date(2026, 6, 6), 10),
        (dt.date(2026, 6, 6), 11),
        (dt.date(2026, 6, 6), 12),
        (dt.date(2026, 6, 13), 10),
        (dt.date(2026, 6, 13), 11),
        (dt.date(2026, 6, 13), 12),
    ]


def test_editing_opening_hours_deletes_free_slots_and_cancels_booked_ones():
    space = make_space()
    hours = add_hours(space, [MO, WE, FR], dt.time(16), dt.time(19))
    apply_opening_hours(space, now=NOW)
    friday = Slot.objects.get(space=space, start=dt.datetime(2026, 6, 5, 16, tzinfo=TOKYO))
    monday = Slot.objects.get(space=space, start=dt.datetime(2026, 6, 8, 16, tzinfo=TOKYO))
    booking = book(friday.pk, make_participant(), now=NOW)
    mail.outbox.clear()

    hours.weekdays = [MO, WE]  # no more Fridays
    hours.save()
    counts = apply_opening_hours(space, now=NOW)
    friday.refresh_from_db()
    booking.refresh_from_db()
    assert counts["cancelled"] == 1 and counts["deleted"] >= 3
    assert friday.status == Slot.Status.CANCELLED  # kept, with its booking
    assert booking.status == Booking.Status.CANCELLED_BY_SCHEDULE
    assert Slot.objects.filter(pk=monday.pk).exists()
    later_fridays = Slot.objects.filter(space=space, start__gt=friday.start)
    assert all(s.start.astimezone(TOKYO).weekday() != FR for s in later_fridays)


def test_cancelled_booking_mail_goes_out_after_commit(django_capture_on_commit_callbacks):
    space = make_space()
    hours = add_hours(space, [FR], dt.time(16), dt.time(19))
    apply_opening_hours(space, now=NOW)
    slot = Slot.objects.filter(space=space).first()
    person = make_participant()
    book(slot.pk, person, now=NOW)
    hours.opens = dt.time(15)  # a new time: the 16:00 slot no longer takes place
    hours.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        apply_opening_hours(space, now=NOW)
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert slot.start.astimezone(TOKYO).strftime("%H:%M") in mail.outbox[0].body


def test_past_slots_are_never_touched():
    space = make_space()
    hours = add_hours(
        space, [MO, TU, WE, TH, FR], dt.time(16), dt.time(19), valid_from=dt.date(2026, 5, 1)
    )
    apply_opening_hours(space, now=NOW - dt.timedelta(days=7))
    past = list(Slot.objects.filter(space=space, start__lt=NOW))
    assert past
    hours.delete()
    apply_opening_hours(space, now=NOW)
    assert Slot.objects.filter(space=space, start__lt=NOW).count() == len(past)
    assert not Slot.objects.filter(space=space, start__gt=NOW).exists()


def test_programme_schedule_edit_deletes_free_sessions_and_cancels_booked_ones():
    program = make_bookable_program(schedule=weekly(recurrence.SA), start_time=dt.time(14))
    sync_owner_slots(program, now=NOW)
    sessions = list(Slot.objects.filter(program=program).order_by("start"))
    assert [s.start.astimezone(TOKYO).weekday() for s in sessions] == [SA] * len(sessions)
    assert all(s.capacity == program.places_per_session for s in sessions)
    booked = sessions[1]
    person = make_participant()
    booking = book(booked.pk, person, now=NOW)

    program.schedule = weekly(recurrence.SU)
    program.save()
    counts = sync_owner_slots(program, now=NOW)
    assert counts["cancelled"] == 1
    assert counts["deleted"] == len(sessions) - 1
    booked.refresh_from_db()
    booking.refresh_from_db()
    assert booked.status == Slot.Status.CANCELLED
    assert booking.status == Booking.Status.CANCELLED_BY_SCHEDULE
    remaining = Slot.objects.filter(program=program, status=Slot.Status.OPEN)
    assert {s.start.astimezone(TOKYO).weekday() for s in remaining} == {SU}

    # Undoing the edit brings the Saturday back as an open slot; the old booking stays cancelled.
    program.schedule = weekly(recurrence.SA)
    program.save()
    sync_owner_slots(program, now=NOW)
    booked.refresh_from_db()
    assert booked.status == Slot.Status.OPEN
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED_BY_SCHEDULE
    assert book(booked.pk, person, now=NOW).status == "confirmed"


def test_capacity_change_keeps_bookings_and_raising_it_promotes_the_queue():
    program = make_bookable_program(places_per_session=2)
    sync_owner_slots(program, now=NOW)
    slot = Slot.objects.filter(program=program).first()
    held = [book(slot.pk, make_participant(), now=NOW) for _ in range(2)]
    waiting = book(slot.pk, make_participant(), now=NOW, waitlist=True)

    program.places_per_session = 1
    program.save()
    sync_owner_slots(program, now=NOW)
    slot.refresh_from_db()
    assert slot.capacity == 1
    assert all(Booking.objects.get(pk=b.pk).status == "confirmed" for b in held)

    program.places_per_session = 3
    program.save()
    sync_owner_slots(program, now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED


def test_slots_created_in_a_closure_are_born_closed():
    space = make_space()
    add_hours(space, [MO, TU, WE, TH, FR], dt.time(16), dt.time(19))
    closure = close(
        space, first_day=dt.date(2026, 6, 8), last_day=dt.date(2026, 6, 9), reason="x", now=NOW
    )
    apply_opening_hours(space, now=NOW)
    closed = Slot.objects.filter(space=space, closure=closure)
    assert sorted(s.start.astimezone(TOKYO).date() for s in closed) == [
        dt.date(2026, 6, 8),
        dt.date(2026, 6, 9),
    ]


def test_generate_slots_is_idempotent_and_covers_spaces_and_programmes():
    space = make_space()
    add_hours(space, [MO, TU, WE, TH, FR], dt.time(16), dt.time(19))
    apply_opening_hours(space, now=NOW)
    make_bookable_program()
    first = generate_slots(now=NOW)
    again = generate_slots(now=NOW)
    assert first["created"] > 0
    assert not any(again.values()) and again.affected == []
    assert set(again) == {"created", "updated", "deleted", "cancelled", "moved", "told"} | {
        "unreachable"
    }
