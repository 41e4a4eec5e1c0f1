"""The booking rules, with `now` passed in: no sleeping, no patched clock."""

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, connection
from wagtail.models import ModelLogEntry

from booking.models import Booking, Slot
from booking.services import BookingError, book, cancel, close, reopen, waitlist_positions
from booking.services.bookings import promote_waitlisted
from booking.services.locks import busy_when_locked
from tests.booking.factories import NOW, at, make_participant, make_slot, make_space
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def refused(code, call, *args, **kwargs):
    with pytest.raises(BookingError) as info:
        call(*args, **kwargs)
    assert info.value.code == code
    assert info.value.message  # a sentence for people, never empty
    return info.value


def test_book_confirms_while_places_are_left():
    slot = make_slot(capacity=2)
    booking = book(slot.pk, make_participant(), now=NOW)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.created_at == NOW
    assert len(booking.code) == 8


def test_full_slot_refuses_and_says_so():
    slot = make_slot(capacity=1)
    book(slot.pk, make_participant(), now=NOW)
    error = refused("full", book, slot.pk, make_participant(), now=NOW)
    assert "waiting list" in str(error.message) or "キャンセル待ち" in str(error.message)
    assert slot.bookings.count() == 1


def test_unknown_slot_is_not_found():
    refused("not_found", book, 10**6, make_participant(), now=NOW)


def test_waitlist_join_and_positions():
    slot = make_slot(capacity=1)
    book(slot.pk, make_participant(), now=NOW)
    first = book(slot.pk, make_participant(), now=NOW, waitlist=True)
    second = book(slot.pk, make_participant(), now=NOW + dt.timedelta(minutes=1), waitlist=True)
    third = book(slot.pk, make_participant(), now=NOW, waitlist=True)  # same time: pk decides
    assert {first.status, second.status, third.status} == {Booking.Status.WAITLISTED}
    assert waitlist_positions([first, second, third]) == {first.pk: 1, third.pk: 2, second.pk: 3}


def test_waitlist_flag_on_a_free_slot_gives_a_real_place():
    slot = make_slot(capacity=1)
    assert book(slot.pk, make_participant(), now=NOW, waitlist=True).status == "confirmed"


