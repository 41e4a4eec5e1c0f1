"""Who reaches the import: Staff and administrators. Coordinators (who read aggregates only),
editors and students never do: the rows of these files name people."""

import pytest
from django.urls import reverse

from attendance.models import Attendance, AttendanceImport
from tests.attendance.factories import make_participant
from tests.factories import make_user

from .helpers import GOOD_ROWS, csv_bytes, make_upload, upload

pytestmark = pytest.mark.django_db
State = AttendanceImport.State


@pytest.fixture
def checked(storage):
    return make_upload(storage, csv_bytes(*GOOD_ROWS))


def pages(item) -> list[str]:
    return [
        reverse("attendance_import_list"),
        reverse("attendance_import_upload"),
        reverse("attendance_import_detail", args=[item.pk]),
        reverse("attendance_import_progress", args=[item.pk]),
    ]


def posts(item) -> list[str]:
    return [
        reverse("attendance_import_confirm", args=[item.pk]),
        reverse("attendance_import_cancel", args=[item.pk]),
    ]


def refused(response) -> bool:
    """Wagtail's answer to a page the user may not see: back to the admin's home, with a
    message (or a plain 403)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def unchanged(item) -> None:
    item.refresh_from_db()
    assert item.state == State.CHECKED
    assert not Attendance.objects.exists()
    assert AttendanceImport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login(client, checked):
    for url in pages(checked) + posts(checked):
        response = client.post(url) if url in posts(checked) else client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url
    upload(client, csv_bytes(*GOOD_ROWS))
    unchanged(checked)


def test_a_student_never_reaches_the_admin(client, checked):
    student = make_participant(with_user=True)
    client.force_login(student.user)
    for url in pages(checked):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("my_bookings"), url
    for url in posts(checked):
        assert client.post(url).url == reverse("my_bookings"), url
    unchanged(checked)


@pytest.mark.parametrize("group", ["Coordinators", "Editors"])
def test_coordinators_and_editors_are_refused(client, checked, group):
    client.force_login(make_user("someone", groups=[group]))
    for url in pages(checked)[:3]:
        response = client.get(url)
        assert refused(response), (url, response.status_code)
        assert "visits.csv" not in response.content.decode()
    progress = client.get(reverse("attendance_import_progress", args=[checked.pk]))
    assert progress.status_code == 403  # a script reads it: no redirect
    assert progress.json() == {"error": "forbidden"}
    for url in posts(checked):
        assert refused(client.post(url)), url
    assert refused(upload(client, csv_bytes(*GOOD_ROWS)))
    unchanged(checked)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse("attendance_import_list") not in home.content.decode()


def test_coordinators_do_not_hold_the_permission(db):
    coordinator = make_user("coordinator", groups=["Coordinators"])
    staff = make_user("desk", groups=["Staff"])
    assert staff.has_perm("attendance.import_attendance")
    assert not coordinator.has_perm("attendance.import_attendance")


@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_and_administrators_get_in(client, checked, role):
    if role == "staff":
        user = make_user("desk", groups=["Staff"])
    else:
        user = make_user("admin", is_superuser=True)
    client.force_login(user)
    for url in pages(checked):
        response = client.get(url)
        assert response.status_code == 200, url
    progress = client.get(reverse("attendance_import_progress", args=[checked.pk]))
    assert progress.json() == {"state": "checked", "finished": True, "progress": None}
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("attendance_import_list") in home


def test_an_unknown_upload_is_404(importer_client):
    for name in ("attendance_import_detail", "attendance_import_progress"):
        assert importer_client.get(reverse(name, args=[999])).status_code == 404
    for name in ("attendance_import_confirm", "attendance_import_cancel"):
        assert importer_client.post(reverse(name, args=[999])).status_code == 404
