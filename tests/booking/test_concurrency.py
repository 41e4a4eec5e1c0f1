"""Capacity under concurrency, on PostgreSQL (SQLite ignores select_for_update).

Every thread waits at a barrier, then calls `book()` at the same moment on its own database
connection, which it closes at the end. The control test runs the same race with the lock off
and shows that it overbooks: the lock is what keeps capacity, not luck.

Transactional tests empty the database; `serialized_rollback` puts back what migrations
created (Wagtail's root and home pages) for the tests that run after these.
"""

import threading

import pytest
from django.db import connections
from django.utils import timezone

from booking.models import Booking
from booking.services import BookingError, book, cancel, close
from tests.booking.factories import NOW, at, make_participant, make_slot, make_space

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 32


def race(calls):
    """Run each zero-argument callable in its own thread, all released at once. Returns
    (successes, BookingError codes, other exceptions)."""
    barrier = threading.Barrier(len(calls))
    lock = threading.Lock()
    done, refused, crashed = [], [], []

    def run(call):
        try:
            barrier.wait(timeout=30)
            result = call()
            with lock:
                done.append(result)
        except BookingError as error:
            with lock:
                refused.append(error.code)
        except Exception as error:  # reported by the test, not swallowed
            with lock:
                crashed.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return done, refused, crashed


def test_thirty_two_students_race_for_five_places(on_postgres):
    slot = make_slot(capacity=5)
    people = [make_participant() for _ in range(THREADS)]
    done, refused, crashed = race([lambda p=p: book(slot.pk, p, now=NOW) for p in people])
    assert crashed == []
    assert len(done) == 5
    assert refused == ["full"] * (THREADS - 5)
    assert slot.bookings.filter(status=Booking.Status.CONFIRMED).count() == 5


def test_waitlist_race_keeps_five_confirmed_and_queues_the_rest(on_postgres):
    slot = make_slot(capacity=5)
    people = [make_participant() for _ in range(THREADS)]
    done, refused, crashed = race(
        [lambda p=p: book(slot.pk, p, now=NOW, waitlist=True) for p in people]
    )
    assert crashed == [] and refused == []
    statuses = sorted(b.status for b in done)
    assert statuses.count("confirmed") == 5
    assert statuses.count("waitlisted") == THREADS - 5


def test_without_the_lock_the_same_race_overbooks(on_postgres):
    """The control: recount-then-insert without the row lock lets concurrent transactions all
    see free places. Several rounds make the race certain enough for CI: a round where the
    scheduler happens to serialise the threads does not end the test."""
    overbooked = []
    for _ in range(5):
        slot = make_slot(make_space(), capacity=5)
        people = [make_participant() for _ in range(THREADS)]
        done, refused, crashed = race(
            [lambda p=p, s=slot: book(s.pk, p, now=NOW, lock=False) for p in people]
        )
        assert crashed == []
        confirmed = slot.bookings.filter(status=Booking.Status.CONFIRMED).count()
        overbooked.append(confirmed)
        if confirmed > 5:
            break
    assert max(overbooked) > 5, overbooked


def test_one_student_firing_ten_bookings_gets_exactly_the_limit(on_postgres):
    space = make_space(max_future_bookings=5)
    slots = [make_slot(space, start=at(day)) for day in range(1, 11)]
    person = make_participant()
    done, refused, crashed = race([lambda s=s: book(s.pk, person, now=NOW) for s in slots])
    assert crashed == []
    assert len(done) == 5
    assert refused == ["limit_reached"] * 5
    assert Booking.objects.filter(participant=person, status="confirmed").count() == 5


def test_cancellations_and_bookings_racing_on_one_slot_keep_the_waiting_list_order(on_postgres):
    """Cancelling locks the slot, then the booking and the waiting list, in one statement;
    booking locks the participant, then the slot. Fired together they finish without a
    deadlock, nobody is promoted twice, and the waiting list moves up in order."""
    slot = make_slot(capacity=5)
    holders = [book(slot.pk, make_participant(), now=NOW) for _ in range(5)]
    in_line = [book(slot.pk, make_participant(), now=NOW, waitlist=True) for _ in range(8)]
    newcomers = [make_participant() for _ in range(8)]
    calls = [lambda b=b: cancel(b.pk, now=NOW, user=None) for b in holders]
    calls += [lambda p=p: book(slot.pk, p, now=NOW, waitlist=True) for p in newcomers]
    done, refused, crashed = race(calls)
    assert crashed == [] and refused == []
    confirmed = list(slot.bookings.filter(status=Booking.Status.CONFIRMED))
    assert len(confirmed) == 5
    # The five who waited longest got the five places: the newcomers queue behind them.
    assert {b.pk for b in confirmed} == {b.pk for b in in_line[:5]}
    assert slot.bookings.filter(status=Booking.Status.WAITLISTED).count() == 3 + 8


def test_a_student_cancelling_twice_at_once_cancels_once(on_postgres):
    slot = make_slot(capacity=1)
    mine = book(slot.pk, make_participant(with_user=True), now=NOW)
    waiting = book(slot.pk, make_participant(), now=NOW, waitlist=True)
    user = mine.participant.user
    done, refused, crashed = race([lambda: cancel(mine.pk, now=NOW, user=user)] * 6)
    assert crashed == []
    assert len(done) == 1 and refused == ["not_active"] * 5
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert slot.bookings.filter(status=Booking.Status.CONFIRMED).count() == 1


def test_a_closure_racing_with_cancellations_and_bookings_closes_everything(on_postgres):
    """Closing takes the slots' locks, then their bookings', like cancelling: no deadlock,
    and whatever ran first, nothing stays active on the closed slot."""
    space = make_space()
    slot = make_slot(space, capacity=5)
    holders = [book(slot.pk, make_participant(), now=NOW) for _ in range(5)]
    for _ in range(4):
        book(slot.pk, make_participant(), now=NOW, waitlist=True)
    day = timezone.localdate(slot.start)
    calls = [lambda b=b: cancel(b.pk, now=NOW) for b in holders]
    calls += [lambda: book(slot.pk, make_participant(), now=NOW, waitlist=True) for _ in range(4)]
    calls.append(lambda: close(space, first_day=day, last_day=day, reason="点検", now=NOW))
    done, refused, crashed = race(calls)
    assert crashed == []
    assert set(refused) <= {"closed", "not_active"}
    assert not slot.bookings.filter(status__in=Booking.ACTIVE).exists()
    assert slot.bookings.filter(status=Booking.Status.CANCELLED_BY_CLOSURE).exists()
