"""A lock that cannot be had within the lock timeout gives BookingError("busy"), on PostgreSQL.

Another thread holds the slot's row lock in an open transaction (as a stuck request or a long
closure would) while the rule under test runs on the main thread's connection. The timeout is
lowered to TIMEOUT_MS so that the tests are quick; each test also shows that the wait ended
near the timeout, not when the holder let go.
"""

import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import BookingError, book, cancel, close
from tests.booking.api_helpers import api_client, assert_error, post_booking, soon
from tests.booking.factories import NOW, make_participant, make_slot, make_space

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT_MS = 300
HOLD_SECONDS = 20  # far longer than the timeout: a rule that waited for it would be seen


@pytest.fixture(autouse=True)
def short_timeout(settings):
    settings.BOOKING_LOCK_TIMEOUT_MS = TIMEOUT_MS


@contextmanager
def slot_locked_elsewhere(slot: Slot):
    """Lock the slot's row from another connection until the block ends."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(Slot.objects.select_for_update().filter(pk=slot.pk))
                locked.set()
                release.wait(timeout=HOLD_SECONDS)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=10), "the holder never got the lock"
        yield
    finally:
        release.set()
        holder.join(timeout=HOLD_SECONDS + 10)


def refused_busy(call) -> float:
    """Run `call`, expect "busy", and return how long it took (seconds)."""
    started = time.monotonic()
    with pytest.raises(BookingError) as error:
        call()
    elapsed = time.monotonic() - started
    assert error.value.code == "busy"
    assert error.value.message
    return elapsed


def assert_near_the_timeout(elapsed: float) -> None:
    assert TIMEOUT_MS / 1000 * 0.9 <= elapsed < TIMEOUT_MS / 1000 + 2, elapsed


def test_booking_a_slot_locked_too_long_is_busy_then_works_once_free(on_postgres):
    slot = make_slot(capacity=5)
    person = make_participant()
    with slot_locked_elsewhere(slot):
        elapsed = refused_busy(lambda: book(slot.pk, person, now=NOW))
    assert_near_the_timeout(elapsed)
    assert not Booking.objects.exists()  # the refused transaction left nothing behind
    assert book(slot.pk, person, now=NOW).status == Booking.Status.CONFIRMED


def test_cancelling_on_a_slot_locked_too_long_is_busy(on_postgres):
    slot = make_slot(capacity=5)
    booking = book(slot.pk, make_participant(), now=NOW)
    with slot_locked_elsewhere(slot):
        elapsed = refused_busy(lambda: cancel(booking.pk, now=NOW))
    assert_near_the_timeout(elapsed)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_closing_a_slot_locked_too_long_is_busy(on_postgres):
    space = make_space()
    slot = make_slot(space)
    day = timezone.localdate(slot.start)
    with slot_locked_elsewhere(slot):
        elapsed = refused_busy(
            lambda: close(space, first_day=day, last_day=day, reason="点検", now=NOW)
        )
    assert_near_the_timeout(elapsed)
    slot.refresh_from_db()
    assert slot.closure is None


def test_the_api_answers_503_with_retry_after(on_postgres):
    slot = make_slot(start=soon(1), capacity=5)
    client = api_client(make_participant(with_user=True).user)
    with slot_locked_elsewhere(slot):
        started = time.monotonic()
        response = post_booking(client, {"slot_id": slot.pk})
        elapsed = time.monotonic() - started
    assert_error(response, 503, "busy")
    assert response["Retry-After"] == "3"
    assert elapsed < TIMEOUT_MS / 1000 + 2, elapsed
    assert post_booking(client, {"slot_id": slot.pk}).status_code == 201
