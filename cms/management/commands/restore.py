"""Restore a backup made by `manage.py backup` (cms/backup.py)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the configured database and media storage, after "
        "checking its checksums; then check every table's row count against the manifest. "
        "Refuses a database with tables or a storage with files unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="drop every table of the database and overwrite files of the same name",
        )

    def handle(self, *args, source: Path, force: bool, **options):
        started = time.monotonic()
        try:
            restored = restore_backup(source, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {restored.tables} tables ({restored.rows} rows) and {restored.files} "
            f"files from {source} in {time.monotonic() - started:.1f} s. "
            "Run `manage.py migrate` if the code is newer than the backup."
        )
