"""The yearly report shared between readers (attendance.services.reports.
shared_fiscal_year_report): computed once, then served from the cache until a visit, an outcome,
a school, a booking or a minute changes it."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attendance.services.reports import SHARED_REPORT_TIMEOUT, shared_fiscal_year_report
from booking.services.bookings import book
from core.time import fiscal_year_of, local_date
from tests.attendance.factories import make_participant, make_school, make_slot, make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sharing_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


def report(now=None):
    now = now or timezone.now()
    with CaptureQueriesContext(connection) as queries:
        figures = shared_fiscal_year_report(fiscal_year_of(local_date(now)), now=now)
    return figures, len(queries)


def test_computed_once_then_shared(django_capture_on_commit_callbacks):
    participant = make_participant()
    make_visit(participant, local_date(timezone.now()))
    first, asked = report()
    again, asked_again = report()
    assert asked > 0 and asked_again == 0
    assert again == first and first["total_visits"] == 1


def test_a_new_visit_outcome_or_school_is_counted_at_once(django_capture_on_commit_callbacks):
    participant = make_participant()
    today = local_date(timezone.now())
    make_visit(participant, today)
    assert report()[0]["total_visits"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_visit(make_participant(), today)
    figures, asked = report()
    assert asked > 0 and figures["total_visits"] == 2 and figures["unique_participants"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        make_school("益田翔陽高校")
    figures, asked = report()
    assert asked > 0 and "益田翔陽高校" in figures["by_school"]


def test_a_booking_moves_it_and_so_does_a_minute(django_capture_on_commit_callbacks):
    now = timezone.now()
    slot = make_slot(start=now + dt.timedelta(days=1))
    report(now)
    assert report(now)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        book(slot.pk, make_participant(), now=now)
    assert report(now)[1] > 0
    assert report(now)[1] == 0
    with time_machine.travel(now + dt.timedelta(seconds=SHARED_REPORT_TIMEOUT + 1), tick=False):
        assert report()[1] > 0


def test_an_import_is_counted_at_once(django_capture_on_commit_callbacks):
    from attendance.services.importing import import_attendance

    now = timezone.now()
    day = local_date(now) - dt.timedelta(days=1)
    assert report(now)[0]["total_visits"] == 0
    data = f"participant,school,date,kind\nP-1,,{day.isoformat()},study_space\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        import_attendance(data, now=now)
    figures, asked = report(now)
    assert asked > 0 and figures["total_visits"] == 1
