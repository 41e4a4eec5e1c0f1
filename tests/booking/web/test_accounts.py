"""Sign-up with email verification, the participant profile, and logging in."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from booking.models import Participant
from core.models import School
from tests.booking.web.factories import PASSWORD, make_student

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "hana@example.org",
    "nickname": "はな",
    "school": "none",
    "birth_year": "2009",
    "password1": "kawa-no-nagare-42",
    "password2": "kawa-no-nagare-42",
}


def confirmation_link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_signup_creates_participant_and_verifies_email(client, mailoutbox):
    school = School.objects.create(name="益田高校テスト")
    response = client.post("/accounts/signup/", {**SIGNUP, "school": school.pk})
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"

    user = get_user_model().objects.get(email="hana@example.org")
    participant = user.participant
    assert participant.nickname == "はな"
    assert participant.school == school
    assert participant.birth_year == 2009
    assert participant.contact_email == "hana@example.org"
    assert participant.language == "ja"
    assert re.fullmatch(r"P-\d{4,}", participant.reference)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["hana@example.org"]
    link = confirmation_link(mailoutbox[0])
    # Not verified yet: logging in sends the student back to the verification page.
    assert not EmailAddress.objects.get(user=user).verified
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/my/").status_code == 200


def test_signup_references_are_unique(client, mailoutbox):
    client.post("/accounts/signup/", SIGNUP)
    client.logout()
    other = {**SIGNUP, "email": "sora@example.org", "nickname": "そら"}
    client.post("/accounts/signup/", other)
    references = list(Participant.objects.values_list("reference", flat=True))
    assert len(references) == 2 and len(set(references)) == 2


def test_signup_in_english_keeps_the_language(client, mailoutbox):
    client.cookies["django_language"] = "en"
    client.post("/accounts/signup/", SIGNUP)
    assert Participant.objects.get().language == "en"


@pytest.mark.parametrize("year", ["1800", "2099", "abc", ""])
def test_signup_rejects_a_bad_birth_year(client, mailoutbox, year):
    response = client.post("/accounts/signup/", {**SIGNUP, "birth_year": year})
    assert response.status_code == 200
    assert response.context["form"].errors["birth_year"]
    assert not get_user_model().objects.exists()
    assert not Participant.objects.exists()
    assert mailoutbox == []


def test_unverified_login_is_sent_to_verify(client, mailoutbox):
    client.post("/accounts/signup/", SIGNUP)
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    assert client.get("/my/").status_code == 302


@pytest.mark.parametrize("login", ["username", "email"])
def test_login_by_username_or_email_lands_on_my_bookings(client, login):
    user = make_student("kai")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    value = user.username if login == "username" else user.email
    response = client.post("/accounts/login/", {"login": value, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/my/"
    assert client.get("/my/").status_code == 200


def test_login_page_uses_the_site_layout_in_japanese(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="ja">' in html
    assert 'class="site-header"' in html and "/static/css/site.css" in html
    assert "ログイン" in html
    assert "/accounts/password/reset/" in html


def test_password_reset_sends_a_mail(client, mailoutbox):
    user = make_student("rin")
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "/accounts/password/reset/key/" in mailoutbox[0].body


def test_the_admin_login_leads_to_the_one_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=%2Fadmin%2F"
    assert client.get("/admin/").url == "/accounts/login/?next=/admin/"
    assert client.get(response.url).status_code == 200


def test_profile_completion_for_a_user_without_participant(client):
    user = make_student("student1", profile=False)
    client.force_login(user)
    response = client.get("/my/")
    assert response.status_code == 302 and response.url == "/my/profile/?next=%2Fmy%2F"
    page = client.get(response.url)
    assert page.status_code == 200 and 'name="birth_year"' in page.content.decode()

    bad = client.post("/my/profile/?next=/my/", {"nickname": " ", "birth_year": "2009"})
    assert bad.status_code == 200 and bad.context["form"].errors["nickname"]

    done = client.post(
        "/my/profile/", {"nickname": "いち", "school": "none", "birth_year": "2008", "next": "/my/"}
    )
    assert done.status_code == 302 and done.url == "/my/"
    participant = Participant.objects.get(user=user)
    assert (participant.nickname, participant.school, participant.birth_year) == (
        "いち",
        None,
        2008,
    )
    assert participant.contact_email == user.email
    # Done once: the page now sends the student on.
    assert client.get("/my/profile/").url == "/my/"
    assert client.get("/my/").status_code == 200


def test_birth_year_bounds_follow_the_calendar(client):
    client.force_login(make_student(profile=False))
    year = timezone.localdate().year
    too_young = client.post("/my/profile/", {"nickname": "x", "birth_year": str(year - 5)})
    assert too_young.context["form"].errors["birth_year"]
    ok = client.post(
        "/my/profile/", {"nickname": "x", "school": "none", "birth_year": str(year - 16)}
    )
    assert ok.status_code == 302
