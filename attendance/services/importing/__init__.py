"""Importing past attendance from the coordinators' spreadsheets (docs/importing.md).

CSV (UTF-8, UTF-8 with BOM, Shift_JIS / CP932) or Excel (.xlsx), English or Japanese headers,
dates in the Western or the Japanese era calendar, kinds as codes or labels: whatever staff
have, read without asking. The file is checked completely before anything is written: one bad
row and nothing is imported, and every bad row is named by its line number. Importing is
idempotent: a visit (participant, date, kind) already recorded, by an earlier import or at the
desk, is counted as "already present" and not added again; the partial unique constraint
`attendance_import_once` guards the same rule against two imports running at once.

Memory stays flat whatever the file's size: rows stream through a temporary table and the
dedupe and inserts are set-based SQL (`staging`).
"""

from .problems import MAX_PROBLEMS, ImportFileError, ImportProblem
from .service import ImportPreview, ImportResult, Progress, import_attendance, preview_import
from .values import EXPECTED_HEADER, HEADER_NAMES, KINDS

__all__ = [
    "EXPECTED_HEADER",
    "HEADER_NAMES",
    "KINDS",
    "MAX_PROBLEMS",
    "ImportFileError",
    "ImportPreview",
    "ImportProblem",
    "ImportResult",
    "Progress",
    "import_attendance",
    "preview_import",
]
