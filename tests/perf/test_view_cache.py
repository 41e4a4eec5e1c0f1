"""Week views and the slots API are cached for anonymous visitors, and a booking shows at once."""

import datetime as dt

import pytest
from django.utils import timezone

from booking.services import book, cancel
from cms.page_cache import HEADER
from tests.booking.factories import at, make_participant, make_slot, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot():
    now = timezone.now()
    return make_slot(make_space(slug="library"), start=at(1, now=now), capacity=3)


def slots_url(slot):
    day = timezone.localdate(slot.start)
    return f"/api/v1/slots?start={day}&end={day + dt.timedelta(days=1)}"


def available(client, slot):
    response = client.get(slots_url(slot))
    assert response.status_code == 200
    [item] = [s for s in response.json() if s["id"] == slot.pk]
    return response, item["available"]


def test_slots_api_is_cached_until_a_booking_changes_availability(
    client, slot, django_capture_on_commit_callbacks
):
    response, places = available(client, slot)
    assert response[HEADER] == "miss" and places == 3
    response, places = available(client, slot)
    assert response[HEADER] == "hit" and places == 3

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(slot.pk, make_participant(), now=timezone.now())
    response, places = available(client, slot)
    assert response[HEADER] == "miss" and places == 2

    with django_capture_on_commit_callbacks(execute=True):
        cancel(booking, now=timezone.now())
    assert available(client, slot)[1] == 3


def test_week_view_shows_places_left_after_a_booking(
    client, slot, django_capture_on_commit_callbacks
):
    week = f"/space/library/?week={timezone.localdate(slot.start)}"
    first = client.get(week)
    assert first.status_code == 200 and first[HEADER] == "miss"
    second = client.get(week)
    assert second[HEADER] == "hit" and second.content == first.content

    with django_capture_on_commit_callbacks(execute=True):
        book(slot.pk, make_participant(), now=timezone.now())
    third = client.get(week)
    assert third[HEADER] == "miss" and third.content != first.content


def test_week_view_for_a_student_is_personal_and_never_shared(client, slot):
    student = make_participant(with_user=True)
    client.get("/space/library/")
    client.force_login(student.user)
    seen = []
    for _ in range(3):
        response = client.get("/space/library/")
        assert response.status_code == 200
        # Their own copy (cms/personal_cache.py) once their browser holds a CSRF cookie;
        # never the anonymous one.
        seen.append(response.get(HEADER))
        # Logged in: real booking forms with this student's CSRF token.
        assert "csrfmiddlewaretoken" in response.content.decode()
    assert seen == [None, "miss-personal", "hit-personal"]


def test_api_errors_and_unknown_parameters_are_not_cached(client, slot):
    for _ in range(2):
        bad = client.get("/api/v1/slots?start=2026-13-01&end=2026-01-01")
        assert bad.status_code in (400, 422) and HEADER not in bad
        odd = client.get(slots_url(slot) + "&callback=x")
        assert HEADER not in odd
