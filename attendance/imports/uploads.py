"""The steps a person takes with an upload: upload it, confirm it, cancel it. Each decides on
the locked row, so two people (or one person's two clicks) can never import a file twice, and
each writes the audit log itself. The import itself is audited by the service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import OperationalError, transaction
from django.utils.translation import gettext_lazy as _

from attendance.models import AttendanceImport
from core.audit import log_action

from .files import delete_file, forget_file, save_upload
from .tasks import check_upload, import_upload

State = AttendanceImport.State

EXTENSIONS = (".csv", ".xlsx")
MAX_UPLOAD_SIZE = 100 * 1024 * 1024
# An upload nobody confirmed or cancelled within a day is discarded, file and all.
STALE_AFTER = dt.timedelta(days=1)

UPLOAD_ACTION = "manabiba.import_upload"
CONFIRM_ACTION = "manabiba.import_confirm"
CANCEL_ACTION = "manabiba.import_cancel"
DISCARD_ACTION = "manabiba.import_discard"
# For core.audit.register_actions: nothing personal, the entry names the upload by number.
ACTIONS = {
    UPLOAD_ACTION: (_("Upload attendance file"), _("Attendance file uploaded for checking")),
    CONFIRM_ACTION: (_("Confirm attendance import"), _("Attendance import confirmed")),
    CANCEL_ACTION: (_("Cancel attendance import"), _("Attendance import cancelled")),
    DISCARD_ACTION: (
        _("Discard attendance import"),
        _("Unfinished attendance import discarded after a day"),
    ),
}


class UploadError(Exception):
    """A step that cannot be taken now. `message` is for the person who tried."""

    MESSAGES = {
        "busy": _("This import is being worked on. Try again in a moment."),
        "not_ready": _("Only a checked file without problems can be imported."),
        "already": _("This file has already been confirmed; it is not imported twice."),
        "finished": _("This import can no longer be cancelled."),
    }

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code])


def start_upload(file, *, by, now: dt.datetime) -> AttendanceImport:
    """Stores the file, records the upload and queues its check (in the same transaction: the
    worker never sees a task without its row). Discards stale uploads first."""
    discard_stale_uploads(now=now)
    extension = Path(file.name).suffix.lower()
    stored_name = save_upload(file, extension=extension, now=now)
    try:
        with transaction.atomic():
            upload = AttendanceImport.objects.create(
                uploaded_by=by,
                uploaded_at=now,
                file_name=clean_file_name(file.name),
                file_size=file.size,
                stored_name=stored_name,
            )
            log_action(
                upload,
                UPLOAD_ACTION,
                by=by,
                now=now,
                data={"size": file.size, "format": extension.lstrip(".")},
            )
            check_upload.enqueue(upload.pk)
    except BaseException:
        delete_file(stored_name)
        raise
    upload.refresh_from_db()
    return upload


def clean_file_name(name: str) -> str:
    """The name as shown on the list: no folders, no control characters, at most 255."""
    name = Path(name.replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:255] or "upload"


def _locked(import_id: int) -> AttendanceImport:
    """The row, locked. A row held by a running import answers "busy" at once instead of making
    the request wait for the whole import (PostgreSQL; SQLite serialises writers itself)."""
    try:
        return AttendanceImport.objects.select_for_update(nowait=True).get(pk=import_id)
    except OperationalError as exc:
        raise UploadError("busy") from exc


def confirm_upload(import_id: int, *, by, now: dt.datetime) -> AttendanceImport:
    """Queues the import of a checked upload without problems, once."""
    try:
        with transaction.atomic():
            upload = _locked(import_id)
            if upload.state in (State.IMPORTING, State.IMPORTED):
                raise UploadError("already")
            if upload.state != State.CHECKED or upload.problem_count:
                raise UploadError("not_ready")
            upload.state = State.IMPORTING
            upload.confirmed_by = by
            upload.confirmed_at = now
            upload.save(update_fields=["state", "confirmed_by", "confirmed_at"])
            log_action(upload, CONFIRM_ACTION, by=by, now=now)
            import_upload.enqueue(upload.pk)
    except OperationalError as exc:
        # Waiting for the lock inside the transaction (SQLite's busy timeout, say).
        raise UploadError("busy") from exc
    upload.refresh_from_db()
    return upload


def cancel_upload(import_id: int, *, by, now: dt.datetime) -> AttendanceImport:
    """Cancels an upload not yet confirmed and deletes its file."""
    try:
        with transaction.atomic():
            upload = _locked(import_id)
            if upload.state in (State.IMPORTING, State.IMPORTED):
                raise UploadError("finished")
            if upload.state in (State.CANCELLED, State.FAILED):
                return upload  # closed already, its file deleted: nothing to cancel
            upload.state = State.CANCELLED
            upload.finished_at = now
            forget_file(upload)
            upload.save(update_fields=["state", "finished_at", "stored_name"])
            log_action(upload, CANCEL_ACTION, by=by, now=now)
    except OperationalError as exc:
        raise UploadError("busy") from exc
    return upload


def discard_stale_uploads(*, now: dt.datetime) -> int:
    """Deletes the files of uploads older than STALE_AFTER and closes them: unconfirmed ones
    are cancelled, imports whose worker never finished fail. An import still running holds
    its row and is skipped. Returns how many were discarded."""
    stale = AttendanceImport.objects.filter(uploaded_at__lt=now - STALE_AFTER).exclude(
        stored_name=""
    )
    discarded = 0
    for import_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            upload = (
                AttendanceImport.objects.select_for_update(skip_locked=True)
                .filter(pk=import_id)
                .first()
            )
            if upload is None or not upload.stored_name:
                continue
            if upload.state in (State.UPLOADED, State.CHECKED):
                upload.state = State.CANCELLED
                upload.finished_at = now
            elif upload.state == State.IMPORTING:
                upload.state = State.FAILED
                upload.failure = AttendanceImport.Failure.ABANDONED
                upload.finished_at = now
            forget_file(upload)
            upload.save()
            log_action(upload, DISCARD_ACTION, by=None, now=now)
            discarded += 1
    return discarded
