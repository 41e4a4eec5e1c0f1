"""`preview_import` and `import_attendance`: one pass over the file, the rest in the database.

Both check every row while streaming it into the staging table, then let the database count
and (for the import) insert. The preview runs exactly the same steps in a transaction that is
rolled back, so its numbers are the import's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from core import audit
from core.cache import bump_attendance
from core.time import local_date

from .checking import CONTROL_CHARACTER, RowChecker
from .problems import ImportFileError, ImportProblem, Problems, problem
from .reading import Rows, open_rows
from .staging import Staging
from .values import EXPECTED_HEADER, header_columns

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage "check" counts bytes of a CSV (rows of a workbook),
stage "import" counts visits; called at most about a hundred times in a run."""

# Rows between two looks at the progress (the reporter passes on only whole percents).
PROGRESS_EVERY = 256


@dataclass
class ImportPreview:
    file_format: str
    rows_read: int = 0
    duplicates_in_file: int = 0
    already_present: int = 0
    to_add: int = 0
    new_participants: int = 0
    visits_by_fiscal_year: dict[int, int] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    problem_count: int = 0


@dataclass
class ImportResult:
    rows_read: int = 0
    duplicates_in_file: int = 0
    added: int = 0
    already_present: int = 0
    participants_created: int = 0
    file_format: str = ""


class _Reporter:
    """Calls `progress` only when a stage's percentage moves: at most ~100 calls per stage."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.last: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is None or total <= 0:
            return
        percent = min(100, done * 100 // total)
        if self.last.get(stage, -1) < percent:
            self.last[stage] = percent
            self.progress(stage, min(done, total), total)


@dataclass
class _Staged:
    rows: Rows
    staging: Staging
    rows_read: int
    visits: int


def _stage(source, *, name: str, now: dt.datetime, report: _Reporter) -> _Staged:
    """Read and check every row into the staging table. Raises ImportFileError with the
    problems found (the caller's transaction then drops everything)."""
    rows = open_rows(source, name=name)
    problems = Problems()
    # Blank lines above the header are skipped, as they are everywhere else.
    header = next(
        (row for row in rows.rows if any(cell not in (None, "") for cell in row[1])), None
    )
    if header is None:
        raise ImportFileError([problem(1, "empty", header=",".join(EXPECTED_HEADER))])
    columns = header_columns(header[1])
    if columns is None:
        found = ",".join("" if cell is None else str(cell) for cell in header[1])
        found = CONTROL_CHARACTER.sub("\ufffd", found)  # shown on a page: no NUL there
        raise ImportFileError(
            [problem(header[0], "header", header=",".join(EXPECTED_HEADER), found=found)]
        )
    workbook = rows.file_format == "xlsx"
    checker = RowChecker(columns, today=local_date(now), pad=workbook, text_only=not workbook)
    staging = Staging()
    rows_read = 0
    report("check", 0, rows.total)
    try:
        for line, cells in rows.rows:
            checked = checker.check(line, cells)
            if checked is None:
                continue
            rows_read += 1
            if isinstance(checked, ImportProblem):
                problems.add(checked)
            elif not problems:
                staging.add(checked)
            if rows_read % PROGRESS_EVERY == 0:
                report("check", rows.done, rows.total)
    except ImportFileError as exc:
        # The file cannot be read on from here (an encoding or CSV error): keep what we have.
        for item in exc.problems:
            problems.add(item)
    except BaseException as exc:
        staging.close(exc)
        raise
    staging.close()
    report("check", rows.total, rows.total)
    if problems:
        raise problems.error()
    return _Staged(rows=rows, staging=staging, rows_read=rows_read, visits=staging.dedupe())


def preview_import(
    source, *, name: str = "", now: dt.datetime, progress: Progress | None = None
) -> ImportPreview:
    """What importing `source` would do, writing nothing. A file that cannot be imported gets
    a preview whose `problems` say why (and whose counts are zero)."""
    report = _Reporter(progress)
    name = name or getattr(source, "name", "") or ""
    with transaction.atomic():
        try:
            staged = _stage(source, name=name, now=now, report=report)
            by_year, new_participants = staged.staging.plan()
            staged.staging.drop()
        except ImportFileError as exc:
            return ImportPreview(
                file_format=_format_label(source, name),
                problems=exc.problems,
                problem_count=exc.problem_count,
            )
        finally:
            # Whatever happened, nothing stays: not the staging, not a participant. (Marked
            # at the end: Django refuses queries in a block already marked for rollback.)
            transaction.set_rollback(True)
    to_add = sum(by_year.values())
    report("import", 1, 1)
    return ImportPreview(
        file_format=staged.rows.label,
        rows_read=staged.rows_read,
        duplicates_in_file=staged.rows_read - staged.visits,
        already_present=staged.visits - to_add,
        to_add=to_add,
        new_participants=new_participants,
        visits_by_fiscal_year=by_year,
    )


def import_attendance(
    source,
    *,
    name: str = "",
    now: dt.datetime,
    by=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check the whole file, then import it in the same transaction: all rows or none.

    Raises ImportFileError (nothing imported) when any row is bad. Idempotent: a visit
    (participant, date, kind) already recorded, by an import or at the desk, is counted as
    already present. Unknown participants are created with their reference as nickname and
    the school of their latest row. One audit entry records the import (by `by`, None from
    the command)."""
    report = _Reporter(progress)
    name = name or getattr(source, "name", "") or ""
    with transaction.atomic():
        staged = _stage(source, name=name, now=now, report=report)
        staging = staged.staging
        report("import", 0, staged.visits)
        created = staging.create_participants()
        added = staging.insert_visits(now=now, by=by)
        staging.drop()
        result = ImportResult(
            rows_read=staged.rows_read,
            duplicates_in_file=staged.rows_read - staged.visits,
            added=added,
            already_present=staged.visits - added,
            participants_created=created,
            file_format=staged.rows.label,
        )
        _log_import(result, name=name, by=by, now=now)
        if added:
            # The visits went in by SQL, past the signals: the shared report must know.
            bump_attendance()
    report("import", staged.visits, staged.visits)
    return result


def _format_label(source, name: str) -> str:
    """The format of a file that failed early, when it can still be told."""
    try:
        return open_rows(source, name=name).label
    except ImportFileError:
        return ""


def _log_import(result: ImportResult, *, name: str, by, now: dt.datetime) -> None:
    """The audit entry hangs off the site: an import is about the whole site, not a person.
    Counts, the format and the file's name only: nothing personal."""
    target = Site.objects.filter(is_default_site=True).first() or by
    if target is None:
        return
    audit.log_action(
        target,
        audit.IMPORT_ATTENDANCE,
        by=by,
        now=now,
        detail=name,
        title=str(_("Attendance import")),
        data={
            "rows": result.rows_read,
            "added": result.added,
            "participants_created": result.participants_created,
            "format": result.file_format,
            "file": name,
        },
    )
