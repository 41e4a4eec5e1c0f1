"""Whoever can see students' personal data sets up an authenticator app before the admin
opens, and allauth asks for its code at every login after that. Codes are computed here from
the secret, as the staff member's phone would."""

import datetime as dt
import time
from io import StringIO
from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.core.management import call_command

from cms.management.commands.seed_demo import DEMO_TOTP_SECRET
from tests.factories import make_user

from .support import PASSWORD, verified_student

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/totp/activate/"
CODE_PAGE = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture
def still_clock(time_machine):
    """A clock that stands still (codes change every 30 seconds), moved by hand."""
    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    return time_machine


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def wrong_code(secret: str) -> str:
    return f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"


def log_in(client, username):
    return client.post(
        "/accounts/login/?next=%2Fadmin%2F", {"login": username, "password": PASSWORD}
    )


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_staff_set_up_an_authenticator_then_need_its_code_at_every_login(client, still_clock):
    make_user("desk", groups=["Staff"], password=PASSWORD)

    # Signed in with the password alone, the admin asks for the set-up first, kindly.
    response = log_in(client, "desk")
    assert response.status_code == 302 and response.url == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == SETUP
    # allauth asks for the password again before a second factor is added.
    page = client.get(SETUP, follow=True)
    assert page.redirect_chain == [(f"/accounts/reauthenticate/?next={quote(SETUP, safe='')}", 302)]
    assert messages.WARNING in [m.level for m in page.context["messages"]]
    response = client.post(page.redirect_chain[0][0], {"password": PASSWORD})
    assert response.status_code == 302 and response.url == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200
    assert client.get("/admin/checkin/").url == SETUP

    # A wrong code does not set it up; the right one does.
    secret = page.context["form"].secret
    refused = client.post(SETUP, {"code": wrong_code(secret)})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()
    done = client.post(SETUP, {"code": current_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 1
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert not signed_in(client)

    # Next login: the password leads to the code page, not into the admin.
    still_clock.shift(dt.timedelta(minutes=1))
    response = log_in(client, "desk")
    assert response.status_code == 302 and response.url == CODE_PAGE
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302
    wrong = client.post(CODE_PAGE, {"code": wrong_code(secret)})
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    assert not signed_in(client)
    right = client.post(CODE_PAGE, {"code": current_code(secret)})
    assert right.status_code == 302 and right.url == "/admin/"
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def editor_who_sees_participants():
    """No Staff group, but the permission that shows names: the permission decides."""
    user = make_user(groups=["Editors"])
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="booking", codename="view_participant")
    )
    return user


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_user(groups=["Staff"]),
        lambda: make_user(is_superuser=True),
        editor_who_sees_participants,
        lambda: make_user(groups=["Outreach staff"]),
        lambda: make_user(groups=["Outreach leads"]),
        lambda: make_user(groups=["School liaisons"]),
    ],
    ids=[
        "staff",
        "administrator",
        "anyone-who-sees-participants",
        "outreach-staff",
        "outreach-lead",
        "school-liaison",
    ],
)
def test_the_admin_waits_for_the_set_up(client, make):
    client.force_login(make())
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == SETUP


@pytest.mark.parametrize("group", ["Coordinators", "Editors", "Committee"])
def test_coordinators_and_editors_may_do_without(client, group):
    client.force_login(make_user(groups=[group]))
    assert client.get("/admin/").status_code == 200


def test_students_are_sent_to_their_own_page_not_the_set_up(client):
    client.force_login(verified_student())
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == "/my/"
    assert client.get("/my/").status_code == 200


def test_logging_out_needs_no_set_up(client):
    client.force_login(make_user(groups=["Staff"]))
    assert client.post("/admin/logout/").status_code == 302
    assert not signed_in(client)


def test_the_demo_staff_get_in_with_the_documented_secret(client, still_clock):
    call_command("seed_demo", stdout=StringIO())
    response = client.post("/accounts/login/", {"login": "staff", "password": "demo-staff-pass"})
    assert response.status_code == 302 and response.url == CODE_PAGE
    response = client.post(CODE_PAGE, {"code": current_code(DEMO_TOTP_SECRET)})
    assert response.status_code == 302 and signed_in(client)
    assert client.get("/admin/").status_code == 200
