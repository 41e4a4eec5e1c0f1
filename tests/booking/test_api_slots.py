"""GET /api/v1/slots and the schema: shapes, statuses, dates, bad queries, query counts.

Tests start from the pinned clock (tests/conftest.py); slots are placed relative to it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from booking.api import API_MESSAGES
from booking.models import Booking, Slot
from booking.services import BookingError, book, close
from tests.booking.api_helpers import (
    JAPANESE,
    OFFSET,
    assert_error,
    post_booking,
    slots_url,
    soon,
    today,
)
from tests.booking.factories import TOKYO, make_participant, make_slot, make_space
from tests.factories import make_program, make_program_index

pytestmark = pytest.mark.django_db


def test_slots_shape_times_and_statuses(client):
    space = make_space(name="学習スペース本町", capacity=2)
    open_slot = make_slot(space, start=soon(1), capacity=2)
    full = make_slot(space, start=soon(2), capacity=1)
    closed = make_slot(space, start=soon(3))
    over = make_slot(space, start=soon(4), capacity=2)
    past = make_slot(space, start=timezone.now() - dt.timedelta(hours=1), minutes=60)
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


def test_a_slot_beyond_the_booking_window_is_not_yet_bookable(client_of):
    """The list says what booking would answer: a slot one day beyond the window is
    `not_yet_bookable`, and booking it is refused with `too_early`."""
    space = make_space(advance_days=3, capacity=4)
    last_day = make_slot(space, start=soon(3), capacity=4)
    beyond = make_slot(space, start=soon(4), capacity=4)
    response = client_of.get(slots_url(today(), today() + dt.timedelta(days=5), space=space.slug))
    assert response.status_code == 200
    items = {item["id"]: item for item in response.json()}
    assert {pk: item["status"] for pk, item in items.items()} == {
        last_day.pk: "open",
        beyond.pk: "not_yet_bookable",
    }
    assert items[beyond.pk]["available"] == 4

    body = assert_error(post_booking(client_of, {"slot_id": beyond.pk}), 409, "too_early")
    assert "3" in body["detail"]
    with pytest.raises(BookingError) as refused:
        book(beyond.pk, make_participant(), now=timezone.now())
    assert refused.value.code == "too_early"
    assert post_booking(client_of, {"slot_id": last_day.pk}).status_code == 201


def test_openapi_schema_documents_every_slot_status(client):
    schema = client.get("/api/v1/openapi.json").json()
    status = schema["components"]["schemas"]["SlotOut"]["properties"]["status"]
    assert status["enum"] == ["open", "full", "closed", "past", "not_yet_bookable"]
    assert "`not_yet_bookable`" in status["description"]
    assert "`too_early`" in status["description"]


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
    ("start=%00&end=%ff", 400),  # a NUL is refused before the API (cms/bad_input.py)
]


@pytest.mark.parametrize("query,status", BAD_SLOT_QUERIES)
def test_bad_slot_queries_get_a_json_4xx(client, query, status):
    body = assert_error(client.get(f"/api/v1/slots?{query}"), status)
    assert body["code"] in {"invalid", "bad_range", "bad_input"}


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


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/slots", "/api/v1/bookings", "/api/v1/bookings/{booking_id}"} <= set(
        schema["paths"]
    )
