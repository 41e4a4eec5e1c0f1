"""Changing opening hours or a programme's schedule never moves a booking silently: a booked
time whose end moves keeps its bookings and each person is mailed the new time (their calendar
file follows); a booked time that is gone is cancelled and each person is mailed. Staff can see
it all before saving, and the counts returned are the mails sent."""

import datetime as dt

import pytest
import recurrence
from django.core import mail
from icalendar import Calendar

from booking.models import Booking, OpeningHours, Slot
from booking.services import book, cancel
from booking.services.notifications import mail_key
from booking.services.opening_hours import apply_opening_hours, preview_opening_hours
from booking.services.slots import sync_owner_slots
from booking.web.calendar_files import booking_calendar
from cms.page_cache import pages_version
from tests.booking.factories import NOW, TOKYO, make_participant, make_space
from tests.factories import make_program

pytestmark = pytest.mark.django_db

WEEKDAYS = [0, 1, 2, 3, 4]


def local(moment: dt.datetime) -> str:
    return moment.astimezone(TOKYO).strftime("%H:%M")


@pytest.fixture
def weekday_space():
    """Weekdays 16:00–19:00, as in Masuda; NOW is a Wednesday morning."""
    space = make_space(capacity=12)
    hours = OpeningHours.objects.create(
        space=space,
        weekdays=WEEKDAYS,
        opens=dt.time(16),
        closes=dt.time(19),
        valid_from=NOW.date(),
    )
    apply_opening_hours(space, now=NOW)
    hours.refresh_from_db()  # with its event
    return space, hours


