"""Uploads left for more than a day are discarded when a new upload starts: their files are
deleted, unconfirmed ones cancelled, imports whose worker never finished failed."""

import datetime as dt

import pytest
from django.utils import timezone

from attendance.imports.uploads import DISCARD_ACTION, discard_stale_uploads
from attendance.models import AttendanceImport

from .conftest import stored_files
from .helpers import GOOD_ROWS, csv_bytes, latest_upload, make_upload, upload

pytestmark = pytest.mark.django_db
State = AttendanceImport.State


def test_old_uploads_are_discarded_when_a_new_one_starts(
    importer_client, storage, import_folder, django_capture_on_commit_callbacks
):
    now = timezone.now()
    old = now - dt.timedelta(days=1, minutes=1)
    checked = make_upload(storage, csv_bytes(*GOOD_ROWS), uploaded_at=old)
    stuck = make_upload(storage, csv_bytes(*GOOD_ROWS), uploaded_at=old, state=State.IMPORTING)
    recent = make_upload(storage, csv_bytes(*GOOD_ROWS), uploaded_at=now - dt.timedelta(hours=23))
    assert len(stored_files(import_folder)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        upload(importer_client, csv_bytes(*GOOD_ROWS))
    for item in (checked, stuck, recent):
        item.refresh_from_db()
    assert (checked.state, checked.stored_name) == (State.CANCELLED, "")
    assert (stuck.state, stuck.failure) == (State.FAILED, AttendanceImport.Failure.ABANDONED)
    assert stuck.stored_name == ""
    assert recent.state == State.CHECKED
    kept = {recent.stored_name, latest_upload().stored_name}
    assert {str(p.relative_to(import_folder)) for p in stored_files(import_folder)} == kept


def test_discarding_is_audited_and_done_once(storage, django_capture_on_commit_callbacks):
    from wagtail.models import ModelLogEntry

    now = timezone.now()
    item = make_upload(storage, csv_bytes(*GOOD_ROWS), uploaded_at=now - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert discard_stale_uploads(now=now) == 1
    assert discard_stale_uploads(now=now) == 0
    logged = ModelLogEntry.objects.for_instance(item)
    assert [(entry.action, entry.user_id) for entry in logged] == [(DISCARD_ACTION, None)]
