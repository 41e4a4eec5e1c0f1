"""The case pages refuse whoever must not read a case: the signed-out get the login page, a
student the site, roles without case work a refusal, and staff a 404 on a case not theirs (its
code is not confirmed)."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from booking.models import Participant
from outreach import audit
from outreach.models import Case
from tests.factories import make_user

from .case_world import (
    OTHER_NICKNAME,
    SECRET_NICKNAME,
    case_posts,
    case_urls,
    client_for,
    login_redirect,
    make_user_for,
    refused,
    unchanged,
)

pytestmark = pytest.mark.django_db


# Who is refused --------------------------------------------------------------------------------


def test_the_signed_out_get_the_login_page(client, case_world):
    case = case_world["case"]
    for url in [*case_urls(case), reverse("outreach_cases_export")]:
        assert login_redirect(client.get(url)), url
    for url, data in case_posts(case, case_world["staff"].pk):
        assert login_redirect(client.post(url, data)), url
    unchanged(case)


def test_a_student_never_reaches_a_case(case_world):
    student = make_user("student1")
    Participant.objects.create(reference="P-S0001", nickname="がくせい", user=student)
    client = client_for(student)
    case = case_world["case"]
    for url in case_urls(case):
        response = client.get(url)
        assert response.status_code == 302, url
        assert not response.url.startswith("/admin/outreach/"), url
    for url, data in case_posts(case, case_world["staff"].pk):
        assert client.post(url, data).status_code == 302, url
    unchanged(case)


@pytest.mark.parametrize("role", ["committee", "coordinator", "editor", "desk-staff", "liaison"])
def test_roles_without_case_work_are_refused(case_world, role):
    user = make_user_for(role, case_world["school"])
    client = client_for(user)
    case = case_world["case"]
    for url in [*case_urls(case), reverse("outreach_cases_export")]:
        response = client.get(url)
        assert refused(response), url
        assert SECRET_NICKNAME not in response.content.decode()
    for url, data in case_posts(case, case_world["staff"].pk):
        assert refused(client.post(url, data)), url
    unchanged(case)
    assert not ModelLogEntry.objects.filter(action=audit.VIEW_CASE).exists()
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse("outreach_cases") not in home.content.decode()


def test_staff_get_404_on_a_case_not_theirs(case_world):
    client = client_for(case_world["staff"])
    other = case_world["other"]
    response = client.get(reverse("outreach_case", args=[other.code]))
    assert response.status_code == 404
    assert OTHER_NICKNAME not in response.content.decode()
    missing = client.get(reverse("outreach_case", args=["C-NONE00"]))
    assert missing.status_code == 404
    for url, data in case_posts(other, case_world["other_staff"].pk)[:5]:
        assert client.post(url, data).status_code == 404, url
    other.refresh_from_db()
    assert other.status == Case.Status.ONGOING
    assert not other.contacts.exists()
    assert not ModelLogEntry.objects.filter(action=audit.VIEW_CASE).exists()


def test_staff_cannot_assign_or_export(case_world):
    client = client_for(case_world["staff"])
    case = case_world["case"]
    posts = case_posts(case, case_world["other_staff"].pk)
    assert refused(client.post(*posts[5]))
    assert refused(client.post(*posts[6]))
    assert refused(client.get(reverse("outreach_cases_export")))
    assert list(case.staff.all()) == [case_world["staff"]]
