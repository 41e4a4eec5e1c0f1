"""The case pages in the admin, per role: who gets 200, 403 or 404 where, what each page shows,
and that every view and change is audited. Another person's case is a 404 (its code is not
confirmed); roles without case work get 403; the signed-out get the login page."""

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from outreach import audit
from outreach.models import Case

from .case_world import (
    OTHER_NICKNAME,
    SECRET_AGREED,
    SECRET_NICKNAME,
    SECRET_SCHOOL,
    case_posts,
    client_for,
)
from .factories import make_case, make_role_user

pytestmark = pytest.mark.django_db


# What staff and leads see ------------------------------------------------------------------------


def test_staff_see_their_cases_due_this_week_first(case_world):
    staff = case_world["staff"]
    later = make_case(staff=[staff], nickname="あとのひと", next_action_on=dt.date(2026, 7, 1))
    response = client_for(staff).get(reverse("outreach_cases"))
    assert response.status_code == 200
    html = response.content.decode()
    case = case_world["case"]
    assert case.code in html and SECRET_NICKNAME in html and later.code in html
    assert case_world["other"].code not in html and OTHER_NICKNAME not in html
    listing = html[html.index('<form method="get"') :]
    assert listing.index(case.code) < listing.index(later.code)
    assert [c.code for c in response.context["page"]] == [case.code, later.code]
    assert [c.code for c in response.context["due"]] == [case.code]


def test_filters(case_world):
    staff = case_world["staff"]
    closed = make_case(staff=[staff], status=Case.Status.CLOSED, situation="left")
    client = client_for(staff)

    def codes(query):
        return [c.code for c in client.get(reverse("outreach_cases"), query).context["page"]]

    assert codes({}) == [case_world["case"].code]
    # Due this week first (the open case), then by date of the next action and code.
    assert codes({"status": "all"}) == [case_world["case"].code, closed.code]
    assert codes({"status": "closed"}) == [closed.code]
    assert codes({"status": "all", "situation": "left"}) == [closed.code]


def test_a_lead_sees_every_case(case_world):
    client = client_for(make_role_user("outreach-lead"))
    html = client.get(reverse("outreach_cases")).content.decode()
    assert case_world["case"].code in html and case_world["other"].code in html
    response = client.get(reverse("outreach_case", args=[case_world["other"].code]))
    assert response.status_code == 200
    assert OTHER_NICKNAME in response.content.decode()


