"""Sign-up tells nobody which accounts exist: it asks no username, and an address already
registered gets the same answer as a new one (its owner gets a mail instead)."""

import pytest
from django.contrib.auth import get_user_model

from booking.models import Participant
from tests.booking.web.factories import make_student

pytestmark = pytest.mark.django_db

FORM = {
    "nickname": "はな",
    "school": "none",
    "birth_year": "2009",
    "password1": "kawa-no-nagare-42",
    "password2": "kawa-no-nagare-42",
}


def test_the_signup_form_asks_no_username(client):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="email"' in html and 'name="nickname"' in html
    assert 'name="username"' not in html


def test_a_taken_username_is_not_revealed(client, mailoutbox):
    make_student("hana")
    response = client.post(
        "/accounts/signup/", {**FORM, "email": "hana.k@example.org", "username": "hana"}
    )
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    new = get_user_model().objects.get(email="hana.k@example.org")
    assert new.username != "hana"
    assert Participant.objects.filter(user=new).exists()


def test_a_registered_address_gets_the_same_answer_as_a_new_one(client, mailoutbox):
    owner = make_student("sora")
    fresh = client.post("/accounts/signup/", {**FORM, "email": "new@example.org"})
    client.logout()
    taken = client.post("/accounts/signup/", {**FORM, "email": owner.email})
    assert (fresh.status_code, fresh.url) == (taken.status_code, taken.url)
    assert taken.url == "/accounts/confirm-email/"
    assert get_user_model().objects.filter(email=owner.email).count() == 1
    assert [m.to for m in mailoutbox] == [["new@example.org"], [owner.email]]
