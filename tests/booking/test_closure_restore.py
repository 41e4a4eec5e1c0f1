"""Closing shows its effect first; reopening can give back the bookings the closure cancelled,
as many as the places allow, first booked first, each person told by mail, or leave them
cancelled, and says which."""

import datetime as dt

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from booking.models import Booking, Slot
from booking.services import BookingError, book, close, reopen
from booking.services.closures import closure_effect, reopen_effect
from booking.services.notifications import mail_key
from tests.booking.factories import NOW, at, make_participant, make_slot, make_space

pytestmark = pytest.mark.django_db


def bookings_at(slot, count, *, hours_apart=1, **participant):
    """`count` bookings, each an hour after the last (their original booking times)."""
    step = dt.timedelta(hours=hours_apart)
    return [
        book(slot.pk, make_participant(**participant), now=NOW + i * step) for i in range(count)
    ]


def test_the_effect_of_closing_is_counted_before_anything_changes():
    space = make_space()
    first, second, outside = (make_slot(space, start=at(d), capacity=3) for d in (2, 3, 6))
    mine = make_participant()
    book(first.pk, mine, now=NOW)
    book(second.pk, mine, now=NOW)
    book(first.pk, make_participant(contact_email=""), now=NOW)  # no address
    book(second.pk, make_participant(), now=NOW)
    book(outside.pk, make_participant(), now=NOW)

    effect = closure_effect(space, first_day=at(1).date(), last_day=at(4).date(), now=NOW)
    assert [(row.slot, row.bookings) for row in effect.slots] == [(first, 2), (second, 2)]
    assert (effect.bookings, effect.people, effect.mails, effect.unreachable) == (4, 3, 3, 1)
    assert not Booking.objects.exclude(status="confirmed").exists()  # nothing changed
    assert not Slot.objects.filter(closure__isnull=False).exists()


def test_reopening_with_restore_gives_places_back_first_booked_first(
    django_capture_on_commit_callbacks,
):
    space = make_space()
    slot = make_slot(space, start=at(3), capacity=3)
    early, middle, late = bookings_at(slot, 3)
    day = slot.start.date()
    closure = close(space, first_day=day, last_day=day, reason="台風のため", now=NOW)
    Slot.objects.filter(pk=slot.pk).update(capacity=2)  # places cut meanwhile
    assert reopen_effect(closure, now=NOW).restorable == 2
    assert reopen_effect(closure, now=NOW).no_place == 1
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        reopened = reopen(closure, now=NOW + dt.timedelta(days=1), restore=True)

    assert [b.pk for b in reopened.restored] == [early.pk, middle.pk]
    assert reopened.kept_cancelled == 1
    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {early.pk: "confirmed", middle.pk: "confirmed", late.pk: "closed"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [early.participant.email, middle.participant.email]
    )
    for message in mail.outbox:
        assert "予約が元に戻りました" in message.subject
        booking = early if message.to == [early.participant.email] else middle
        assert booking.code in message.body
        assert message.extra_headers["X-Manabiba-Key"] == mail_key(
            booking.pk, "restored", str(closure.pk)
        )
    entry = ModelLogEntry.objects.get(object_id=str(closure.pk), action="wagtail.edit")
    assert (entry.data["restored"], entry.data["kept_cancelled"]) == (2, 1)


def test_reopening_without_restore_leaves_them_cancelled_and_says_how_many(
    django_capture_on_commit_callbacks,
):
    space = make_space()
    slot = make_slot(space, start=at(3), capacity=3)
    booked = bookings_at(slot, 2)
    day = slot.start.date()
    closure = close(space, first_day=day, last_day=day, reason="x", now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reopened = reopen(closure, now=NOW)
    assert (reopened.restored, reopened.kept_cancelled) == ([], 2)
    assert mail.outbox == []
    assert all(Booking.objects.get(pk=b.pk).status == "closed" for b in booked)
    slot.refresh_from_db()
    assert not slot.is_closed


def test_someone_who_rebooked_elsewhere_keeps_one_place_and_another_closure_stays_closed():
    space = make_space()
    open_again, still_closed = make_slot(space, start=at(3)), make_slot(space, start=at(5))
    person = make_participant()
    first = book(open_again.pk, person, now=NOW)
    second = book(still_closed.pk, make_participant(), now=NOW)
    closure = close(space, first_day=at(3).date(), last_day=at(5).date(), reason="x", now=NOW)
    close(space, first_day=at(5).date(), last_day=at(5).date(), reason="y", now=NOW)
    reopened = reopen(closure, now=NOW, restore=True)
    assert [b.pk for b in reopened.restored] == [first.pk]
    second.refresh_from_db()
    assert second.status == Booking.Status.CANCELLED_BY_CLOSURE  # its slot is still closed
    assert reopened.kept_cancelled == 0  # counted where it opens only
    first.refresh_from_db()
    assert first.status == "confirmed" and first.cancelled_by_closure is None
    with pytest.raises(BookingError) as again:
        book(open_again.pk, person, now=NOW)
    assert again.value.code == "already_booked"


def test_a_booking_given_back_and_closed_again_is_told_again(django_capture_on_commit_callbacks):
    """The closure mail's key carries the closure: a second closure is a second mail."""
    space = make_space()
    slot = make_slot(space, start=at(3))
    [booking] = bookings_at(slot, 1)
    day = slot.start.date()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = close(space, first_day=day, last_day=day, reason="一度目", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        reopen(first, now=NOW, restore=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = close(space, first_day=day, last_day=day, reason="二度目", now=NOW)
    keys = [m.extra_headers["X-Manabiba-Key"] for m in mail.outbox]
    assert keys == [
        mail_key(booking.pk, "closure", str(first.pk)),
        mail_key(booking.pk, "restored", str(first.pk)),
        mail_key(booking.pk, "closure", str(second.pk)),
    ]
    assert "二度目" in mail.outbox[2].body
