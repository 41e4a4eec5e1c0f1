"""Booking and cancelling through the HTML forms, with their messages."""

from urllib.parse import unquote

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from booking.models import Booking
from booking.services import book
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student, week_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def week_url(slot) -> str:
    return f"/space/{slot.space.slug}/?week={week_of(slot.start)}"


def test_book_is_one_post_and_lands_on_my_bookings(english):
    space = make_space()
    slot = make_slot(space, capacity=2)
    student = make_student()
    english.force_login(student)
    response = english.post(f"/slots/{slot.pk}/book/", {"next": week_url(slot)})
    assert response.status_code == 302 and response.url == "/my/"
    booking = Booking.objects.get(participant=student.participant, slot=slot)
    assert booking.status == Booking.Status.CONFIRMED
    assert texts(response) == ["Booked. See you there!"]
    page = english.get("/my/").content.decode()
    assert booking.code in page


def test_book_requires_post_and_csrf(client):
    slot = make_slot(make_space())
    student = make_student()
    client.force_login(student)
    assert client.get(f"/slots/{slot.pk}/book/").status_code == 405
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(student)
    assert strict.post(f"/slots/{slot.pk}/book/").status_code == 403
    assert not Booking.objects.exists()


def test_anonymous_post_goes_to_login_and_back_to_the_week(client):
    slot = make_slot(make_space())
    response = client.post(f"/slots/{slot.pk}/book/", {"next": week_url(slot)})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    assert unquote(response.url.split("next=", 1)[1]) == week_url(slot)
    assert not Booking.objects.exists()


def test_unknown_slot_is_404(client):
    client.force_login(make_student())
    assert client.post("/slots/999999/book/").status_code == 404


def test_foreign_next_is_ignored(english):
    slot = make_slot(make_space(), capacity=1)
    book(slot.pk, make_student().participant, now=timezone.now())
    english.force_login(make_student())
    response = english.post(f"/slots/{slot.pk}/book/", {"next": "https://evil.example/"})
    assert response.url == f"/space/{slot.space.slug}/"


def test_full_slot_says_so_and_offers_the_waiting_list(english):
    slot = make_slot(make_space(), capacity=1)
    book(slot.pk, make_student().participant, now=timezone.now())
    student = make_student()
    english.force_login(student)
    response = english.post(f"/slots/{slot.pk}/book/", {"next": week_url(slot)})
    assert response.status_code == 302 and response.url == week_url(slot)
    assert texts(response) == ["Sorry, this time is full. You can join the waiting list."]
    assert not Booking.objects.filter(participant=student.participant).exists()

    response = english.post(f"/slots/{slot.pk}/book/", {"next": week_url(slot), "waitlist": "1"})
    assert response.url == "/my/"
    booking = Booking.objects.get(participant=student.participant)
    assert booking.status == Booking.Status.WAITLISTED
    assert "waiting list" in texts(response)[0]
    page = english.get("/my/").content.decode()
    assert "Waiting list: you are number 1" in page


def test_booking_errors_become_messages(english):
    space = make_space(advance_days=2, max_future_bookings=1)
    student = make_student()
    english.force_login(student)
    first = make_slot(space, start=days_ahead(1, 10))
    second = make_slot(space, start=days_ahead(1, 14))
    far = make_slot(space, start=days_ahead(9))
    english.post(f"/slots/{first.pk}/book/")
    cases = [
        (first, "You already have a place"),
        (second, "You already hold 1 upcoming bookings"),
        (far, "Bookings open 2 days ahead"),
    ]
    for slot, text in cases:
        response = english.post(f"/slots/{slot.pk}/book/", {"next": week_url(slot)})
        assert response.url == week_url(slot)
        assert text in texts(response)[-1]
    assert Booking.objects.filter(participant=student.participant).count() == 1


def test_student_without_profile_is_sent_to_complete_it(client):
    slot = make_slot(make_space())
    user = make_student(profile=False)
    client.force_login(user)
    response = client.post(f"/slots/{slot.pk}/book/", {"next": week_url(slot)})
    assert response.status_code == 302
    assert response.url.startswith("/my/profile/?next=%2Fspace%2F")
    assert not Booking.objects.exists()


def test_cancel_frees_the_place_and_promotes_the_waiting_list(
    english, django_capture_on_commit_callbacks, mailoutbox
):
    slot = make_slot(make_space(), capacity=1)
    first, second = make_student(), make_student()
    now = timezone.now()
    mine = book(slot.pk, first.participant, now=now)
    waiting = book(slot.pk, second.participant, now=now, waitlist=True)
    english.force_login(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(f"/my/bookings/{mine.code}/cancel/")
    assert response.status_code == 302 and response.url == "/my/"
    assert texts(response) == ["Your booking is cancelled."]
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED
    assert {m.to[0] for m in mailoutbox} == {first.email, second.email}

    # Cancelling twice says so instead of failing.
    response = english.post(f"/my/bookings/{mine.code}/cancel/")
    assert texts(response)[-1] == "This booking is already cancelled."


def test_cancel_requires_login_and_post(client):
    slot = make_slot(make_space())
    student = make_student()
    booking = book(slot.pk, student.participant, now=timezone.now())
    response = client.post(f"/my/bookings/{booking.code}/cancel/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(student)
    assert client.get(f"/my/bookings/{booking.code}/cancel/").status_code == 405
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