def test_cancel_promotes_the_first_in_line_and_tells_them(django_capture_on_commit_callbacks):
    slot = make_slot(capacity=1)
    holder = book(slot.pk, make_participant(), now=NOW)
    first = book(slot.pk, make_participant(), now=NOW + dt.timedelta(minutes=1), waitlist=True)
    second = book(slot.pk, make_participant(), now=NOW + dt.timedelta(minutes=2), waitlist=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(holder, now=NOW + dt.timedelta(hours=1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Booking.Status.CONFIRMED
    assert first.promoted_at == NOW + dt.timedelta(hours=1)
    assert second.status == Booking.Status.WAITLISTED
    assert waitlist_positions([second]) == {second.pk: 1}
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([holder.participant.email, first.participant.email])

    # The next cancellation promotes the next in line.
    cancel(first, now=NOW + dt.timedelta(hours=2))
    second.refresh_from_db()
    assert second.status == Booking.Status.CONFIRMED


def test_cancelling_a_waitlisted_place_promotes_nobody():
    slot = make_slot(capacity=1)
    book(slot.pk, make_participant(), now=NOW)
    first = book(slot.pk, make_participant(), now=NOW, waitlist=True)
    second = book(slot.pk, make_participant(), now=NOW, waitlist=True)
    cancel(first, now=NOW)
    second.refresh_from_db()
    assert second.status == Booking.Status.WAITLISTED
    assert waitlist_positions([second]) == {second.pk: 1}


def test_cancel_only_before_the_start():
    slot = make_slot(start=at(1, 16))
    booking = book(slot.pk, make_participant(), now=NOW)
    refused("too_late", cancel, booking, now=at(1, 16))
    refused("too_late", cancel, booking, now=at(1, 17))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert cancel(booking, now=at(1, 15, 59)).status == Booking.Status.CANCELLED


def test_cancelling_twice_is_not_active():
    booking = book(make_slot().pk, make_participant(), now=NOW)
    cancel(booking, now=NOW)
    refused("not_active", cancel, booking, now=NOW)


def test_too_late_once_the_slot_started():
    # Joining closes as long before the end as the time lasts: not once started (a study
    # space's time under way: tests/booking/test_late_join.py).
    slot = make_slot(make_space(join_until_minutes_before_end=180), start=at(0, 9), minutes=180)
    refused("too_late", book, slot.pk, make_participant(), now=NOW)
    refused("too_late", book, slot.pk, make_participant(), now=NOW + dt.timedelta(hours=1))


def test_too_early_beyond_advance_days_counted_in_tokyo_days():
    space = make_space(advance_days=14)
    last_day = make_slot(space, start=at(14, 23, 30))
    beyond = make_slot(space, start=at(15, 0, 30))
    assert book(last_day.pk, make_participant(), now=NOW).status == "confirmed"
    error = refused("too_early", book, beyond.pk, make_participant(), now=NOW)
    assert "14" in error.message


def test_limit_reached_at_five_future_bookings():
    space = make_space(max_future_bookings=5)
    person = make_participant()
    slots = [make_slot(space, start=at(day)) for day in range(1, 7)]
    for slot in slots[:5]:
        book(slot.pk, person, now=NOW)
    error = refused("limit_reached", book, slots[5].pk, person, now=NOW)
    assert "5" in error.message
    # A past booking does not count: once one of them has happened, a new one is allowed.
    assert book(slots[5].pk, person, now=at(1, 20)).status == "confirmed"


def test_waitlisted_places_count_towards_the_limit():
    space = make_space(max_future_bookings=1)
    full = make_slot(space, capacity=1)
    book(full.pk, make_participant(), now=NOW)
    person = make_participant()
    book(full.pk, person, now=NOW, waitlist=True)
    refused("limit_reached", book, make_slot(space, start=at(2)).pk, person, now=NOW)


def test_already_booked_including_after_waitlisting():
    slot = make_slot(capacity=1)
    person = make_participant()
    book(slot.pk, person, now=NOW)
    refused("already_booked", book, slot.pk, person, now=NOW)
    refused("already_booked", book, slot.pk, person, now=NOW, waitlist=True)
    waiting = make_participant()
    book(slot.pk, waiting, now=NOW, waitlist=True)
    refused("already_booked", book, slot.pk, waiting, now=NOW, waitlist=True)
    assert slot.bookings.filter(participant=waiting).count() == 1


def test_rebooking_after_cancel_is_allowed():
    slot = make_slot()
    person = make_participant()
    cancel(book(slot.pk, person, now=NOW), now=NOW)
    again = book(slot.pk, person, now=NOW)
    assert again.status == Booking.Status.CONFIRMED
    assert slot.bookings.filter(participant=person).count() == 2


def test_closed_and_cancelled_slots_refuse():
    space = make_space()
    closed_slot = make_slot(space, start=at(2))
    close(space, first_day=at(2).date(), last_day=at(2).date(), reason="点検", now=NOW)
    refused("closed", book, closed_slot.pk, make_participant(), now=NOW)
    cancelled = make_slot(space, start=at(3), status=Slot.Status.CANCELLED)
    refused("closed", book, cancelled.pk, make_participant(), now=NOW)


def test_closure_keeps_bookings_marks_them_and_mails_after_commit(
    django_capture_on_commit_callbacks,
):
    space = make_space()
    inside = make_slot(space, start=at(2), capacity=1)
    outside = make_slot(space, start=at(5))
    kept = book(inside.pk, make_participant(language="en"), now=NOW)
    waiting = book(inside.pk, make_participant(), now=NOW, waitlist=True)
    untouched = book(outside.pk, make_participant(), now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        closure = close(
            space,
            first_day=at(1).date(),
            last_day=at(3).date(),
            reason="感染症対策のため",
            online_alternative="オンライン自習室",
            now=NOW,
        )
        assert mail.outbox == []  # nothing is sent while the transaction is open
    for callback in callbacks:
        callback()
    assert closure.affected_bookings == 2
    for booking in (kept, waiting):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED_BY_CLOSURE
        assert booking.cancelled_at == NOW
    untouched.refresh_from_db()
    assert untouched.status == Booking.Status.CONFIRMED
    inside.refresh_from_db()
    assert inside.closure == closure and inside.is_closed
    assert Booking.objects.count() == 3  # nothing deleted
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [kept.participant.email, waiting.participant.email]
    )
    english = next(m for m in mail.outbox if m.to == [kept.participant.email])
    assert "感染症対策のため" in english.body and "オンライン自習室" in english.body
    assert "closed" in english.body  # English first for English users …
    assert "休" in english.body or "申し訳" in english.body  # … then Japanese


def test_reopen_opens_the_slots_again():
    space = make_space()
    slot = make_slot(space, start=at(2))
    closure = close(space, first_day=at(2).date(), last_day=at(2).date(), reason="x", now=NOW)
    reopen(closure, now=NOW)
    slot.refresh_from_db()
    assert slot.closure is None
    assert book(slot.pk, make_participant(), now=NOW).status == "confirmed"


def test_closing_and_reopening_are_audited_by_the_service_itself():
    """Whoever closes (the admin, a command), the closure's history says who and when."""
    staff = make_user("closer")
    space = make_space()
    closure = close(
        space, first_day=at(2).date(), last_day=at(2).date(), reason="点検", now=NOW, by=staff
    )
    later = NOW + dt.timedelta(hours=1)
    reopen(closure, now=later, by=staff)
    reopen(closure, now=later + dt.timedelta(hours=1), by=staff)  # already open: nothing logged
    logged = ModelLogEntry.objects.filter(object_id=str(closure.pk)).order_by("pk")
    assert [(e.action, e.user, e.timestamp) for e in logged] == [
        ("wagtail.create", staff, NOW),
        ("wagtail.edit", staff, later),
    ]


def test_a_database_locked_too_long_is_busy_on_sqlite_and_other_errors_pass_through():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own message")

    @busy_when_locked
    def stuck(message):
        raise OperationalError(message)

    refused("busy", stuck, "database is locked")  # after settings' "timeout" seconds
    with pytest.raises(OperationalError):
        stuck("no such table: booking_slot")


def test_reopening_one_closure_keeps_an_overlapping_one_closed():
    space = make_space()
    slot = make_slot(space, start=at(3))
    long = close(space, first_day=at(1).date(), last_day=at(7).date(), reason="改修", now=NOW)
    short = close(space, first_day=at(3).date(), last_day=at(3).date(), reason="行事", now=NOW)
    reopen(short, now=NOW)
    slot.refresh_from_db()
    assert slot.closure == long
    refused("closed", book, slot.pk, make_participant(), now=NOW)
    reopen(long, now=NOW)
    slot.refresh_from_db()
    assert slot.closure is None


def test_lowering_capacity_keeps_bookings_but_stops_new_ones():
    slot = make_slot(capacity=3)
    people = [make_participant() for _ in range(3)]
    for person in people:
        book(slot.pk, person, now=NOW)
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    assert slot.bookings.filter(status="confirmed").count() == 3
    refused("full", book, slot.pk, make_participant(), now=NOW)
    # One cancellation does not promote anyone while the slot is still over capacity.
    waiting = book(slot.pk, make_participant(), now=NOW, waitlist=True)
    cancel(slot.bookings.filter(status="confirmed").first(), now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.WAITLISTED


def test_raising_capacity_serves_the_waiting_list_before_newcomers():
    slot = make_slot(capacity=1)
    book(slot.pk, make_participant(), now=NOW)
    waiting = book(slot.pk, make_participant(), now=NOW, waitlist=True)
    Slot.objects.filter(pk=slot.pk).update(capacity=2)
    # The freed place belongs to the person who queued, not to whoever asks next.
    refused("full", book, slot.pk, make_participant(), now=NOW)
    later = book(slot.pk, make_participant(), now=NOW, waitlist=True)
    assert later.status == Booking.Status.WAITLISTED
    assert waitlist_positions([waiting, later]) == {waiting.pk: 1, later.pk: 2}
    slot.refresh_from_db()
    assert promote_waitlisted(slot, now=NOW) == [waiting]


def test_promote_does_nothing_on_closed_or_past_slots():
    slot = make_slot(capacity=1)
    book(slot.pk, make_participant(), now=NOW)
    book(slot.pk, make_participant(), now=NOW, waitlist=True)
    Slot.objects.filter(pk=slot.pk).update(capacity=2)
    slot.refresh_from_db()
    assert promote_waitlisted(slot, now=slot.start) == []
    slot.status = Slot.Status.CANCELLED
    assert promote_waitlisted(slot, now=NOW) == []


class ExplodingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_mail_failure_never_loses_the_booking(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.booking.test_services.ExplodingBackend"
    slot = make_slot(capacity=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking = book(slot.pk, make_participant(), now=NOW)
    assert callbacks  # the mail was attempted …
    booking.refresh_from_db()  # … failed, and the booking stands
    assert booking.status == Booking.Status.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        cancel(booking, now=NOW)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
