"""Confirming imports once: a second click, a colleague's click on the same upload, a confirm
of a file not checked. Cancelling deletes the file and cannot undo an import."""

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.imports.uploads import UploadError, cancel_upload, confirm_upload
from attendance.models import Attendance, AttendanceImport
from tests.factories import make_user

from .conftest import stored_files
from .helpers import GOOD_ROWS, csv_bytes, make_upload

pytestmark = pytest.mark.django_db
State = AttendanceImport.State


@pytest.fixture
def checked(storage, importer):
    return make_upload(storage, csv_bytes(*GOOD_ROWS), by=importer)


def confirm(client, item):
    return client.post(reverse("attendance_import_confirm", args=[item.pk]), follow=True)


def test_a_second_confirm_imports_nothing_more(
    importer_client, checked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirm(importer_client, checked)
    assert Attendance.objects.count() == 4
    response = confirm(importer_client, checked)
    assert response.status_code == 200
    assert "already been confirmed" in response.content.decode()
    assert Attendance.objects.count() == 4
    checked.refresh_from_db()
    assert checked.state == State.IMPORTED


def test_a_colleague_confirming_the_same_upload_imports_it_once(checked, client, importer_client):
    colleague = make_user("colleague", groups=["Staff"], admin_language="en")
    confirm(importer_client, checked)
    client.force_login(colleague)
    response = confirm(client, checked)
    assert "already been confirmed" in response.content.decode()
    assert Attendance.objects.count() == 4
    checked.refresh_from_db()
    assert checked.confirmed_by.username == "importer"


def test_the_import_task_run_twice_imports_once(checked, importer):
    from attendance.imports.tasks import import_upload

    confirm_upload(checked.pk, by=importer, now=timezone.now())
    assert import_upload.call(checked.pk) == "skipped"  # a late second run of the same task
    assert Attendance.objects.count() == 4


@pytest.mark.parametrize("state", [State.UPLOADED, State.FAILED, State.CANCELLED])
def test_only_a_checked_upload_can_be_confirmed(storage, importer, state):
    item = make_upload(storage, csv_bytes(*GOOD_ROWS), state=state)
    with pytest.raises(UploadError) as error:
        confirm_upload(item.pk, by=importer, now=timezone.now())
    assert error.value.code == "not_ready"
    item.refresh_from_db()
    assert item.state == state
    assert not Attendance.objects.exists()


def test_a_checked_upload_with_problems_cannot_be_confirmed(storage, importer):
    item = make_upload(storage, csv_bytes(*GOOD_ROWS), problem_count=1)
    with pytest.raises(UploadError):
        confirm_upload(item.pk, by=importer, now=timezone.now())
    assert not Attendance.objects.exists()


def test_cancel_deletes_the_file_and_cannot_be_confirmed_after(
    importer_client, checked, import_folder, django_capture_on_commit_callbacks
):
    assert len(stored_files(import_folder)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = importer_client.post(reverse("attendance_import_cancel", args=[checked.pk]))
    assert response.status_code == 302
    assert response.url == reverse("attendance_import_list")
    checked.refresh_from_db()
    assert checked.state == State.CANCELLED
    assert checked.stored_name == ""
    assert checked.finished_at is not None
    assert stored_files(import_folder) == []
    response = confirm(importer_client, checked)
    assert response.status_code == 200
    assert "Only a checked file" in response.content.decode()
    assert not Attendance.objects.exists()


def test_an_imported_upload_cannot_be_cancelled(checked, importer):
    confirm_upload(checked.pk, by=importer, now=timezone.now())
    with pytest.raises(UploadError) as error:
        cancel_upload(checked.pk, by=importer, now=timezone.now())
    assert error.value.code == "finished"
    checked.refresh_from_db()
    assert checked.state == State.IMPORTED
    assert Attendance.objects.count() == 4


def test_a_file_gone_from_storage_fails_the_import_cleanly(importer_client, checked, storage):
    storage.delete(checked.stored_name)
    response = confirm(importer_client, checked)
    assert response.status_code == 200
    checked.refresh_from_db()
    assert checked.state == State.FAILED
    assert checked.failure == AttendanceImport.Failure.ERROR
    assert "could not be processed" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_file_that_changed_meaning_since_the_check_fails_with_its_problems(storage, importer):
    # Checked when "chess" was... never a kind: the import checks again and refuses the file.
    item = make_upload(storage, csv_bytes("P-1,,2025-05-10,chess"), by=importer)
    confirm_upload(item.pk, by=importer, now=timezone.now())
    item.refresh_from_db()
    assert item.state == State.FAILED
    assert item.failure == AttendanceImport.Failure.PROBLEMS
    assert item.problem_count == 1
    assert item.problems[0]["line"] == 2
    assert not Attendance.objects.exists()
