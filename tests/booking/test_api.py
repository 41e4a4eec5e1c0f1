"""The JSON API at /api/v1/: shapes, every error code, bad input, permissions, query counts.

The views read the real clock (timezone.now()), so slots here are placed relative to it."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from booking.api import API_MESSAGES
from booking.models import Booking, Slot
from booking.services import book, close
from tests.booking.factories import TOKYO, at, make_participant, make_slot, make_space
from tests.factories import make_program, make_program_index

pytestmark = pytest.mark.django_db

OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def soon(days=1, hour=16):
    return at(days, hour, now=timezone.now())


def today():
    return timezone.localdate()


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] and isinstance(body["code"], str)
    assert body["detail"] and isinstance(body["detail"], str)
    if code:
        assert body["code"] == code, body
    return body


def api_client(user=None):
    """A client that enforces CSRF like a browser, logged in as `user`, with its token."""
    client = Client(enforce_csrf_checks=True)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    if user:
        client.force_login(user)
    return client


@pytest.fixture
def student():
    return make_participant(with_user=True)


@pytest.fixture
def client_of(student):
    return api_client(student.user)


def post_booking(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/api/v1/bookings", data, content_type="application/json", **extra)


def slots_url(start, end, **params):
    query = f"start={start}&end={end}"
    for key, value in params.items():
        query += f"&{key}={value}"
    return f"/api/v1/slots?{query}"


# ---------------------------------------------------------------- GET /api/v1/slots


def test_slots_shape_times_and_statuses(client):
    space = make_space(name="学習スペース本町", capacity=2)
    open_slot = make_slot(space, start=soon(1), capacity=2)
    full = make_slot(space, start=soon(2), capacity=1)
    closed = make_slot(space, start=soon(3))
    over = make_slot(space, start=soon(4), capacity=2)
    past = make_slot(space, start=timezone.now() - dt.timedelta(hours=1))
    now = timezone.now()
    book(open_slot.pk, make_participant(), now=now)
    book(full.pk, make_participant(), now=now)
    for _ in range(2):
        book(over.pk, make_participant(), now=now)
    Slot.objects.filter(pk=over.pk).update(capacity=1)  # capacity lowered below bookings
    close(space, first_day=soon(3).date(), last_day=soon(3).date(), reason="点検", now=now)

    response = client.get(slots_url(today() - dt.timedelta(days=1), today() + dt.timedelta(days=5)))
    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()}
    assert set(items) == {open_slot.pk, full.pk, closed.pk, over.pk, past.pk}
    first = items[open_slot.pk]
    assert set(first) == {
        "id", "start", "end", "title", "kind", "capacity", "available", "status"
    }  # fmt: skip
    assert OFFSET.match(first["start"]) and OFFSET.match(first["end"])
    assert dt.datetime.fromisoformat(first["start"]) == open_slot.start
    assert first["title"] == "学習スペース本町" and first["kind"] == "study_space"
    assert (first["capacity"], first["available"], first["status"]) == (2, 1, "open")
    assert (items[full.pk]["available"], items[full.pk]["status"]) == (0, "full")
    assert items[closed.pk]["status"] == "closed"
    assert (items[over.pk]["available"], items[over.pk]["status"]) == (0, "full")
    assert items[past.pk]["status"] == "past"
    assert [i["start"] for i in response.json()] == sorted(i["start"] for i in items.values())


def test_slots_dates_are_inclusive_tokyo_days(client):
    space = make_space()
    day = today() + dt.timedelta(days=2)
    early = make_slot(space, start=dt.datetime.combine(day, dt.time(0, 30), tzinfo=TOKYO))
    late = make_slot(
        space, start=dt.datetime.combine(day, dt.time(23, 0), tzinfo=TOKYO), minutes=30
    )
    make_slot(
        space, start=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=TOKYO)
    )
    response = client.get(slots_url(day, day))
    assert [item["id"] for item in response.json()] == [early.pk, late.pk]


def test_slots_filters_and_programme_items(client):
    space = make_space(slug="honmachi")
    program = make_program(make_program_index(), title="理科実験教室", kind="science")
    Slot.objects.filter(program=program).delete()  # publishing synced some already
    draft = make_program(make_program_index(slug="drafts", title="下書き"), live=False)
    space_slot = make_slot(space, start=soon(1))
    program_slot = make_slot(program, start=soon(2))
    make_slot(draft, start=soon(3))  # a draft's sessions are not shown
    span = (today(), today() + dt.timedelta(days=7))

    everything = client.get(slots_url(*span)).json()
    assert [i["id"] for i in everything] == [space_slot.pk, program_slot.pk]
    session = everything[1]
    assert (session["title"], session["kind"]) == ("理科実験教室", "science")
    assert [i["id"] for i in client.get(slots_url(*span, space="honmachi")).json()] == [
        space_slot.pk
    ]
    assert [i["id"] for i in client.get(slots_url(*span, program=program.pk)).json()] == [
        program_slot.pk
    ]
    assert client.get(slots_url(*span, space="nowhere")).json() == []
    assert client.get(slots_url(*span, program=99999)).json() == []


def test_ninety_two_days_is_allowed(client):
    response = client.get(slots_url(today(), today() + dt.timedelta(days=91)))
    assert response.status_code == 200 and response.json() == []


BAD_SLOT_QUERIES = [
    ("", 422),
    ("start=2026-06-01", 422),
    ("end=2026-06-01", 422),
    ("start=&end=", 422),
    ("start=2026-13-01&end=2026-12-31", 422),
    ("start=2026-02-30&end=2026-03-01", 422),
    ("start=abc&end=2026-06-01", 422),
    ("start=20260601&end=20260602", 422),
    ("start=1780000000&end=1780086400", 422),
    ("start=2026-6-1&end=2026-6-2", 422),
    ("start=2026-06-01T10:00&end=2026-06-02", 422),
    ("start=2026-06-10&end=2026-06-01", 400),
    ("start=2026-01-01&end=2026-04-03", 400),  # 93 days
    ("start=0001-01-01&end=0001-01-02", 400),
    ("start=9999-12-30&end=9999-12-31", 400),
    ("start=2026-06-01&end=2026-06-02&program=abc", 422),
    ("start=2026-06-01&end=2026-06-02&program=" + str(10**30), 422),
    ("start=2026-06-01&end=2026-06-02&program=-1", 422),
    ("start=2026-06-01&end=2026-06-02&space=" + "x" * 300, 422),
    ("start=2026-06-01&end=2026-06-02&space=%27%3B--", 422),
    ("start=%00&end=%ff", 422),
]


@pytest.mark.parametrize("query,status", BAD_SLOT_QUERIES)
def test_bad_slot_queries_get_a_json_4xx(client, query, status):
    body = assert_error(client.get(f"/api/v1/slots?{query}"), status)
    assert body["code"] in {"invalid", "bad_range"}


def test_errors_are_japanese_by_default_and_english_on_request(client):
    url = slots_url("2026-06-10", "2026-06-01")
    with translation.override("ja"):
        japanese = str(API_MESSAGES["bad_order"])
    assert assert_error(client.get(url), 400)["detail"] == japanese
    english = assert_error(client.get(url, HTTP_ACCEPT_LANGUAGE="en"), 400)["detail"]
    assert english == "The start date must not be after the end date."


def test_booking_refusals_speak_japanese_by_default(client_of):
    slot = make_slot(start=soon(1), capacity=1)
    book(slot.pk, make_participant(), now=timezone.now())
    detail = assert_error(post_booking(client_of, {"slot_id": slot.pk}), 409, "full")["detail"]
    assert JAPANESE.search(detail)
    english = post_booking(client_of, {"slot_id": slot.pk}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"].startswith("Sorry, this time is full.")


def test_slot_list_query_count_does_not_grow(client, django_assert_num_queries):
    """A month with 10 slots and a month with 300 slots (with bookings) cost the same."""
    counts = []
    for n, first_day in ((10, 40), (300, 80)):
        space = make_space()
        start_day = today() + dt.timedelta(days=first_day)
        slots = [
            Slot(
                space=space,
                start=dt.datetime.combine(
                    start_day + dt.timedelta(days=i // 10), dt.time(8 + i % 10), tzinfo=TOKYO
                ),
                end=dt.datetime.combine(
                    start_day + dt.timedelta(days=i // 10), dt.time(8 + i % 10, 50), tzinfo=TOKYO
                ),
                capacity=3,
            )
            for i in range(n)
        ]
        Slot.objects.bulk_create(slots)
        people = [make_participant() for _ in range(3)]
        Booking.objects.bulk_create(
            Booking(slot=slot, participant=person, status="confirmed", created_at=timezone.now())
            for slot in Slot.objects.filter(space=space)[::3]
            for person in people[:2]
        )
        url = slots_url(start_day, start_day + dt.timedelta(days=30), space=space.slug)
        with CaptureQueriesContext(connection) as queries:
            items = client.get(url).json()
        assert len(items) == n
        assert sum(1 for i in items if i["available"] == 1) == len(range(0, n, 3))
        counts.append(len(queries))
    assert counts[0] == counts[1] == 1


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

    started = make_slot(space, start=timezone.now() - dt.timedelta(minutes=5))
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
        "id", "slot_id", "status", "code", "start", "end", "title", "kind", "waitlist_position"
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


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/slots", "/api/v1/bookings", "/api/v1/bookings/{booking_id}"} <= set(
        schema["paths"]
    )
