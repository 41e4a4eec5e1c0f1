"""The case rules: opening a case, consent, the status history and the next action; each
refusal, and each audit entry. Who works on a case, the contact log and what is due are in
test_cases_staff_and_contacts.py."""

import datetime as dt

import pytest
from django.utils import translation
from wagtail.models import ModelLogEntry

from booking.models import Participant
from core.models import School
from outreach import audit
from outreach.models import Case, Contact, Referral, StatusChange
from outreach.services import cases as services
from outreach.services.errors import OutreachError

from .factories import NOW, make_case, make_request, make_role_user

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def entries(obj, action):
    return ModelLogEntry.objects.filter(
        content_type__model=obj._meta.model_name, object_id=str(obj.pk), action=action
    )


@pytest.fixture
def staff():
    return make_role_user("outreach-staff")


@pytest.fixture
def lead():
    return make_role_user("outreach-lead")


@pytest.fixture
def participant():
    return Participant.objects.create(reference="P-T0900", nickname="そら")


# Opening ---------------------------------------------------------------------------------------


def test_open_case_gives_a_code_a_first_status_and_assigns_the_opener(participant, staff):
    case = services.open_case(
        participant,
        found_via=Case.FoundVia.FAMILY,
        situation=Case.Situation.LEFT_SCHOOL,
        by=staff,
        now=NOW,
    )
    assert case.code.startswith("C-") and len(case.code) == 8
    assert case.opened_on == TODAY
    assert case.fiscal_year == 2026
    assert case.status == Case.Status.ONGOING
    assert case.consent_on is None and case.consent_recorded_by is None
    assert list(case.status_changes.values_list("status", "changed_on", "changed_by")) == [
        ("ongoing", TODAY, staff.pk)
    ]
    assert list(case.staff.all()) == [staff]
    [entry] = entries(case, audit.OPEN_CASE)
    assert entry.user_id == staff.pk
    assert entry.data["detail"] == "family/left"
    assert entry.timestamp == NOW


def test_open_case_records_consent_and_the_request(participant, staff):
    request = make_request()
    case = services.open_case(
        participant,
        found_via=Case.FoundVia.REQUEST,
        situation=Case.Situation.NOT_ATTENDING,
        consent_on=dt.date(2026, 6, 1),
        request=request,
        by=staff,
        now=NOW,
    )
    assert case.consent_on == dt.date(2026, 6, 1)
    assert case.consent_recorded_by == staff
    assert case.request == request
    assert entries(case, audit.OPEN_CASE).get().data["detail"] == f"request/futoko, {request.code}"


def test_one_case_per_person_and_per_request(participant, staff):
    request = make_request()
    first = services.open_case(
        participant, found_via="request", situation="futoko", request=request, by=staff, now=NOW
    )
    with pytest.raises(OutreachError) as refused:
        services.open_case(participant, found_via="family", situation="futoko", by=staff, now=NOW)
    assert refused.value.code == "already_has_case"
    assert first.code in refused.value.message
    other = Participant.objects.create(reference="P-T0901", nickname="うみ")
    with pytest.raises(OutreachError) as refused:
        services.open_case(
            other, found_via="request", situation="futoko", request=request, by=staff, now=NOW
        )
    assert refused.value.code == "request_has_case"
    assert Case.objects.count() == 1


@pytest.mark.parametrize("role", ["committee", "coordinator", "desk-staff", "editor"])
def test_only_case_workers_open_cases(participant, role):
    with pytest.raises(OutreachError) as refused:
        services.open_case(
            participant, found_via="family", situation="futoko", by=make_role_user(role), now=NOW
        )
    assert refused.value.code == "no_case_work"
    assert not Case.objects.exists()


def test_consent_in_the_future_is_refused(participant, staff):
    with pytest.raises(OutreachError) as refused:
        services.open_case(
            participant,
            found_via="family",
            situation="futoko",
            consent_on=TODAY + dt.timedelta(days=1),
            by=staff,
            now=NOW,
        )
    assert refused.value.code == "future_date"
    assert not Case.objects.exists()


def test_open_case_for_a_new_participant_registers_them_or_nothing(staff):
    school = School.objects.create(name="益田テスト高校")
    case = services.open_case_for_new_participant(
        nickname="みなと",
        school=school,
        birth_year=2010,
        found_via="family",
        situation="futoko_risk",
        by=staff,
        now=NOW,
    )
    assert case.participant.nickname == "みなと"
    assert case.participant.school == school
    assert case.participant.user is None
    assert entries(case.participant, "wagtail.create").count() == 1
    with pytest.raises(OutreachError):
        services.open_case_for_new_participant(
            nickname="だれか",
            found_via="family",
            situation="futoko",
            by=make_role_user("committee"),
            now=NOW,
        )
    assert not Participant.objects.filter(nickname="だれか").exists()


def test_refusals_speak_japanese_first(participant):
    with translation.override("ja"):
        with pytest.raises(OutreachError) as refused:
            services.open_case(
                participant,
                found_via="family",
                situation="futoko",
                by=make_role_user("committee"),
                now=NOW,
            )
        message = refused.value.message
    assert "ケース" in message


def test_viewing_a_case_is_audited(staff):
    case = make_case(staff=[staff])
    services.view_case(case, by=staff, now=NOW)
    services.view_case(case, by=staff, now=NOW)
    assert entries(case, audit.VIEW_CASE).filter(user=staff).count() == 2


# Consent, status, next action ------------------------------------------------------------------


