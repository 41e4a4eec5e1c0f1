"""One login for everyone: Wagtail's /admin/login/ is no second door around e-mail
verification and the limits."""

from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.booking.web.factories import make_slot, make_space, make_student
from tests.factories import make_user

from .support import PASSWORD, attempt, verified_student

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_the_admin_login_address_leads_to_allauth_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fadmin%2Fpages%2F"
    page = client.get(response.url)
    assert page.status_code == 200 and 'name="login"' in page.content.decode()
    # The admin sends strangers there too.
    assert client.get("/admin/").url == "/accounts/login/?next=/admin/"


def test_posting_to_the_admin_login_signs_nobody_in(client):
    make_user("chief", groups=["Staff"], password=PASSWORD)
    response = client.post("/admin/login/", {"username": "chief", "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not signed_in(client)


def test_an_unverified_student_cannot_get_in_through_the_admin_door(client):
    student = make_student("mio")
    EmailAddress.objects.create(user=student, email=student.email, verified=False, primary=True)
    space = make_space()
    slot = make_slot(space)

    client.post("/admin/login/", {"username": "mio", "password": PASSWORD})
    assert not signed_in(client)
    # Where the admin door leads, allauth asks for the address to be confirmed first.
    response = client.post("/accounts/login/?next=/admin/", {"login": "mio", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    assert not signed_in(client)
    assert client.get("/my/").status_code == 302
    booking = client.post("/api/v1/bookings", {"slot_id": slot.pk}, content_type="application/json")
    assert booking.status_code in (401, 403)
    assert not slot.bookings.exists()


def test_a_student_who_signs_in_from_the_admin_door_lands_on_their_own_page(client):
    student = verified_student()
    response = client.get("/admin/login/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post(
        "/accounts/login/?next=%2Fadmin%2F",
        {"login": student.username, "password": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert [url for url, _ in response.redirect_chain] == ["/admin/", "/my/"]
    assert response.wsgi_request.user == student


def test_staff_sign_in_through_allauth_and_reach_the_admin(client):
    make_user("editor1", groups=["Editors"], password=PASSWORD)
    response = client.post(
        "/accounts/login/?next=%2Fadmin%2F", {"login": "editor1", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wagtails_logout_still_signs_out(client):
    make_user("editor1", groups=["Editors"], password=PASSWORD)
    client.post("/accounts/login/", {"login": "editor1", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200
    response = client.post("/admin/logout/")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert not signed_in(client)
    assert client.get("/admin/").url == "/accounts/login/?next=/admin/"


def test_wagtails_own_password_reset_is_closed(client):
    assert client.get("/admin/password_reset/").status_code == 404
    assert client.get("/accounts/password/reset/").status_code == 200


def test_fifty_wrong_passwords_for_a_staff_account_at_allauths_door_are_limited(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_user("chief", groups=["Staff"], password=PASSWORD)
    guesser = Client()
    door = "/accounts/login/?next=%2Fadmin%2F"
    outcomes = Counter(attempt(guesser, "chief", "guess", "192.0.2.66", door) for _ in range(50))
    assert outcomes == {"wrong": 5, "limited": 45}
    assert not signed_in(guesser)


def test_fifty_wrong_passwords_at_the_admin_door_check_nothing(client):
    make_user("chief", groups=["Staff"], password=PASSWORD)
    for _ in range(50):
        response = client.post("/admin/login/", {"username": "chief", "password": "guess"})
        # No form to guess at: the same redirect to allauth's login, nothing checked.
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not signed_in(client)
