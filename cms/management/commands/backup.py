"""Back up the database and every uploaded file into a new folder (cms/backup.py)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Write a backup of the database (pg_dump -Fc, or SQLite's backup API) and of every "
        "uploaded file (local or object storage) into a new folder, with a manifest of row "
        "counts and checksums. `manage.py restore --from DIR` puts it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="a new or empty folder")

    def handle(self, *args, to: Path, **options):
        started = time.monotonic()
        try:
            manifest = make_backup(to)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and "
            f"{manifest['media']['files']} files to {to} in {time.monotonic() - started:.1f} s."
        )
