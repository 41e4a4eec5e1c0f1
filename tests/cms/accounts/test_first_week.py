"""Sign-up as a 16-year-old on a phone meets it (issue #9): allauth's mails speak as the site,
the school is a choice the student makes, the consent form and carrier mail filters are said
before they matter, and the booking the student started from survives confirming the address
in another browser."""

import re
from urllib.parse import quote

import pytest
from django.test import Client

from booking.models import Participant
from core.models import School
from tests.booking.web.factories import make_space, make_student
from tests.factories import verify_address

pytestmark = pytest.mark.django_db

FORM = {
    "nickname": "はな",
    "school": "none",
    "birth_year": "2010",
    "password1": "kawa-no-nagare-42",
    "password2": "kawa-no-nagare-42",
}


def signup(client, email="hana@example.org", **fields):
    return client.post("/accounts/signup/", {**FORM, "email": email, **fields})


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", message.body)
    assert match, message.body
    return match.group(1)


# allauth's mails --------------------------------------------------------------------------


def test_the_verification_mail_greets_with_the_site_name(client, mailoutbox):
    assert signup(client).status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject.startswith("[学び場] ")
    assert "こんにちは、学び場 です" in message.body
    assert "testserver です" not in message.body
    assert "学び場 をご利用いただきありがとうございます" in message.body


def test_the_password_reset_mail_greets_with_the_site_name(client, mailoutbox):
    user = make_student("rin")
    verify_address(user)
    assert client.post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject.startswith("[学び場] ")
    assert "/accounts/password/reset/key/" in message.body
    assert "こんにちは、学び場 です" in message.body
    assert "testserver です" not in message.body


# The form ----------------------------------------------------------------------------------


def test_the_school_is_an_explicit_required_choice(client, mailoutbox):
    school = School.objects.create(name="益田東中学校テスト")
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    select = re.search(r'<select name="school".*?</select>', html, re.S)
    assert select, html
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))
    assert options[0] == ("", "選んでください")
    assert (str(school.pk), school.name) in options
    assert ("none", "通っていない / 別の学校") in options

    missing = signup(client, school="")
    assert missing.status_code == 200
    assert missing.context["form"].errors["school"]
    assert not Participant.objects.exists()

    assert signup(client, email="a@example.org", school="none").status_code == 302
    assert signup(Client(), email="b@example.org", school=str(school.pk)).status_code == 302
    schools = dict(Participant.objects.values_list("contact_email", "school"))
    assert schools == {"a@example.org": None, "b@example.org": school.pk}


def test_the_form_says_how_the_consent_form_is_handed_in_and_warns_carrier_mail_users(client):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    consent = "18歳未満の人は、保護者の同意書を初回に受付で渡してください"
    assert consent in html
    assert html.index('name="birth_year"') < html.index(consent)
    assert "docomo" in html and "softbank" in html
    # Before the address is sent, right under the field.
    assert html.index('name="email"') < html.index("docomo") < html.index('name="password1"')


def test_full_width_input_needs_no_rule(client, mailoutbox):
    """No field asks for half-width: what a phone types in full width is read as half-width,
    and the birth year is no number box (which drops full-width digits before we see them)."""
    html = client.get("/accounts/signup/").content.decode()
    birth_year = re.search(r'<input[^>]*name="birth_year"[^>]*>', html)
    assert birth_year, html
    assert 'type="text"' in birth_year.group(0) and 'inputmode="numeric"' in birth_year.group(0)
    response = signup(client, email="ｈａｎａ＠ｅｘａｍｐｌｅ.ｏｒｇ", birth_year="２０１０")
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert (participant.contact_email, participant.birth_year) == ("hana@example.org", 2010)


@pytest.mark.parametrize(
    "email, carrier",
    [
        ("hana@docomo.ne.jp", True),
        ("hana@ezweb.ne.jp", True),
        ("hana@au.com", True),
        ("hana@softbank.ne.jp", True),
        ("hana@i.softbank.jp", True),
        ("hana@example.org", False),
    ],
)
def test_the_check_your_mail_page_warns_carrier_addresses(client, mailoutbox, email, carrier):
    response = signup(client, email=email)
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    page = client.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "メール" in html
    assert ("携帯会社のメールアドレス" in html) is carrier


# The booking the student started from -------------------------------------------------------


def test_the_page_the_student_started_from_survives_confirming_in_another_browser(mailoutbox):
    week = make_space().week_url
    phone = Client()
    login_page = phone.get(f"/accounts/login/?next={quote(week)}")
    assert login_page.status_code == 200
    signup_link = re.search(r'href="(/accounts/signup/[^"]*)"', login_page.content.decode())
    assert signup_link and "next=" in signup_link.group(1)
    assert signup(phone, next=week).status_code == 302
    assert len(mailoutbox) == 1

    other = Client()  # the mail app's own browser: no session of the sign-up
    link = confirmation_path(mailoutbox[0])
    assert other.get(link).status_code == 200
    confirmed = other.post(link)
    assert confirmed.status_code == 302
    assert confirmed.url == f"/accounts/login/?next={quote(week, safe='')}"
    login = other.post(confirmed.url, {"login": "hana@example.org", "password": FORM["password1"]})
    assert login.status_code == 302 and login.url == week


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_confirmation_never_leads_off_site(mailoutbox, target):
    phone = Client()
    assert signup(phone, next=target).status_code == 302
    link = confirmation_path(mailoutbox[0])
    assert "evil" not in link
    # Nor does a link whose `next` someone wrote in by hand.
    other = Client()
    confirmed = other.post(f"{link}?next={quote(target)}")
    assert confirmed.status_code == 302
    assert "evil" not in confirmed.url
    login = other.post(
        "/accounts/login/", {"login": "hana@example.org", "password": FORM["password1"]}
    )
    assert login.status_code == 302 and login.url == "/my/"
