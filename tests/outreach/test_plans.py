"""Support plans: each revision is a new row, earlier ones stay as they were; audited."""

import datetime as dt

import pytest
from wagtail.models import ModelLogEntry

from outreach import audit
from outreach.models import PlanAction, SupportPlan
from outreach.services.errors import OutreachError
from outreach.services.plans import current_plan, revise_plan

from .factories import NOW, make_case, make_role_user

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


@pytest.fixture
def staff():
    return make_role_user("outreach-staff")


def test_revisions_are_added_never_edited(staff):
    case = make_case(staff=[staff])
    assert current_plan(case) is None
    first = revise_plan(
        case,
        goals="週1回センターに来る",
        review_on=dt.date(2026, 7, 1),
        actions=[("学習支援に誘う", "centre"), ("担任が家庭と連絡", "school"), ("  ", "npo")],
        by=staff,
        now=NOW,
    )
    second = revise_plan(
        case,
        goals="高卒認定の準備を始める",
        review_on=dt.date(2026, 9, 1),
        actions=[("受験の申込みを手伝う", "npo")],
        by=staff,
        now=NOW + dt.timedelta(days=1),
    )
    assert (first.revision, second.revision) == (1, 2)
    assert current_plan(case) == second
    first.refresh_from_db()
    assert first.goals == "週1回センターに来る"
    assert first.review_on == dt.date(2026, 7, 1)
    assert list(first.actions.values_list("action", "responsible", "order")) == [
        ("学習支援に誘う", "centre", 0),
        ("担任が家庭と連絡", "school", 1),
    ]
    assert list(second.actions.values_list("action", "responsible")) == [
        ("受験の申込みを手伝う", "npo")
    ]
    assert second.written_by == staff and second.written_at == NOW + dt.timedelta(days=1)
    details = ModelLogEntry.objects.filter(
        object_id=str(case.pk), action=audit.REVISE_PLAN
    ).order_by("pk")
    assert [entry.data["detail"] for entry in details] == [
        "#1, review 2026-07-01",
        "#2, review 2026-09-01",
    ]
    assert "センター" not in str([entry.data for entry in details])


@pytest.mark.parametrize(
    "goals, review_on, actions, code",
    [
        ("  ", dt.date(2026, 7, 1), [("誘う", "centre")], "no_goals"),
        ("目標", dt.date(2026, 7, 1), [], "no_actions"),
        ("目標", dt.date(2026, 7, 1), [(" ", "centre")], "no_actions"),
        ("目標", TODAY - dt.timedelta(days=1), [("誘う", "centre")], "review_in_past"),
    ],
)
def test_refusals(staff, goals, review_on, actions, code):
    case = make_case(staff=[staff])
    with pytest.raises(OutreachError) as refused:
        revise_plan(case, goals=goals, review_on=review_on, actions=actions, by=staff, now=NOW)
    assert refused.value.code == code
    assert not SupportPlan.objects.exists()
    assert not PlanAction.objects.exists()


def test_only_the_cases_staff_revise_its_plan(staff):
    case = make_case(staff=[make_role_user("outreach-staff", "someone-else")])
    for user in (staff, make_role_user("committee")):
        with pytest.raises(OutreachError) as refused:
            revise_plan(
                case, goals="目標", review_on=TODAY, actions=[("誘う", "centre")], by=user, now=NOW
            )
        assert refused.value.code == "not_allowed"
    assert not SupportPlan.objects.exists()
    plan = revise_plan(
        case,
        goals="目標",
        review_on=TODAY,
        actions=[("誘う", "centre")],
        by=make_role_user("outreach-lead"),
        now=NOW,
    )
    assert plan.revision == 1
