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
