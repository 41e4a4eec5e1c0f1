"""seed_demo builds a believable demo site, changes nothing the second time, and never runs in
production."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.models import ContentPage, HomePage, SocialSettings
from core.models import School
from core.time import fiscal_year_of, local_date
from outreach.models import (
    Case,
    CommitteeMeeting,
    ConsultationRequest,
    Contact,
    Liaison,
    Referral,
    RequestMessage,
)
from outreach.services.figures import fiscal_year_figures
from programs.kinds import PROGRAM_KIND_VALUES, SupportKind
from programs.models import ProgramIndexPage, ProgramPage

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict:
    User = get_user_model()
    return {
        "pages": Page.objects.count(),
        "revisions": sum(p.revisions.count() for p in Page.objects.all()),
        "images": get_image_model().objects.count(),
        "users": User.objects.count(),
        "schools": School.objects.count(),
        "sites": Site.objects.count(),
    }


def test_seed_demo_is_idempotent_and_builds_the_demo():
    first = seed()
    assert "Demo site ready" in first
    assert "(0 objects created)" not in first
    after_first = counts()

    second = seed()
    assert "(0 objects created)" in second
    assert counts() == after_first

    programmes = ProgramPage.objects.live()
    assert programmes.count() >= 8
    assert set(programmes.values_list("kind", flat=True)) == set(PROGRAM_KIND_VALUES)
    assert School.objects.count() == 5
    assert HomePage.objects.count() == 1
    assert ProgramIndexPage.objects.live().count() == 1
    assert ContentPage.objects.live().exists()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == HomePage.objects.get()
    assert SocialSettings.for_site(site).default_share_image is not None


def test_seed_demo_creates_role_users():
    seed()
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    for username, group in [
        ("editor", "Editors"),
        ("staff", "Staff"),
        ("coordinator", "Coordinators"),
    ]:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert not user.is_superuser
        assert user.has_perm("wagtailadmin.access_admin")
        assert authenticate(username=username, password=f"demo-{username}-pass") == user
    assert not User.objects.filter(username__startswith="student").exists()


def test_seed_demo_students_can_log_in(client):
    out = seed("--students", "3")
    assert "student1…student3" in out
    User = get_user_model()
    assert sorted(
        User.objects.filter(username__startswith="student").values_list("username", flat=True)
    ) == [
        "student1",
        "student2",
        "student3",
    ]
    for n in (1, 2, 3):
        assert client.login(username=f"student{n}", password="demo-pass")
        client.logout()
    assert not User.objects.get(username="student1").is_staff
    assert not client.login(username="student1", password="wrong")

    before = counts()
    assert "(0 objects created)" in seed("--students", "3")
    assert counts() == before


def test_seed_demo_pages_render(client):
    seed()
    for page in [
        HomePage.objects.get(),
        ProgramIndexPage.objects.get(),
        *ProgramPage.objects.all(),
    ]:
        assert client.get(page.url).status_code == 200, page.url
    online = ProgramPage.objects.filter(kind=SupportKind.ONLINE).exclude(meeting_url="")
    assert online.exists()
    for page in online:
        for url in (page.url, ProgramIndexPage.objects.get().url, f"/search/?q={page.title}"):
            assert page.meeting_url not in client.get(url).content.decode(), url


def test_seed_demo_refuses_to_run_in_production(settings):
    settings.MANABIBA_ENV = "production"
    before = counts()
    with pytest.raises(CommandError, match="production"):
        seed()
    assert counts() == before


@pytest.mark.parametrize("students", ["-1", "501"])
def test_seed_demo_rejects_silly_student_counts(students):
    with pytest.raises(CommandError):
        seed("--students", students)


def test_the_readme_demo_logins_reach_my_bookings_through_the_real_login(client):
    """The login students use (allauth), not a shortcut: an unverified address would stop them
    at "confirm your address"."""
    seed("--students", "2")
    response = client.post(
        "/accounts/login/", {"login": "student1", "password": "demo-pass"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain, "the login did not redirect"
    final = response.redirect_chain[-1][0]
    assert "confirm-email" not in final and "/accounts/" not in final
    assert response.wsgi_request.user.username == "student1"
    staff = client.post("/accounts/login/", {"login": "staff", "password": "demo-staff-pass"})
    assert staff.status_code == 302 and "confirm-email" not in staff["Location"]


def test_dev_links_follow_the_port_make_run_serves_on():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL)"
    env = {"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "PORT": "8080", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "http://127.0.0.1:8080"


def outreach_counts() -> dict:
    models = (ConsultationRequest, RequestMessage, Case, Contact, Referral, CommitteeMeeting)
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_has_outreach_to_show_once():
    seed()
    made = outreach_counts()
    assert made["ConsultationRequest"] >= 1
    assert made["Referral"] == 2 and made["CommitteeMeeting"] == 1
    assert made["Case"] >= 2  # from a request and from the accepted referral
    liaison = Liaison.objects.get(user__username="liaison")
    assert liaison.school == School.objects.order_by("sort_order").first()
    assert Referral.objects.filter(school=liaison.school, status="accepted").count() == 1

    seed()
    assert outreach_counts() == made
    today = local_date(timezone.now())
    figures = fiscal_year_figures(fiscal_year_of(today), today=today)
    assert figures["requests"]["total"] == made["ConsultationRequest"]
    assert figures["referrals"]["total"] == 2


def test_seed_demo_tells_the_story_of_past_years():
    """A coordinator opening the demo reads years like the city's (about 800 visits a year),
    with people who continue and people who are new, no-shows and a few outcomes; the second
    run adds nothing."""
    from django.utils import timezone

    from attendance.models import Attendance
    from attendance.services.reports import fiscal_year_report
    from booking.models import Booking, Slot
    from core.time import fiscal_year_of, local_date

    seed()
    rows = {
        "attendance": Attendance.objects.count(),
        "bookings": Booking.objects.count(),
        "slots": Slot.objects.count(),
    }
    assert "(0 objects created)" in seed()
    assert {
        "attendance": Attendance.objects.count(),
        "bookings": Booking.objects.count(),
        "slots": Slot.objects.count(),
    } == rows

    now = timezone.now()
    current = fiscal_year_of(local_date(now))
    for year in (current - 2, current - 1):
        report = fiscal_year_report(year, now=now)
        assert 700 <= report["total_visits"] <= 900, (year, report["total_visits"])
        assert 20 <= report["unique_participants"] <= 80, (year, report["unique_participants"])
        assert report["continuing_participants"] > 0, year
        assert report["new_participants"] > 0, year
        assert report["no_shows"] > 0, year
        assert sum(report["outcomes"].values()) > 0, year
        assert report["seat_use"]["capacity"] > 0, year
        kinds = {row["key"] for row in report["breakdown"]["kind"] if row["visits"]}
        assert {"study_space", "science"} <= kinds, (year, kinds)
        months = [row for row in report["breakdown"]["month"] if row["visits"]]
        assert len(months) == 12, year


def test_the_demo_has_a_ministry_report_to_download_once():
    from ministry.models import MinistryReport
    from ministry.services.sections import report_sections

    seed()
    this_year = fiscal_year_of(local_date(timezone.now()))
    last = MinistryReport.objects.get(fiscal_year=this_year - 1)
    draft = MinistryReport.objects.get(fiscal_year=this_year)
    assert last.live and not draft.live
    sections = report_sections(last)
    assert len(sections) == 8 and all(section.paragraphs for section in sections)
    # A draft never reaches the document.
    assert report_sections(draft) == []
    seed()
    assert MinistryReport.objects.count() == 2
