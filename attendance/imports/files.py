"""The uploaded file, in the private `imports` storage (settings STORAGES["imports"]): a local
folder outside MEDIA_ROOT, or the private prefix of the bucket when app servers share one.
Nothing here is ever served: the file is only read back by the check and the import."""

from __future__ import annotations

import logging
import uuid

from django.core.files.storage import storages
from django.db import transaction

from attendance.models import AttendanceImport

logger = logging.getLogger(__name__)


def import_storage():
    # Looked up on each use, not kept: tests (and a settings change) swap the storage.
    return storages["imports"]


def save_upload(file, *, extension: str, now) -> str:
    """Stores `file` under a random name (the original name may name a person) and returns it."""
    name = f"{now:%Y/%m}/{uuid.uuid4().hex}{extension}"
    return import_storage().save(name, file)


def open_upload(upload: AttendanceImport):
    """The stored file, opened for reading (seekable, binary)."""
    if not upload.stored_name:
        raise FileNotFoundError(f"import {upload.pk} has no stored file")
    return import_storage().open(upload.stored_name, "rb")


def delete_file(name: str) -> None:
    if not name:
        return
    try:
        import_storage().delete(name)
    except Exception:  # noqa: BLE001 - left for the next clean-up, never a failed request
        logger.warning("could not delete a stored import file", exc_info=True)


def forget_file(upload: AttendanceImport) -> None:
    """Empties `stored_name` (the caller saves the row) and deletes the file once the
    transaction commits: a rolled-back change keeps its file."""
    name, upload.stored_name = upload.stored_name, ""
    if name:
        transaction.on_commit(lambda: delete_file(name))
