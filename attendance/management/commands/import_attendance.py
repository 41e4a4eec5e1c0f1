"""Import attendance from a coordinators' spreadsheet saved as CSV (`attendance.services`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attendance.services.importing import EXPECTED_HEADER, KINDS, ImportFileError, import_attendance
from core.locks import SingleInstanceCommand

# Files shorter than this import in a moment: no progress lines.
PROGRESS_MIN_ROWS = 10_000
# At most this many bad lines are printed; the count of the others follows.
MAX_ERRORS_SHOWN = 200


class Command(SingleInstanceCommand, BaseCommand):
    help = (
        f"Import visits from a UTF-8 CSV file with the header {','.join(EXPECTED_HEADER)} "
        "(participant: a reference such as P-0012; school: a partner school's name or short "
        f"name, or empty; date: YYYY-MM-DD; kind: one of {', '.join(KINDS)}). Every row is "
        "checked first: on any bad row nothing is imported. Importing the same file twice adds "
        "nothing. Unknown participants are created with their reference as nickname."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8, with or without a BOM)")

    def handle(self, *args, file: str, verbosity: int = 1, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc

        show_progress = verbosity >= 1 and data.count(b"\n") >= PROGRESS_MIN_ROWS
        last = {"check": 0, "import": 0}

        def progress(stage: str, done: int, total: int) -> None:
            if not show_progress or not total:
                return
            percent = min(100, done * 100 // total)
            if percent // 10 == last[stage] // 10 and done != total:
                return
            last[stage] = percent
            verb = "checked" if stage == "check" else "imported"
            self.stderr.write(f"{verb} {done:,} rows ({percent}%)")

        try:
            result = import_attendance(data, now=timezone.now(), progress=progress)
        except ImportFileError as exc:
            shown = exc.errors[:MAX_ERRORS_SHOWN]
            hidden = len(exc.errors) - len(shown)
            lines = [f"{file}: nothing imported, {len(exc.errors)} problem(s):", *shown]
            if hidden:
                lines.append(f"... and {hidden} more")
            raise CommandError("\n".join(lines)) from exc

        if verbosity >= 1:
            self.stdout.write(
                f"Rows read: {result.rows_read:,}\n"
                f"Visits added: {result.added:,}\n"
                f"Already present: {result.already_present:,}\n"
                f"Duplicate rows in the file (counted once): {result.duplicates_in_file:,}\n"
                f"Participants created: {result.participants_created:,}"
            )
