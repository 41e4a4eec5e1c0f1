"""The audit trail: an upload, its confirmation and its cancellation are logged (by whom,
when, how big), the import itself by the service; nothing personal in any entry."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from attendance.imports.uploads import CANCEL_ACTION, CONFIRM_ACTION, UPLOAD_ACTION
from attendance.models import AttendanceImport

from .helpers import csv_bytes, latest_upload, make_upload, upload

pytestmark = pytest.mark.django_db

# Names that must never reach the log: the file's name and the people in it.
ROWS = ("山田花子,,2025-05-10,study_space", "P-2,,2025-05-11,online")
FILE_NAME = "山田花子の出席.csv"


def entries(item) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.for_instance(item).order_by("pk"))


def assert_nothing_personal(entry) -> None:
    text = f"{entry.label} {entry.data} {entry.message}"
    assert "山田" not in text
    assert "P-2" not in text


def test_upload_and_cancel_are_audited(
    importer_client, importer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(importer_client, csv_bytes(*ROWS), FILE_NAME)
    item = latest_upload()
    importer_client.post(reverse("attendance_import_cancel", args=[item.pk]))
    logged = entries(item)
    assert [entry.action for entry in logged] == [UPLOAD_ACTION, CANCEL_ACTION]
    assert all(entry.user_id == importer.pk for entry in logged)
    assert logged[0].data == {"size": len(csv_bytes(*ROWS)), "format": "csv"}
    assert logged[0].label == f"Attendance import {item.pk}"
    for entry in logged:
        assert_nothing_personal(entry)


def test_confirm_is_audited_and_the_service_audits_the_import(storage, importer_client, importer):
    item = make_upload(storage, csv_bytes(*ROWS), by=importer)
    before = ModelLogEntry.objects.count()
    importer_client.post(reverse("attendance_import_confirm", args=[item.pk]))
    item.refresh_from_db()
    assert item.state == AttendanceImport.State.IMPORTED
    logged = entries(item)
    assert [entry.action for entry in logged] == [CONFIRM_ACTION]
    assert logged[0].user_id == importer.pk
    # The service's own entry of the import: one more entry beside ours, by the same person.
    others = ModelLogEntry.objects.exclude(pk__in=[e.pk for e in logged]).filter(pk__gt=before)
    assert [entry.user_id for entry in others] == [importer.pk]
    for entry in [*logged, *others]:
        assert_nothing_personal(entry)


def test_the_site_history_names_the_actions(importer_client):
    upload(importer_client, csv_bytes(*ROWS), FILE_NAME)
    response = importer_client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Attendance file uploaded for checking" in html
    assert "山田" not in html
