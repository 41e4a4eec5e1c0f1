"""The attendance rules: check-in, walk-ins, no-shows, the early-warning list, consent, outcomes."""

import datetime as dt

import pytest
from django.db import IntegrityError
from wagtail.models import ModelLogEntry

from attendance.models import Attendance, Outcome
from attendance.services.checkin import (
    check_in,
    no_shows,
    participants_to_reach_out,
    record_consent,
    record_outcome,
    register_new_walk_in,
    register_walk_in,
    undo_check_in,
)
from booking.models import Booking, Participant
from booking.services.errors import BookingError
from booking.services.participants import view_participant_record
from core import audit
from tests.factories import make_program, make_user

from .factories import (
    NOW,
    TODAY,
    at,
    make_booking,
    make_participant,
    make_school,
    make_slot,
    make_visit,
)

pytestmark = pytest.mark.django_db


# Check-in ---------------------------------------------------------------------------------------


def test_check_in_records_one_visit_and_is_idempotent():
    school = make_school("益田高校")
    booking = make_booking(make_slot(), make_participant(school=school))
    first, created = check_in(booking, now=NOW)
    again, created_again = check_in(booking, now=NOW + dt.timedelta(minutes=5))
    assert first.pk == again.pk and created and not created_again
    assert Attendance.objects.count() == 1
    assert first.source == "booking" and first.kind == "study_space"
    assert first.date == TODAY and first.fiscal_year == 2026 and first.month == 202606
    assert first.school == school


def test_check_in_of_a_programme_session_counts_its_kind(index):
    program = make_program(index, kind="fieldwork")
    attendance = check_in(make_booking(make_slot(program)), now=NOW).attendance
    assert attendance.kind == "fieldwork"


@pytest.mark.parametrize(
    "status",
    [Booking.Status.CANCELLED, Booking.Status.WAITLISTED, Booking.Status.CANCELLED_BY_CLOSURE],
)
def test_check_in_refuses_bookings_that_are_not_confirmed(status):
    booking = make_booking(make_slot(), status=status)
    with pytest.raises(BookingError) as error:
        check_in(booking, now=NOW)
    assert error.value.code == "not_active"
    assert not Attendance.objects.exists()


def test_check_in_opens_two_hours_before_the_start():
    booking = make_booking(make_slot(start=at(TODAY, 19)))
    with pytest.raises(BookingError) as error:
        check_in(booking, now=at(TODAY, 16, 59))
    assert error.value.code == "check_in_too_early"
    assert check_in(booking, now=at(TODAY, 17)).created


def test_check_in_refuses_a_cancelled_slot():
    booking = make_booking(make_slot(status="cancelled"))
    with pytest.raises(BookingError) as error:
        check_in(booking, now=NOW)
    assert error.value.code == "closed"


def test_undo_removes_the_visit_and_says_whether_there_was_one():
    booking = make_booking(make_slot())
    check_in(booking, now=NOW)
    assert undo_check_in(booking, now=NOW) is True
    assert not Attendance.objects.exists()
    assert undo_check_in(booking, now=NOW) is False


# The audit trail is written by the rules themselves -------------------------------------------


def entries(participant, action=None):
    found = ModelLogEntry.objects.filter(object_id=str(participant.pk)).order_by("pk")
    return found.filter(action=action) if action else found


def test_a_check_in_outside_any_view_is_audited_and_a_repeat_writes_nothing():
    """Called as a management command or the API would call it: no view, no request."""
    staff = make_user("desk")
    booking = make_booking(make_slot(), make_participant(nickname="そら"))
    attendance, created = check_in(booking, now=NOW, by=staff)
    assert created
    entry = entries(booking.participant).get()
    assert entry.action == audit.CHECK_IN
    assert (entry.user, entry.timestamp) == (staff, NOW)
    assert entry.data == {"detail": f"{booking.slot.space} 2026-06-03 16:00"}

    later = NOW + dt.timedelta(minutes=5)
    again, created_again = check_in(booking, now=later, by=make_user("other-desk"))
    assert again.pk == attendance.pk and not created_again
    assert Attendance.objects.count() == 1
    assert list(ModelLogEntry.objects.all()) == [entry]


def test_a_command_checking_in_is_audited_without_a_user():
    booking = make_booking(make_slot())
    check_in(booking, now=NOW)
    entry = entries(booking.participant, audit.CHECK_IN).get()
    assert entry.user is None and entry.timestamp == NOW


