"""The committee's review list and meetings: due plans by code and status only; minutes that
name a reviewed young person are refused; exports audited."""

import dataclasses
import datetime as dt

import pytest
from wagtail.models import ModelLogEntry

from outreach import audit
from outreach.models import Case, CommitteeMeeting
from outreach.services import committee
from outreach.services.errors import OutreachError
from outreach.services.plans import revise_plan

from .factories import NOW, make_case, make_role_user

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


@pytest.fixture
def lead():
    return make_role_user("outreach-lead")


def plan(case, lead, review_on, actions=(("学習支援", "centre"),)):
    # Plans are written today; a review date already past is set afterwards, as time would.
    written = revise_plan(
        case, goals="目標", review_on=max(review_on, TODAY), actions=actions, by=lead, now=NOW
    )
    if review_on < TODAY:
        written.review_on = review_on
        written.save()
    return written


def test_review_list_due_within_the_window_or_without_a_plan(lead):
    no_plan = make_case(situation=Case.Situation.LEFT_SCHOOL)
    overdue = make_case()
    plan(overdue, lead, TODAY - dt.timedelta(days=2), [("家庭訪問", "centre"), ("連絡", "school")])
    edge = make_case()
    plan(edge, lead, TODAY + dt.timedelta(days=31), [("面談", "npo"), ("相談", "centre")])
    later = make_case()
    plan(later, lead, TODAY + dt.timedelta(days=32))
    revised = make_case()
    plan(revised, lead, TODAY + dt.timedelta(days=3))
    plan(revised, lead, TODAY + dt.timedelta(days=90))  # the current plan is what counts
    make_case(status=Case.Status.CLOSED)

    rows = committee.review_list(today=TODAY)
    assert [row.code for row in rows] == [no_plan.code, overdue.code, edge.code]
    assert rows[0] == committee.ReviewRow(
        code=no_plan.code,
        situation="left",
        status="ongoing",
        revision=None,
        review_on=None,
        responsible=(),
    )
    assert rows[1].revision == 1
    assert rows[1].review_on == TODAY - dt.timedelta(days=2)
    assert rows[1].responsible == ("school", "centre")  # in the organisations' order
    assert rows[2].responsible == ("centre", "npo")
    assert [row.code for row in committee.review_list(today=TODAY, within_days=32)][-1] == (
        later.code
    )


def test_review_rows_hold_no_name_school_contact_or_note(lead):
    fields = {field.name for field in dataclasses.fields(committee.ReviewRow)}
    assert fields == {"code", "situation", "status", "revision", "review_on", "responsible"}


def test_record_and_update_a_meeting(lead):
    first, second = make_case(), make_case()
    meeting = committee.record_meeting(
        held_on=dt.date(2026, 6, 20),
        agenda="支援計画の見直し",
        minutes=f"{first.code}: 継続",
        cases=[first],
        by=lead,
        now=NOW,
    )
    meeting.refresh_from_db()
    assert meeting.held_on == dt.date(2026, 6, 20)
    assert list(meeting.cases.all()) == [first]
    assert meeting.written_by == lead
    meeting = committee.update_meeting(
        meeting,
        held_on=dt.date(2026, 6, 21),
        agenda="見直し",
        minutes="両ケース継続",
        cases=[first, second],
        by=lead,
        now=NOW + dt.timedelta(hours=1),
    )
    meeting.refresh_from_db()
    assert meeting.held_on == dt.date(2026, 6, 21)
    assert meeting.minutes == "両ケース継続"
    assert meeting.updated_at == NOW + dt.timedelta(hours=1)
    assert set(meeting.cases.all()) == {first, second}
    assert [row.code for row in committee.meeting_rows(meeting)] == sorted(
        [first.code, second.code]
    )
    details = ModelLogEntry.objects.filter(
        object_id=str(meeting.pk), action=audit.MINUTE_MEETING
    ).order_by("pk")
    codes = " ".join(sorted([first.code, second.code]))
    assert [entry.data["detail"] for entry in details] == [
        f"2026-06-20: {first.code}",
        f"2026-06-21: {codes}",
    ]


def test_minutes_naming_a_reviewed_young_person_are_refused(lead):
    case = make_case(nickname="ひかり")
    for agenda, minutes in (("ひかりさんの件", ""), ("", "本人(ひかり)は元気")):
        with pytest.raises(OutreachError) as refused:
            committee.record_meeting(
                held_on=TODAY, agenda=agenda, minutes=minutes, cases=[case], by=lead, now=NOW
            )
        assert refused.value.code == "name_in_minutes"
        assert case.code in refused.value.message
        assert "ひかり" not in refused.value.message
    assert not CommitteeMeeting.objects.exists()


@pytest.mark.parametrize("role", ["committee", "coordinator", "outreach-staff"])
def test_only_leads_write_meetings(role):
    with pytest.raises(OutreachError) as refused:
        committee.record_meeting(
            held_on=TODAY, agenda="", minutes="", cases=[], by=make_role_user(role), now=NOW
        )
    assert refused.value.code == "leads_only"
    assert not CommitteeMeeting.objects.exists()


def test_exports_are_audited_and_for_reviewers_only(lead):
    case = make_case()
    member = make_role_user("committee")
    rows = committee.export_review_list(today=TODAY, by=member, now=NOW)
    assert [row.code for row in rows] == [case.code]
    meeting = committee.record_meeting(
        held_on=TODAY, agenda="", minutes="", cases=[case], by=lead, now=NOW
    )
    assert [row.code for row in committee.export_meeting(meeting, by=member, now=NOW)] == [
        case.code
    ]
    exports = ModelLogEntry.objects.filter(action=audit.EXPORT_REVIEW).order_by("pk")
    assert [(entry.user, entry.data["export"], entry.data["count"]) for entry in exports] == [
        (member, "review_list", 1),
        (member, "meeting", 1),
    ]
    for role in ("outreach-staff", "editor"):
        with pytest.raises(OutreachError) as refused:
            committee.export_review_list(today=TODAY, by=make_role_user(role), now=NOW)
        assert refused.value.code == "reviewers_only"
    assert exports.count() == 2
