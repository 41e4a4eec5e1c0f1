"""Two syncs of one owner at once (cron on two hosts, or cron and an editor saving), on
PostgreSQL: both finish, every slot exists once, and the counts add up to the slots made.

Both threads have read the (empty) list of existing slots before either inserts: a barrier at
the first period each one handles makes the race happen every time, not by luck.
"""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.db.models import Count

from booking.models import OpeningHours, Slot
from booking.services import slots as slot_services
from booking.services.opening_hours import apply_opening_hours
from booking.services.slots import sync_owner_slots
from tests.booking.factories import NOW, make_space

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_syncs_racing_both_finish_without_duplicates(on_postgres, monkeypatch):
    space = make_space(capacity=8)
    OpeningHours.objects.create(
        space=space,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        opens=dt.time(16),
        closes=dt.time(19),
        valid_from=NOW.date(),
    )
    apply_opening_hours(space, now=NOW)
    expected = Slot.objects.filter(space=space, start__gt=NOW).count()
    assert expected > 20
    Slot.objects.filter(space=space).delete()

    barrier = threading.Barrier(2)
    seen = threading.local()
    closure_for = slot_services._closure_for

    def closure_for_after_both_read(day, closures):
        if not getattr(seen, "first", False):
            seen.first = True
            barrier.wait(timeout=30)
        return closure_for(day, closures)

    monkeypatch.setattr(slot_services, "_closure_for", closure_for_after_both_read)
    results, errors = [], []
    lock = threading.Lock()

    def run():
        try:
            counts = sync_owner_slots(space, now=NOW)
            with lock:
                results.append(counts)
        except Exception as error:  # reported by the assertion below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert errors == []
    assert len(results) == 2
    assert sum(counts["created"] for counts in results) == expected
    slots = Slot.objects.filter(space=space)
    assert slots.count() == expected
    assert not slots.values("start").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_a_booking_made_while_the_sync_waits_for_its_slot_is_moved_with_a_mail(on_postgres):
    """New hours shorten a time that someone is booking right now: the sync waits for the
    slot's lock, then counts the bookings by a statement of its own, so the new booking is moved
    with a mail, not silently (one statement would count from before its wait)."""
    from django.core import mail
    from django.db import transaction

    from booking.models import Booking
    from booking.services import book
    from tests.booking.factories import make_participant

    space = make_space(capacity=8)
    hours = OpeningHours.objects.create(
        space=space, weekdays=[0, 1, 2, 3, 4, 5, 6], opens=dt.time(16), closes=dt.time(19),
        valid_from=NOW.date(),
    )  # fmt: skip
    apply_opening_hours(space, now=NOW)
    slot = Slot.objects.filter(space=space).earliest("start")
    person = make_participant()
    locked, release = threading.Event(), threading.Event()
    results, errors = {}, []

    def booking_in_progress():
        try:
            with transaction.atomic():
                results["booking"] = book(slot.pk, person, now=NOW)
                locked.set()
                release.wait(timeout=30)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    def new_hours():
        try:
            hours.closes = dt.time(18)
            hours.save()
            results["changes"] = apply_opening_hours(space, now=NOW)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    mail.outbox.clear()
    booker = threading.Thread(target=booking_in_progress)
    booker.start()
    assert locked.wait(timeout=30)
    syncer = threading.Thread(target=new_hours)
    syncer.start()
    syncer.join(timeout=0.5)  # it waits for the slot's lock (within the lock timeout)
    assert syncer.is_alive()
    release.set()
    for thread in (booker, syncer):
        thread.join(timeout=60)
    assert errors == []

    changes = results["changes"]
    assert (changes["moved"], changes["told"]) == (1, 1)
    booking = Booking.objects.select_related("slot").get(pk=results["booking"].pk)
    assert booking.status == "confirmed" and booking.slot.sequence == 1
    subjects = [(m.to, m.subject) for m in mail.outbox]
    assert [to for to, _ in subjects] == [[person.email], [person.email]]  # booked, then moved
