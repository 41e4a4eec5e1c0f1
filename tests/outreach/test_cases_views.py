"""The case pages in the admin, per role: who gets 200, 403 or 404 where, what each page shows,
and that every view and change is audited. Another person's case is a 404 (its code is not
confirmed); roles without case work get 403; the signed-out get the login page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from booking.models import Participant
from core.models import School
from outreach import audit
from outreach.models import Case, Contact, SupportPlan
from tests.factories import make_user

from .factories import NOW, make_case, make_liaison, make_role_user

pytestmark = pytest.mark.django_db

SECRET_NICKNAME = "ひみつのなまえ"
SECRET_SCHOOL = "ひみつ高校"
SECRET_AGREED = "ひみつの約束"
OTHER_NICKNAME = "べつのひと"


@pytest.fixture
def now(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def world(now):
    school = School.objects.create(name=SECRET_SCHOOL)
    staff = make_role_user("outreach-staff")
    other_staff = make_role_user("outreach-staff", "other-staff")
    case = make_case(
        staff=[staff],
        nickname=SECRET_NICKNAME,
        school=school,
        next_action="ひみつの予定",
        next_action_on=NOW.date() + dt.timedelta(days=2),
    )
    Contact.objects.create(
        case=case, kind="phone", happened_on=NOW.date(), agreed=SECRET_AGREED, recorded_at=NOW
    )
    other = make_case(staff=[other_staff], nickname=OTHER_NICKNAME)
    return {
        "school": school,
        "staff": staff,
        "other_staff": other_staff,
        "case": case,
        "other": other,
    }


def make_user_for(role, school):
    return make_liaison(school, "liaison-a") if role == "liaison" else make_role_user(role)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def case_urls(case):
    return [
        reverse("outreach_cases"),
        reverse("outreach_case_new"),
        reverse("outreach_case", args=[case.code]),
    ]


def case_posts(case, user_id):
    code = case.code
    return [
        (reverse("outreach_case_consent", args=[code]), {"on": "2026-06-01"}),
        (reverse("outreach_case_status", args=[code]), {"status": "closed", "on": "2026-06-10"}),
        (reverse("outreach_case_next_action", args=[code]), {"text": "電話", "on": "2026-06-12"}),
        (
            reverse("outreach_case_contact", args=[code]),
            {"kind": "phone", "on": "2026-06-10", "reached": "on", "agreed": "新しい約束"},
        ),
        (
            reverse("outreach_case_plan", args=[code]),
            {
                "goals": "目標",
                "review_on": "2026-07-01",
                "actions-TOTAL_FORMS": "1",
                "actions-INITIAL_FORMS": "0",
                "actions-0-action": "誘う",
                "actions-0-responsible": "centre",
            },
        ),
        (reverse("outreach_case_assign", args=[code]), {"user": user_id}),
        (reverse("outreach_case_unassign", args=[code, user_id]), {}),
    ]


def unchanged(case):
    case.refresh_from_db()
    assert case.consent_on is None
    assert case.status == Case.Status.ONGOING
    assert case.next_action == "ひみつの予定"
    assert list(case.contacts.values_list("agreed", flat=True)) == [SECRET_AGREED]
    assert not SupportPlan.objects.filter(case=case).exists()


def refused(response) -> bool:
    """Wagtail answers a permission refused on an admin page with a redirect to the admin home
    (and a message); a POST-only address may answer 405."""
    return response.status_code in (403, 405) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def login_redirect(response) -> bool:
    """To the sign-in page (Wagtail's or the site's), with the way back."""
    return response.status_code == 302 and "login" in response.url and "next=" in response.url


# Who is refused --------------------------------------------------------------------------------


def test_the_signed_out_get_the_login_page(client, world):
    case = world["case"]
    for url in [*case_urls(case), reverse("outreach_cases_export")]:
        assert login_redirect(client.get(url)), url
    for url, data in case_posts(case, world["staff"].pk):
        assert login_redirect(client.post(url, data)), url
    unchanged(case)


def test_a_student_never_reaches_a_case(world):
    student = make_user("student1")
    Participant.objects.create(reference="P-S0001", nickname="がくせい", user=student)
    client = client_for(student)
    case = world["case"]
    for url in case_urls(case):
        response = client.get(url)
        assert response.status_code == 302, url
        assert not response.url.startswith("/admin/outreach/"), url
    for url, data in case_posts(case, world["staff"].pk):
        assert client.post(url, data).status_code == 302, url
    unchanged(case)


@pytest.mark.parametrize("role", ["committee", "coordinator", "editor", "desk-staff", "liaison"])
def test_roles_without_case_work_are_refused(world, role):
    user = make_user_for(role, world["school"])
    client = client_for(user)
    case = world["case"]
    for url in [*case_urls(case), reverse("outreach_cases_export")]:
        response = client.get(url)
        assert refused(response), url
        assert SECRET_NICKNAME not in response.content.decode()
    for url, data in case_posts(case, world["staff"].pk):
        assert refused(client.post(url, data)), url
    unchanged(case)
    assert not ModelLogEntry.objects.filter(action=audit.VIEW_CASE).exists()
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse("outreach_cases") not in home.content.decode()


def test_staff_get_404_on_a_case_not_theirs(world):
    client = client_for(world["staff"])
    other = world["other"]
    response = client.get(reverse("outreach_case", args=[other.code]))
    assert response.status_code == 404
    assert OTHER_NICKNAME not in response.content.decode()
    missing = client.get(reverse("outreach_case", args=["C-NONE00"]))
    assert missing.status_code == 404
    for url, data in case_posts(other, world["other_staff"].pk)[:5]:
        assert client.post(url, data).status_code == 404, url
    other.refresh_from_db()
    assert other.status == Case.Status.ONGOING
    assert not other.contacts.exists()
    assert not ModelLogEntry.objects.filter(action=audit.VIEW_CASE).exists()


def test_staff_cannot_assign_or_export(world):
    client = client_for(world["staff"])
    case = world["case"]
    posts = case_posts(case, world["other_staff"].pk)
    assert refused(client.post(*posts[5]))
    assert refused(client.post(*posts[6]))
    assert refused(client.get(reverse("outreach_cases_export")))
    assert list(case.staff.all()) == [world["staff"]]


# What staff and leads see ------------------------------------------------------------------------


def test_staff_see_their_cases_due_this_week_first(world):
    staff = world["staff"]
    later = make_case(staff=[staff], nickname="あとのひと", next_action_on=dt.date(2026, 7, 1))
    response = client_for(staff).get(reverse("outreach_cases"))
    assert response.status_code == 200
    html = response.content.decode()
    case = world["case"]
    assert case.code in html and SECRET_NICKNAME in html and later.code in html
    assert world["other"].code not in html and OTHER_NICKNAME not in html
    listing = html[html.index('<form method="get"') :]
    assert listing.index(case.code) < listing.index(later.code)
    assert [c.code for c in response.context["page"]] == [case.code, later.code]
    assert [c.code for c in response.context["due"]] == [case.code]


def test_filters(world):
    staff = world["staff"]
    closed = make_case(staff=[staff], status=Case.Status.CLOSED, situation="left")
    client = client_for(staff)

    def codes(query):
        return [c.code for c in client.get(reverse("outreach_cases"), query).context["page"]]

    assert codes({}) == [world["case"].code]
    # Due this week first (the open case), then by date of the next action and code.
    assert codes({"status": "all"}) == [world["case"].code, closed.code]
    assert codes({"status": "closed"}) == [closed.code]
    assert codes({"status": "all", "situation": "left"}) == [closed.code]


def test_a_lead_sees_every_case(world):
    client = client_for(make_role_user("outreach-lead"))
    html = client.get(reverse("outreach_cases")).content.decode()
    assert world["case"].code in html and world["other"].code in html
    response = client.get(reverse("outreach_case", args=[world["other"].code]))
    assert response.status_code == 200
    assert OTHER_NICKNAME in response.content.decode()


def test_the_case_page_shows_the_record_and_is_audited(world):
    staff = world["staff"]
    case = world["case"]
    response = client_for(staff).get(reverse("outreach_case", args=[case.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (case.code, SECRET_NICKNAME, SECRET_SCHOOL, SECRET_AGREED, "ひみつの予定"):
        assert text in html
    assert 'name="user"' not in html  # the assign form is the leads'
    [entry] = ModelLogEntry.objects.filter(action=audit.VIEW_CASE, object_id=str(case.pk))
    assert entry.user == staff


def test_staff_change_their_case_through_the_page(world):
    staff = world["staff"]
    case = world["case"]
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


def test_a_refusal_shows_on_the_page_and_changes_nothing(world):
    client = client_for(world["staff"])
    case = world["case"]
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


def test_a_plan_revision_keeps_the_earlier_one_on_the_page(world):
    client = client_for(world["staff"])
    case = world["case"]
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


def test_a_lead_assigns_and_removes_staff(world):
    lead = make_role_user("outreach-lead")
    client = client_for(lead)
    case = world["case"]
    other_staff = world["other_staff"]
    response = client.post(
        reverse("outreach_case_assign", args=[case.code]), {"user": other_staff.pk}
    )
    assert response.status_code == 302
    assert set(case.staff.all()) == {world["staff"], other_staff}
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
    assert list(case.staff.all()) == [world["staff"]]


def test_new_case_for_a_young_person_found_by_a_home_visit(world):
    staff = world["staff"]
    client = client_for(staff)
    assert client.get(reverse("outreach_case_new")).status_code == 200
    response = client.post(
        reverse("outreach_case_new"),
        {
            "nickname": "ＨＡＲＵ",  # full-width: NFKC makes it HARU
            "school": world["school"].pk,
            "birth_year": "2010",
            "found_via": "family",
            "situation": "futoko",
            "consent_on": "",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(participant__nickname="HARU")
    assert response.url == reverse("outreach_case", args=[case.code])
    assert case.participant.school == world["school"]
    assert list(case.staff.all()) == [staff]
    assert ModelLogEntry.objects.filter(action=audit.OPEN_CASE, object_id=str(case.pk)).count() == 1


def test_a_lead_exports_the_caseload_without_names(world):
    lead = make_role_user("outreach-lead")
    response = client_for(lead).get(reverse("outreach_cases_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert len(lines) == 3
    assert lines[0] == "case code,situation,status,found through,opened,next action on"
    assert any(line.startswith(world["case"].code + ",") for line in lines)
    for secret in (SECRET_NICKNAME, SECRET_SCHOOL, SECRET_AGREED, "ひみつの予定", OTHER_NICKNAME):
        assert secret not in body
    assert ModelLogEntry.objects.get(action=audit.EXPORT_CASES).user == lead


def test_the_dashboard_shows_what_is_due_this_week(world):
    html = client_for(world["staff"]).get(reverse("wagtailadmin_home")).content.decode()
    assert world["case"].code in html
    assert SECRET_NICKNAME in html
    assert reverse("outreach_cases") in html  # the Outreach menu shows Cases
    committee = client_for(make_role_user("committee")).get(reverse("wagtailadmin_home"))
    assert committee.status_code == 200
    assert world["case"].code not in committee.content.decode()
    assert reverse("outreach_review") in committee.content.decode()
