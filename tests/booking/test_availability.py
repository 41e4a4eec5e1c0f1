"""A slot's state for a participant at a moment (`booking.services.slot_state`): every state, its
edges, and the booking window it shares with `book()`."""

import datetime as dt

import pytest

from booking.models import Booking, Slot
from booking.services import Availability, BookingError, book, slot_state
from booking.services.availability import too_early
from tests.booking.factories import NOW, TOKYO, at, make_participant, make_slot, make_space

ADVANCE = 14


def slot(start=None, *, minutes=120, capacity=5, **fields) -> Slot:
    """An unsaved slot: the state needs no database."""
    start = start or at(1)
    return Slot(start=start, end=start + dt.timedelta(minutes=minutes), capacity=capacity, **fields)


def state_of(a_slot, *, now=NOW, confirmed=0, advance_days=ADVANCE, **kwargs):
    return slot_state(a_slot, now=now, confirmed=confirmed, advance_days=advance_days, **kwargs)


def test_open_with_the_places_left():
    state = state_of(slot(capacity=5), confirmed=2)
    assert state.state == Availability.OPEN == "open"
    assert state.places_left == 3
    assert state.opens_on is None and state.my_booking is None
    assert not state.started and not state.ended


def test_full_when_every_place_is_confirmed():
    assert state_of(slot(capacity=3), confirmed=2).state == Availability.OPEN
    full = state_of(slot(capacity=3), confirmed=3)
    assert (full.state, full.places_left) == (Availability.FULL, 0)
    # Capacity lowered below the bookings already made: still full, never a negative count.
    over = state_of(slot(capacity=1), confirmed=2)
    assert (over.state, over.places_left) == (Availability.FULL, 0)


def test_closed_by_a_closure_or_cancelled():
    assert state_of(slot(closure_id=1)).state == Availability.CLOSED
    assert state_of(slot(status=Slot.Status.CANCELLED)).state == Availability.CLOSED
    # A closed slot's places do not matter, nor does the booking window.
    assert state_of(slot(closure_id=1, capacity=1), confirmed=1).state == Availability.CLOSED
    assert state_of(slot(at(ADVANCE + 5), closure_id=1)).state == Availability.CLOSED


def test_in_progress_from_the_start_until_the_end():
    running = slot(NOW - dt.timedelta(hours=1), minutes=120)
    state = state_of(running)
    assert state.state == Availability.IN_PROGRESS
    assert state.started and not state.ended
    starting_now = state_of(slot(NOW, minutes=60))
    assert starting_now.state == Availability.IN_PROGRESS
    # One microsecond before the start it is still bookable.
    assert state_of(slot(NOW, minutes=60), now=NOW - dt.timedelta(microseconds=1)).state == "open"


def test_past_once_it_ended():
    ended_now = state_of(slot(NOW - dt.timedelta(hours=2), minutes=120))
    assert ended_now.state == Availability.PAST
    assert ended_now.started and ended_now.ended
    assert state_of(slot(at(-3))).state == Availability.PAST


def test_started_wins_over_closed():
    assert state_of(slot(at(-3), closure_id=1)).state == Availability.PAST
    running = slot(NOW - dt.timedelta(minutes=5), status=Slot.Status.CANCELLED)
    assert state_of(running).state == Availability.IN_PROGRESS


def test_bookable_exactly_advance_days_ahead_and_not_a_day_more():
    last_day = state_of(slot(at(ADVANCE, 23, 30)))
    assert last_day.state == Availability.OPEN
    beyond = state_of(slot(at(ADVANCE + 1, 0, 0)))
    assert beyond.state == Availability.NOT_YET_BOOKABLE == "not_yet_bookable"
    assert beyond.opens_on == NOW.date() + dt.timedelta(days=1)
    assert not beyond.started


def test_the_window_counts_tokyo_days_not_utc_days():
    # 00:30 in Tokyo is still the day before in UTC: the window is counted in local days.
    early_morning = at(ADVANCE + 1, 0, 30)
    assert early_morning.astimezone(dt.UTC).date() == NOW.date() + dt.timedelta(days=ADVANCE)
    assert state_of(slot(early_morning)).state == Availability.NOT_YET_BOOKABLE
    # Just after midnight in Tokyo (still yesterday in UTC), the new day's window is open.
    past_midnight = dt.datetime.combine(NOW.date(), dt.time(0, 30), tzinfo=TOKYO)
    assert past_midnight.astimezone(dt.UTC).date() == NOW.date() - dt.timedelta(days=1)
    assert state_of(slot(at(ADVANCE, 23)), now=past_midnight).state == Availability.OPEN


def test_not_yet_bookable_wins_over_full():
    state = state_of(slot(at(ADVANCE + 2), capacity=1), confirmed=1)
    assert state.state == Availability.NOT_YET_BOOKABLE
    assert state.opens_on == NOW.date() + dt.timedelta(days=2)


def test_the_participants_booking_is_carried_along_and_changes_no_state():
    mine = Booking(status=Booking.Status.CONFIRMED)
    state = state_of(slot(capacity=1), confirmed=1, booked_by_me=mine)
    assert state.state == Availability.FULL and state.my_booking is mine


@pytest.mark.parametrize(
    "day, hour, expected",
    [(0, 23, False), (ADVANCE, 0, False), (ADVANCE, 23, False), (ADVANCE + 1, 0, True)],
)
def test_too_early(day, hour, expected):
    assert too_early(at(day, hour), now=NOW, advance_days=ADVANCE) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("advance_days", [1, 3, 14])
def test_book_refuses_exactly_the_slots_shown_not_yet_bookable(advance_days):
    space = make_space(advance_days=advance_days)
    last_day = make_slot(space, start=at(advance_days, 9))
    beyond = make_slot(space, start=at(advance_days + 1, 9))

    assert state_of(last_day, advance_days=advance_days).state == Availability.OPEN
    assert book(last_day.pk, make_participant(), now=NOW).status == Booking.Status.CONFIRMED

    assert state_of(beyond, advance_days=advance_days).state == Availability.NOT_YET_BOOKABLE
    with pytest.raises(BookingError) as refused:
        book(beyond.pk, make_participant(), now=NOW)
    assert refused.value.code == "too_early"