def test_a_refused_check_in_changes_and_logs_nothing():
    booking = make_booking(make_slot(), status=Booking.Status.CANCELLED)
    with pytest.raises(BookingError):
        check_in(booking, now=NOW, by=make_user("desk"))
    assert not Attendance.objects.exists() and not ModelLogEntry.objects.exists()


def test_a_booking_of_someone_already_counted_as_a_walk_in_is_refused_not_a_crash():
    slot = make_slot()
    participant = make_participant()
    register_walk_in(slot, participant, now=NOW)
    booking = make_booking(slot, participant)
    with pytest.raises(BookingError) as error:
        check_in(booking, now=NOW)
    assert error.value.code == "already_attended"
    assert list(entries(participant).values_list("action", flat=True)) == [audit.WALK_IN]


def test_undo_walk_in_consent_and_outcome_are_audited_by_the_services():
    staff = make_user("desk")
    booking = make_booking(make_slot())
    person = booking.participant
    check_in(booking, now=NOW, by=staff)
    assert undo_check_in(booking, now=NOW, by=staff)
    assert not undo_check_in(booking, now=NOW, by=staff)  # nothing to undo: nothing logged
    walker = make_participant()
    register_walk_in(make_slot(), walker, now=NOW, by=staff)
    record_consent(walker, received_on=TODAY, now=NOW, by=staff)
    record_outcome(walker, 2026, now=NOW, by=staff, employed=True)

    assert list(entries(person).values_list("action", flat=True)) == [
        audit.CHECK_IN,
        audit.UNDO_CHECK_IN,
    ]
    logged = list(entries(walker))
    assert [e.action for e in logged] == [
        audit.WALK_IN,
        audit.RECORD_CONSENT,
        audit.RECORD_OUTCOME,
    ]
    assert all(e.user == staff and e.timestamp == NOW for e in logged)
    assert logged[1].data["detail"] == "2026-06-03"
    assert logged[2].data["detail"].startswith("2026: ")


def test_a_new_walk_in_is_created_and_counted_with_both_audited():
    staff = make_user("desk")
    participant = register_new_walk_in(
        make_slot(), nickname="はじめて", school=None, birth_year=2009, now=NOW, by=staff
    )
    assert [(e.action, e.user) for e in entries(participant)] == [
        ("wagtail.create", staff),
        (audit.WALK_IN, staff),
    ]


def test_a_refused_new_walk_in_creates_nobody_and_logs_nothing():
    with pytest.raises(BookingError):
        register_new_walk_in(
            make_slot(status="cancelled"), nickname="x", school=None, birth_year=None, now=NOW
        )
    assert not Participant.objects.exists() and not ModelLogEntry.objects.exists()


def test_viewing_a_record_is_audited_with_who_and_when():
    staff = make_user("desk")
    participant = make_participant()
    view_participant_record(participant, by=staff, now=NOW)
    entry = entries(participant, audit.VIEW_PARTICIPANT).get()
    assert (entry.user, entry.timestamp, entry.data) == (staff, NOW, {})


# Walk-ins ---------------------------------------------------------------------------------------


def test_walk_in_counts_like_any_visit():
    slot = make_slot()
    attendance = register_walk_in(slot, make_participant(), now=NOW).attendance
    assert attendance.source == "walk_in" and attendance.booking is None
    assert attendance.slot == slot and attendance.date == TODAY


def test_walk_in_of_someone_who_booked_checks_in_their_booking():
    slot = make_slot()
    booking = make_booking(slot)
    attendance = register_walk_in(slot, booking.participant, now=NOW).attendance
    assert attendance.booking == booking and attendance.source == "booking"
    assert Attendance.objects.count() == 1


def test_a_second_walk_in_for_the_same_slot_is_refused():
    slot = make_slot()
    participant = make_participant()
    register_walk_in(slot, participant, now=NOW)
    with pytest.raises(BookingError) as error:
        register_walk_in(slot, participant, now=NOW)
    assert error.value.code == "already_attended"
    assert Attendance.objects.count() == 1


def test_walk_in_follows_the_same_time_rules():
    slot = make_slot(start=at(TODAY + dt.timedelta(days=1), 16))
    with pytest.raises(BookingError) as error:
        register_walk_in(slot, make_participant(), now=NOW)
    assert error.value.code == "check_in_too_early"