def test_record_consent(staff):
    case = make_case(staff=[staff])
    case = services.record_consent(case, on=dt.date(2026, 6, 8), by=staff, now=NOW)
    case.refresh_from_db()
    assert case.consent_on == dt.date(2026, 6, 8)
    assert case.consent_recorded_by == staff
    assert entries(case, audit.CHANGE_CASE).get().data["detail"] == "consent: 2026-06-08"
    with pytest.raises(OutreachError) as refused:
        services.record_consent(case, on=TODAY + dt.timedelta(days=1), by=staff, now=NOW)
    assert refused.value.code == "future_date"


def test_staff_change_only_their_own_cases(staff):
    other = make_case(staff=[make_role_user("outreach-staff", "other-staff")])
    with pytest.raises(OutreachError) as refused:
        services.record_consent(other, on=TODAY, by=staff, now=NOW)
    assert refused.value.code == "not_allowed"
    with pytest.raises(OutreachError):
        services.change_status(other, "back_at_school", on=TODAY, by=staff, now=NOW)
    with pytest.raises(OutreachError):
        services.log_contact(
            other, kind="phone", on=TODAY, reached=True, agreed="", by=staff, now=NOW
        )
    other.refresh_from_db()
    assert other.consent_on is None and other.status == Case.Status.ONGOING
    assert not Contact.objects.exists()
    assert not entries(other, audit.CHANGE_CASE).exists()


def test_change_status_keeps_the_history_and_closes(lead):
    case = make_case(opened_on=dt.date(2026, 5, 1))
    services.change_status(case, "preparing_exam", on=dt.date(2026, 5, 20), by=lead, now=NOW)
    case = services.change_status(case, "closed", on=dt.date(2026, 6, 9), by=lead, now=NOW)
    assert case.status == Case.Status.CLOSED
    assert case.closed_on == dt.date(2026, 6, 9)
    assert list(case.status_changes.values_list("status", "changed_on", "changed_by")) == [
        ("ongoing", dt.date(2026, 5, 1), None),
        ("preparing_exam", dt.date(2026, 5, 20), lead.pk),
        ("closed", dt.date(2026, 6, 9), lead.pk),
    ]
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("closed", dt.date(2026, 6, 9))


def test_change_status_in_order_and_reopening(lead):
    case = make_case()
    StatusChange.objects.filter(case=case).update(changed_on=dt.date(2026, 6, 1))
    case.opened_on = dt.date(2026, 6, 1)
    case.save()
    case = services.change_status(case, "closed", on=dt.date(2026, 6, 5), by=lead, now=NOW)
    assert case.closed_on == dt.date(2026, 6, 5)
    for status, on, code in [
        ("back_at_school", dt.date(2026, 5, 31), "before_opened"),
        ("back_at_school", dt.date(2026, 6, 4), "before_last_status"),
        ("closed", dt.date(2026, 6, 6), "same_status"),
        ("back_at_school", TODAY + dt.timedelta(days=1), "future_date"),
    ]:
        with pytest.raises(OutreachError) as refused:
            services.change_status(case, status, on=on, by=lead, now=NOW)
        assert refused.value.code == code
    case = services.change_status(case, "back_at_school", on=dt.date(2026, 6, 8), by=lead, now=NOW)
    assert case.closed_on is None
    assert list(case.status_changes.values_list("status", flat=True)) == [
        "ongoing",
        "closed",
        "back_at_school",
    ]
    details = list(entries(case, audit.CHANGE_CASE).order_by("pk").values_list("data", flat=True))
    assert [d["detail"] for d in details] == [
        "status: closed (2026-06-05)",
        "status: back_at_school (2026-06-08)",
    ]


def test_closing_a_case_ends_the_schools_referral_and_reopening_restarts_it(lead):
    case = make_case()
    school = School.objects.create(name="益田テスト高校")
    referral = Referral.objects.create(
        code="F-T00001",
        school=school,
        referred_at=NOW,
        nickname="ひかり",
        situation="futoko",
        reason="欠席が続いています。",
        consent_on=TODAY,
        consent_by="guardian",
        status=Referral.Status.ACCEPTED,
        case=case,
    )
    services.change_status(case, "closed", on=TODAY, by=lead, now=NOW)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    with translation.override("en"):
        assert referral.get_status_display() == "Support ended"
    assert entries(referral, audit.CHANGE_REFERRAL).get().data["detail"] == "closed"
    services.change_status(case, "ongoing", on=TODAY, by=lead, now=NOW)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED


def test_next_action_set_and_cleared(staff):
    case = make_case(staff=[staff])
    day = TODAY + dt.timedelta(days=3)
    case = services.set_next_action(case, " 家庭訪問 ", day, by=staff, now=NOW)
    assert (case.next_action, case.next_action_on) == ("家庭訪問", day)
    case = services.set_next_action(case, "", day, by=staff, now=NOW)
    assert (case.next_action, case.next_action_on) == ("", None)
    assert [e.data["detail"] for e in entries(case, audit.CHANGE_CASE).order_by("pk")] == [
        f"next action: {day:%Y-%m-%d}",
        "next action cleared",
    ]
    for text, on, code in [
        ("電話", None, "next_action_date"),
        ("電話", TODAY - dt.timedelta(days=1), "next_action_past"),
    ]:
        with pytest.raises(OutreachError) as refused:
            services.set_next_action(case, text, on, by=staff, now=NOW)
        assert refused.value.code == code
