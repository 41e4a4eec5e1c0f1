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
