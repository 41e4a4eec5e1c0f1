"""POST/DELETE /api/v1/bookings and GET of my bookings: every error code, bad input,
permissions, CSRF and query counts."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Booking
from booking.services import book, close
from tests.booking.api_helpers import (
    JAPANESE,
    OFFSET,
    api_client,
    assert_error,
    post_booking,
    soon,
)
from tests.booking.factories import make_participant, make_slot, make_space

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------- POST /api/v1/bookings


def test_book_confirmed_then_waitlisted(client_of):
    slot = make_slot(start=soon(1), capacity=1)
    response = post_booking(client_of, {"slot_id": slot.pk})
    assert response.status_code == 201
    created = response.json()
    assert set(created) == {"id", "slot_id", "status"}
    assert created["slot_id"] == slot.pk and created["status"] == "confirmed"

    other = api_client(make_participant(with_user=True).user)
    assert_error(post_booking(other, {"slot_id": slot.pk}), 409, "full")
    waiting = post_booking(other, {"slot_id": slot.pk, "waitlist": True})
    assert waiting.status_code == 201 and waiting.json()["status"] == "waitlisted"


def test_every_refusal_is_a_409_with_its_code(student, client_of):
    space = make_space(advance_days=14, max_future_bookings=2)
    free = make_slot(space, start=soon(1))
    assert post_booking(client_of, {"slot_id": free.pk}).status_code == 201
    assert_error(post_booking(client_of, {"slot_id": free.pk}), 409, "already_booked")

    full = make_slot(space, start=soon(2), capacity=1)
    book(full.pk, make_participant(), now=timezone.now())
    assert_error(post_booking(client_of, {"slot_id": full.pk}), 409, "full")

    closed = make_slot(space, start=soon(3))
    close(space, first_day=soon(3).date(), last_day=soon(3).date(), reason="x", now=timezone.now())
    assert_error(post_booking(client_of, {"slot_id": closed.pk}), 409, "closed")

    # Started, and its last half hour (the space's cut-off): no joining any more.
    started = make_slot(space, start=timezone.now() - dt.timedelta(minutes=5), minutes=30)
    assert_error(post_booking(client_of, {"slot_id": started.pk}), 409, "too_late")

    far = make_slot(space, start=soon(20))
    body = assert_error(post_booking(client_of, {"slot_id": far.pk}), 409, "too_early")
    assert "14" in body["detail"]

    assert (
        post_booking(client_of, {"slot_id": make_slot(space, start=soon(4)).pk}).status_code == 201
    )
    body = assert_error(
        post_booking(client_of, {"slot_id": make_slot(space, start=soon(5)).pk}),
        409,
        "limit_reached",
    )
    assert JAPANESE.search(body["detail"])  # Japanese by default


def test_unknown_slot_is_404(client_of):
    assert_error(post_booking(client_of, {"slot_id": 999999}), 404, "not_found")


def test_anonymous_gets_401_with_or_without_a_csrf_token():
    slot = make_slot(start=soon(1))
    assert_error(post_booking(api_client(), {"slot_id": slot.pk}), 401, "not_authenticated")
    bare = Client(enforce_csrf_checks=True)
    assert_error(post_booking(bare, {"slot_id": slot.pk}), 401, "not_authenticated")
    assert_error(bare.get("/api/v1/bookings"), 401, "not_authenticated")
    assert_error(bare.delete("/api/v1/bookings/1"), 401, "not_authenticated")
    assert not Booking.objects.exists()


def test_writes_need_the_csrf_token(student):
    slot = make_slot(start=soon(1))
    client = Client(enforce_csrf_checks=True)
    client.force_login(student.user)
    assert_error(post_booking(client, {"slot_id": slot.pk}), 403, "csrf_failed")
    assert not Booking.objects.exists()
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    assert post_booking(client, {"slot_id": slot.pk}, HTTP_X_CSRFTOKEN=token).status_code == 201
    assert client.get("/api/v1/bookings").status_code == 200  # reads need no token


def test_staff_without_a_participant_profile():
    staff = get_user_model().objects.create_user("staff1", is_staff=True, password="x")
    client = api_client(staff)
    slot = make_slot(start=soon(1))
    assert_error(post_booking(client, {"slot_id": slot.pk}), 403, "no_profile")
    assert client.get("/api/v1/bookings").json() == []
    booking = book(slot.pk, make_participant(), now=timezone.now())
    assert_error(client.delete(f"/api/v1/bookings/{booking.pk}"), 404, "not_found")
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


BAD_BODIES = [
    "",
    "not json",
    "{",
    b"\xff\xfe\x00",
    "[]",
    "null",
    '"slot"',
    "12",
    "{}",
    '{"slot_id": "abc"}',
    '{"slot_id": "12"}',
    '{"slot_id": 1.5}',
    '{"slot_id": 1e400}',
    '{"slot_id": ' + str(10**30) + "}",
    '{"slot_id": 9223372036854775808}',
    '{"slot_id": -1}',
    '{"slot_id": 0}',
    '{"slot_id": true}',
    '{"slot_id": null}',
    '{"slot_id": [1]}',
    '{"slot_id": {"id": 1}}',
    '{"slot_id": 1, "waitlist": "yes"}',
    '{"slot_id": 1, "waitlist": 2}',
    '{"slot_id": 1, "waitlist": null}',
    '{"waitlist": true}',
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_malformed_bodies_get_a_json_4xx(client_of, body):
    make_slot(start=soon(1))
    response = post_booking(client_of, body)
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)
    assert not Booking.objects.exists()


def test_form_encoded_body_is_refused_kindly(client_of):
    slot = make_slot(start=soon(1))
    response = client_of.post("/api/v1/bookings", {"slot_id": slot.pk})
    assert_error(response, 400, "bad_json")


def test_a_body_over_the_upload_limit_is_413(client_of, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"slot_id": 1, "padding": "x" * 2000})
    assert_error(post_booking(client_of, body), 413, "too_large")


def test_a_huge_slot_id_is_422_not_a_database_error(client_of):
    body = assert_error(post_booking(client_of, {"slot_id": 10**30}), 422, "invalid")
    assert "slot_id" in body["detail"]


# ---------------------------------------------------------------- GET and DELETE my bookings


def test_my_bookings_are_mine_only_with_positions(student, client_of):
    slot = make_slot(start=soon(1), capacity=1)
    other = make_participant(with_user=True)
    theirs = book(slot.pk, other, now=timezone.now())
    mine = book(slot.pk, student, now=timezone.now(), waitlist=True)
    confirmed = book(make_slot(start=soon(2)).pk, student, now=timezone.now())

    items = client_of.get("/api/v1/bookings").json()
    assert [i["id"] for i in items] == [mine.pk, confirmed.pk]
    assert theirs.pk not in {i["id"] for i in items}
    waiting = items[0]
    assert set(waiting) == {
        "id", "slot_id", "status", "code", "start", "end", "title", "kind", "waitlist_position",
        "meeting_url",
    }  # fmt: skip
    assert waiting["status"] == "waitlisted" and waiting["waitlist_position"] == 1
    assert items[1]["waitlist_position"] is None and items[1]["code"] == confirmed.code
    assert OFFSET.match(items[1]["start"])
    assert other.nickname not in json.dumps(items, ensure_ascii=False)


def test_my_bookings_query_count_is_fixed(student, client_of):
    for day in range(1, 4):
        book(make_slot(start=soon(day), capacity=1).pk, make_participant(), now=timezone.now())
    with CaptureQueriesContext(connection) as few:
        client_of.get("/api/v1/bookings")
    space = make_space(max_future_bookings=50, advance_days=60)
    for day in range(1, 21):
        slot = make_slot(space, start=soon(day, 10), capacity=1)
        if day % 2:
            book(slot.pk, make_participant(), now=timezone.now())
        book(slot.pk, student, now=timezone.now(), waitlist=True)
    with CaptureQueriesContext(connection) as many:
        items = client_of.get("/api/v1/bookings").json()
    assert len(items) == 20
    assert len(few) + 1 == len(many)  # + the waiting-list positions query, once


def test_cancel_my_booking(student, client_of):
    slot = make_slot(start=soon(1), capacity=1)
    booking = book(slot.pk, student, now=timezone.now())
    waiting = book(slot.pk, make_participant(), now=timezone.now(), waitlist=True)
    response = client_of.delete(f"/api/v1/bookings/{booking.pk}")
    assert response.status_code == 204 and response.content == b""
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    assert Booking.objects.get(pk=waiting.pk).status == "confirmed"
    assert_error(client_of.delete(f"/api/v1/bookings/{booking.pk}"), 409, "not_active")


def test_cancel_after_the_start_is_too_late(student, client_of):
    slot = make_slot(start=timezone.now() - dt.timedelta(minutes=1))
    booking = Booking.objects.create(
        slot=slot, participant=student, status="confirmed", created_at=timezone.now()
    )
    assert_error(client_of.delete(f"/api/v1/bookings/{booking.pk}"), 409, "too_late")


def test_student_a_cannot_touch_student_b_booking(client_of):
    b = make_participant(with_user=True)
    booking = book(make_slot(start=soon(1)).pk, b, now=timezone.now())
    assert_error(client_of.delete(f"/api/v1/bookings/{booking.pk}"), 404, "not_found")
    unknown = assert_error(client_of.delete("/api/v1/bookings/987654"), 404, "not_found")
    assert unknown == assert_error(client_of.delete(f"/api/v1/bookings/{booking.pk}"), 404)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


@pytest.mark.parametrize("path", ["abc", "0", "-5", str(10**30), "1.5", "%20"])
def test_bad_booking_ids_get_a_json_4xx(client_of, path):
    response = client_of.delete(f"/api/v1/bookings/{path}")
    assert 400 <= response.status_code < 500
    if response["Content-Type"].startswith("application/json"):
        assert_error(response, response.status_code)
