"""The week view of the study space while a time is under way: 「開室中」 and still bookable
until the cut-off; a programme's session under way is not."""

import datetime as dt

import pytest
from django.utils import timezone

from booking.models import Booking
from tests.booking.web.factories import make_slot, make_space, make_student, week_of
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def slot_html(response, slot) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    start = html.rindex("<li", 0, html.index(f'id="slot-{slot.pk}"'))
    return html[start : html.index("</li>", start)]


def running(owner, **kwargs):
    """A three-hour time that started an hour ago: 1h30 left before a 30-minute cut-off."""
    return make_slot(owner, start=timezone.now() - dt.timedelta(hours=1), minutes=180, **kwargs)


def test_a_space_time_under_way_reads_open_now_and_can_be_booked(client):
    space = make_space()
    slot = running(space, capacity=5)
    url = f"/space/{space.slug}/?week={week_of(slot.start)}"

    html = slot_html(client.get(url), slot)  # Japanese first, for anonymous visitors too
    assert "slot--open_now" in html and "開室中" in html and "終了" not in html
    assert "5" in html and "予約する" in html

    client.cookies["django_language"] = "en"
    student = make_student()
    client.force_login(student)
    html = slot_html(client.get(url), slot)
    assert "Open now" in html and "Past" not in html and "<form" in html
    response = client.post(f"/slots/{slot.pk}/book/", {"next": url})
    assert response.status_code == 302 and response.url == "/my/"
    booking = Booking.objects.get(slot=slot, participant=student.participant)
    assert booking.status == Booking.Status.CONFIRMED
    html = slot_html(client.get(url), slot)
    assert "Open now" in html and "You have a place" in html and "<form" not in html


def test_after_the_cut_off_and_for_a_programme_it_is_no_longer_bookable(english, index):
    space = make_space()
    late = make_slot(space, start=timezone.now() - dt.timedelta(minutes=160), minutes=180)
    program = make_program(index, schedule=None, start_time=None)
    session = running(program)
    for owner_url, slot in (
        (f"/space/{space.slug}/", late),
        (f"/programs/{program.pk}/sessions/", session),
    ):
        html = slot_html(english.get(f"{owner_url}?week={week_of(slot.start)}"), slot)
        assert "slot--past" in html and "Booking closed" in html, owner_url
        assert "Open now" not in html and ">Book<" not in html and "<form" not in html


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client
