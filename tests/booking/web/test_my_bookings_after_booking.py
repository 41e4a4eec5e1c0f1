"""My bookings after a booking: the new one first and marked (once); a QR code only where the desk
checks people in (a confirmed place at the study space or an in-person session); cancelling asks
once, without a script."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking
from booking.services import book
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def upcoming_cards(client) -> list:
    response = client.get(reverse("my_bookings"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.find(id="upcoming-heading").parent
    return section.select("li.booking")


def test_the_booking_just_made_comes_first_and_marked_once(client):
    space = make_space()
    student = make_student()
    soon = book(make_slot(space, start=days_ahead(1)).pk, student.participant, now=timezone.now())
    later = make_slot(space, start=days_ahead(3))
    client.force_login(student)

    response = client.post(reverse("book_slot", args=[later.pk]))
    assert response.status_code == 302 and response.url == "/my/"
    new = Booking.objects.get(slot=later)

    cards = upcoming_cards(client)
    assert [c["id"] for c in cards] == [f"booking-{new.code}", f"booking-{soon.code}"]
    assert "booking--just-booked" in cards[0]["class"]
    assert cards[0].select_one(".booking__new").get_text() == "予約しました"
    assert "booking--just-booked" not in cards[1]["class"]

    # Coming back later: soonest first again, nothing marked.
    cards = upcoming_cards(client)
    assert [c["id"] for c in cards] == [f"booking-{soon.code}", f"booking-{new.code}"]
    assert not any("booking--just-booked" in c["class"] for c in cards)


def test_joining_the_waiting_list_is_shown_first_too(client):
    space = make_space()
    full = make_slot(space, start=days_ahead(3), capacity=1)
    book(full.pk, make_student().participant, now=timezone.now())
    student = make_student()
    book(make_slot(space, start=days_ahead(1)).pk, student.participant, now=timezone.now())
    client.force_login(student)
    client.post(reverse("book_slot", args=[full.pk]), {"waitlist": "1"})
    [first, _other] = upcoming_cards(client)
    assert "booking--waitlisted" in first["class"] and "booking--just-booked" in first["class"]


def test_qr_codes_only_where_the_desk_checks_people_in(client, index):
    space = make_space()
    student = make_student(birth_year=timezone.localdate().year - 16)
    now = timezone.now()
    in_person = make_program(index, title="水の実験", kind="science")
    online = make_program(
        index,
        title="オンライン自習室",
        kind="online",
        place="",
        meeting_url="https://meet.example.org/x",
    )
    full = make_slot(space, start=days_ahead(4), capacity=1)
    book(full.pk, make_student().participant, now=now)
    bookings = {
        "space": book(make_slot(space, start=days_ahead(1)).pk, student.participant, now=now),
        "in person": book(
            make_slot(in_person, start=days_ahead(2)).pk, student.participant, now=now
        ),
        "online": book(make_slot(online, start=days_ahead(3)).pk, student.participant, now=now),
        "waiting": book(full.pk, student.participant, now=now, waitlist=True),
    }
    assert bookings["waiting"].status == Booking.Status.WAITLISTED
    client.force_login(student)
    cards = {card["id"]: card for card in upcoming_cards(client)}
    assert len(cards) == 4
    has_qr = {
        name: cards[f"booking-{b.code}"].select_one(".qr svg") is not None
        for name, b in bookings.items()
    }
    assert has_qr == {"space": True, "in person": True, "online": False, "waiting": False}
    # Every active booking still shows its code, read aloud at the desk or on the phone.
    for name, b in bookings.items():
        assert cards[f"booking-{b.code}"].select_one(".code").get_text() == b.code, name


def test_cancelling_asks_once_without_a_script(client):
    space = make_space()
    student = make_student()
    booking = book(make_slot(space).pk, student.participant, now=timezone.now())
    client.force_login(student)
    html = client.get(reverse("my_bookings")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    card = soup.find(id=f"booking-{booking.code}")
    question = card.select_one("details.booking__cancel")
    assert question is not None and not question.has_attr("open")
    assert question.summary.get_text(strip=True) == "この予約をキャンセルする"
    form = question.select_one("form")
    assert form["action"] == reverse("cancel_booking", args=[booking.code])
    assert form["method"] == "post"
    assert "キャンセルしますか" in form.get_text()
    # Nothing inline for the Content-Security-Policy to refuse.
    assert [s for s in soup.find_all("script") if not s.get("src")] == []
    assert not re.search(r"\son[a-z]+=", html)

    response = client.post(form["action"])
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
