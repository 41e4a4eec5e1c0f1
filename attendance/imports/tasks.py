"""The background work of an upload: checking the file (the preview) and importing it.

Both run on the `imports` task backend: in production a database queue that
`manage.py db_worker --backend imports` works through (a 50 MB file takes longer than a web
request may last), in-process elsewhere. A task may run late or twice: each one starts by
checking the upload is still in the state it expects, and does nothing otherwise.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from attendance.models import AttendanceImport
from attendance.services.importing import (
    ImportFileError,
    ImportPreview,
    ImportProblem,
    import_attendance,
    preview_import,
)

from . import progress
from .files import forget_file, open_upload

logger = logging.getLogger(__name__)

State = AttendanceImport.State
Failure = AttendanceImport.Failure

# Kept on the row for the preview page; the service counts the others.
KEPT_PROBLEMS = 200
VALUE_LENGTH = 200
# PostgreSQL refuses NUL in JSON text, and a control character shows as nothing anyway.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def clean_text(text: str) -> str:
    return CONTROL_CHARACTERS.sub("\ufffd", text)


def problem_records(problems: list[ImportProblem]) -> list[dict]:
    """The problems as JSON, each message in every language of the site: the worker has no
    reader, and whoever opens the preview reads it in their own language."""
    records = []
    for item in problems[:KEPT_PROBLEMS]:
        message = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                message[code] = clean_text(str(item.message))
        records.append(
            {
                "line": item.line,
                "column": item.column,
                "value": clean_text(str(item.value))[:VALUE_LENGTH],
                "message": message,
            }
        )
    return records


def preview_figures(preview: ImportPreview) -> dict:
    return {
        "file_format": preview.file_format,
        "rows_read": preview.rows_read,
        "duplicates_in_file": preview.duplicates_in_file,
        "already_present": preview.already_present,
        "to_add": preview.to_add,
        "new_participants": preview.new_participants,
        # JSON keys are text: the years are read back with int().
        "visits_by_fiscal_year": {
            str(year): count for year, count in sorted(preview.visits_by_fiscal_year.items())
        },
    }


def service_name(upload: AttendanceImport) -> str:
    """The name the service sees, and writes into its audit entry: the upload's number and the
    file's extension (which tells the format), never the name a person gave the file, which
    may name someone and would stay in the audit log for years."""
    return f"attendance-import-{upload.pk}{Path(upload.file_name).suffix.lower()}"


def _fail(upload: AttendanceImport, failure: str, *, problems=(), count: int = 0, now) -> None:
    upload.state = State.FAILED
    upload.failure = failure
    upload.problems = problem_records(list(problems))
    upload.problem_count = count
    upload.finished_at = now
    forget_file(upload)


@task(backend="imports")
def check_upload(import_id: int) -> str:
    """Reads the whole file and records what importing it would do (writes no attendance).
    A file with problems fails here and its file is deleted: it can only be fixed and
    uploaded again."""
    upload = AttendanceImport.objects.filter(pk=import_id, state=State.UPLOADED).first()
    if upload is None:
        return "skipped"
    preview = error = None
    try:
        with open_upload(upload) as source:
            preview = preview_import(
                source,
                name=service_name(upload),
                now=timezone.now(),
                progress=progress.reporter(import_id),
            )
    except ImportFileError as exc:
        error = exc
    except Exception:
        # An unreadable stored file, a bug: the upload fails with a message, the log has why.
        logger.exception("checking import %s failed", import_id)
    try:
        return _record_check(import_id, preview, error)
    except Exception:
        # The outcome could not be saved: fail it plainly, so the page never waits forever.
        logger.exception("recording the check of import %s failed", import_id)
        _fail_if(import_id, State.UPLOADED, Failure.ERROR)
        raise
    finally:
        progress.clear(import_id)


def _record_check(import_id: int, preview: ImportPreview | None, error) -> str:
    now = timezone.now()
    with transaction.atomic():
        upload = AttendanceImport.objects.select_for_update().get(pk=import_id)
        if upload.state != State.UPLOADED:
            return "skipped"  # cancelled while it was being checked
        if error is not None:
            _fail(
                upload,
                Failure.PROBLEMS,
                problems=error.problems,
                count=error.problem_count,
                now=now,
            )
        elif preview is None:
            _fail(upload, Failure.ERROR, now=now)
        elif preview.problem_count:
            upload.preview = preview_figures(preview)
            _fail(
                upload,
                Failure.PROBLEMS,
                problems=preview.problems,
                count=preview.problem_count,
                now=now,
            )
        else:
            upload.state = State.CHECKED
            upload.preview = preview_figures(preview)
        upload.save()
    return upload.state


@task(backend="imports")
def import_upload(import_id: int) -> str:
    """Imports a confirmed upload. The row stays locked from start to finish, in the import's
    own transaction: the visits and the state "imported" commit together or not at all, and a
    second run of this task waits, then finds it imported and does nothing."""
    try:
        with transaction.atomic():
            upload = AttendanceImport.objects.select_for_update().get(pk=import_id)
            if upload.state != State.IMPORTING:
                return "skipped"
            with open_upload(upload) as source:
                result = import_attendance(
                    source,
                    name=service_name(upload),
                    now=timezone.now(),
                    by=upload.confirmed_by,
                    progress=progress.reporter(import_id),
                )
            upload.state = State.IMPORTED
            upload.result = dataclasses.asdict(result)
            upload.finished_at = timezone.now()
            forget_file(upload)
            upload.save()
    except ImportFileError as exc:
        # Something changed since the preview (a school was removed, say): nothing imported.
        _fail_if(import_id, State.IMPORTING, Failure.PROBLEMS, exc.problems, exc.problem_count)
        return State.FAILED
    except Exception:
        logger.exception("import %s failed", import_id)
        _fail_if(import_id, State.IMPORTING, Failure.ERROR)
        raise  # the worker keeps the task as failed, with its traceback
    finally:
        progress.clear(import_id)
    return State.IMPORTED


def _fail_if(import_id: int, state: str, failure: str, problems=(), count: int = 0) -> None:
    """Fails the upload if it is still in `state`, in a transaction of its own."""
    with transaction.atomic():
        upload = AttendanceImport.objects.select_for_update().get(pk=import_id)
        if upload.state == state:
            _fail(upload, failure, problems=problems, count=count, now=timezone.now())
            upload.save()
