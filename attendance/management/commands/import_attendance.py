"""Import attendance from a coordinators' spreadsheet: CSV or .xlsx (`attendance.services`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from attendance.services.importing import (
    EXPECTED_HEADER,
    KINDS,
    ImportFileError,
    import_attendance,
)
from core.locks import SingleInstanceCommand

# Files smaller than this import in a moment: no progress lines.
PROGRESS_MIN_BYTES = 512 * 1024
# A progress line every this many percent.
PROGRESS_STEP = 10


class Command(SingleInstanceCommand, BaseCommand):
    help = (
        "Import visits from a CSV file (UTF-8, with or without a BOM, or Shift_JIS / CP932 as "
        "Excel saves it) or an Excel workbook (.xlsx, first sheet) with the header "
        f"{','.join(EXPECTED_HEADER)} or its Japanese names (参加者,学校,日付,区分). "
        "participant: a reference such as P-0012; school: a partner school's name or short "
        "name, or empty; date: 2025-05-10, 2025/5/10, R7.5.10, 令和7年5月10日 and the like; "
        f"kind: one of {', '.join(KINDS)} or its Japanese label. Every row is checked first: "
        "on any bad row nothing is imported. Importing the same file twice adds nothing. "
        "Unknown participants are created with their reference as nickname. See "
        "docs/importing.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or .xlsx file")

    def handle(self, *args, file: str, verbosity: int = 1, **options):
        path = Path(file)
        try:
            source = path.open("rb")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from exc

        with source:
            size = path.stat().st_size
            show_progress = verbosity >= 1 and size >= PROGRESS_MIN_BYTES
            shown = {"check": -1, "import": -1}

            def progress(stage: str, done: int, total: int) -> None:
                if not show_progress or not total:
                    return
                percent = min(100, done * 100 // total)
                if percent // PROGRESS_STEP == shown[stage] // PROGRESS_STEP:
                    return
                shown[stage] = percent
                verb = "checked" if stage == "check" else "imported"
                self.stderr.write(f"{verb}: {percent}%")

            try:
                result = import_attendance(
                    source, name=path.name, now=timezone.now(), progress=progress
                )
            except ImportFileError as exc:
                lines = [f"{file}: nothing imported, {exc.problem_count} problem(s):", *exc.errors]
                hidden = exc.problem_count - len(exc.errors)
                if hidden:
                    lines.append(f"... and {hidden} more")
                raise CommandError("\n".join(lines)) from exc

        if verbosity >= 1:
            self.stdout.write(
                f"Format: {result.file_format}\n"
                f"Rows read: {result.rows_read:,}\n"
                f"Visits added: {result.added:,}\n"
                f"Already present: {result.already_present:,}\n"
                f"Duplicate rows in the file (counted once): {result.duplicates_in_file:,}\n"
                f"Participants created: {result.participants_created:,}"
            )
