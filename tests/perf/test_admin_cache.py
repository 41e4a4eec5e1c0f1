"""Each person's copy of the busiest admin pages (cms/admin_cache.py): the check-in roster is
never older than the last check-in, a copy never reaches another person, the admin's session
rules still run on every request, messages are never swallowed, and audited views and exports
are never answered from a copy."""

import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from attendance.services.checkin import check_in
from booking.services.bookings import book
from cms import admin_cache
from cms.accounts.middleware import LAST_SEEN
from cms.page_cache import HEADER
from core import audit
from core.cache import read_version
from tests.attendance.factories import (
    NOW,
    TODAY,
    at,
    logged,
    make_booking,
    make_participant,
    make_school,
    make_slot,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sessions_in_database(settings, frozen_now):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture
def frozen_now(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def signed_in(user) -> Client:
    """A staff member's browser after their first admin page (it holds the CSRF cookie every
    copy of theirs is keyed by)."""
    client = Client()
    client.force_login(user)
    client.get(reverse("wagtailadmin_home"))
    assert "csrftoken" in client.cookies
    return client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, response.content.decode()


def warm(client, url):
    """Miss (kept), then hit: the page is served from the copy from now on."""
    assert get(client, url)[0][HEADER] == "miss-admin"
    assert get(client, url)[0][HEADER] == "hit-admin"


@pytest.fixture
def desk():
    slot = make_slot(start=at(TODAY, 16))
    ami = make_participant(nickname="あみ", birth_year=NOW.year - 16)  # a minor
    booking = make_booking(slot, ami)
    return {"slot": slot, "booking": booking, "ami": ami}


@pytest.fixture
def staff():
    return make_user("desk-a", groups=["Staff"], first_name="Aoi", admin_language="en")


@pytest.fixture
def administrator():
    return make_user("boss", is_superuser=True, first_name="Aoi", admin_language="en")


def test_a_check_in_shows_on_the_next_view_of_the_roster(
    desk, staff, django_capture_on_commit_callbacks
):
    client = signed_in(staff)
    roster = reverse("checkin_roster", args=[desk["slot"].pk])
    warm(client, roster)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("checkin_came", args=[desk["booking"].pk]))
    assert response.status_code == 302
    client.get(response["Location"])  # the redirect shows the "checked in" message once

    response, html = get(client, roster)
    assert response[HEADER] == "miss-admin"
    assert "✓ Came" in html and "Didn't come" in html


def test_a_check_in_at_another_desk_also_retires_the_copy(
    desk, staff, django_capture_on_commit_callbacks
):
    client = signed_in(staff)
    roster = reverse("checkin_roster", args=[desk["slot"].pk])
    warm(client, roster)
    with django_capture_on_commit_callbacks(execute=True):
        check_in(desk["booking"], now=NOW)
    response, html = get(client, roster)
    assert response[HEADER] == "miss-admin" and "✓ Came" in html


def test_a_booking_retires_the_roster_through_the_availability_version(
    desk, staff, django_capture_on_commit_callbacks
):
    """Bookings leave the admin data version alone (booking.services bump availability, which
    the key has): a booking made while the desk watches shows at its next view."""
    slot = make_slot(start=at(TODAY, 18))
    client = signed_in(staff)
    roster = reverse("checkin_roster", args=[slot.pk])
    warm(client, roster)
    start = read_version(admin_cache.ADMIN_DATA_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        book(slot.pk, make_participant(nickname="はると"), now=NOW)
    assert admin_cache._bump_admin_data not in callbacks
    response, html = get(client, roster)
    assert response[HEADER] == "miss-admin" and "はると" in html
    assert read_version(admin_cache.ADMIN_DATA_KEY) == start


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # real commits
def test_a_consent_form_received_retires_the_copy(desk, administrator):
    """Not a booking nor a visit: the admin data version (any committed save) covers it."""
    client = signed_in(administrator)
    roster = reverse("checkin_roster", args=[desk["slot"].pk])
    warm(client, roster)
    assert "Consent missing" in get(client, roster)[1]
    desk["ami"].guardian_consent_on = TODAY
    desk["ami"].save()
    response, html = get(client, roster)
    assert response[HEADER] == "miss-admin"
    assert "Consent missing" not in html


def test_two_staff_interleaved_each_get_only_their_own_copy(desk, staff):
    other = make_user("desk-b", groups=["Staff"], first_name="Ren", admin_language="en")
    a, b = signed_in(staff), signed_in(other)
    pages = [reverse("wagtailadmin_home"), reverse("checkin_roster", args=[desk["slot"].pk])]
    for _ in range(3):
        for url in pages:
            response, html = get(a, url)
            assert "Aoi" in html and "Ren" not in html, url
            response, html = get(b, url)
            assert "Ren" in html and "Aoi" not in html, url
    assert get(a, pages[1])[0][HEADER] == "hit-admin"
    assert get(b, pages[1])[0][HEADER] == "hit-admin"


def test_a_new_login_never_gets_the_previous_sessions_copy(desk, staff):
    url = reverse("checkin_roster", args=[desk["slot"].pk])
    warm(signed_in(staff), url)
    response = signed_in(staff).get(url)
    assert response[HEADER] == "miss-admin"


def test_the_idle_timeout_still_ends_a_session_with_a_copy(desk, staff, settings):
    client = signed_in(staff)
    url = reverse("checkin_roster", args=[desk["slot"].pk])
    warm(client, url)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT - 5
    session.save()
    response = client.get(url)
    assert response.status_code == 302 and HEADER not in response
    assert client.get(url).status_code == 302  # signed out: no copy for an anonymous browser


def test_losing_the_role_closes_the_page_at_once(desk, staff, django_capture_on_commit_callbacks):
    client = signed_in(staff)
    url = reverse("checkin_roster", args=[desk["slot"].pk])
    warm(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        staff.groups.remove(Group.objects.get(name="Staff"))
    response = client.get(url)
    assert response.status_code in (302, 403) and HEADER not in response


def test_a_message_is_shown_once_and_never_kept(desk, staff):
    client = signed_in(staff)
    home = reverse("checkin_home")
    warm(client, home)
    response = client.get(reverse("checkin_code", args=["ZZZZZZZZ"]))
    assert response.status_code == 302 and response["Location"] == home
    response, html = get(client, home)
    assert HEADER not in response and "No booking has the code" in html
    response, html = get(client, home)
    assert "No booking has the code" not in html


def test_exports_and_other_query_strings_are_never_answered_from_a_copy(desk, staff):
    coordinator = make_user("coord", groups=["Coordinators"], admin_language="en")
    client = signed_in(coordinator)
    report = reverse("attendance_report")
    warm(client, report)
    warm(client, report + "?fiscal_year=2025")
    exports = ModelLogEntry.objects.filter(action=audit.EXPORT_REPORT)
    before = exports.count()
    for _ in range(2):
        response = client.get(report + "?export=csv")
        assert response.status_code == 200 and HEADER not in response
    assert exports.count() == before + 2
    response = client.get(reverse("checkin_roster", args=[desk["slot"].pk]) + "?q=あみ")
    assert HEADER not in response


def test_a_participants_record_is_audited_at_every_view(desk, staff):
    client = signed_in(staff)
    url = reverse("checkin_participant", args=[desk["ami"].pk])
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200 and HEADER not in response
    assert logged(desk["ami"], audit.VIEW_PARTICIPANT).count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_any_committed_write_retires_the_dashboard(administrator):
    client = signed_in(administrator)
    home = reverse("wagtailadmin_home")
    warm(client, home)
    make_school("益田翔陽高校")
    assert get(client, home)[0][HEADER] == "miss-admin"


def test_a_copy_costs_the_session_and_the_admins_checks(desk, staff):
    client = signed_in(staff)
    url = reverse("checkin_roster", args=[desk["slot"].pk])
    warm(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response[HEADER] == "hit-admin"
    # The session, the user, the user's and their groups' permissions (the admin's access
    # check); production adds one for the second-factor rule (STAFF_MFA_REQUIRED).
    assert len(queries) == 4, [q["sql"] for q in queries]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_bump_per_transaction_and_again_after_a_rollback():
    """Real commits: in a test wrapped in one transaction, a bump scheduled by a fixture's
    write would wait for a commit that never comes (and, rightly, stand for later writes)."""
    start = read_version(admin_cache.ADMIN_DATA_KEY)
    with transaction.atomic():
        for n in range(5):
            make_school(f"学校{n}")
        pending = [c for _s, c, _r in connection.run_on_commit]
        assert pending.count(admin_cache._bump_admin_data) == 1
    assert read_version(admin_cache.ADMIN_DATA_KEY) == start + 1

    with transaction.atomic():
        try:
            with transaction.atomic():
                make_school("取り消される学校")
                raise RuntimeError
        except RuntimeError:
            pass
        make_school("残る学校")
    assert read_version(admin_cache.ADMIN_DATA_KEY) == start + 2

    with transaction.atomic():
        make_school("取り消される学校2")
        transaction.set_rollback(True)
    make_school("後の学校")  # autocommit: bumped at once
    assert read_version(admin_cache.ADMIN_DATA_KEY) == start + 3


def test_writes_of_sessions_and_audit_entries_leave_the_version(
    desk, staff, django_capture_on_commit_callbacks
):
    start = read_version(admin_cache.ADMIN_DATA_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(staff).get(reverse("checkin_participant", args=[desk["ami"].pk]))
    assert logged(desk["ami"], audit.VIEW_PARTICIPANT).exists()
    # Logging in saves the user (last_login): that one counts. Sessions and the audit don't.
    assert read_version(admin_cache.ADMIN_DATA_KEY) <= start + 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bump_that_fails_never_breaks_the_write_that_committed(caplog):
    """Here the cache's table is missing: the write stays, the failure is logged."""
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        }
    }
    with override_settings(CACHES=broken), transaction.atomic():
        group = Group.objects.create(name="一時的な役割")
    assert Group.objects.filter(pk=group.pk).exists()
    assert "_bump_admin_data" in caplog.text
