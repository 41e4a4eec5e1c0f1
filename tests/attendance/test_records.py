"""A participant's record for staff (consent, outcomes, history) and the reach-out list.
Every view and change of a record is written to Wagtail's audit log."""

import datetime as dt

import pytest
from django.urls import reverse

from attendance.models import Outcome
from attendance.services.checkin import check_in
from core import audit

from .factories import (
    NOW,
    TODAY,
    logged,
    make_booking,
    make_participant,
    make_school,
    make_slot,
    make_visit,
    texts,
)

pytestmark = pytest.mark.django_db


def test_record_shows_history_and_is_logged_as_viewed(staff_client, staff):
    participant = make_participant(nickname="あおい", school=make_school("明誠高校"))
    make_visit(participant, dt.date(2025, 5, 10))
    make_visit(participant, dt.date(2026, 4, 20), kind="science")
    check_in(make_booking(make_slot(), participant), now=NOW)
    response = staff_client.get(reverse("checkin_participant", args=[participant.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "あおい" in html and "明誠高校" in html
    assert [a.date for a in response.context["history"]] == [
        TODAY,
        dt.date(2026, 4, 20),
        dt.date(2025, 5, 10),
    ]
    assert response.context["per_year"] == [
        {"fiscal_year": 2026, "visits": 2},
        {"fiscal_year": 2025, "visits": 1},
    ]
    assert logged(participant, audit.VIEW_PARTICIPANT).get().user == staff


def test_opening_the_participant_edit_form_is_logged_too(staff_client, staff):
    participant = make_participant()
    response = staff_client.get(reverse("booking_participant:edit", args=[participant.pk]))
    assert response.status_code == 200
    assert logged(participant, audit.VIEW_PARTICIPANT).get().user == staff
    listing = staff_client.get(reverse("booking_participant:index")).content.decode()
    assert reverse("checkin_participant", args=[participant.pk]) in listing


def test_history_page_lists_the_custom_actions_readably(staff_client):
    participant = make_participant()
    check_in(make_booking(make_slot(), participant), now=NOW)
    staff_client.post(
        reverse("checkin_consent", args=[participant.pk]), {"received_on": "2026-06-01"}
    )
    staff_client.get(reverse("checkin_participant", args=[participant.pk]))
    html = staff_client.get(
        reverse("booking_participant:history", args=[participant.pk])
    ).content.decode()
    assert "Guardian consent recorded: 2026-06-01" in html
    assert "Viewed the participant&#x27;s record" in html


def test_staff_record_guardian_consent(staff_client, staff):
    participant = make_participant(birth_year=2011)
    response = staff_client.post(
        reverse("checkin_consent", args=[participant.pk]), {"received_on": "2026-06-01"}
    )
    assert response.url == reverse("checkin_participant", args=[participant.pk])
    participant.refresh_from_db()
    assert participant.guardian_consent_on == dt.date(2026, 6, 1)
    assert participant.guardian_consent_recorded_by == staff
    entry = logged(participant, audit.RECORD_CONSENT).get()
    assert entry.user == staff and entry.data == {"detail": "2026-06-01"}


def test_consent_from_the_roster_returns_to_the_roster(staff_client):
    slot = make_slot()
    participant = make_booking(slot, make_participant(birth_year=2011)).participant
    roster = staff_client.get(reverse("checkin_roster", args=[slot.pk])).content.decode()
    assert "Consent form received today" in roster
    response = staff_client.post(
        reverse("checkin_consent", args=[participant.pk]),
        {"received_on": TODAY.isoformat(), "slot": slot.pk},
    )
    assert response.url.startswith(reverse("checkin_roster", args=[slot.pk]))
    participant.refresh_from_db()
    assert participant.guardian_consent_on == TODAY
    assert "Consent missing" not in staff_client.get(response.url).content.decode()


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "This field is required."),
        ("yesterday", "Enter a valid date."),
        ("2026-06-04", "cannot be in the future"),
        ("1999-12-31", "after 2000"),
    ],
)
def test_bad_consent_dates_are_refused_with_a_message(staff_client, value, message):
    participant = make_participant(birth_year=2011)
    response = staff_client.post(
        reverse("checkin_consent", args=[participant.pk]), {"received_on": value}
    )
    assert response.status_code == 302
    assert any(message in t for t in texts(response)), texts(response)
    participant.refresh_from_db()
    assert participant.guardian_consent_on is None
    assert not logged(participant, audit.RECORD_CONSENT).exists()


