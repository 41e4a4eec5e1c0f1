"""Who reaches the check-in desk and participant records: Staff and administrators only.
Coordinators see aggregates elsewhere, never names; students never check themselves in."""

import pytest
from django.test import Client
from django.urls import reverse

from attendance.models import Attendance, Outcome
from booking.models import Participant
from tests.factories import make_user

from .factories import make_booking, make_participant, make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(frozen_now):
    slot = make_slot()
    participant = make_participant(nickname="ひみつのなまえ", birth_year=2011)
    booking = make_booking(slot, participant)
    return {"slot": slot, "participant": participant, "booking": booking}


def page_urls(o):
    return [
        reverse("checkin_home"),
        reverse("checkin_find_code") + "?code=" + o["booking"].code,
        reverse("checkin_code", args=[o["booking"].code]),
        reverse("checkin_roster", args=[o["slot"].pk]),
        reverse("checkin_roster", args=[o["slot"].pk]) + "?q=ひみつ",
        reverse("checkin_reach_out"),
        reverse("checkin_participant", args=[o["participant"].pk]),
    ]


def action_posts(o):
    p = o["participant"]
    return [
        (reverse("checkin_came", args=[o["booking"].pk]), {}),
        (reverse("checkin_not_came", args=[o["booking"].pk]), {}),
        (reverse("checkin_walk_in", args=[o["slot"].pk]), {"participant": p.pk}),
        (reverse("checkin_new_walk_in", args=[o["slot"].pk]), {"new-nickname": "だれか"}),
        (reverse("checkin_consent", args=[p.pk]), {"received_on": "2026-06-01"}),
        (reverse("checkin_outcome", args=[p.pk]), {"fiscal_year": "2026", "employed": "on"}),
    ]


def nothing_changed(o):
    o["participant"].refresh_from_db()
    assert not Attendance.objects.exists()
    assert not Outcome.objects.exists()
    assert o["participant"].guardian_consent_on is None
    assert not Participant.objects.filter(nickname="だれか").exists()


def refused(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_home"))
    )


def test_anonymous_is_sent_to_the_login(client, objects):
    # One login for everyone: the admin's leads to allauth's (cms/accounts/).
    for url in page_urls(objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    for url, data in action_posts(objects):
        response = client.post(url, data)
        assert response.url.startswith(reverse("account_login")), url
    nothing_changed(objects)


def test_a_student_is_sent_to_their_own_page_never_a_check_in(client, objects):
    student = make_participant(with_user=True)
    client.force_login(student.user)
    for url in page_urls(objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("my_bookings"), url
    for url, data in action_posts(objects):
        assert client.post(url, data).url == reverse("my_bookings"), url
    nothing_changed(objects)


@pytest.mark.parametrize("group", ["Coordinators", "Editors"])
def test_coordinators_and_editors_are_refused_everywhere(client, objects, group):
    client.force_login(make_user("someone", groups=[group]))
    for url in page_urls(objects):
        response = client.get(url)
        assert refused(response), (url, response.status_code)
        assert "ひみつのなまえ" not in response.content.decode()
    for url, data in action_posts(objects):
        assert refused(client.post(url, data)), url
    nothing_changed(objects)
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("checkin_home") not in menu
    assert reverse("checkin_reach_out") not in menu


def test_coordinators_do_not_read_names_in_the_site_history(objects, staff_client):
    staff_client.get(reverse("checkin_participant", args=[objects["participant"].pk]))
    staff_client.post(reverse("checkin_came", args=[objects["booking"].pk]))
    client = Client()
    client.force_login(make_user("coord", groups=["Coordinators"]))
    history = reverse("wagtailadmin_reports:site_history")
    assert "ひみつのなまえ" in staff_client.get(history).content.decode()
    response = client.get(history)
    assert response.status_code == 200
    assert "ひみつのなまえ" not in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_and_administrators_open_every_page_and_act(client, objects, role):
    if role == "staff":
        user = make_user("desk", groups=["Staff"])
    else:
        user = make_user("admin", is_superuser=True)
    client.force_login(user)
    for url in page_urls(objects):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("checkin_home") in menu and reverse("checkin_reach_out") in menu
    for url, data in action_posts(objects):
        assert client.post(url, data).status_code == 302, url
    assert Attendance.objects.filter(participant__nickname="だれか").exists()
    assert Outcome.objects.filter(participant=objects["participant"]).exists()
    objects["participant"].refresh_from_db()
    assert objects["participant"].guardian_consent_on is not None