# No-shows ---------------------------------------------------------------------------------------


def test_no_shows_are_confirmed_bookings_of_ended_slots_without_a_visit():
    ended = make_slot(start=at(TODAY, 13), minutes=120)  # 13:00–15:00, now 16:30
    running = make_slot(start=at(TODAY, 16))
    missed = make_booking(ended)
    came = make_booking(ended)
    check_in(came, now=at(TODAY, 13))
    make_booking(ended, status=Booking.Status.CANCELLED)
    make_booking(ended, status=Booking.Status.CANCELLED_BY_CLOSURE)
    make_booking(ended, status=Booking.Status.WAITLISTED)
    make_booking(running)  # not ended yet

    assert list(no_shows(Booking.objects.all(), now=NOW)) == [missed]
    # The moment the slot ends, not before.
    assert list(no_shows(Booking.objects.all(), now=at(TODAY, 14, 59))) == []
    assert list(no_shows(Booking.objects.all(), now=at(TODAY, 15))) == [missed]


# Early warning ----------------------------------------------------------------------------------


def regular(*days_ago):
    participant = make_participant()
    for days in days_ago:
        make_visit(participant, TODAY - dt.timedelta(days=days))
    return participant


def test_reach_out_lists_regulars_absent_for_three_weeks():
    away = regular(21, 28, 35, 42)  # 4 visits in 8 weeks, last exactly 21 days ago
    recent = regular(20, 28, 35, 42)  # last visit 20 days ago: not yet
    occasional = regular(21, 28, 35)  # only 3 visits
    old_regular = regular(21, 28, 35, 56)  # the 4th visit is 56 days ago: outside the window
    listed = list(participants_to_reach_out(now=NOW))
    assert listed == [away]
    assert listed[0].recent_visits == 4
    assert listed[0].last_visit == TODAY - dt.timedelta(days=21)
    assert recent not in listed and occasional not in listed and old_regular not in listed


def test_reach_out_ignores_visits_dated_after_today():
    participant = regular(21, 28, 35, 42)
    make_visit(participant, TODAY + dt.timedelta(days=1))
    assert list(participants_to_reach_out(now=NOW)) == [participant]


def test_reach_out_counts_the_8_week_window_from_today_in_tokyo():
    participant = regular(21, 28, 35, 55)
    # 23:30 UTC on 2 June is already 3 June in Tokyo.
    utc_evening = dt.datetime(2026, 6, 2, 23, 30, tzinfo=dt.UTC)
    assert list(participants_to_reach_out(now=utc_evening)) == [participant]


# Consent ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "birth_year, needs",
    [(None, True), (2010, True), (2008, True), (2007, False), (1990, False)],
)
def test_consent_is_needed_by_birth_year(birth_year, needs):
    # In 2026 someone born in 2008 may still be 17; born in 2007 is at least 18.
    participant = make_participant(birth_year=birth_year)
    assert participant.needs_consent(TODAY) is needs


def test_recorded_consent_removes_the_warning_and_says_who():
    staff = make_user("desk")
    participant = make_participant(birth_year=2011)
    record_consent(participant, received_on=TODAY, now=NOW, by=staff)
    participant.refresh_from_db()
    assert participant.guardian_consent_on == TODAY
    assert participant.guardian_consent_recorded_by == staff
    assert participant.needs_consent(TODAY) is False


# Outcomes ---------------------------------------------------------------------------------------


def test_outcome_passed_implies_took_and_one_row_per_year():
    participant = make_participant()
    outcome = record_outcome(participant, 2026, now=NOW, passed_equivalency_exam=True)
    assert outcome.took_equivalency_exam and outcome.passed_equivalency_exam
    record_outcome(participant, 2026, now=NOW, employed=True)
    assert Outcome.objects.filter(participant=participant).count() == 1
    record_outcome(participant, 2025, now=NOW, returned_to_school=True)
    assert Outcome.objects.filter(participant=participant).count() == 2


def test_the_database_refuses_passed_without_took():
    with pytest.raises(IntegrityError):
        Outcome.objects.create(
            participant=make_participant(), fiscal_year=2026, passed_equivalency_exam=True
        )


def test_unknown_outcome_flags_are_refused():
    with pytest.raises(ValueError):
        record_outcome(make_participant(), 2026, now=NOW, won_lottery=True)