def test_staff_record_outcomes_per_fiscal_year(staff_client, staff):
    participant = make_participant()
    url = reverse("checkin_outcome", args=[participant.pk])
    response = staff_client.post(
        url, {"fiscal_year": "2025", "passed_equivalency_exam": "on", "employed": "on"}
    )
    assert response.url == reverse("checkin_participant", args=[participant.pk]) + "?year=2025"
    outcome = Outcome.objects.get(participant=participant, fiscal_year=2025)
    assert outcome.passed_equivalency_exam and outcome.took_equivalency_exam  # passed implies took
    assert outcome.employed and not outcome.returned_to_school
    assert outcome.recorded_by == staff
    assert "2025" in logged(participant, audit.RECORD_OUTCOME).get().data["detail"]

    # Saving again replaces the year's flags; another year is its own row.
    staff_client.post(url, {"fiscal_year": "2025", "returned_to_school": "on"})
    outcome.refresh_from_db()
    assert (
        outcome.returned_to_school and not outcome.employed and not outcome.passed_equivalency_exam
    )
    staff_client.post(url, {"fiscal_year": "2026", "further_education": "on"})
    assert Outcome.objects.filter(participant=participant).count() == 2

    page = staff_client.get(reverse("checkin_participant", args=[participant.pk]), {"year": "2025"})
    assert page.context["year"] == 2025
    assert page.context["outcome_form"].initial["returned_to_school"] is True
    assert (
        staff_client.get(
            reverse("checkin_participant", args=[participant.pk]), {"year": "abc"}
        ).context["year"]
        == 2026
    )


@pytest.mark.parametrize("year", ["", "abc", "1999", "2027"])
def test_outcomes_for_impossible_years_are_refused(staff_client, year):
    participant = make_participant()
    response = staff_client.post(
        reverse("checkin_outcome", args=[participant.pk]), {"fiscal_year": year, "employed": "on"}
    )
    assert response.status_code == 302
    assert texts(response)
    assert not Outcome.objects.exists()


def test_reach_out_lists_regulars_who_stopped_coming(staff_client):
    school = make_school("益田東高校")
    away = make_participant(nickname="しばらくこない", school=school)
    for days in (21, 28, 35, 42):
        make_visit(away, TODAY - dt.timedelta(days=days))
    recent = make_participant(nickname="さいきんきた")
    for days in (20, 28, 35, 42):
        make_visit(recent, TODAY - dt.timedelta(days=days))
    response = staff_client.get(reverse("checkin_reach_out"))
    html = response.content.decode()
    assert [p.pk for p in response.context["participants"]] == [away.pk]
    assert "しばらくこない" in html and "益田東高校" in html
    assert (TODAY - dt.timedelta(days=21)).isoformat() in html
    assert "<td>4</td>" in html
    assert "さいきんきた" not in html


def test_staff_renew_a_students_calendar_address_at_the_desk(staff_client, staff, client):
    participant = make_participant()
    old = participant.feed_token
    page = staff_client.get(reverse("checkin_participant", args=[participant.pk]))
    assert reverse("checkin_renew_feed", args=[participant.pk]) in page.content.decode()
    response = staff_client.post(reverse("checkin_renew_feed", args=[participant.pk]))
    assert response.url == reverse("checkin_participant", args=[participant.pk])
    participant.refresh_from_db()
    assert participant.feed_token != old
    assert client.get(f"/my/feed/{old}.ics").status_code == 404
    assert client.get(f"/my/feed/{participant.feed_token}.ics").status_code == 200
    assert logged(participant, audit.RENEW_FEED).get().user == staff
