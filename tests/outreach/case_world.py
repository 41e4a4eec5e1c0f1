"""One world for the case pages' tests (test_cases_views.py, test_cases_refusals.py): two staff
members with a case each, a school, the secrets only the assigned staff and a lead may read;
the addresses and posts of a case; how a refusal looks. Its fixtures are in conftest.py."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.models import School
from outreach.models import Case, Contact, SupportPlan

from .factories import NOW, make_case, make_liaison, make_role_user

SECRET_NICKNAME = "ひみつのなまえ"
SECRET_SCHOOL = "ひみつ高校"
SECRET_AGREED = "ひみつの約束"
OTHER_NICKNAME = "べつのひと"


@pytest.fixture
def case_now(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def case_world(case_now):
    school = School.objects.create(name=SECRET_SCHOOL)
    staff = make_role_user("outreach-staff")
    other_staff = make_role_user("outreach-staff", "other-staff")
    case = make_case(
        staff=[staff],
        nickname=SECRET_NICKNAME,
        school=school,
        next_action="ひみつの予定",
        next_action_on=NOW.date() + dt.timedelta(days=2),
    )
    Contact.objects.create(
        case=case, kind="phone", happened_on=NOW.date(), agreed=SECRET_AGREED, recorded_at=NOW
    )
    other = make_case(staff=[other_staff], nickname=OTHER_NICKNAME)
    return {
        "school": school,
        "staff": staff,
        "other_staff": other_staff,
        "case": case,
        "other": other,
    }


def make_user_for(role, school):
    return make_liaison(school, "liaison-a") if role == "liaison" else make_role_user(role)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_urls(case):
    return [
        reverse("outreach_cases"),
        reverse("outreach_case_new"),
        reverse("outreach_case", args=[case.code]),
    ]


def case_posts(case, user_id):
    code = case.code
    return [
        (reverse("outreach_case_consent", args=[code]), {"on": "2026-06-01"}),
        (reverse("outreach_case_status", args=[code]), {"status": "closed", "on": "2026-06-10"}),
        (reverse("outreach_case_next_action", args=[code]), {"text": "電話", "on": "2026-06-12"}),
        (
            reverse("outreach_case_contact", args=[code]),
            {"kind": "phone", "on": "2026-06-10", "reached": "on", "agreed": "新しい約束"},
        ),
        (
            reverse("outreach_case_plan", args=[code]),
            {
                "goals": "目標",
                "review_on": "2026-07-01",
                "actions-TOTAL_FORMS": "1",
                "actions-INITIAL_FORMS": "0",
                "actions-0-action": "誘う",
                "actions-0-responsible": "centre",
            },
        ),
        (reverse("outreach_case_assign", args=[code]), {"user": user_id}),
        (reverse("outreach_case_unassign", args=[code, user_id]), {}),
    ]


def unchanged(case):
    case.refresh_from_db()
    assert case.consent_on is None
    assert case.status == Case.Status.ONGOING
    assert case.next_action == "ひみつの予定"
    assert list(case.contacts.values_list("agreed", flat=True)) == [SECRET_AGREED]
    assert not SupportPlan.objects.filter(case=case).exists()


def refused(response) -> bool:
    """Wagtail answers a permission refused on an admin page with a redirect to the admin home
    (and a message); a POST-only address may answer 405."""
    return response.status_code in (403, 405) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def login_redirect(response) -> bool:
    """To the sign-in page (Wagtail's or the site's), with the way back."""
    return response.status_code == 302 and "login" in response.url and "next=" in response.url
