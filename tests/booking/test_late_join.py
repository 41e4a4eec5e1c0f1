"""The open study space can be joined while it is open: a time under way stays bookable until
the space's cut-off before its end, and reads "open now". A programme's session cannot be
joined once it has started."""

import datetime as dt

import pytest
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import Availability, BookingError, book, close, slot_state
from booking.web.week import DayView, cache_seconds
from tests.booking.api_helpers import post_booking
from tests.booking.factories import NOW, TOKYO, make_participant, make_slot, make_space
from tests.factories import make_program

pytestmark = pytest.mark.django_db

FOUR = dt.datetime.combine(NOW.date(), dt.time(16), tzinfo=TOKYO)  # today's 16:00–19:00


def at_time(hour, minute=0, second=0):
    return dt.datetime.combine(NOW.date(), dt.time(hour, minute, second), tzinfo=TOKYO)


def state_at(slot, now, *, confirmed=0, owner=None):
    owner = owner or slot.owner
    return slot_state(
        slot,
        now=now,
        confirmed=confirmed,
        advance_days=owner.advance_days,
        join_until_minutes_before_end=owner.join_until_minutes_before_end,
    )


def refused(code, *args, **kwargs):
    with pytest.raises(BookingError) as info:
        book(*args, **kwargs)
    assert info.value.code == code and info.value.message
    return info.value


def test_a_space_time_under_way_is_open_now_until_its_cut_off():
    space = make_space()  # joining closes 30 minutes before the end, by default
    assert space.join_until_minutes_before_end == 30
    slot = make_slot(space, start=FOUR, minutes=180, capacity=12)
    assert state_at(slot, at_time(15, 59)).state == Availability.OPEN
    for moment in (at_time(16), at_time(17, 45), at_time(18, 29, 59)):
        state = state_at(slot, moment, confirmed=3)
        assert (state.state, state.places_left) == (Availability.OPEN_NOW, 9), moment
        assert state.started and not state.ended
        assert state.closes_at == at_time(18, 30)
    assert state_at(slot, at_time(18, 30)).state == Availability.IN_PROGRESS
    assert state_at(slot, at_time(19)).state == Availability.PAST


def test_under_way_but_full_or_closed_is_not_open_now():
    space = make_space(join_until_minutes_before_end=60)
    slot = make_slot(space, start=FOUR, minutes=180, capacity=2)
    assert state_at(slot, at_time(17), confirmed=2).state == Availability.IN_PROGRESS
    slot.status = Slot.Status.CANCELLED
    assert state_at(slot, at_time(17)).state == Availability.IN_PROGRESS
    assert state_at(make_slot(space, start=FOUR + dt.timedelta(days=1)), at_time(17)).state == (
        Availability.OPEN
    )


def test_a_programme_session_is_never_open_once_started(index):
    program = make_program(index, schedule=None, start_time=None)
    slot = make_slot(program, start=FOUR, minutes=180)
    assert program.join_until_minutes_before_end is None
    assert state_at(slot, at_time(16)).state == Availability.IN_PROGRESS
    assert state_at(slot, at_time(15, 59)).state == Availability.OPEN
    refused("too_late", slot.pk, make_participant(), now=at_time(16))
    refused("too_late", slot.pk, make_participant(), now=at_time(17))


def test_book_takes_a_place_until_the_cut_off_and_refuses_after():
    slot = make_slot(make_space(), start=FOUR, minutes=180, capacity=5)
    joined = book(slot.pk, make_participant(), now=at_time(17, 30))
    assert joined.status == Booking.Status.CONFIRMED and joined.created_at == at_time(17, 30)
    assert book(slot.pk, make_participant(), now=at_time(18, 29, 59)).status == "confirmed"
    refused("too_late", slot.pk, make_participant(), now=at_time(18, 30))
    # Cancelling stays a rule of the start: a place taken while it runs is not given up.
    from booking.services import cancel

    with pytest.raises(BookingError) as info:
        cancel(joined, now=at_time(17, 40))
    assert info.value.code == "too_late"


def test_a_cut_off_longer_than_the_time_means_no_joining_at_all():
    slot = make_slot(make_space(join_until_minutes_before_end=240), start=FOUR, minutes=180)
    assert state_at(slot, at_time(16)).state == Availability.IN_PROGRESS
    refused("too_late", slot.pk, make_participant(), now=at_time(16))


def test_a_full_space_under_way_has_no_waiting_list():
    slot = make_slot(make_space(), start=FOUR, minutes=180, capacity=1)
    book(slot.pk, make_participant(), now=at_time(16, 10))
    error = refused("full_now", slot.pk, make_participant(), now=at_time(16, 20), waitlist=True)
    assert "waiting list" not in error.message
    assert Booking.objects.filter(slot=slot).count() == 1


def test_a_closed_space_under_way_refuses():
    space = make_space()
    slot = make_slot(space, start=FOUR, minutes=180)
    close(space, first_day=NOW.date(), last_day=NOW.date(), reason="点検", now=at_time(15))
    refused("closed", slot.pk, make_participant(), now=at_time(17))


def test_a_rendered_week_expires_when_joining_closes():
    slot = make_slot(make_space(), start=FOUR, minutes=180)
    day = DayView(NOW.date(), [state_at(slot, at_time(17))])
    assert cache_seconds([day], now=at_time(18, 29)) == 60  # until 18:30, the cut-off
    assert cache_seconds([day], now=at_time(18, 59), longest=600) == 60  # until the end


def test_the_api_lists_it_open_and_books_it(student, client_of, client):
    space = make_space()
    now = timezone.now()
    running = make_slot(space, start=now - dt.timedelta(hours=1), minutes=180, capacity=4)
    day = timezone.localtime(running.start).date()
    items = client.get(f"/api/v1/slots?start={day}&end={day}&space={space.slug}").json()
    [item] = [i for i in items if i["id"] == running.pk]
    assert (item["status"], item["available"]) == ("open", 4)
    response = post_booking(client_of, {"slot_id": running.pk})
    assert response.status_code == 201 and response.json()["status"] == "confirmed"
