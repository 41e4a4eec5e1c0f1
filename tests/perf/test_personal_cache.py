"""A logged-in student's own copy of a page (cms/personal_cache.py): served only to the browser
it was made for, never stale after their booking or anyone's, never with a flash message lost,
and costing two queries when it is served."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking
from booking.services.bookings import book
from cms.page_cache import HEADER
from tests.attendance.factories import make_booking
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student
from tests.factories import make_program, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_ENABLED = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(index):
    space = make_space()
    program = make_program(index, title="水の実験")
    slot = make_slot(program, start=days_ahead(2), capacity=5)
    return {"index": index, "space": space, "program": program, "slot": slot}


def logged_in(user) -> Client:
    """A student's browser after their first page with a form (it holds the CSRF cookie that
    every copy of theirs is keyed by)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("my_bookings"))
    assert "csrftoken" in client.cookies
    return client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


def test_two_students_interleaved_each_get_only_their_own_copy(world):
    alice, bob = make_student(nickname="アリス"), make_student(nickname="ボブ")
    code = make_booking(world["slot"], alice.participant).code
    a, b = logged_in(alice), logged_in(bob)
    urls = ["/", world["index"].url, world["program"].url, reverse("my_bookings")]

    for _ in range(3):  # miss, then hits, interleaved request by request
        for url in urls:
            response, html = get(a, url)
            assert "ボブ" not in html, url
            response, html = get(b, url)
            assert code not in html and "アリス" not in html, url
    response, html = get(a, reverse("my_bookings"))
    assert response[HEADER] == "hit-personal" and code in html
    response, html = get(b, reverse("my_bookings"))
    assert response[HEADER] == "hit-personal" and code not in html


def test_a_booking_shows_on_the_next_page_view_of_the_student_and_of_others(
    world, django_capture_on_commit_callbacks
):
    alice, bob = make_student(nickname="アリス"), make_student(nickname="ボブ")
    a, b = logged_in(alice), logged_in(bob)
    my = reverse("my_bookings")
    for client in (a, b, a, b):
        get(client, my)
        get(client, world["program"].url)
    assert get(b, my)[0][HEADER] == "hit-personal"

    with django_capture_on_commit_callbacks(execute=True):
        booking = book(world["slot"].pk, bob.participant, now=timezone.now())
    response, html = get(b, my)
    assert response[HEADER] == "miss-personal" and booking.code in html
    # Places left moved for everyone: Alice's copy of the programme page is not served.
    response, _ = get(a, world["program"].url)
    assert response[HEADER] == "miss-personal"
    response, html = get(a, my)
    assert booking.code not in html


def test_a_renamed_student_sees_the_new_name_at_once(world, django_capture_on_commit_callbacks):
    alice = make_student(nickname="アリス")
    a = logged_in(alice)
    get(a, reverse("my_bookings"))
    assert get(a, reverse("my_bookings"))[0][HEADER] == "hit-personal"
    alice.participant.nickname = "ありす"
    with django_capture_on_commit_callbacks(execute=True):
        alice.participant.save()
    response, html = get(a, reverse("my_bookings"))
    assert response[HEADER] == "miss-personal" and "ありす" in html


def test_a_new_login_never_gets_the_previous_sessions_copy(world):
    alice = make_student(nickname="アリス")
    a = logged_in(alice)
    get(a, world["program"].url)
    assert get(a, world["program"].url)[0][HEADER] == "hit-personal"
    a.logout()
    a.force_login(alice)
    assert get(a, world["program"].url)[0][HEADER] == "miss-personal"


def test_a_flash_message_is_never_swallowed_by_a_copy(world):
    alice = make_student(nickname="アリス")
    a = logged_in(alice)
    my = reverse("my_bookings")
    get(a, my)
    assert get(a, my)[0][HEADER] == "hit-personal"
    token = a.cookies["csrftoken"].value
    response = a.post(
        reverse("book_slot", args=[world["slot"].pk]),
        {"csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert Booking.objects.filter(participant=alice.participant).count() == 1
    response, html = get(a, response["Location"])
    assert HEADER not in response or response[HEADER] != "hit-personal"
    assert Booking.objects.get(participant=alice.participant).code in html


def test_a_form_on_a_served_copy_still_posts(world):
    """The copy's CSRF token belongs to this browser's cookie (the cookie is in the key)."""
    alice = make_student(nickname="アリス")
    a = logged_in(alice)
    week = reverse("program_week", args=[world["program"].pk])
    get(a, week)
    response, html = get(a, week)
    assert response[HEADER] == "hit-personal"
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = a.post(reverse("book_slot", args=[world["slot"].pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Booking.objects.filter(participant=alice.participant).exists()


def test_admin_sessions_are_never_kept(world, settings):
    editor = make_user(groups=["Editors"])
    client = Client()
    client.force_login(editor)
    session = client.session
    session["manabiba.admin_session"] = True
    session.save()
    for _ in range(2):
        response, html = get(client, world["program"].url)
        assert HEADER not in response and "wagtail-userbar" in html


def test_a_served_copy_costs_the_session_and_the_user_only(world):
    alice = make_student(nickname="アリス")
    a = logged_in(alice)
    urls = [
        "/",
        world["index"].url,
        world["program"].url,
        reverse("space_week", args=[world["space"].slug]),
        reverse("program_week", args=[world["program"].pk]),
        reverse("my_bookings"),
        "/api/v1/bookings",
    ]
    for url in urls:
        get(a, url)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response, _ = get(a, url)
        assert response[HEADER] == "hit-personal", url
        assert len(queries) == 2, (url, [q["sql"] for q in queries])