def book_the_first_days(space, people: int, days: int = 2) -> list[Booking]:
    slots = list(Slot.objects.filter(space=space).order_by("start")[:days])
    return [
        book(slot.pk, make_participant(), now=NOW) for slot in slots for _ in range(people // days)
    ]


def test_shortening_the_hours_keeps_twelve_bookings_and_mails_each_the_new_time(
    weekday_space, django_capture_on_commit_callbacks
):
    space, hours = weekday_space
    bookings = book_the_first_days(space, 12)
    mail.outbox.clear()

    hours.closes = dt.time(18)
    hours.save()
    with django_capture_on_commit_callbacks(execute=True):
        changes = apply_opening_hours(space, now=NOW)

    assert (changes["moved"], changes["cancelled"], changes["told"]) == (2, 0, 12)
    assert changes["unreachable"] == 0
    lines = [(local(a.start), local(a.end), local(a.new_end), a.bookings) for a in changes.affected]
    assert lines == [("16:00", "19:00", "18:00", 6), ("16:00", "19:00", "18:00", 6)]
    for booking in bookings:
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CONFIRMED  # kept
        assert local(booking.slot.end) == "18:00" and booking.slot.sequence == 1
    # Every slot of the horizon now ends at 18:00; the unbooked ones were just updated.
    assert {local(s.end) for s in Slot.objects.filter(space=space)} == {"18:00"}
    assert len(mail.outbox) == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(b.participant.email for b in bookings)
    for message in mail.outbox:
        assert "予約の時間が変わりました" in message.subject
        assert "16:00〜18:00" in message.body
        booking = next(b for b in bookings if b.participant.email == message.to[0])
        assert message.extra_headers["X-Manabiba-Key"] == mail_key(booking.pk, "moved", "1")


def test_the_calendar_file_follows_the_new_time(weekday_space):
    space, hours = weekday_space
    [booking] = book_the_first_days(space, 1, days=1)
    hours.closes = dt.time(18)
    hours.save()
    apply_opening_hours(space, now=NOW)
    booking.refresh_from_db()
    [event] = Calendar.from_ical(booking_calendar([booking])).walk("VEVENT")
    assert local(event["dtend"].dt) == "18:00"
    assert event["sequence"] == 1  # calendar apps replace the event they hold


def test_each_change_of_time_is_its_own_mail(weekday_space, django_capture_on_commit_callbacks):
    space, hours = weekday_space
    [booking] = book_the_first_days(space, 1, days=1)
    mail.outbox.clear()
    for closes in (dt.time(18), dt.time(17, 30)):
        hours.closes = closes
        hours.save()
        with django_capture_on_commit_callbacks(execute=True):
            apply_opening_hours(space, now=NOW)
    keys = [m.extra_headers["X-Manabiba-Key"] for m in mail.outbox]
    assert keys == [mail_key(booking.pk, "moved", "1"), mail_key(booking.pk, "moved", "2")]
    assert "16:00〜17:30" in mail.outbox[1].body


def test_people_without_an_address_are_counted_as_not_told(
    weekday_space, django_capture_on_commit_callbacks
):
    space, hours = weekday_space
    slot = Slot.objects.filter(space=space).earliest("start")
    book(slot.pk, make_participant(), now=NOW)
    book(slot.pk, make_participant(contact_email=""), now=NOW)  # a walk-in, no address
    mail.outbox.clear()
    hours.closes = dt.time(18)
    hours.save()
    with django_capture_on_commit_callbacks(execute=True):
        changes = apply_opening_hours(space, now=NOW)
    assert (changes["moved"], changes["told"], changes["unreachable"]) == (1, 1, 1)
    assert len(mail.outbox) == 1


def test_the_preview_lists_the_booked_times_and_changes_nothing(
    weekday_space, django_capture_on_commit_callbacks
):
    space, hours = weekday_space
    book_the_first_days(space, 4)
    friday = Slot.objects.get(space=space, start=dt.datetime(2026, 6, 5, 16, tzinfo=TOKYO))
    book(friday.pk, make_participant(), now=NOW)
    book(friday.pk, make_participant(contact_email=""), now=NOW)
    slots_before = list(Slot.objects.filter(space=space).values_list("pk", "start", "end"))
    event_before = (hours.event.start, hours.event.end)
    version = pages_version()
    mail.outbox.clear()

    # The form's rows, unsaved: Monday to Thursday (no more Fridays), closing at 18:00.
    hours.weekdays = [0, 1, 2, 3]
    hours.closes = dt.time(18)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        affected = preview_opening_hours(space, [hours], now=NOW)

    assert [(a.start.date(), local(a.end), a.new_end and local(a.new_end), a.bookings, a.reachable)
            for a in affected] == [
        (dt.date(2026, 6, 3), "19:00", "18:00", 2, 2),
        (dt.date(2026, 6, 4), "19:00", "18:00", 2, 2),
        (dt.date(2026, 6, 5), "19:00", None, 2, 1),  # cancelled: one of them has no address
    ]  # fmt: skip
    assert affected[2].cancelled and not affected[0].cancelled
    # Nothing changed: slots, the calendar, the page cache's version, and no mail or callback.
    assert list(Slot.objects.filter(space=space).values_list("pk", "start", "end")) == (
        slots_before
    )
    hours.refresh_from_db()
    hours.event.refresh_from_db()
    assert (hours.weekdays, hours.closes) == (WEEKDAYS, dt.time(19))
    assert (hours.event.start, hours.event.end) == event_before
    assert pages_version() == version
    assert callbacks == [] and mail.outbox == []


def test_a_slot_whose_only_booking_was_cancelled_is_retired_without_an_error(weekday_space):
    space, hours = weekday_space
    slot = Slot.objects.filter(space=space).earliest("start")
    cancel(book(slot.pk, make_participant(), now=NOW), now=NOW)
    hours.opens = dt.time(15)  # the 16:00 start is gone
    hours.save()
    changes = apply_opening_hours(space, now=NOW)
    slot.refresh_from_db()
    assert slot.status == Slot.Status.CANCELLED  # kept: a cancelled booking refers to it
    assert changes["cancelled"] == 0 and changes["told"] == 0 and changes["deleted"] >= 1


def test_a_programme_session_that_gets_longer_keeps_its_people_and_tells_them(
    index, django_capture_on_commit_callbacks
):
    program = make_program(index, schedule=recurrence.Recurrence(
        rrules=[recurrence.Rule(recurrence.WEEKLY, byday=[recurrence.SA])]
    ), duration_minutes=90)  # fmt: skip
    Slot.objects.filter(program=program).delete()  # sync against NOW below
    sync_owner_slots(program, now=NOW)
    sessions = list(Slot.objects.filter(program=program).order_by("start")[:2])
    kept = book(sessions[0].pk, make_participant(), now=NOW)
    gone = book(sessions[1].pk, make_participant(), now=NOW)
    mail.outbox.clear()

    program.duration_minutes = 120
    program.schedule = recurrence.Recurrence(
        rrules=[recurrence.Rule(recurrence.WEEKLY, byday=[recurrence.SA])],
        exdates=[dt.datetime.combine(sessions[1].start.astimezone(TOKYO).date(), dt.time())],
    )
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        changes = sync_owner_slots(program, now=NOW)

    assert (changes["moved"], changes["cancelled"], changes["told"]) == (1, 1, 2)
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.status == "confirmed" and local(kept.slot.end) == "16:00"
    assert gone.status == Booking.Status.CANCELLED_BY_SCHEDULE
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [kept.participant.email, gone.participant.email]
    )
    moved = next(m for m in mail.outbox if m.to == [kept.participant.email])
    assert "14:00〜16:00" in moved.body
