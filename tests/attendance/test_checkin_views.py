"""The check-in desk: today's slots, a slot's roster, came / didn't come, walk-ins (codes and
QR codes: test_checkin_codes.py)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import Attendance
from attendance.services.checkin import check_in, register_walk_in
from booking.models import Booking, Participant
from core import audit
from tests.factories import make_program

from .factories import (
    NOW,
    TODAY,
    at,
    logged,
    make_booking,
    make_participant,
    make_school,
    make_slot,
    texts,
)

pytestmark = pytest.mark.django_db


# Today's slots ----------------------------------------------------------------------------------


def test_home_lists_todays_slots_with_their_counts(staff_client, index):
    space_slot = make_slot(start=at(TODAY, 16))
    program = make_program(index, title="理科実験教室", kind="science")
    program_slot = make_slot(program, start=at(TODAY, 10), minutes=90)  # ended 11:30
    make_slot(start=at(TODAY + dt.timedelta(days=1), 16))  # tomorrow: not listed
    make_slot(start=at(TODAY - dt.timedelta(days=1), 16))  # yesterday: not listed
    came = make_booking(space_slot)
    check_in(came, now=NOW)
    make_booking(space_slot)
    make_booking(space_slot, status=Booking.Status.WAITLISTED)
    make_booking(program_slot)  # a no-show: ended without a visit
    make_booking(program_slot, status=Booking.Status.CANCELLED)

    response = staff_client.get(reverse("checkin_home"))
    assert response.status_code == 200
    slots = response.context["slots"]
    assert [s.pk for s in slots] == [program_slot.pk, space_slot.pk]
    program_row, space_row = slots
    assert (space_row.booked, space_row.came, space_row.waitlisted) == (2, 1, 1)
    assert space_row.ended is False
    assert (program_row.booked, program_row.came, program_row.missed) == (1, 0, 1)
    assert program_row.ended is True
    html = response.content.decode()
    assert "理科実験教室 10:00–11:30" in html
    assert reverse("checkin_roster", args=[space_slot.pk]) in html
    assert 'name="code"' in html


def test_home_page_queries_do_not_grow_with_slots_or_bookings(staff_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("checkin_home")).status_code == 200
        return len(queries)

    slot = make_slot()
    make_booking(slot)
    staff_client.get(reverse("checkin_home"))  # warm per-process caches (content types, site)
    small = count()
    for hour in (10, 12, 14, 18):
        other = make_slot(start=at(TODAY, hour))
        for _ in range(3):
            check_in(make_booking(other), now=at(TODAY, hour))
    assert count() == small


# A slot's roster --------------------------------------------------------------------------------


def test_roster_shows_nicknames_states_consent_and_waiting_list(staff_client):
    slot = make_slot()
    came = make_booking(slot, make_participant(nickname="あおい"))
    check_in(came, now=NOW)
    minor = make_booking(slot, make_participant(nickname="ひかり", birth_year=2011))
    make_booking(slot, make_participant(nickname="キャンセル済"), status=Booking.Status.CANCELLED)
    make_booking(slot, make_participant(nickname="まち"), status=Booking.Status.WAITLISTED)
    make_booking(slot, make_participant(nickname="まち2"), status=Booking.Status.WAITLISTED)
    walker = make_participant(nickname="ふらり", birth_year=None)
    register_walk_in(slot, walker, now=NOW)

    response = staff_client.get(reverse("checkin_roster", args=[slot.pk]))
    html = response.content.decode()
    rows = {b.participant.nickname: b for b in response.context["bookings"]}
    assert set(rows) == {"あおい", "ひかり"}  # cancelled and waiting people are not on it
    assert rows["あおい"].came and not rows["ひかり"].came
    assert rows["ひかり"].needs_consent and not rows["あおい"].needs_consent
    assert [a.participant.nickname for a in response.context["walk_ins"]] == ["ふらり"]
    assert response.context["waitlisted"] == 2
    assert response.context["came_count"] == 2
    assert "Consent missing" in html and html.count("Consent missing") == 2  # ひかり and ふらり
    assert reverse("checkin_came", args=[minor.pk]) in html
    assert reverse("checkin_not_came", args=[came.pk]) in html
    assert "キャンセル済" not in html and "まち" not in html


def test_every_button_of_the_roster_posts_through_its_one_form(staff_client):
    """One CSRF token and one day for the whole roster (a tablet's page of 40 rows stays
    small); each button names its address. Posting what the browser would post works."""
    slot = make_slot()
    came = make_booking(slot, make_participant(nickname="あおい"))
    check_in(came, now=NOW)
    minor = make_booking(slot, make_participant(nickname="ひかり", birth_year=2011))
    html = staff_client.get(reverse("checkin_roster", args=[slot.pk])).content.decode()

    form = re.search(r'<form id="roster-actions"(.*?)</form>', html, re.S).group(1)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    assert fields["received_on"] == TODAY.isoformat() and fields["slot"] == str(slot.pk)
    assert html.count('name="csrfmiddlewaretoken"') == 2  # the roster's form and the new walk-in's
    buttons = re.findall(r'<button type="submit" form="roster-actions" formaction="([^"]+)"', html)
    consent = reverse("checkin_consent", args=[minor.participant.pk])
    assert sorted(buttons) == sorted(
        [
            reverse("checkin_not_came", args=[came.pk]),
            reverse("checkin_came", args=[minor.pk]),
            consent,
        ]
    )

    response = staff_client.post(consent, fields)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("checkin_roster", args=[slot.pk]))
    minor.participant.refresh_from_db()
    assert minor.participant.guardian_consent_on == TODAY
    response = staff_client.post(reverse("checkin_came", args=[minor.pk]), fields)
    assert response.status_code == 302 and Attendance.objects.filter(booking=minor).exists()


def test_past_slot_of_today_shows_its_no_shows(staff_client):
    slot = make_slot(start=at(TODAY, 13), minutes=60)  # ended at 14:00, now 16:30
    missed = make_booking(slot, make_participant(nickname="こなかった"))
    came = make_booking(slot, make_participant(nickname="きた"))
    check_in(came, now=at(TODAY, 13))
    response = staff_client.get(reverse("checkin_roster", args=[slot.pk]))
    rows = {b.pk: b for b in response.context["bookings"]}
    assert rows[missed.pk].no_show and not rows[came.pk].no_show
    assert "No-show" in response.content.decode()


def test_running_slot_has_no_no_shows_yet(staff_client):
    slot = make_slot()
    make_booking(slot)
    response = staff_client.get(reverse("checkin_roster", args=[slot.pk]))
    assert not any(b.no_show for b in response.context["bookings"])
    assert "No-show" not in response.content.decode()


def test_roster_queries_do_not_grow_with_bookings(staff_client, index):
    def count(slot, **params):
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("checkin_roster", args=[slot.pk]), params)
            assert response.status_code == 200
        return len(queries)

    for owner in (None, make_program(index)):
        small_slot = make_slot(owner, start=at(TODAY, 13), minutes=60)  # ended: no-shows too
        big_slot = make_slot(owner, start=at(TODAY, 14), minutes=60, capacity=30)
        make_booking(small_slot)
        school = make_school()
        for n in range(12):
            booking = make_booking(
                big_slot, make_participant(school=school, birth_year=2010 if n % 2 else 2000)
            )
            if n % 3 == 0:
                check_in(booking, now=at(TODAY, 14))
        for _ in range(3):
            register_walk_in(big_slot, make_participant(school=school), now=at(TODAY, 14))
        make_booking(big_slot, status=Booking.Status.WAITLISTED)
        count(small_slot)  # warm per-process caches
        big, small = count(big_slot), count(small_slot)
        assert big == small
        assert count(big_slot, q="ニックネーム") == count(small_slot, q="ニックネーム")


def test_unknown_slot_is_404(staff_client):
    assert staff_client.get(reverse("checkin_roster", args=[999999])).status_code == 404


# Came / didn't come -----------------------------------------------------------------------------


def test_came_checks_in_once_and_is_audit_logged(staff_client, staff):
    slot = make_slot()
    booking = make_booking(slot, make_participant(nickname="あおい"))
    response = staff_client.post(reverse("checkin_came", args=[booking.pk]))
    assert response.status_code == 302
    assert response.url == f"{reverse('checkin_roster', args=[slot.pk])}#booking-{booking.pk}"
    attendance = Attendance.objects.get()
    assert attendance.booking == booking and attendance.recorded_by == staff
    assert attendance.recorded_at == NOW
    entry = logged(booking.participant, audit.CHECK_IN).get()
    assert entry.user == staff and "2026-06-03 16:00" in entry.data["detail"]

    again = staff_client.post(reverse("checkin_came", args=[booking.pk]))
    assert Attendance.objects.count() == 1
    assert any("already checked in" in t for t in texts(again))
    assert logged(booking.participant, audit.CHECK_IN).count() == 1


def test_didnt_come_undoes_a_mistaken_tap(staff_client, staff):
    booking = make_booking(make_slot())
    check_in(booking, now=NOW)
    response = staff_client.post(reverse("checkin_not_came", args=[booking.pk]))
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    assert logged(booking.participant, audit.UNDO_CHECK_IN).get().user == staff
    again = staff_client.post(reverse("checkin_not_came", args=[booking.pk]))
    assert any("not checked in" in t for t in texts(again))
    assert logged(booking.participant, audit.UNDO_CHECK_IN).count() == 1


@pytest.mark.parametrize(
    "status, message",
    [
        (Booking.Status.CANCELLED, "already cancelled"),
        (Booking.Status.WAITLISTED, "already cancelled"),
    ],
)
def test_came_refuses_bookings_that_are_not_confirmed(staff_client, status, message):
    booking = make_booking(make_slot(), status=status)
    response = staff_client.post(reverse("checkin_came", args=[booking.pk]))
    assert response.status_code == 302
    assert any(message in t for t in texts(response))
    assert not Attendance.objects.exists()


def test_came_too_early_says_when_check_in_opens(staff_client):
    booking = make_booking(make_slot(start=at(TODAY, 19)))  # 16:30 is 2.5 hours early
    response = staff_client.post(reverse("checkin_came", args=[booking.pk]))
    assert any("two hours before" in t for t in texts(response))
    assert not Attendance.objects.exists()


def test_came_on_unknown_booking_is_404_and_get_is_not_allowed(staff_client):
    assert staff_client.post(reverse("checkin_came", args=[999999])).status_code == 404
    booking = make_booking(make_slot())
    assert staff_client.get(reverse("checkin_came", args=[booking.pk])).status_code == 405
    assert not Attendance.objects.exists()


# Walk-ins ---------------------------------------------------------------------------------------


def test_search_finds_participants_by_nickname_or_reference(staff_client):
    slot = make_slot()
    hit = make_participant(nickname="さくら", reference="P-0042")
    present = make_participant(nickname="さくらこ")
    register_walk_in(slot, present, now=NOW)
    make_participant(nickname="もみじ")
    url = reverse("checkin_roster", args=[slot.pk])

    found = staff_client.get(url, {"q": "さくら"}).context["found"]
    assert {p.pk for p in found} == {hit.pk, present.pk}
    assert {p.pk: p.present for p in found} == {hit.pk: False, present.pk: True}
    assert [p.pk for p in staff_client.get(url, {"q": "p-0042"}).context["found"]] == [hit.pk]
    response = staff_client.get(url, {"q": "だれもいない"})
    assert response.context["found"] == []
    assert "Nobody matches" in response.content.decode()
    assert staff_client.get(url, {"q": "x" * 200}).status_code == 200  # too long: no search


def test_register_walk_in_of_an_existing_participant(staff_client, staff):
    slot = make_slot()
    participant = make_participant(nickname="さくら")
    url = reverse("checkin_walk_in", args=[slot.pk])
    response = staff_client.post(url, {"participant": participant.pk})
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.source == "walk_in" and attendance.participant == participant
    assert logged(participant, audit.WALK_IN).get().user == staff

    again = staff_client.post(url, {"participant": participant.pk})
    assert any("already checked in" in t for t in texts(again))
    assert Attendance.objects.count() == 1


def test_walk_in_of_someone_who_booked_checks_in_the_booking(staff_client):
    slot = make_slot()
    booking = make_booking(slot)
    staff_client.post(
        reverse("checkin_walk_in", args=[slot.pk]), {"participant": booking.participant.pk}
    )
    assert Attendance.objects.get().booking == booking
    assert logged(booking.participant, audit.CHECK_IN).exists()


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
def test_walk_in_with_a_bad_participant_gives_a_message(staff_client, value):
    slot = make_slot()
    response = staff_client.post(reverse("checkin_walk_in", args=[slot.pk]), {"participant": value})
    assert response.status_code == 302
    assert any("not found" in t for t in texts(response))
    assert not Attendance.objects.exists()


def test_new_walk_in_is_created_without_an_account_and_checked_in(staff_client, staff):
    slot = make_slot()
    school = make_school("翔陽高校")
    response = staff_client.post(
        reverse("checkin_new_walk_in", args=[slot.pk]),
        {"new-nickname": "はじめて", "new-school": school.pk, "new-birth_year": "2010"},
    )
    assert response.status_code == 302
    participant = Participant.objects.get(nickname="はじめて")
    assert participant.user is None and participant.reference.startswith("P-")
    assert participant.school == school and participant.birth_year == 2010
    attendance = Attendance.objects.get()
    assert attendance.participant == participant and attendance.source == "walk_in"
    assert attendance.school == school
    assert logged(participant, "wagtail.create").exists()
    assert logged(participant, audit.WALK_IN).exists()
    assert any(participant.reference in t for t in texts(response))


def test_new_walk_in_with_errors_shows_the_form_and_creates_nobody(staff_client):
    slot = make_slot()
    response = staff_client.post(
        reverse("checkin_new_walk_in", args=[slot.pk]),
        {"new-nickname": "", "new-birth_year": "1800"},
    )
    assert response.status_code == 200
    form = response.context["new_form"]
    assert "nickname" in form.errors and "birth_year" in form.errors
    assert not Participant.objects.exists() and not Attendance.objects.exists()


def test_new_walk_in_on_a_slot_not_open_yet_creates_nobody(staff_client):
    slot = make_slot(start=at(TODAY + dt.timedelta(days=1), 16))
    response = staff_client.post(
        reverse("checkin_new_walk_in", args=[slot.pk]), {"new-nickname": "はやすぎ"}
    )
    assert response.status_code == 200
    assert "two hours before" in response.content.decode()
    assert not Participant.objects.exists()


def test_a_place_booked_while_the_space_is_open_is_checked_in_at_the_desk(staff_client, staff):
    """16:30, the space open since 16:00: a student books from the bus stop and walks in; the
    desk finds them on the roster and checks them in. Someone without a booking at 17:45 is
    counted as a walk-in."""
    from booking.services import book

    slot = make_slot(start=at(TODAY, 16), minutes=180)  # 16:00–19:00
    student = make_participant(nickname="あおい")
    booking = book(slot.pk, student, now=NOW)
    assert booking.status == Booking.Status.CONFIRMED

    roster = staff_client.get(reverse("checkin_roster", args=[slot.pk]))
    assert roster.status_code == 200 and "あおい" in roster.content.decode()
    assert reverse("checkin_came", args=[booking.pk]) in roster.content.decode()
    response = staff_client.post(reverse("checkin_came", args=[booking.pk]))
    assert response.status_code == 302
    assert Attendance.objects.get(booking=booking).recorded_by == staff

    later = make_participant(nickname="そら")
    register_walk_in(slot, later, now=at(TODAY, 17, 45), by=staff)
    assert Attendance.objects.filter(slot=slot).count() == 2
    assert logged(later, audit.WALK_IN).exists()
