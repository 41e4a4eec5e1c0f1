"""A session with admin access ends after 30 minutes without a request; students keep theirs."""

import datetime as dt

import pytest
from django.contrib import messages
from django.contrib.auth import SESSION_KEY

from tests.factories import make_user

from .support import PASSWORD, verified_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def still_clock(time_machine):
    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    return time_machine


def test_thirty_minutes_without_a_request_sign_staff_out(client, settings, still_clock):
    assert settings.STAFF_IDLE_TIMEOUT == 30 * 60
    make_user("desk", groups=["Staff"], password=PASSWORD)
    # The real login (allauth), not force_login.
    client.post("/accounts/login/", {"login": "desk", "password": PASSWORD})
    assert client.get("/admin/").status_code == 200

    # Working steadily: every request keeps the session alive, for well over 30 minutes.
    for _ in range(3):
        still_clock.shift(dt.timedelta(minutes=29))
        assert client.get("/admin/").status_code == 200

    # A break of 31 minutes: signed out, sent to the login, told why.
    still_clock.shift(dt.timedelta(minutes=31))
    response = client.get("/admin/checkin/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/checkin/"
    assert SESSION_KEY not in client.session
    page = client.get(response.url)
    assert page.status_code == 200
    assert messages.INFO in [m.level for m in page.context["messages"]]
    assert client.get("/admin/").status_code == 302


def test_the_timeout_counts_on_the_public_site_too(client, still_clock):
    client.force_login(make_user(groups=["Editors"]))
    assert client.get("/").status_code == 200
    still_clock.shift(dt.timedelta(minutes=45))
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert SESSION_KEY not in client.session


def test_students_keep_their_session(client, still_clock):
    student = verified_student()
    client.post("/accounts/login/", {"login": student.username, "password": PASSWORD})
    assert client.get("/my/").status_code == 200
    still_clock.shift(dt.timedelta(days=3))
    assert client.get("/my/").status_code == 200
    assert client.session[SESSION_KEY] == str(student.pk)
    # Nothing of the staff rules is written into a student's session.
    assert not any(key.startswith("manabiba.") for key, _ in client.session.items())
