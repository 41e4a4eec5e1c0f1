"""The case rules, continued: who works on a case, the contact log, what is due this week and
the leads' export; each refusal, and each audit entry."""

import datetime as dt

import pytest
from wagtail.models import ModelLogEntry

from outreach import audit
from outreach.models import Case, CaseAssignment
from outreach.services import cases as services
from outreach.services.errors import OutreachError
from tests.factories import make_user

from .factories import NOW, make_case, make_role_user

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


# Who works on the case -------------------------------------------------------------------------


def test_a_lead_assigns_and_unassigns_case_workers(lead, staff):
    case = make_case()
    assert services.assign(case, staff, by=lead, now=NOW) is True
    assert services.assign(case, staff, by=lead, now=NOW) is False
    assert list(case.staff.all()) == [staff]
    assert services.unassign(case, staff, by=lead, now=NOW) is True
    assert services.unassign(case, staff, by=lead, now=NOW) is False
    assert not CaseAssignment.objects.exists()
    assert [e.data["detail"] for e in entries(case, audit.CHANGE_CASE).order_by("pk")] == [
        "assigned: outreach-staff",
        "unassigned: outreach-staff",
    ]


def test_only_leads_assign_and_only_case_workers_are_assigned(lead, staff):
    case = make_case(staff=[staff])
    other = make_role_user("outreach-staff", "other-staff")
    with pytest.raises(OutreachError) as refused:
        services.assign(case, other, by=staff, now=NOW)
    assert refused.value.code == "leads_only"
    with pytest.raises(OutreachError) as refused:
        services.unassign(case, staff, by=staff, now=NOW)
    assert refused.value.code == "leads_only"
    for user in (
        make_role_user("committee"),
        make_user("gone", groups=["Outreach staff"], is_active=False),
    ):
        with pytest.raises(OutreachError) as refused:
            services.assign(case, user, by=lead, now=NOW)
        assert refused.value.code == "cannot_work_cases"
        assert user.get_username() in refused.value.message
    assert list(case.staff.all()) == [staff]


# Contact log and what is due -------------------------------------------------------------------


def test_log_contact(staff):
    case = make_case(staff=[staff])
    contact = services.log_contact(
        case,
        kind="home_visit",
        on=dt.date(2026, 6, 9),
        reached=False,
        agreed="  会えなかった。手紙を置いてきた。 ",
        by=staff,
        now=NOW,
    )
    contact.refresh_from_db()
    assert contact.kind == "home_visit"
    assert contact.happened_on == dt.date(2026, 6, 9)
    assert contact.fiscal_year == 2026
    assert contact.reached is False
    assert contact.agreed == "会えなかった。手紙を置いてきた。"
    assert contact.staff == staff
    [entry] = entries(case, audit.LOG_CONTACT)
    assert entry.data["detail"] == "home_visit 2026-06-09"
    assert "手紙" not in str(entry.data)
    with pytest.raises(OutreachError) as refused:
        services.log_contact(
            case,
            kind="phone",
            on=TODAY + dt.timedelta(days=1),
            reached=True,
            agreed="",
            by=staff,
            now=NOW,
        )
    assert refused.value.code == "future_date"


def test_contacts_due_this_week(staff, lead):
    def case_due(days, **fields):
        return make_case(
            staff=[staff],
            next_action="電話",
            next_action_on=TODAY + dt.timedelta(days=days),
            **fields,
        )

    overdue = case_due(-3)
    today = case_due(0)
    last_day = case_due(7)
    case_due(8)  # next week
    case_due(1, status=Case.Status.CLOSED)
    make_case(staff=[staff])  # no next action
    make_case(staff=[make_role_user("outreach-staff", "other")], next_action_on=TODAY)
    make_case(next_action_on=TODAY)  # nobody's
    assert list(services.contacts_due(staff, today=TODAY)) == [overdue, today, last_day]
    # Tomorrow the day-8 case comes in; the `today` passed in is what counts.
    assert len(services.contacts_due(staff, today=TODAY + dt.timedelta(days=1))) == 4
    # A lead sees every case, but what is due is theirs only.
    assert list(services.contacts_due(lead, today=TODAY)) == []
    assert list(services.contacts_due(make_role_user("committee"), today=TODAY)) == []


# The leads' export -----------------------------------------------------------------------------


def test_export_caseload_leads_only_without_names(lead, staff):
    case = make_case(nickname="ひみつのなまえ", next_action="秘密の予定", next_action_on=TODAY)
    rows = services.export_caseload(by=lead, now=NOW)
    assert rows == [
        {
            "code": case.code,
            "situation": "futoko",
            "status": "ongoing",
            "found_via": "request",
            "opened_on": TODAY,
            "next_action_on": TODAY,
        }
    ]
    entry = ModelLogEntry.objects.get(action=audit.EXPORT_CASES)
    assert entry.user == lead and entry.data["count"] == 1
    with pytest.raises(OutreachError) as refused:
        services.export_caseload(by=staff, now=NOW)
    assert refused.value.code == "leads_only"
    assert ModelLogEntry.objects.filter(action=audit.EXPORT_CASES).count() == 1
