"""The progress bar: the task writes how far it got into the cache, the page and its JSON
address read it back; a dead cache means no bar, never an error."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from attendance.imports import progress
from attendance.models import AttendanceImport

from .helpers import GOOD_ROWS, csv_bytes, make_upload

pytestmark = pytest.mark.django_db
State = AttendanceImport.State


@pytest.fixture
def importing(storage, importer):
    return make_upload(storage, csv_bytes(*GOOD_ROWS), by=importer, state=State.IMPORTING)


def progress_url(item) -> str:
    return reverse("attendance_import_progress", args=[item.pk])


class DeadCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("the cache is down")

        return fail


def test_the_reporter_writes_only_when_the_percentage_moves(monkeypatch):
    writes = []
    monkeypatch.setattr(progress.cache, "set", lambda key, value, timeout: writes.append(value))
    report = progress.reporter(7)
    for done in (0, 1, 2, 10, 11, 1000):
        report("check", done, 1000)
    report("import", 0, 50)
    assert [(w["stage"], w["done"]) for w in writes] == [
        ("check", 0),
        ("check", 10),
        ("check", 1000),
        ("import", 0),
    ]


def test_the_json_address_gives_the_progress_and_is_never_cached(importer_client, importing):
    progress.reporter(importing.pk)("import", 30, 120)
    response = importer_client.get(progress_url(importing))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "state": "importing",
        "finished": False,
        "progress": {"stage": "import", "done": 30, "total": 120, "percent": 25},
    }


def test_the_page_draws_the_bar_and_works_without_javascript(importer_client, importing):
    progress.reporter(importing.pk)("import", 60, 120)
    response = importer_client.get(reverse("attendance_import_detail", args=[importing.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<progress id="import-progress" max="100" value="50">' in html
    assert f'data-import-progress-url="{progress_url(importing)}"' in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert 'id="import-refresh"' in html
    assert "/static/js/attendance-import.js" in html
    assert "<script>" not in html.split('id="import-page"')[1]  # no inline script of ours


def test_without_a_cache_there_is_no_bar_and_no_error(importer_client, importing, monkeypatch):
    monkeypatch.setattr(progress, "cache", DeadCache())
    progress.reporter(importing.pk)("import", 1, 2)  # does not raise
    progress.clear(importing.pk)
    response = importer_client.get(progress_url(importing))
    assert response.status_code == 200
    assert response.json()["progress"] is None
    page = importer_client.get(reverse("attendance_import_detail", args=[importing.pk]))
    assert page.status_code == 200
    assert '<progress id="import-progress" max="100" hidden>' in page.content.decode()


def test_a_finished_import_says_so_and_its_progress_is_gone(storage, importer_client, importer):
    item = make_upload(storage, csv_bytes(*GOOD_ROWS), by=importer)
    importer_client.post(reverse("attendance_import_confirm", args=[item.pk]))
    assert cache.get(progress.key(item.pk)) is None
    response = importer_client.get(progress_url(item))
    assert response.json() == {"state": "imported", "finished": True, "progress": None}
    page = importer_client.get(reverse("attendance_import_detail", args=[item.pk]))
    assert "http-equiv" not in page.content.decode()
