"""What a booking mail gives a student to act on: the time as people write it in their language
(Asia/Tokyo), the way to cancel (My bookings, behind the login: never a link that cancels by
being opened, which a mail scanner would follow), and the booking as an `.ics` file while it
is active."""

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from booking.services import book, cancel
from booking.services.notifications import send_booking_mail
from tests.booking.factories import NOW, at, make_participant, make_slot

pytestmark = pytest.mark.django_db

# NOW is Wednesday 3 June 2026: the slot is the next day, Thursday.
JA_TIME = "6月4日(木) 16:00〜19:00"
EN_TIME = "Thu 4 June 16:00–19:00"
ACTIVE_EVENTS = ["confirmed", "waitlisted", "promoted", "reminder", "moved", "restored"]


def booked(language="ja"):
    slot = make_slot(start=at(1, 16), minutes=180)
    return book(slot.pk, make_participant(language=language), now=NOW)


def sent(booking, event):
    mail.outbox.clear()
    variant = str(booking.slot.sequence) if event == "moved" else ""
    assert send_booking_mail(booking.pk, event, variant=variant)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


@pytest.mark.parametrize("event", ACTIVE_EVENTS)
def test_every_mail_of_an_active_booking_has_its_time_the_way_to_cancel_and_the_ics(
    event, settings
):
    booking = booked()
    message = sent(booking, event)

    assert JA_TIME in message.body
    my_bookings = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("my_bookings")
    assert f"キャンセルは「わたしの予約」から: {my_bookings}" in message.body
    # The cancel address only answers POST; a mail must never carry it.
    cancel_path = reverse("cancel_booking", args=[booking.code])
    assert cancel_path not in message.body
    assert len(message.attachments) == 1
    name, content, mimetype = message.attachments[0]
    assert name == f"manabiba-{booking.code}.ics"
    assert mimetype.startswith("text/calendar")
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"booking-{booking.code}@manabiba"]


def test_english_readers_get_the_english_time_first_and_the_japanese_after():
    message = sent(booked(language="en"), "confirmed")

    assert EN_TIME in message.body and JA_TIME in message.body
    assert message.body.index(EN_TIME) < message.body.index(JA_TIME)
    assert "To cancel, go to My bookings:" in message.body


def test_a_cancelled_booking_gets_no_calendar_file_and_no_cancel_line(
    django_capture_on_commit_callbacks,
):
    booking = booked()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(booking, now=NOW)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "予約をキャンセルしました" in message.subject
    assert JA_TIME in message.body
    assert message.attachments == []
    assert "キャンセルは「わたしの予約」から" not in message.body
