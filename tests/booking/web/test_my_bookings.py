"""My bookings: only one's own, the meeting link rules, calendar files and the private feed."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from booking.models import Booking
from booking.services import book, cancel
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student, week_of
from tests.factories import make_program

pytestmark = pytest.mark.django_db

MEETING = "https://meet.example.org/manabiba-online-room"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def served(client, url: str) -> str:
    """The page at `url`, which must be served: checking that a link is absent from an error
    page would prove nothing."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_my_bookings_needs_login(client):
    response = client.get("/my/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/my/"


def test_upcoming_past_code_qr_and_links(english):
    space = make_space(name="駅前学習スペース")
    student = make_student()
    upcoming = book(
        make_slot(space, start=days_ahead(2)).pk, student.participant, now=timezone.now()
    )
    past_slot = make_slot(space, start=days_ahead(-3))
    past = Booking.objects.create(
        slot=past_slot,
        participant=student.participant,
        status="confirmed",
        created_at=timezone.now() - dt.timedelta(days=5),
    )
    english.force_login(student)
    html = english.get("/my/").content.decode()
    upcoming_part, past_part = html.split('id="past-heading"')
    assert upcoming.code in upcoming_part and past.code not in upcoming_part
    assert f'id="booking-{past.code}"' in past_part
    assert "<svg" in upcoming_part and "segno" in upcoming_part
    assert f'href="/my/bookings/{upcoming.code}.ics"' in upcoming_part
    assert f'action="/my/bookings/{upcoming.code}/cancel/"' in upcoming_part
    assert "/cancel/" not in past_part
    feed = f"http://testserver/my/feed/{student.participant.feed_token}.ics"
    assert f'value="{feed}"' in html


def test_student_never_sees_or_touches_another_students_booking(client):
    slot = make_slot(make_space(), capacity=4)
    alice, bob = make_student(nickname="アリス"), make_student(nickname="ボブ")
    theirs = book(slot.pk, alice.participant, now=timezone.now())
    client.force_login(bob)
    page = client.get("/my/").content.decode()
    assert theirs.code not in page and "アリス" not in page
    assert client.post(f"/my/bookings/{theirs.code}/cancel/").status_code == 404
    assert client.get(f"/my/bookings/{theirs.code}.ics").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED
    # The week view shows places, never who took them.
    week = client.get(f"/space/{slot.space.slug}/?week={week_of(slot.start)}").content.decode()
    assert "アリス" not in week and theirs.code not in week


def test_user_without_profile_gets_404_for_any_booking_code(client):
    slot = make_slot(make_space())
    booking = book(slot.pk, make_student().participant, now=timezone.now())
    client.force_login(make_student(profile=False))
    assert client.get(f"/my/bookings/{booking.code}.ics").status_code == 404
    assert client.post(f"/my/bookings/{booking.code}/cancel/").status_code == 404


def test_meeting_link_only_on_my_bookings_for_a_confirmed_online_booking(english, index):
    online = make_program(
        index, kind="online", place="", meeting_url=MEETING, schedule=None, start_time=None
    )
    slot = make_slot(online, start=days_ahead(2, 19), capacity=1)
    confirmed_student, waiting_student = make_student(), make_student()
    confirmed = book(slot.pk, confirmed_student.participant, now=timezone.now())
    book(slot.pk, waiting_student.participant, now=timezone.now(), waitlist=True)

    english.force_login(confirmed_student)
    assert MEETING in served(english, "/my/")
    assert online.title in served(english, online.url)
    assert MEETING not in served(english, online.url)
    week = served(english, f"/programs/{online.pk}/sessions/?week={week_of(slot.start)}")
    assert MEETING not in week
    # The calendar file of one's own confirmed booking carries the link (URL and DESCRIPTION).
    [event] = Calendar.from_ical(served(english, f"/my/bookings/{confirmed.code}.ics")).walk(
        "VEVENT"
    )
    assert str(event["url"]) == MEETING and MEETING in str(event["description"])
    assert str(event["location"]) == "Online"
    # The private feed never does (booking.services.meeting_links).
    feed = served(english, f"/my/feed/{confirmed_student.participant.feed_token}.ics")
    assert "BEGIN:VEVENT" in feed and MEETING not in feed and "meet.example.org" not in feed

    english.force_login(waiting_student)
    waiting_page = served(english, "/my/")
    assert "booking--waitlisted" in waiting_page and MEETING not in waiting_page
    [waiting] = Booking.objects.filter(participant=waiting_student.participant)
    [event] = Calendar.from_ical(served(english, f"/my/bookings/{waiting.code}.ics")).walk("VEVENT")
    assert "url" not in event and MEETING not in str(event["description"])

    cancel(confirmed, now=timezone.now())
    english.force_login(confirmed_student)
    assert MEETING not in served(english, "/my/")
    english.logout()
    assert MEETING not in served(english, online.url)


def test_meeting_link_is_never_shown_for_a_programme_that_is_not_online(english, index):
    program = make_program(
        index, kind="science", meeting_url=MEETING, schedule=None, start_time=None
    )
    student = make_student()
    booking = book(make_slot(program).pk, student.participant, now=timezone.now())
    english.force_login(student)
    html = served(english, "/my/")
    assert f'id="booking-{booking.code}"' in html and program.title in html  # the booking is there…
    assert MEETING not in html  # …without the link


def test_ics_of_one_booking(client):
    space = make_space(name="市民学習スペース", place="市民学習センター2階")
    slot = make_slot(space, start=days_ahead(3, 16), minutes=180)
    student = make_student()
    booking = book(slot.pk, student.participant, now=timezone.now())
    client.force_login(student)
    response = client.get(f"/my/bookings/{booking.code}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="manabiba-{booking.code}.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == slot.start
    assert event.decoded("dtend") == slot.start + dt.timedelta(minutes=180)
    assert str(event["summary"]) == "市民学習スペース"
    assert str(event["location"]) == "市民学習センター2階"
    assert booking.code in str(event["description"])
    assert str(event["uid"]) == f"booking-{booking.code}@manabiba"


def test_private_feed_lists_only_own_active_bookings_without_login(client):
    space = make_space()
    student, other = make_student(), make_student()
    kept = book(make_slot(space, start=days_ahead(1)).pk, student.participant, now=timezone.now())
    dropped = book(
        make_slot(space, start=days_ahead(2)).pk, student.participant, now=timezone.now()
    )
    cancel(dropped, now=timezone.now())
    foreign = book(make_slot(space, start=days_ahead(3)).pk, other.participant, now=timezone.now())

    token = student.participant.feed_token
    assert len(token) >= 32
    response = client.get(f"/my/feed/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    uids = {str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert uids == {f"booking-{kept.code}@manabiba"}
    assert foreign.code.encode() not in response.content

    assert client.get("/my/feed/not-a-real-token.ics").status_code == 404
    assert client.get(f"/my/feed/{token[:-1]}.ics").status_code == 404


def test_a_student_renews_the_private_feed_address_and_the_old_one_stops_working(client):
    from wagtail.models import ModelLogEntry

    student = make_student()
    old = student.participant.feed_token
    client.force_login(student)
    assert client.get("/my/feed/renew/").status_code == 405  # a change needs a POST
    response = client.post("/my/feed/renew/", follow=True)
    assert response.status_code == 200
    student.participant.refresh_from_db()
    new = student.participant.feed_token
    assert new != old and len(new) >= 32
    assert f"/my/feed/{new}.ics" in response.content.decode()
    assert client.get(f"/my/feed/{old}.ics").status_code == 404
    assert client.get(f"/my/feed/{new}.ics").status_code == 200
    entry = ModelLogEntry.objects.get(action="manabiba.renew_feed")
    assert entry.user_id == student.pk and entry.object_id == str(student.participant.pk)


def test_renewing_the_feed_needs_a_login(client):
    response = client.post("/my/feed/renew/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
