"""Retention of outreach records: the words go, the counts stay; and the learning support's
retention leaves alone the people an open case still supports."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from attendance.services.retention import anonymise_inactive as anonymise_participants
from booking.models import Participant
from core.models import School
from outreach import audit
from outreach.models import (
    Case,
    ConsultationRequest,
    Contact,
    PlanAction,
    Referral,
    RequestMessage,
    SupportPlan,
)
from outreach.models.requests import hash_token
from outreach.services.figures import fiscal_year_figures
from outreach.services.retention import anonymise_inactive

from .factories import TOKYO, make_case, make_request

pytestmark = pytest.mark.django_db

LATER = dt.datetime(2029, 6, 1, 9, 0, tzinfo=TOKYO)  # fiscal 2029: with N=2 the period is 2028-


def at(year, month, day):
    return dt.datetime(year, month, day, 12, tzinfo=TOKYO)


@pytest.fixture
def records():
    school = School.objects.create(name="益田高校")
    old_request = make_request(
        received_at=at(2026, 5, 1),
        name="やまだ",
        email="parent@example.org",
        phone="090-0000-0000",
        token="old-secret",
        topics=["school"],
    )
    RequestMessage.objects.create(
        request=old_request, author="staff", body="お返事です", sent_at=at(2026, 5, 2)
    )
    talking = make_request(received_at=at(2026, 6, 1), name="つづき")
    RequestMessage.objects.create(
        request=talking, author="requester", body="まだ話したい", sent_at=at(2028, 5, 1)
    )
    closed = make_case(
        nickname="おわった", school=school, opened_on=dt.date(2026, 5, 10), next_action="電話"
    )
    closed.status, closed.closed_on = Case.Status.CLOSED, dt.date(2027, 1, 10)
    closed.save()
    Contact.objects.create(
        case=closed,
        kind="home_visit",
        happened_on=dt.date(2026, 6, 1),
        agreed="母親と面談、週1で訪問",
        recorded_at=at(2026, 6, 1),
    )
    plan = SupportPlan.objects.create(
        case=closed,
        revision=1,
        goals="週2回登校",
        review_on=dt.date(2026, 9, 1),
        written_at=at(2026, 6, 1),
    )
    PlanAction.objects.create(plan=plan, action="担任が声かけ", responsible="school")
    Referral.objects.create(
        code="F-OLD",
        school=school,
        referred_at=at(2026, 5, 9),
        nickname="おわった",
        situation="futoko",
        reason="欠席30日",
        consent_on=dt.date(2026, 5, 9),
        consent_by="guardian",
        status="closed",
        case=closed,
    )
    still_open = make_case(nickname="つづいてる", opened_on=dt.date(2026, 5, 20))
    Participant.objects.filter(pk__in=[closed.participant_id, still_open.participant_id]).update(
        created_at=at(2026, 5, 1)
    )
    return {"old": old_request, "talking": talking, "closed": closed, "open": still_open}


def test_the_words_go_and_every_figure_stays(records):
    before = {year: fiscal_year_figures(year, today=LATER.date()) for year in (2026, 2027, 2028)}

    assert anonymise_inactive(inactive_years=2, now=LATER, dry_run=True) == {
        "requests": 1,
        "cases": 1,
    }
    assert anonymise_inactive(inactive_years=2, now=LATER) == {"requests": 1, "cases": 1}

    old = ConsultationRequest.objects.get(pk=records["old"].pk)
    assert (old.name, old.email, old.phone, old.token_hash) == ("", "", "", None)
    assert "学校" not in old.body and old.anonymised_at == LATER
    assert old.topics == ["school"] and old.source == "instagram"
    assert not RequestMessage.objects.filter(request=old).exists()
    assert not ConsultationRequest.objects.filter(token_hash=hash_token("old-secret")).exists()

    talking = ConsultationRequest.objects.get(pk=records["talking"].pk)
    assert talking.name == "つづき" and talking.anonymised_at is None

    closed = Case.objects.get(pk=records["closed"].pk)
    assert closed.next_action == "" and closed.anonymised_at == LATER
    assert list(Contact.objects.filter(case=closed).values_list("agreed", "kind")) == [
        ("", "home_visit")
    ]
    assert SupportPlan.objects.get(case=closed).goals != "週2回登校"
    assert PlanAction.objects.get(plan__case=closed).responsible == "school"
    referral = Referral.objects.get(code="F-OLD")
    assert "欠席" not in referral.reason and referral.nickname != "おわった"
    assert Case.objects.get(pk=records["open"].pk).anonymised_at is None

    after = {year: fiscal_year_figures(year, today=LATER.date()) for year in (2026, 2027, 2028)}
    assert after == before
    assert before[2026]["requests"]["total"] == 2 and before[2026]["referrals"]["total"] == 1

    erased = ModelLogEntry.objects.filter(action=audit.ANONYMISE)
    assert erased.count() == 2
    assert all("おわった" not in str(entry.data) for entry in erased)

    assert anonymise_inactive(inactive_years=2, now=LATER) == {"requests": 0, "cases": 0}


def test_the_participant_of_an_open_case_is_held_and_a_closed_ones_is_not(records):
    assert anonymise_participants(inactive_years=2, now=LATER) == 1
    assert Participant.objects.get(pk=records["open"].participant_id).nickname == "つづいてる"
    assert Participant.objects.get(pk=records["closed"].participant_id).nickname.startswith("匿名-")


def test_the_command_counts_and_refuses_a_silly_period(records, capsys):
    with time_machine.travel(LATER, tick=False):
        call_command("anonymise_outreach", "--inactive-years", "2", "--dry-run")
    assert "1 consultation request(s) and 1 closed case(s)" in capsys.readouterr().out
    with pytest.raises(Exception, match="between 1 and 50"):
        call_command("anonymise_outreach", "--inactive-years", "0")
