"""Every outreach URL, as every role.

The admin's outreach patterns are read from the resolver (tests/attendance/reports/
admin_walk.py) with their parameters filled from one world of outreach objects; the public
「相談する」 pages, Wagtail's site history and the audit log are added. For each role, nothing
answers 5xx, the pages each role needs open (so that "no secret seen" cannot pass on a 404),
and the secrets of a case, a request and another school's referral appear only to those who
may read them."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import School
from outreach.models import Case, CaseAssignment, ConsultationRequest, Referral
from outreach.services.cases import log_contact
from outreach.services.committee import record_meeting
from outreach.services.plans import revise_plan
from tests.attendance.reports.admin_walk import is_login_redirect, refused, visit_all
from tests.factories import make_user

from .factories import NOW, make_case, make_liaison, make_request, make_role_user

pytestmark = pytest.mark.django_db

TOKEN = "matrix-private-page-token-0123456789"
CASE_NICKNAME = "ひみつのあかり"
CASE_NOTE = "母親と面談した記録SECRET"
PLAN_GOALS = "週2回の登校を目標SECRET"
REQUEST_BODY = "だれにも言えない相談SECRET"
REQUEST_EMAIL = "secret-writer@example.org"
OTHER_REASON = "B校だけが知る理由SECRET"
CASE_SECRETS = (CASE_NICKNAME, CASE_NOTE, PLAN_GOALS)
REQUEST_SECRETS = (REQUEST_BODY, REQUEST_EMAIL)
ALL_SECRETS = CASE_SECRETS + REQUEST_SECRETS + (OTHER_REASON,)


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    school_a = School.objects.create(name="益田A高校")
    school_b = School.objects.create(name="益田B高校")
    users = {
        "anonymous": None,
        "student": make_user("matrix-student"),
        "editor": make_role_user("editor"),
        "desk-staff": make_role_user("desk-staff"),
        "coordinator": make_role_user("coordinator"),
        "committee": make_role_user("committee"),
        "outreach-staff": make_role_user("outreach-staff"),
        "other-staff": make_role_user("outreach-staff", "other-staff"),
        "outreach-lead": make_role_user("outreach-lead"),
        "liaison-a": make_liaison(school_a, "liaison-a"),
        "liaison-b": make_liaison(school_b, "liaison-b"),
        "superuser": make_user("matrix-admin", is_superuser=True, admin_language="en"),
    }
    staff = users["outreach-staff"]
    request = make_request(
        token=TOKEN,
        body=REQUEST_BODY,
        reply_by=ConsultationRequest.ReplyBy.EMAIL,
        email=REQUEST_EMAIL,
        assigned_to=staff,
    )
    case = make_case(staff=[staff], nickname=CASE_NICKNAME, school=school_a, request=request)
    log_contact(
        case,
        kind="home_visit",
        on=dt.date(2026, 6, 9),
        reached=True,
        agreed=CASE_NOTE,
        by=staff,
        now=NOW,
    )
    revise_plan(
        case,
        goals=PLAN_GOALS,
        review_on=dt.date(2026, 6, 30),
        actions=[("担任が声をかける", "school")],
        by=staff,
        now=NOW,
    )
    referral = Referral.objects.create(
        code="F-MATRIXA",
        school=school_a,
        referred_by=users["liaison-a"],
        referred_at=NOW,
        nickname=CASE_NICKNAME,
        situation="futoko",
        reason="欠席が続く",
        consent_on=dt.date(2026, 6, 1),
        consent_by="guardian",
        status="accepted",
        case=case,
    )
    other_referral = Referral.objects.create(
        code="F-MATRIXB",
        school=school_b,
        referred_by=users["liaison-b"],
        referred_at=NOW,
        nickname="びーさん",
        situation="left",
        reason=OTHER_REASON,
        consent_on=dt.date(2026, 6, 1),
        consent_by="guardian",
    )
    meeting = record_meeting(
        held_on=dt.date(2026, 6, 5),
        agenda=f"{case.code} の計画",
        minutes="継続して見守る",
        cases=[case],
        by=users["outreach-lead"],
        now=NOW,
    )
    return {
        "users": users,
        "outreach": {
            "case": case,
            "referral": referral,
            "other_referral": other_referral,
            "request": request,
            "meeting": meeting,
            "assignee": staff,
        },
    }


def extra_urls(w) -> list[tuple[str, str]]:
    o = w["outreach"]
    return [
        ("soudan", reverse("soudan")),
        ("soudan_page", reverse("soudan_page", args=[TOKEN])),
        ("soudan_page", reverse("soudan_page", args=["not-a-token"])),
        ("outreach_referral", reverse("outreach_referral", args=[o["other_referral"].code])),
        ("outreach_referral", reverse("outreach_referral", args=[str(o["other_referral"].pk)])),
        ("outreach_referral", reverse("outreach_referral", args=[str(o["referral"].pk)])),
        ("site_history", reverse("wagtailadmin_reports:site_history")),
        ("outreach_figures", reverse("outreach_figures") + "?export=csv"),
        ("outreach_cases_export", reverse("outreach_cases_export")),
    ]


def walk(role, w):
    walked = visit_all(role, w, prefix="outreach_", extra_urls=extra_urls(w))
    return walked["results"]


def status_of(results, url):
    return results[url][1]


def opened(results) -> set[str]:
    return {name for _url, (name, status, _loc, _body) in results.items() if status == 200}


def seen(results, secrets) -> dict[str, list[str]]:
    found = {}
    for url, (_name, _status, _location, body) in results.items():
        hits = [s for s in secrets if s in body]
        if hits:
            found[url] = hits
    return found


ADMIN_PAGES = {
    "outreach_requests",
    "outreach_request",
    "outreach_cases",
    "outreach_case",
    "outreach_case_new",
    "outreach_referrals",
    "outreach_referral",
    "outreach_review",
    "outreach_meeting",
    "outreach_figures",
}


def test_the_walk_covers_every_outreach_page(world):
    results = walk("outreach-lead", world)
    names = {name for name, *_ in results.values()}
    assert names >= ADMIN_PAGES
    assert len(results) >= 30


@pytest.mark.parametrize("role", ["anonymous", "student", "editor", "desk-staff"])
def test_outsiders_open_only_the_public_form(world, role):
    results = walk(role, world)
    # Wagtail lets anyone with admin access open the site history: it lists what they may see.
    assert opened(results) <= {"soudan", "soudan_page", "site_history"}
    assert "soudan" in opened(results)
    assert seen(results, CASE_SECRETS + (OTHER_REASON,)) == {}
    # Only the holder of the secret link reads the request: here, everyone who has the link.
    assert set(seen(results, REQUEST_SECRETS)) <= {reverse("soudan_page", args=[TOKEN])}
    for url, (name, status, location, _body) in results.items():
        if name.startswith("outreach_") and role in ("anonymous", "student"):
            assert status in (302, 403, 404, 405), url
            if status == 302:
                assert is_login_redirect(status, location) or location == "/my/", url


def test_the_assigned_staff_member_reads_their_case_and_request(world):
    results = walk("outreach-staff", world)
    o = world["outreach"]
    assert status_of(results, reverse("outreach_case", args=[o["case"].code])) == 200
    assert status_of(results, reverse("outreach_request", args=[o["request"].code])) == 200
    assert set(seen(results, CASE_SECRETS)) >= {reverse("outreach_case", args=[o["case"].code])}
    assert seen(results, (OTHER_REASON,)) == {}
    for name in ("outreach_review", "outreach_figures", "outreach_referrals"):
        url = reverse(name)
        assert refused(status_of(results, url), results[url][2]), name


def test_another_staff_member_gets_404_on_a_case_and_request_not_theirs(world):
    results = walk("other-staff", world)
    o = world["outreach"]
    assert status_of(results, reverse("outreach_case", args=[o["case"].code])) == 404
    assert status_of(results, reverse("outreach_request", args=[o["request"].code])) == 404
    assert status_of(results, reverse("outreach_cases")) == 200
    assert seen(results, CASE_SECRETS + (OTHER_REASON, REQUEST_EMAIL)) == {}


def test_the_lead_reads_everything(world):
    results = walk("outreach-lead", world)
    o = world["outreach"]
    for url in (
        reverse("outreach_case", args=[o["case"].code]),
        reverse("outreach_request", args=[o["request"].code]),
        reverse("outreach_referral", args=[o["other_referral"].code]),
        reverse("outreach_review"),
        reverse("outreach_figures"),
    ):
        assert status_of(results, url) == 200, url
    assert seen(results, (CASE_NOTE, PLAN_GOALS, OTHER_REASON))


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [("liaison-a", "referral", "other_referral"), ("liaison-b", "other_referral", "referral")],
)
def test_a_liaison_follows_their_schools_referrals_and_nothing_else(world, role, own, other):
    results = walk(role, world)
    o = world["outreach"]
    assert status_of(results, reverse("outreach_referrals")) == 200
    assert status_of(results, reverse("outreach_referral", args=[o[own].code])) == 200
    assert status_of(results, reverse("outreach_referral", args=[o[other].code])) == 404
    assert status_of(results, reverse("outreach_referral", args=[str(o[other].pk)])) == 404
    assert opened(results) <= {
        "outreach_referrals",
        "outreach_referral",
        "soudan",
        "soudan_page",
        "site_history",
    }
    secrets = (CASE_NOTE, PLAN_GOALS, REQUEST_BODY, REQUEST_EMAIL)
    if role == "liaison-a":
        secrets += (OTHER_REASON,)
    assert set(seen(results, secrets)) <= {reverse("soudan_page", args=[TOKEN])}
    other_code = o[other].code
    leaks = [url for url, (*_, body) in results.items() if other_code in body]
    assert leaks == [], f"{role} sees another school's referral code at {leaks}"


@pytest.mark.parametrize("role", ["committee", "coordinator"])
def test_the_committee_works_on_codes_and_status_only(world, role):
    results = walk(role, world)
    o = world["outreach"]
    review = reverse("outreach_review")
    assert status_of(results, review) == 200
    assert o["case"].code in results[review][3]
    assert status_of(results, reverse("outreach_meeting", args=[o["meeting"].pk])) == 200
    assert status_of(results, reverse("outreach_figures")) == 200
    assert set(seen(results, ALL_SECRETS)) <= {reverse("soudan_page", args=[TOKEN])}
    for url, (name, status, location, _body) in results.items():
        if name in ("outreach_case", "outreach_request", "outreach_cases", "outreach_requests"):
            assert status == 404 or refused(status, location), url
    # A meeting's history names nobody, and the committee sees no case's history.
    history = results[reverse("wagtailadmin_reports:site_history")][3]
    assert CASE_NICKNAME not in history and "outreach-staff" not in history


def test_a_superuser_opens_every_page_without_a_5xx(world):
    results = walk("superuser", world)
    assert opened(results) >= ADMIN_PAGES


def test_nobody_but_the_holder_of_the_link_reads_the_private_page(world, client):
    assert client.get(reverse("soudan_page", args=[TOKEN])).status_code == 200
    assert REQUEST_BODY in client.get(reverse("soudan_page", args=[TOKEN])).content.decode()
    response = Client().get(reverse("soudan_page", args=[TOKEN[:-1] + "x"]))
    assert response.status_code == 404
    assert REQUEST_BODY not in response.content.decode()
    assert Case.objects.count() == 1 and CaseAssignment.objects.count() == 1
