"""A case page names where the case came from: the consultation request (a link for those who
may read it) and the school's referral (with what the school sent)."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import School
from outreach.services.referrals import accept_referral, refer

from .factories import NOW, make_case, make_liaison, make_request, make_role_user

pytestmark = pytest.mark.django_db


def page(user, case) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("outreach_case", args=[case.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_request_is_linked_for_those_who_may_read_it():
    staff = make_role_user("outreach-staff")
    request = make_request(assigned_to=staff)
    case = make_case(staff=[staff], request=request)
    html = page(staff, case)
    assert f'href="{reverse("outreach_request", args=[request.code])}"' in html
    other = make_role_user("outreach-staff", "other-staff")
    request.assigned_to = other
    request.save()
    html = page(staff, case)
    assert request.code in html
    assert f'href="{reverse("outreach_request", args=[request.code])}"' not in html


def test_the_referral_shows_what_the_school_sent():
    school = School.objects.create(name="益田A高校")
    liaison = make_liaison(school, "liaison-a")
    referral = refer(
        school=school,
        nickname="たくみ",
        grade=3,
        situation="left",
        reason="中退後、連絡がとれていません。",
        consent_on=NOW.date(),
        consent_by="guardian",
        by=liaison,
        now=NOW,
    )
    lead = make_role_user("outreach-lead")
    case = accept_referral(referral, by=lead, now=NOW)
    html = page(lead, case)
    assert f'href="{reverse("outreach_referral", args=[referral.code])}"' in html
    assert "中退後、連絡がとれていません。" in html and "益田A高校" in html
    staff = make_role_user("outreach-staff")
    case.assignments.create(user=staff)
    html = page(staff, case)
    assert referral.code in html and "中退後、連絡がとれていません。" in html
    assert f'href="{reverse("outreach_referral", args=[referral.code])}"' not in html
