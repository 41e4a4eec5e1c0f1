"""Whatever is uploaded, the answer is a form error or the upload's own page saying what is
wrong: never a 500, and nothing stored for a refused file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import Attendance, AttendanceImport

from .conftest import stored_files
from .helpers import GOOD_ROWS, csv_bytes, detail_url, latest_upload, upload

pytestmark = pytest.mark.django_db
State = AttendanceImport.State


def form_errors(response) -> str:
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-upload-errors"' in html
    return html


def test_no_file(importer_client, import_folder):
    response = importer_client.post(reverse("attendance_import_upload"), {})
    assert "Choose a file to upload." in form_errors(response)
    assert not AttendanceImport.objects.exists()
    assert stored_files(import_folder) == []


def test_an_empty_file(importer_client, import_folder):
    assert "The file is empty." in form_errors(upload(importer_client, b""))
    assert not AttendanceImport.objects.exists()
    assert stored_files(import_folder) == []


def test_a_file_larger_than_the_limit(importer_client, import_folder, monkeypatch):
    monkeypatch.setattr("attendance.imports.forms.MAX_UPLOAD_SIZE", 100)
    html = form_errors(upload(importer_client, csv_bytes(*GOOD_ROWS)))
    assert "files up to 100\xa0bytes can be imported" in html
    assert not AttendanceImport.objects.exists()
    assert stored_files(import_folder) == []


@pytest.mark.parametrize("name", ["visits.xls", "visits.pdf", "visits", "visits.csv.exe"])
def test_a_file_of_another_kind(importer_client, name):
    html = form_errors(upload(importer_client, csv_bytes(*GOOD_ROWS), name))
    assert "Choose a CSV (.csv) or Excel (.xlsx) file" in html
    assert not AttendanceImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (bytes(range(256)) * 40, "garbage.csv"),
        (b"PK\x03\x04 not really a workbook" * 10, "broken.xlsx"),
        (b"\xd0\xcf\x11\xe0 an old Excel file", "old.xlsx"),
        (b"name,age\nTaro,15\n", "wrong-columns.csv"),
        ("参加者,学校,日付,区分\nP-1,,2025-05-10,学習スペース\x00\n".encode(), "nul.csv"),
    ],
)
def test_garbage_fails_on_its_page_with_a_message(importer_client, content, name):
    response = upload(importer_client, content, name)
    assert response.status_code == 302
    item = latest_upload()
    assert item.state == State.FAILED
    assert item.problem_count >= 1 or item.failure == AttendanceImport.Failure.ERROR
    page = importer_client.get(detail_url(item))
    assert page.status_code == 200
    assert 'id="import-failed"' in page.content.decode()
    assert not Attendance.objects.exists()


def test_a_file_name_with_folders_and_control_characters_is_cleaned(importer_client):
    file = SimpleUploadedFile("C:\\Users\\someone\\出席\x07簿.csv", csv_bytes(*GOOD_ROWS))
    importer_client.post(reverse("attendance_import_upload"), {"file": file})
    assert latest_upload().file_name == "出席簿.csv"


def test_a_check_whose_outcome_cannot_be_saved_fails_instead_of_waiting(
    importer_client, monkeypatch
):
    def broken(preview):
        raise RuntimeError("the outcome cannot be written")

    monkeypatch.setattr("attendance.imports.tasks.preview_figures", broken)
    response = upload(importer_client, csv_bytes(*GOOD_ROWS))
    assert response.status_code == 302
    item = latest_upload()
    assert (item.state, item.failure) == (State.FAILED, AttendanceImport.Failure.ERROR)
    page = importer_client.get(detail_url(item))
    assert page.status_code == 200
    assert "could not be processed" in page.content.decode()
