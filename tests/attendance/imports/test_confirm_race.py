"""Many clicks on "Confirm" at the same moment, on PostgreSQL (SQLite ignores row locks): the
upload is imported exactly once, and every other click gets a clear refusal, never an error.

Transactional: each thread confirms on its own connection, which it closes at the end.
"""

import threading

import pytest
from django.db import connections
from django.utils import timezone

from attendance.imports.uploads import UploadError, confirm_upload
from attendance.models import Attendance, AttendanceImport
from tests.factories import make_user

from .helpers import GOOD_ROWS, csv_bytes, make_upload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLICKS = 8


def test_simultaneous_confirms_import_once(on_postgres, storage):
    people = [make_user(f"staff{n}", groups=["Staff"]) for n in range(CLICKS)]
    upload = make_upload(storage, csv_bytes(*GOOD_ROWS), by=people[0])
    barrier = threading.Barrier(CLICKS)
    lock = threading.Lock()
    done, refused, crashed = [], [], []

    def click(person):
        try:
            barrier.wait(timeout=30)
            result = confirm_upload(upload.pk, by=person, now=timezone.now())
            with lock:
                done.append(result.state)
        except UploadError as error:
            with lock:
                refused.append(error.code)
        except Exception as error:  # reported by the test, not swallowed
            with lock:
                crashed.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert crashed == []
    assert done == [AttendanceImport.State.IMPORTED]
    assert len(refused) == CLICKS - 1
    assert set(refused) <= {"busy", "already"}
    assert Attendance.objects.count() == 4
    upload.refresh_from_db()
    assert upload.state == AttendanceImport.State.IMPORTED
