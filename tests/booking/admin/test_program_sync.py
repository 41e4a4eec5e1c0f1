"""Publishing a programme page re-syncs its sessions; unpublishing removes them."""

import datetime as dt

import pytest
import recurrence
from django.core import mail
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import book
from core.time import local_zone
from tests.factories import make_program, make_program_index, weekly_rule

from .helpers import make_participant

pytestmark = pytest.mark.django_db


def weekdays_of(slots):
    return {s.start.astimezone(local_zone()).weekday() for s in slots}


def test_publishing_creates_the_sessions():
    program = make_program(make_program_index(), schedule=weekly_rule(recurrence.SA))
    slots = Slot.objects.filter(program=program)
    assert slots.count() >= 4
    assert weekdays_of(slots) == {5}
    assert {s.capacity for s in slots} == {program.places_per_session}


def test_a_draft_has_no_sessions():
    program = make_program(make_program_index(), live=False)
    assert not Slot.objects.filter(program=program).exists()


def test_publishing_a_changed_schedule_moves_sessions_and_tells_booked_people(
    django_capture_on_commit_callbacks,
):
    program = make_program(make_program_index(), schedule=weekly_rule(recurrence.SA))
    now = timezone.now()
    booked = Slot.objects.filter(program=program, start__gt=now).order_by("start").first()
    participant = make_participant()
    booking = book(booked.pk, participant, now=now)
    mail.outbox.clear()

    program.schedule = weekly_rule(recurrence.SU)
    program.places_per_session = 3
    with django_capture_on_commit_callbacks(execute=True):
        program.save_revision().publish()

    booked.refresh_from_db()
    booking.refresh_from_db()
    assert booked.status == Slot.Status.CANCELLED
    assert booking.status == Booking.Status.CANCELLED_BY_SCHEDULE
    open_slots = Slot.objects.filter(program=program, status=Slot.Status.OPEN)
    assert open_slots.exists()
    assert weekdays_of(open_slots) == {6}
    assert {s.capacity for s in open_slots} == {3}
    assert [m.to for m in mail.outbox] == [[participant.contact_email]]


def test_unpublishing_removes_free_sessions_and_cancels_booked_ones():
    program = make_program(make_program_index(), schedule=weekly_rule(recurrence.SA))
    now = timezone.now()
    booked = Slot.objects.filter(program=program, start__gt=now).order_by("start").first()
    booking = book(booked.pk, make_participant(), now=now)

    program.unpublish()

    assert list(Slot.objects.filter(program=program)) == [booked]
    booked.refresh_from_db()
    booking.refresh_from_db()
    assert booked.status == Slot.Status.CANCELLED
    assert booking.status == Booking.Status.CANCELLED_BY_SCHEDULE


def test_a_programme_without_booking_has_no_sessions():
    program = make_program(make_program_index(), booking_required=False)
    assert not Slot.objects.filter(program=program).exists()


def test_past_sessions_are_kept_when_the_schedule_changes():
    program = make_program(make_program_index(), schedule=weekly_rule(recurrence.SA))
    past = Slot.objects.create(
        program=program,
        start=dt.datetime(2020, 1, 4, 14, tzinfo=local_zone()),
        end=dt.datetime(2020, 1, 4, 15, 30, tzinfo=local_zone()),
        capacity=8,
    )
    program.schedule = weekly_rule(recurrence.MO)
    program.save_revision().publish()
    assert Slot.objects.filter(pk=past.pk).exists()


def test_publishing_in_the_editor_says_exactly_what_happened_to_the_bookings(
    client, django_capture_on_commit_callbacks
):
    """A session taken out and sessions made longer, on an online programme whose link also
    changed: the publish message counts each, and the mails are those counted."""
    from django.contrib.messages import get_messages
    from django.urls import reverse
    from wagtail.test.utils.form_data import querydict_from_html

    from tests.factories import make_user

    program = make_program(
        make_program_index(),
        kind="online",
        place="",
        meeting_url="https://meet.example.org/old-room",
        schedule=weekly_rule(recurrence.SA),
        duration_minutes=90,
    )
    now = timezone.now()
    first, second = Slot.objects.filter(program=program, start__gt=now).order_by("start")[:2]
    kept = [book(first.pk, make_participant(), now=now) for _ in range(2)]
    gone = book(second.pk, make_participant(), now=now)
    client.force_login(make_user(is_superuser=True, admin_language="en"))
    edit_url = reverse("wagtailadmin_pages:edit", args=[program.pk])
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="page-edit-form")
    skipped = second.start.astimezone(local_zone()).strftime("%Y%m%dT000000")
    changes = {
        "body-count": "0",
        "booking_required": "on",
        "duration_minutes": "120",
        "schedule": f"RRULE:FREQ=WEEKLY;BYDAY=SA\nEXDATE:{skipped}",
        "meeting_url": "https://meet.example.org/new-room",
        "action-publish": "action-publish",
    }
    for key, value in changes.items():
        data[key] = value  # replaces (QueryDict.update would add a second value)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url, data, follow=True)
    assert response.status_code == 200

    gone.refresh_from_db()
    assert gone.status == Booking.Status.CANCELLED_BY_SCHEDULE
    assert all(Booking.objects.get(pk=b.pk).status == "confirmed" for b in kept)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    [text] = [t for t in texts if t.startswith("Sessions:")]
    assert "1 booked time keeps its bookings at its new time." in text
    assert "1 booked time no longer takes place: its bookings were cancelled." in text
    assert "Mails to the people booked: 3." in text
    assert "The new meeting link was sent to 2 bookings." in text
    # 2 "moved" + 1 "rescheduled" + 2 "link_changed": exactly what the message counts.
    assert len(mail.outbox) == 5
    to_gone = [m for m in mail.outbox if m.to == [gone.participant.email]]
    assert len(to_gone) == 1 and "new-room" not in to_gone[0].body
