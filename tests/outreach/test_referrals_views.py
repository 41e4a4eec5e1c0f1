"""Referrals in the admin, per role: a liaison refers for their own school and follows only
their school's referrals, by code, date and status; another school's referral is a 404; a lead
sees all and accepts or declines; every view of a referral is audited."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from core.models import School
from outreach import audit
from outreach.models import Case, Contact, Referral
from outreach.services.cases import change_status
from outreach.services.referrals import accept_referral
from tests.factories import make_user

from .factories import NOW, make_liaison, make_role_user

pytestmark = pytest.mark.django_db

REASON_A = "Aの理由: 5月から欠席"
REASON_B = "Bの理由: 家庭の事情"
CASE_NOTE = "センターだけの記録"


@pytest.fixture
def now(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def make_referral(school, by, nickname, reason) -> Referral:
    return Referral.objects.create(
        code=f"F-T{Referral.objects.count() + 1:05d}",
        school=school,
        referred_by=by,
        referred_at=NOW - dt.timedelta(days=1),
        nickname=nickname,
        grade=2,
        situation="futoko",
        reason=reason,
        consent_on=dt.date(2026, 6, 1),
        consent_by="guardian",
    )


@pytest.fixture
def world(now):
    school_a = School.objects.create(name="益田A高校")
    school_b = School.objects.create(name="益田B高校")
    liaison_a = make_liaison(school_a, "liaison-a")
    liaison_b = make_liaison(school_b, "liaison-b")
    return {
        "school_a": school_a,
        "school_b": school_b,
        "liaison_a": liaison_a,
        "liaison_b": liaison_b,
        "a": make_referral(school_a, liaison_a, "あおい", REASON_A),
        "b": make_referral(school_b, liaison_b, "べにこ", REASON_B),
        "lead": make_role_user("outreach-lead"),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refused(response) -> bool:
    return response.status_code in (403, 405) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def referral_form(**fields):
    data = {
        "nickname": "かける",
        "grade": "1",
        "situation": "futoko_risk",
        "reason": "遅刻と欠席が増えています。",
        "consent_on": "2026-06-09",
        "consent_by": "guardian",
    }
    data.update(fields)
    return data


def test_a_liaison_sees_only_their_schools_referrals_by_code_date_and_status(world):
    client = client_for(world["liaison_a"])
    response = client.get(reverse("outreach_referrals"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world["a"].code in html
    assert "Sent to the centre" in html
    assert world["b"].code not in html
    assert "べにこ" not in html and REASON_B not in html
    assert "Refer a student of 益田A高校" in html
    assert [r.code for r in response.context["page"]] == [world["a"].code]


def test_another_schools_referral_is_a_404(world):
    client = client_for(world["liaison_b"])
    a = world["a"]
    response = client.get(reverse("outreach_referral", args=[a.code]))
    assert response.status_code == 404
    assert REASON_A not in response.content.decode()
    assert client.get(reverse("outreach_referral", args=["F-NONE00"])).status_code == 404
    assert not ModelLogEntry.objects.filter(action=audit.VIEW_REFERRAL).exists()
    # Answering is the leads': refused before the referral is even looked up.
    assert refused(client.post(reverse("outreach_referral_accept", args=[a.code])))
    assert refused(client.post(reverse("outreach_referral_decline", args=[a.code])))
    a.refresh_from_db()
    assert a.status == Referral.Status.SENT


def test_a_liaison_opens_their_referral_and_the_view_is_audited(world):
    liaison = world["liaison_a"]
    a = world["a"]
    response = client_for(liaison).get(reverse("outreach_referral", args=[a.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert a.code in html and "Sent to the centre" in html
    assert "Accept: open a case" not in html
    [entry] = ModelLogEntry.objects.filter(action=audit.VIEW_REFERRAL, object_id=str(a.pk))
    assert entry.user == liaison


def test_a_liaison_refers_for_their_own_school_whatever_is_posted(world):
    client = client_for(world["liaison_a"])
    response = client.post(
        reverse("outreach_referrals"), referral_form(school=world["school_b"].pk)
    )
    assert response.status_code == 302
    referral = Referral.objects.get(nickname="かける")
    assert referral.school == world["school_a"]
    assert referral.referred_by == world["liaison_a"]
    assert referral.status == Referral.Status.SENT
    assert ModelLogEntry.objects.filter(action=audit.REFER, object_id=str(referral.pk)).count() == 1


def test_a_bad_referral_is_shown_again_with_its_errors(world):
    client = client_for(world["liaison_a"])
    response = client.post(
        reverse("outreach_referrals"), referral_form(grade="7", consent_on="2026-06-11")
    )
    assert response.status_code == 200
    assert "Enter a grade from 1 to 4." in response.content.decode()
    response = client.post(reverse("outreach_referrals"), referral_form(consent_on="2026-06-11"))
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert not Referral.objects.filter(nickname="かける").exists()


def test_the_school_sees_support_started_and_ended_never_the_case(world):
    lead = world["lead"]
    a = world["a"]
    case = accept_referral(a, by=lead, now=NOW)
    Contact.objects.create(
        case=case, kind="home_visit", happened_on=NOW.date(), agreed=CASE_NOTE, recorded_at=NOW
    )
    change_status(case, Case.Status.PREPARING_EXAM, on=NOW.date(), by=lead, now=NOW)
    client = client_for(world["liaison_a"])
    for url in (reverse("outreach_referrals"), reverse("outreach_referral", args=[a.code])):
        html = client.get(url).content.decode()
        assert a.code in html
        assert "Accepted: support started" in html
        assert case.code not in html
        assert CASE_NOTE not in html
        assert "Preparing for an exam" not in html
    change_status(case, Case.Status.CLOSED, on=NOW.date(), by=lead, now=NOW)
    html = client.get(reverse("outreach_referrals")).content.decode()
    assert "Support ended" in html
    assert client.get(reverse("outreach_case", args=[case.code])).status_code in (302, 403)


def test_a_lead_sees_every_referral_and_accepts(world):
    client = client_for(world["lead"])
    html = client.get(reverse("outreach_referrals")).content.decode()
    assert world["a"].code in html and world["b"].code in html
    assert "Accept: open a case" in html
    b = world["b"]
    assert client.get(reverse("outreach_referral", args=[b.code])).status_code == 200
    response = client.post(reverse("outreach_referral_accept", args=[b.code]))
    b.refresh_from_db()
    assert b.status == Referral.Status.ACCEPTED
    assert response.status_code == 302
    assert response.url == reverse("outreach_case", args=[b.case.code])
    assert b.case.participant.school == world["school_b"]
    again = client.post(reverse("outreach_referral_accept", args=[b.code]), follow=True)
    assert "already" in again.content.decode()
    assert Case.objects.count() == 1


def test_a_lead_declines(world):
    client = client_for(world["lead"])
    a = world["a"]
    response = client.post(reverse("outreach_referral_decline", args=[a.code]))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Referral.Status.DECLINED
    html = client_for(world["liaison_a"]).get(reverse("outreach_referrals")).content.decode()
    assert "Not taken up" in html


@pytest.mark.parametrize("role", ["outreach-staff", "committee", "coordinator", "editor"])
def test_other_roles_are_refused(world, role):
    client = client_for(make_role_user(role))
    a = world["a"]
    for url in (reverse("outreach_referrals"), reverse("outreach_referral", args=[a.code])):
        response = client.get(url)
        assert refused(response), url
        assert REASON_A not in response.content.decode()
    assert refused(client.post(reverse("outreach_referrals"), referral_form()))
    assert refused(client.post(reverse("outreach_referral_accept", args=[a.code])))
    assert not Referral.objects.filter(nickname="かける").exists()
    a.refresh_from_db()
    assert a.status == Referral.Status.SENT


def test_the_signed_out_and_students_are_sent_away(client, world):
    a = world["a"]
    urls = (reverse("outreach_referrals"), reverse("outreach_referral", args=[a.code]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url, url
    student = client_for(make_user("student1"))
    for url in urls:
        response = student.get(url)
        assert response.status_code == 302, url
        assert not response.url.startswith("/admin/outreach/")
    assert refused(student.post(reverse("outreach_referrals"), referral_form())) or (
        not Referral.objects.filter(nickname="かける").exists()
    )
    assert not Referral.objects.filter(nickname="かける").exists()


def test_the_menu_shows_referrals_to_liaisons(world):
    html = client_for(world["liaison_a"]).get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("outreach_referrals") in html
    assert reverse("outreach_cases") not in html
    assert reverse("outreach_review") not in html


def test_liaisons_do_not_read_other_schools_referrals_in_the_site_history(world):
    """Wagtail's site history shows a model's entries to anyone with a permission on it: the
    liaisons' permission is on Liaison, not Referral (migration 0004)."""
    a = world["a"]
    case = accept_referral(a, by=world["lead"], now=NOW)
    history = reverse("wagtailadmin_reports:site_history")
    lead_view = client_for(world["lead"]).get(history).content.decode()
    assert a.code in lead_view and case.code in lead_view
    response = client_for(world["liaison_b"]).get(history)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Site history" in html
    assert a.code not in html and case.code not in html
    assert world["liaison_a"].get_username() not in html
    assert world["liaison_b"].has_perm("outreach.refer_students")
