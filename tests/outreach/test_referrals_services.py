"""Referrals: a liaison refers for their own school only; a lead accepts (participant + case)
or declines; the school's view follows the case only as started / ended."""

import datetime as dt

import pytest
from wagtail.models import ModelLogEntry

from booking.models import Participant
from core.models import School
from outreach import audit
from outreach.models import Case, Referral
from outreach.services import cases as case_services
from outreach.services.errors import OutreachError
from outreach.services.referrals import accept_referral, decline_referral, refer, view_referral

from .factories import NOW, make_liaison, make_role_user

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def entries(obj, action):
    return ModelLogEntry.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
    )


@pytest.fixture
def schools():
    return School.objects.create(name="益田A高校"), School.objects.create(name="益田B高校")


@pytest.fixture
def liaison(schools):
    return make_liaison(schools[0], "liaison-a")


@pytest.fixture
def lead():
    return make_role_user("outreach-lead")


def send(school, by, **fields):
    values = {
        "school": school,
        "nickname": " たくみ ",
        "grade": 2,
        "situation": Case.Situation.NOT_ATTENDING,
        "reason": "5月から欠席が続いています。",
        "consent_on": dt.date(2026, 6, 5),
        "consent_by": Referral.ConsentBy.GUARDIAN,
        "by": by,
        "now": NOW,
    }
    values.update(fields)
    return refer(**values)


def test_a_liaison_refers_a_student_of_their_school(schools, liaison):
    referral = send(schools[0], liaison)
    referral.refresh_from_db()
    assert referral.code.startswith("F-") and len(referral.code) == 8
    assert referral.school == schools[0]
    assert referral.referred_by == liaison
    assert referral.nickname == "たくみ"
    assert referral.status == Referral.Status.SENT
    assert referral.fiscal_year == 2026
    assert referral.case is None
    [entry] = entries(referral, audit.REFER)
    assert entry.user == liaison


def test_another_schools_student_is_refused(schools, liaison):
    with pytest.raises(OutreachError) as refused:
        send(schools[1], liaison)
    assert refused.value.code == "other_school"
    assert "益田A高校" in refused.value.message
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", ["outreach-lead", "outreach-staff", "committee"])
def test_only_liaisons_refer(schools, role):
    with pytest.raises(OutreachError) as refused:
        send(schools[0], make_role_user(role))
    assert refused.value.code == "not_a_liaison"
    assert not Referral.objects.exists()


def test_consent_in_the_future_is_refused(schools, liaison):
    with pytest.raises(OutreachError) as refused:
        send(schools[0], liaison, consent_on=TODAY + dt.timedelta(days=1))
    assert refused.value.code == "future_date"


def test_accepting_opens_a_case_for_a_new_participant(schools, liaison, lead):
    referral = send(schools[0], liaison)
    case = accept_referral(referral, by=lead, now=NOW)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.case == case
    assert case.found_via == Case.FoundVia.SCHOOL
    assert case.situation == Case.Situation.NOT_ATTENDING
    assert case.consent_on == dt.date(2026, 6, 5)
    assert case.participant.nickname == "たくみ"
    assert case.participant.school == schools[0]
    assert list(case.staff.all()) == [lead]
    assert list(case.status_changes.values_list("status", flat=True)) == ["ongoing"]
    assert entries(referral, audit.CHANGE_REFERRAL).get().data["detail"] == f"accepted: {case.code}"
    assert entries(case, audit.OPEN_CASE).get().data["detail"] == f"school/futoko, {referral.code}"
    # Answered once: a second answer is refused and changes nothing.
    for answer in (accept_referral, decline_referral):
        with pytest.raises(OutreachError) as refused:
            answer(referral, by=lead, now=NOW)
        assert refused.value.code in ("referral_answered", "referral_has_case")
    assert Case.objects.count() == 1
    assert Participant.objects.count() == 1


def test_declining(schools, liaison, lead):
    referral = send(schools[0], liaison)
    referral = decline_referral(referral, by=lead, now=NOW)
    assert referral.status == Referral.Status.DECLINED
    assert entries(referral, audit.CHANGE_REFERRAL).get().data["detail"] == "declined"
    with pytest.raises(OutreachError) as refused:
        accept_referral(referral, by=lead, now=NOW)
    assert refused.value.code == "referral_answered"
    assert not Case.objects.exists()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("role", ["outreach-staff", "committee"])
def test_only_leads_answer(schools, liaison, role):
    referral = send(schools[0], liaison)
    user = make_role_user(role)
    for answer in (accept_referral, decline_referral):
        with pytest.raises(OutreachError) as refused:
            answer(referral, by=user, now=NOW)
        assert refused.value.code == "leads_only"
    with pytest.raises(OutreachError):
        accept_referral(referral, by=liaison, now=NOW)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SENT


def test_the_referral_shows_support_ended_when_the_case_closes(schools, liaison, lead):
    referral = send(schools[0], liaison)
    case = accept_referral(referral, by=lead, now=NOW)
    case_services.change_status(case, Case.Status.CLOSED, on=TODAY, by=lead, now=NOW)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED


def test_viewing_is_audited(schools, liaison):
    referral = send(schools[0], liaison)
    view_referral(referral, by=liaison, now=NOW)
    assert entries(referral, audit.VIEW_REFERRAL).get().user == liaison
