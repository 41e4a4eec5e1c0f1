"""Logged-in pages ask the database a fixed, small number of questions, whatever the number of
programmes, slots and bookings. The page cache is on (as in production): it must not serve a
logged-in visitor, and the numbers below are what such a visitor costs."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from booking.models import Booking
from tests.attendance.factories import make_booking
from tests.attendance.factories import make_participant as make_desk_participant
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student
from tests.factories import make_program, make_user

pytestmark = pytest.mark.django_db

# Session, user, then the page's own questions. Wagtail pages route from the cached site root
# in one query (the page), and their view restrictions are known under the pages version
# (core/pages.py).
STUDENT_PAGES = {
    "home": 2,
    "programme list": 3,
    "programme page": 5,
    "study-space week": 6,
    "programme week": 7,
    "my bookings": 4,
    "api bookings": 4,
}

# Session, user, second-factor and idle-time checks, permissions, then the slot, its bookings
# with their participants, and the day's other slots.
ROSTER = 14
# By role (None: a superuser): each role's panels.
DASHBOARD = {"Staff": 15, "Coordinators": 15, "Editors": 21, None: 18}


def count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


@pytest.fixture
def site(index):
    space = make_space()
    program = make_program(index, title="水の実験")
    make_slot(space, start=days_ahead(1))
    make_slot(program, start=days_ahead(2))
    return {"index": index, "space": space, "program": program}


def student_urls(site) -> dict[str, str]:
    return {
        "home": "/",
        "programme list": site["index"].url,
        "programme page": site["program"].url,
        "study-space week": reverse("space_week", args=[site["space"].slug]),
        "programme week": reverse("program_week", args=[site["program"].pk]),
        "my bookings": reverse("my_bookings"),
        "api bookings": "/api/v1/bookings",
    }


def add_data(site, participant, n=10) -> None:
    """n more programmes, slots on the space and on the programme, and bookings of the
    student and of others on them."""
    for i in range(n):
        program = make_program(site["index"])
        make_slot(program, start=days_ahead(3, hour=10 + i % 6, minute=7))
        for owner in (site["space"], site["program"]):
            slot = make_slot(owner, start=days_ahead(1 + i % 5, hour=9 + i, minute=7), capacity=5)
            make_booking(slot, participant)
            make_booking(slot)


def test_student_pages_cost_a_fixed_number_of_queries(client, site, settings):
    """What rendering costs; a page a student has seen since anything changed is their own
    copy, for two queries (tests/perf/test_personal_cache.py)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.PERSONAL_PAGE_CACHE_ENABLED = False
    user = make_student()
    client.force_login(user)
    urls = student_urls(site)
    for url in urls.values():
        client.get(url)  # per-process caches (content types, site root paths, site data)
    before = {name: count(client, url)[0] for name, url in urls.items()}

    add_data(site, user.participant)
    for url in urls.values():
        client.get(url)  # the pages version moved: the site data is read once again
    after = {name: count(client, url)[0] for name, url in urls.items()}

    assert before == STUDENT_PAGES
    assert after == STUDENT_PAGES


def test_cached_site_data_never_carries_one_students_page_to_another(client, site, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    alice, bob = make_student(nickname="アリス"), make_student(nickname="ボブ")
    slot = make_slot(site["space"], start=days_ahead(1, hour=18))
    code = make_booking(slot, alice.participant).code
    urls = student_urls(site)

    client.force_login(alice)
    for url in urls.values():
        client.get(url)
    _, mine = count(client, reverse("my_bookings"))
    assert code in mine

    client.force_login(bob)
    for name, url in urls.items():
        _, html = count(client, url)
        assert code not in html, name
        assert "アリス" not in html, name
    _, bobs = count(client, reverse("my_bookings"))
    assert reverse("my_bookings") in bobs


def test_navigation_follows_a_new_view_restriction(client, site):
    from wagtail.models import PageViewRestriction

    user = make_student()
    client.force_login(user)
    _, html = count(client, reverse("my_bookings"))
    assert f'href="{site["index"].url}"' in html
    PageViewRestriction.objects.create(
        page=site["index"], restriction_type=PageViewRestriction.LOGIN
    )
    _, html = count(client, reverse("my_bookings"))
    assert reverse("space_index") in html
    assert f'href="{site["index"].url}"' not in html


def test_students_get_no_user_bar_and_editors_do(client, site):
    student = make_student()
    client.force_login(student)
    _, html = count(client, site["program"].url)
    assert "水の実験" in html and "wagtail-userbar" not in html

    client.force_login(make_user(groups=["Editors"]))
    _, html = count(client, site["program"].url)
    assert "wagtail-userbar" in html


def test_checkin_roster_of_forty_bookings_is_a_fixed_number_of_queries(client, settings):
    # What rendering it costs (the first view after a change): copies are cms/admin_cache.py's.
    settings.ADMIN_PAGE_CACHE_ENABLED = False
    staff = make_user(groups=["Staff"])
    client.force_login(staff)
    slot = make_slot(make_space(), start=days_ahead(0, hour=23, minute=0), capacity=60)
    for _ in range(5):
        make_booking(slot, make_desk_participant())
    url = reverse("checkin_roster", args=[slot.pk])
    client.get(url)
    few, _ = count(client, url)
    for _ in range(35):
        make_booking(slot, make_desk_participant())
    forty, html = count(client, url)
    assert Booking.objects.filter(slot=slot).count() == 40
    assert forty == few == ROSTER


@pytest.mark.parametrize("role", list(DASHBOARD))
def test_admin_dashboard_does_not_grow_with_data(client, site, role, settings):
    settings.ADMIN_PAGE_CACHE_ENABLED = False  # rendering, as for the roster
    user = (
        make_user(groups=[role])
        if role
        else make_user(is_superuser=True, username="admin-dashboard")
    )
    client.force_login(user)
    client.get("/admin/")
    small, _ = count(client, "/admin/")
    add_data(site, make_desk_participant(user=get_user_model().objects.create_user("x")))
    client.get("/admin/")
    large, _ = count(client, "/admin/")
    assert large == small == DASHBOARD[role]


def test_shared_programme_listing_follows_publishing_at_once(client, site):
    client.force_login(make_student())
    _, html = count(client, site["index"].url)
    assert "水の実験" in html and "川歩き" not in html
    count(client, "/")

    added = make_program(site["index"], title="川歩き")
    _, html = count(client, site["index"].url)
    assert "水の実験" in html and "川歩き" in html
    _, html = count(client, "/")
    assert "川歩き" in html

    added.unpublish()
    _, html = count(client, site["index"].url)
    assert "水の実験" in html and "川歩き" not in html
