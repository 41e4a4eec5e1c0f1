"""Every admin URL of the project, as every role.

The URL patterns under /admin/ are read from the resolver (Wagtail's and ours), their path
parameters filled with real objects; patterns whose parameters cannot be filled are listed in
SKIPPED and the test fails if a new one appears unaccounted for. Then, for each role:

- nothing answers 500 (an exception fails the test with the URL);
- coordinators open the attendance report and its CSV/XLSX exports, and never see a
  participant's nickname, reference or email in any response; they are refused participant
  and check-in pages;
- staff see names on the staff pages; editors and students see none, anywhere;
- anonymous visitors and students (no admin access) get the login page, not the admin.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.models import GroupApprovalTask, Workflow

from attendance.models import AttendanceImport
from booking.models import Booking, Closure, Participant, Slot
from core import audit
from tests.factories import make_content_page, make_image, make_user
from tests.ministry.narrative_factories import make_report, save_draft, text

from .admin_walk import (
    MINISTRY_DOWNLOADS,
    SECRETS,
    SKIPPED,
    STAFF_ONLY_PREFIXES,
    admin_urls,
    is_login_redirect,
    refused,
    visit_all,
)
from .helpers import NOW, SECRET_EMAIL, SECRET_NICKNAME, SECRET_REFERENCE, make_report_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    """One of everything the admin's URLs can point at."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    data = make_report_data()
    secret = data["secret"]
    secret.user = make_user("secret-student")
    secret.user.email = SECRET_EMAIL
    secret.user.save()
    secret.save()
    today = Slot.objects.create(
        space=data["space"],
        start=NOW - dt.timedelta(hours=1),
        end=NOW + dt.timedelta(hours=1),
        capacity=5,
    )
    booking = Booking.objects.create(
        slot=today, participant=secret, status=Booking.Status.CONFIRMED, created_at=NOW
    )
    closure = Closure.objects.create(
        space=data["space"],
        first_day=dt.date(2026, 8, 10),
        last_day=dt.date(2026, 8, 16),
        reason="お盆休み",
    )
    staff = make_user("matrix-staff", groups=["Staff"])
    audit.log_action(secret, audit.VIEW_PARTICIPANT, by=staff, now=NOW)
    # An upload whose check found a problem naming a participant: staff only, like the rows.
    AttendanceImport.objects.create(
        uploaded_by=staff,
        uploaded_at=NOW,
        file_name="attendance-import.csv",
        file_size=120,
        state=AttendanceImport.State.FAILED,
        failure=AttendanceImport.Failure.PROBLEMS,
        problems=[
            {
                "line": 2,
                "column": "date",
                "value": SECRET_REFERENCE,
                "message": {"ja": "日付が読めません", "en": "The date cannot be read"},
            }
        ],
        problem_count=1,
        finished_at=NOW,
    )
    page = make_content_page(title="アクセス", slug="access")
    image = make_image()
    Document = get_document_model()
    from django.core.files.base import ContentFile

    document = Document.objects.create(
        title="同意書", file=ContentFile(b"consent form", name="consent.txt")
    )
    redirect = Redirect.objects.create(old_path="/old", redirect_link="/")
    ministry_report = make_report(background=[text("<p>学習支援の背景</p>")])
    save_draft(ministry_report, results=[text("<p>成果の下書き</p>")])
    workflow = Workflow.objects.first() or Workflow.objects.create(name="Moderation")
    task = GroupApprovalTask.objects.first()
    return {
        **data,
        "booking": booking,
        "slot": today,
        "closure": closure,
        "page": page,
        "image": image,
        "document": document,
        "redirect": redirect,
        "workflow": workflow,
        "task": task,
        "ministry_report": ministry_report,
        "users": {
            "student": secret.user,
            "editor": make_user("matrix-editor", groups=["Editors"]),
            "staff": staff,
            "coordinator": make_user("matrix-coordinator", groups=["Coordinators"]),
            "superuser": make_user("matrix-admin", is_superuser=True),
        },
    }