def test_the_case_page_shows_the_record_and_is_audited(case_world):
    staff = case_world["staff"]
    case = case_world["case"]
    response = client_for(staff).get(reverse("outreach_case", args=[case.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (case.code, SECRET_NICKNAME, SECRET_SCHOOL, SECRET_AGREED, "ひみつの予定"):
        assert text in html
    assert 'name="user"' not in html  # the assign form is the leads'
    [entry] = ModelLogEntry.objects.filter(action=audit.VIEW_CASE, object_id=str(case.pk))
    assert entry.user == staff


def test_staff_change_their_case_through_the_page(case_world):
    staff = case_world["staff"]
    case = case_world["case"]
    client = client_for(staff)
    for url, data in case_posts(case, staff.pk)[:5]:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
        assert response.url.startswith(reverse("outreach_case", args=[case.code]))
    case.refresh_from_db()
    assert case.consent_on == dt.date(2026, 6, 1) and case.consent_recorded_by == staff
    assert case.status == Case.Status.CLOSED and case.closed_on == dt.date(2026, 6, 10)
    assert (case.next_action, case.next_action_on) == ("電話", dt.date(2026, 6, 12))
    assert sorted(case.contacts.values_list("agreed", flat=True)) == ["ひみつの約束", "新しい約束"]
    plan = case.plans.get()
    assert (plan.revision, plan.goals) == (1, "目標")
    assert list(plan.actions.values_list("action", "responsible")) == [("誘う", "centre")]
    actions = ModelLogEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    assert sorted(actions) == sorted(
        [audit.CHANGE_CASE] * 3 + [audit.LOG_CONTACT, audit.REVISE_PLAN]
    )


def test_a_refusal_shows_on_the_page_and_changes_nothing(case_world):
    client = client_for(case_world["staff"])
    case = case_world["case"]
    response = client.post(
        reverse("outreach_case_status", args=[case.code]), {"status": "ongoing", "on": "2026-06-10"}
    )
    assert response.status_code == 200
    assert "The case already has this status." in response.content.decode()
    response = client.post(
        reverse("outreach_case_contact", args=[case.code]),
        {"kind": "phone", "on": "2026-06-11", "agreed": "未来"},
    )
    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert case.status_changes.count() == 1
    assert case.contacts.count() == 1
    assert client.get(reverse("outreach_case_status", args=[case.code])).status_code == 405


def test_a_plan_revision_keeps_the_earlier_one_on_the_page(case_world):
    client = client_for(case_world["staff"])
    case = case_world["case"]
    url = reverse("outreach_case_plan", args=[case.code])
    for goals in ("最初の目標", "二つ目の目標"):
        data = {
            "goals": goals,
            "review_on": "2026-07-01",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-action": "誘う",
            "actions-0-responsible": "centre",
            "actions-1-action": "",
            "actions-1-responsible": "",
        }
        assert client.post(url, data).status_code == 302
    assert list(case.plans.order_by("revision").values_list("revision", "goals")) == [
        (1, "最初の目標"),
        (2, "二つ目の目標"),
    ]
    html = client.get(reverse("outreach_case", args=[case.code])).content.decode()
    assert "二つ目の目標" in html and "最初の目標" in html
    assert html.index("二つ目の目標") < html.index("Earlier revisions") < html.rindex("最初の目標")
    missing = client.post(
        url,
        {
            "goals": "目標",
            "review_on": "2026-07-01",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-action": "誘う",
            "actions-0-responsible": "",
        },
    )
    assert missing.status_code == 200
    assert "Choose who is responsible for this action." in missing.content.decode()
    assert case.plans.count() == 2


def test_a_lead_assigns_and_removes_staff(case_world):
    lead = make_role_user("outreach-lead")
    client = client_for(lead)
    case = case_world["case"]
    other_staff = case_world["other_staff"]
    response = client.post(
        reverse("outreach_case_assign", args=[case.code]), {"user": other_staff.pk}
    )
    assert response.status_code == 302
    assert set(case.staff.all()) == {case_world["staff"], other_staff}
    # The other staff member now opens the case.
    assert (
        client_for(other_staff).get(reverse("outreach_case", args=[case.code])).status_code == 200
    )
    committee = make_role_user("committee")
    refused = client.post(reverse("outreach_case_assign", args=[case.code]), {"user": committee.pk})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    response = client.post(reverse("outreach_case_unassign", args=[case.code, other_staff.pk]))
    assert response.status_code == 302
    assert list(case.staff.all()) == [case_world["staff"]]


def test_new_case_for_a_young_person_found_by_a_home_visit(case_world):
    staff = case_world["staff"]
    client = client_for(staff)
    assert client.get(reverse("outreach_case_new")).status_code == 200
    response = client.post(
        reverse("outreach_case_new"),
        {
            "nickname": "ＨＡＲＵ",  # full-width: NFKC makes it HARU
            "school": case_world["school"].pk,
            "birth_year": "2010",
            "found_via": "family",
            "situation": "futoko",
            "consent_on": "",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(participant__nickname="HARU")
    assert response.url == reverse("outreach_case", args=[case.code])
    assert case.participant.school == case_world["school"]
    assert list(case.staff.all()) == [staff]
    assert ModelLogEntry.objects.filter(action=audit.OPEN_CASE, object_id=str(case.pk)).count() == 1


def test_a_lead_exports_the_caseload_without_names(case_world):
    lead = make_role_user("outreach-lead")
    response = client_for(lead).get(reverse("outreach_cases_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert len(lines) == 3
    assert lines[0] == "case code,situation,status,found through,opened,next action on"
    assert any(line.startswith(case_world["case"].code + ",") for line in lines)
    for secret in (SECRET_NICKNAME, SECRET_SCHOOL, SECRET_AGREED, "ひみつの予定", OTHER_NICKNAME):
        assert secret not in body
    assert ModelLogEntry.objects.get(action=audit.EXPORT_CASES).user == lead


def test_the_dashboard_shows_what_is_due_this_week(case_world):
    html = client_for(case_world["staff"]).get(reverse("wagtailadmin_home")).content.decode()
    assert case_world["case"].code in html
    assert SECRET_NICKNAME in html
    assert reverse("outreach_cases") in html  # the Outreach menu shows Cases
    committee = client_for(make_role_user("committee")).get(reverse("wagtailadmin_home"))
    assert committee.status_code == 200
    assert case_world["case"].code not in committee.content.decode()
    assert reverse("outreach_review") in committee.content.decode()
