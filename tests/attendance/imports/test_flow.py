"""Upload → preview → confirm: the visits reach the database, the file is deleted, and a file
with problems shows every one of them and cannot be confirmed."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from attendance.models import Attendance, AttendanceImport
from booking.models import Participant

from .conftest import stored_files
from .helpers import GOOD_ROWS, csv_bytes, detail_url, latest_upload, upload, xlsx_bytes

pytestmark = pytest.mark.django_db
State = AttendanceImport.State


def test_upload_preview_confirm_imports_the_visits(
    importer_client, import_folder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(importer_client, csv_bytes(*GOOD_ROWS))
    item = latest_upload()
    assert response.status_code == 302
    assert response.url == detail_url(item)
    assert item.state == State.CHECKED
    assert item.file_name == "visits.csv"
    assert len(stored_files(import_folder)) == 1
    assert not Attendance.objects.exists()  # the preview writes nothing
    assert not Participant.objects.exists()

    page = importer_client.get(detail_url(item))
    assert page.status_code == 200
    html = page.content.decode()
    assert item.preview == {
        "file_format": item.preview["file_format"],
        "rows_read": 5,
        "duplicates_in_file": 1,
        "already_present": 0,
        "to_add": 4,
        "new_participants": 2,
        "visits_by_fiscal_year": {"2024": 1, "2025": 3},
    }
    assert "CSV" in item.preview["file_format"]
    assert '<dd id="preview-to-add">4</dd>' in html
    assert '<tr data-year="2024"><th scope="row">2024</th><td data-figure="visits">1</td>' in html
    assert 'id="import-confirm-form"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = importer_client.post(reverse("attendance_import_confirm", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.IMPORTED
    assert item.result["added"] == 4
    assert item.result["participants_created"] == 2
    assert item.finished_at is not None
    assert item.stored_name == ""
    assert stored_files(import_folder) == []
    assert Attendance.objects.filter(source=Attendance.Source.IMPORT).count() == 4
    assert sorted(Attendance.objects.values_list("fiscal_year", flat=True)) == [
        2024,
        2025,
        2025,
        2025,
    ]

    result = importer_client.get(detail_url(item)).content.decode()
    report = reverse("attendance_report")
    assert f'href="{report}?fiscal_year=2024"' in result
    assert f'href="{report}?fiscal_year=2025"' in result
    assert '<dd id="result-added">4</dd>' in result
    assert 'id="import-confirm-form"' not in result


def test_an_xlsx_file_is_checked_too(importer_client):
    import datetime as dt

    content = xlsx_bytes(
        [
            ["P-7", None, dt.date(2025, 6, 1), "study_space"],
            ["P-7", None, "R7.6.2", "オンライン学習"],
        ]
    )
    upload(importer_client, content, "visits.xlsx")
    item = latest_upload()
    assert item.state == State.CHECKED
    assert item.preview["to_add"] == 2
    assert item.preview["visits_by_fiscal_year"] == {"2025": 2}


def test_a_file_with_problems_shows_them_and_cannot_be_confirmed(
    importer_client, import_folder, django_capture_on_commit_callbacks
):
    rows = ("P-1,,2025-05-10,study_space", "P-2,,2025-13-40,study_space", "P-3,,2025-05-10,chess")
    with django_capture_on_commit_callbacks(execute=True):
        upload(importer_client, csv_bytes(*rows))
    item = latest_upload()
    assert item.state == State.FAILED
    assert item.failure == AttendanceImport.Failure.PROBLEMS
    assert item.problem_count == 2
    assert [(p["line"], p["column"], p["value"]) for p in item.problems] == [
        (3, "date", "2025-13-40"),
        (4, "kind", "chess"),
    ]
    assert set(item.problems[0]["message"]) == {"ja", "en"}
    assert stored_files(import_folder) == []  # nothing more can be done with it

    page = importer_client.get(detail_url(item))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025-13-40" in html and "chess" in html
    assert escape(item.problems[1]["message"]["en"]) in html  # the reader's language (English)
    assert 'id="import-confirm-form"' not in html

    response = importer_client.post(reverse("attendance_import_confirm", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == State.FAILED
    assert not Attendance.objects.exists()


def test_more_problems_than_kept_are_counted(importer_client, monkeypatch):
    monkeypatch.setattr("attendance.imports.tasks.KEPT_PROBLEMS", 3)
    upload(importer_client, csv_bytes(*[f"P-{n},,2025-05-1x,study_space" for n in range(8)]))
    item = latest_upload()
    assert item.problem_count == 8
    assert len(item.problems) == 3
    html = importer_client.get(detail_url(item)).content.decode()
    assert 'id="import-more-problems"' in html
    assert "5 more problems" in html


def test_the_stored_file_is_private_and_outside_media_root(settings, importer_client, storage):
    from pathlib import Path

    configured = Path(settings.STORAGES["imports"]["OPTIONS"]["location"])
    media = Path(settings.MEDIA_ROOT).resolve()
    assert not configured.resolve().is_relative_to(media)
    upload(importer_client, csv_bytes(*GOOD_ROWS))
    item = latest_upload()
    assert storage.exists(item.stored_name)
    assert not Path(storage.path(item.stored_name)).resolve().is_relative_to(media)
    assert "visits" not in item.stored_name  # a random name, never the person's file name


def test_the_configured_folder_is_private_and_never_under_media(settings):
    from pathlib import Path

    from cms.settings import base

    location = Path(base.STORAGES["imports"]["OPTIONS"]["location"])
    assert location == base.BASE_DIR / "private" / "imports"
    assert not location.is_relative_to(Path(base.MEDIA_ROOT))
    assert not location.is_relative_to(Path(base.STATIC_ROOT))
