"""The committee's pages: the review list, the meetings and their exports show case codes and
status, never a name, a school, a contact or a note; each page is checked to be served and to
hold the code, so a refusal cannot pass for privacy. Leads write the meetings."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from core.models import School
from outreach import audit
from outreach.models import CommitteeMeeting, Contact, Referral
from outreach.services.committee import record_meeting
from outreach.services.plans import revise_plan

from .factories import NOW, make_case, make_liaison, make_role_user

pytestmark = pytest.mark.django_db

SECRETS = {
    "nickname": "ひみつのなまえ",
    "school": "ひみつ高校",
    "agreed": "ひみつの約束",
    "next_action": "ひみつの予定",
    "goals": "ひみつの目標",
    "reason": "ひみつの理由",
    "reference": "P-SECRET1",
}


@pytest.fixture
def now(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def world(now):
    lead = make_role_user("outreach-lead")
    school = School.objects.create(name=SECRETS["school"])
    case = make_case(
        nickname=SECRETS["nickname"],
        school=school,
        next_action=SECRETS["next_action"],
        next_action_on=NOW.date(),
    )
    case.participant.reference = SECRETS["reference"]
    case.participant.save()
    Contact.objects.create(
        case=case, kind="phone", happened_on=NOW.date(), agreed=SECRETS["agreed"], recorded_at=NOW
    )
    revise_plan(
        case,
        goals=SECRETS["goals"],
        review_on=NOW.date() + dt.timedelta(days=10),
        actions=[("学校と連絡を取る", "school"), ("学習支援", "centre")],
        by=lead,
        now=NOW,
    )
    Referral.objects.create(
        code="F-T00001",
        school=school,
        referred_at=NOW,
        nickname=SECRETS["nickname"],
        situation="futoko",
        reason=SECRETS["reason"],
        consent_on=NOW.date(),
        consent_by="guardian",
        status=Referral.Status.ACCEPTED,
        case=case,
    )
    meeting = record_meeting(
        held_on=NOW.date(),
        agenda='=HYPERLINK("http://example.org")',
        minutes=f"{case.code}: 継続して支援",
        cases=[case],
        by=lead,
        now=NOW,
    )
    return {"lead": lead, "case": case, "meeting": meeting, "school": school}


def make_user_for(role, school):
    return make_liaison(school, "liaison-a") if role == "liaison" else make_role_user(role)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refused(response) -> bool:
    return response.status_code in (403, 405) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def pages(world):
    meeting = world["meeting"]
    return [
        reverse("outreach_review"),
        reverse("outreach_review_export"),
        reverse("outreach_meeting", args=[meeting.pk]),
        reverse("outreach_meeting_export", args=[meeting.pk]),
    ]


def assert_no_secret(text: str) -> None:
    for name, secret in SECRETS.items():
        assert secret not in text, name


@pytest.mark.parametrize("role", ["committee", "coordinator"])
def test_the_committee_sees_codes_and_status_only(world, role):
    client = client_for(make_role_user(role))
    code = world["case"].code
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8")
        assert code in text, url
        assert_no_secret(text)
    review = client.get(reverse("outreach_review")).content.decode()
    assert "Consultation ongoing" in review
    assert "School / Youth support centre" in review  # organisations, not the school's name
    assert f'href="{reverse("outreach_case", args=[code])}"' not in review
    assert "New meeting" not in review


def test_the_exports_are_neutralised_utf8_with_a_bom_and_audited(world):
    member = make_role_user("committee")
    client = client_for(member)
    review = client.get(reverse("outreach_review_export"))
    assert review["Content-Type"].startswith("text/csv")
    body = review.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert len(lines) == 2
    assert lines[0] == "Case,Situation,Status,Plan revision,Review by,Responsible"
    assert lines[1].startswith(world["case"].code + ",")
    meeting = client.get(reverse("outreach_meeting_export", args=[world["meeting"].pk]))
    text = meeting.content.decode("utf-8")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    exports = ModelLogEntry.objects.filter(action=audit.EXPORT_REVIEW, user=member)
    assert sorted(entry.data["export"] for entry in exports) == ["meeting", "review_list"]


def test_a_lead_writes_and_changes_meetings(world):
    lead = world["lead"]
    client = client_for(lead)
    case = world["case"]
    new = client.get(reverse("outreach_meeting_new"))
    assert new.status_code == 200
    assert case.code in new.content.decode()
    assert [c.code for c in new.context["form"].initial["cases"]] == [case.code]
    response = client.post(
        reverse("outreach_meeting_new"),
        {"held_on": "2026-06-24", "agenda": "見直し", "minutes": "継続", "cases": [case.pk]},
    )
    meeting = CommitteeMeeting.objects.get(held_on=dt.date(2026, 6, 24))
    assert response.status_code == 302
    assert response.url == reverse("outreach_meeting", args=[meeting.pk])
    assert list(meeting.cases.all()) == [case]
    response = client.post(
        reverse("outreach_meeting_edit", args=[meeting.pk]),
        {"held_on": "2026-06-25", "agenda": "見直し", "minutes": "終了を検討", "cases": []},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.held_on, meeting.minutes) == (dt.date(2026, 6, 25), "終了を検討")
    assert not meeting.cases.exists()
    assert (
        ModelLogEntry.objects.filter(action=audit.MINUTE_MEETING, object_id=str(meeting.pk)).count()
        == 2
    )
    review = client.get(reverse("outreach_review")).content.decode()
    assert f'href="{reverse("outreach_case", args=[case.code])}"' in review


def test_minutes_naming_a_young_person_are_refused_on_the_form(world):
    client = client_for(world["lead"])
    case = world["case"]
    response = client.post(
        reverse("outreach_meeting_new"),
        {
            "held_on": "2026-06-24",
            "agenda": "",
            "minutes": f"{SECRETS['nickname']}さんは元気",
            "cases": [case.pk],
        },
    )
    assert response.status_code == 200
    assert f"the young person of case {case.code}" in response.content.decode()
    assert CommitteeMeeting.objects.count() == 1


@pytest.mark.parametrize("role", ["committee", "coordinator"])
def test_the_committee_does_not_write_meetings(world, role):
    client = client_for(make_role_user(role))
    meeting = world["meeting"]
    assert refused(client.get(reverse("outreach_meeting_new")))
    assert refused(client.get(reverse("outreach_meeting_edit", args=[meeting.pk])))
    data = {"held_on": "2026-06-24", "agenda": "x", "minutes": "x", "cases": []}
    assert refused(client.post(reverse("outreach_meeting_new"), data))
    assert refused(client.post(reverse("outreach_meeting_edit", args=[meeting.pk]), data))
    assert CommitteeMeeting.objects.count() == 1
    meeting.refresh_from_db()
    assert meeting.agenda.startswith("=HYPERLINK")


@pytest.mark.parametrize("role", ["outreach-staff", "editor", "desk-staff", "liaison"])
def test_other_roles_are_refused(world, role):
    user = make_user_for(role, world["school"])
    client = client_for(user)
    for url in pages(world):
        response = client.get(url)
        assert refused(response), url
        assert_no_secret(response.content.decode("utf-8"))
    assert not ModelLogEntry.objects.filter(action=audit.EXPORT_REVIEW).exists()


def test_the_signed_out_are_sent_to_sign_in(client, world):
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url, url


def test_a_missing_meeting_is_a_404(world):
    client = client_for(make_role_user("committee"))
    assert client.get(reverse("outreach_meeting", args=[999])).status_code == 404