def test_the_walk_covers_the_admin_and_lists_what_it_skips(world):
    urls, skipped = admin_urls(world)
    names = {name for name, _ in urls}
    assert len(urls) > 200
    for name in (
        "attendance_report",
        "checkin_participant",
        "booking_participant:edit",
        "wagtailadmin_pages:edit",
        "wagtailadmin_reports:site_history",
    ):
        assert name in names
    unexpected = {k: v for k, v in skipped.items() if k not in SKIPPED}
    assert unexpected == {}, f"admin URLs the walk cannot fill: {unexpected}"
    stale = set(SKIPPED) - set(skipped)
    assert stale == set(), f"SKIPPED lists patterns that no longer exist: {stale}"


@pytest.mark.parametrize("role", ["anonymous", "student"])
def test_without_admin_access_only_the_login_pages_open(world, role):
    walked = visit_all(role, world)
    opened = sorted(
        name for url, (name, status, location, body) in walked["results"].items() if status == 200
    )
    for url, (_name, _status, _location, body) in walked["results"].items():
        assert not any(s in body for s in SECRETS), f"{role} sees a participant at {url}"
    assert set(opened) <= {
        "wagtailadmin_login",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
    }, opened
    report = reverse("attendance_report")
    for url, (_name, status, location, _body) in walked["results"].items():
        if url.startswith(report) or url.startswith("/admin/checkin/"):
            assert is_login_redirect(status, location) or refused(status, location), url


def test_coordinators_see_aggregates_only(world):
    walked = visit_all("coordinator", world)
    results = walked["results"]
    leaks = [url for url, (*_, body) in results.items() if any(s in body for s in SECRETS)]
    assert leaks == [], f"a coordinator sees a participant at {leaks}"
    report = reverse("attendance_report")
    for url in (report, report + "?export=csv", report + "?export=xlsx&fiscal_year=2025"):
        assert results[url][1] == 200, url
    assert "attendance-report-2026.csv" not in results[report][3]  # the page, not a file
    assert results[report + "?fiscal_year=not-a-year"][1] == 200
    ministry = reverse("ministry_report")
    for url in (ministry, *(ministry + query for query in MINISTRY_DOWNLOADS)):
        assert results[url][1] == 200, url
    deck = results[ministry + "?format=pptx"][3]
    assert "学習支援の背景" in deck and "成果の下書き" not in deck  # published text only
    staff_pages = {
        url: (status, location)
        for url, (name, status, location, _body) in results.items()
        if name.startswith(STAFF_ONLY_PREFIXES)
    }
    assert len(staff_pages) >= 15
    opened = {url: r for url, r in staff_pages.items() if not refused(*r)}
    assert opened == {}, f"a coordinator opens staff pages: {opened}"


def test_editors_see_no_participant(world):
    results = visit_all("editor", world)["results"]
    leaks = [url for url, (*_, body) in results.items() if any(s in body for s in SECRETS)]
    assert leaks == []
    for url, (name, status, location, _body) in results.items():
        if name.startswith(STAFF_ONLY_PREFIXES) or name in ("attendance_report", "ministry_report"):
            assert refused(status, location), url


def test_staff_see_names_on_staff_pages(world):
    results = visit_all("staff", world)["results"]
    secret = world["secret"]
    for url in (
        reverse("booking_participant:index"),
        reverse("booking_participant:edit", args=[secret.pk]),
        reverse("checkin_participant", args=[secret.pk]),
        reverse("checkin_roster", args=[world["slot"].pk]),
        reverse("checkin_code", args=[world["booking"].code]),
    ):
        name, status, _location, body = results[url]
        assert status == 200, url
        assert SECRET_NICKNAME in body, url
    assert results[reverse("attendance_report")][1] == 200
    # The report itself stays anonymous even for staff.
    report_bodies = [b for u, (n, s, _l, b) in results.items() if n == "attendance_report"]
    assert not any(SECRET_NICKNAME in body for body in report_bodies)


def test_superusers_open_everything_without_errors(world):
    results = visit_all("superuser", world)["results"]
    ok = [url for url, (_n, status, _l, _b) in results.items() if status == 200]
    assert len(ok) > 150
    assert results[reverse("checkin_participant", args=[world["secret"].pk])][1] == 200
    assert (
        Group.objects.get(name="Coordinators").permissions.filter(codename="view_reports").exists()
    )
    assert not Participant.objects.filter(nickname="").exists()
