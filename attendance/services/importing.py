"""Importing last years' attendance from the coordinators' spreadsheets (CSV).

The file is checked completely before anything is written: one bad row and nothing is imported,
and every bad row is named by its line number. Importing is idempotent: a visit (participant,
date, kind) already recorded, by an earlier import or at the desk, is counted as "already
present" and not added again; the partial unique constraint `attendance_import_once` guards the
same rule against two imports running at once. Everything runs in one transaction, in batches,
with a fixed number of queries per batch (never one per row), so 200,000 rows take seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction

from attendance.models import Attendance
from booking.models import Participant
from core.models import School
from core.text import nfkc
from core.time import local_date
from programs.kinds import SupportKind

EXPECTED_HEADER = ["participant", "school", "date", "kind"]
KINDS = [kind.value for kind in SupportKind]
REFERENCE_MAX_LENGTH = Participant._meta.get_field("reference").max_length
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Control characters (a NUL from a broken export, say): PostgreSQL refuses NUL in text, and no
# cell of this file has a reason to hold any of them. A tab is only whitespace.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
BATCH_SIZE = 5000
# Lookups by `IN (...)` stay under SQLite's historical limit of 999 parameters.
LOOKUP_BATCH = 900

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is "check" or "import"."""


class ImportFileError(Exception):
    """The file cannot be imported. `errors` lists every problem, one per bad line."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Visit:
    line: int
    reference: str
    school_id: int | None
    date: dt.date
    kind: str


@dataclass
class ImportResult:
    rows_read: int = 0
    duplicates_in_file: int = 0
    added: int = 0
    already_present: int = 0
    participants_created: int = 0


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def decode(data: bytes) -> str:
    """UTF-8 text; the byte-order mark Excel writes in front of "CSV UTF-8" files is dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            [f"line {line}: the file is not UTF-8 text (save it as 'CSV UTF-8' in Excel)"]
        ) from exc


def school_lookup() -> dict[str, int]:
    """Partner schools by name and by short name (a full name wins over another's short name)."""
    lookup: dict[str, int] = {}
    schools = list(School.objects.values_list("id", "name", "short_name"))
    for pk, _name, short_name in schools:
        if short_name.strip():
            lookup[short_name.strip()] = pk
    for pk, name, _short in schools:
        lookup[name.strip()] = pk
    return lookup


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        # reader.line_num is the physical line the record ends on: the line a person sees.
        yield reader.line_num, row


def check_rows(
    text: str, *, today: dt.date, progress: Progress = _no_progress
) -> tuple[list[Visit], int]:
    """Parse and check every row. Returns (visits, rows read) or raises ImportFileError."""
    expected = ",".join(EXPECTED_HEADER)
    if not text.strip():
        raise ImportFileError([f"line 1: the file is empty; expected the header '{expected}'"])
    rows = _rows(text)
    try:
        _line, header = next(rows)
    except csv.Error as exc:
        raise ImportFileError([f"line 1: {exc}"]) from exc
    if [column.strip().lower() for column in header] != EXPECTED_HEADER:
        raise ImportFileError(
            [f"line 1: expected the header '{expected}', found '{','.join(header)}'"]
        )

    schools = school_lookup()
    total_estimate = max(text.count("\n") - 1, 1)  # minus the header
    step = max(total_estimate // 10, 1)
    visits: list[Visit] = []
    errors: list[str] = []
    rows_read = 0
    line = 1
    while True:
        try:
            line, row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {line + 1}: {exc}")
            break
        if not row or all(not value.strip() for value in row):
            continue  # blank lines (Excel often leaves some at the end)
        rows_read += 1
        if rows_read % step == 0:
            progress("check", rows_read, total_estimate)
        problem, visit = _check_row(line, row, schools, today)
        if problem:
            errors.append(f"line {line}: {problem}")
        else:
            visits.append(visit)
    if errors:
        raise ImportFileError(errors)
    return visits, rows_read


def _check_row(line: int, row: list[str], schools: dict[str, int], today: dt.date):
    if len(row) != len(EXPECTED_HEADER):
        return (
            f"expected {len(EXPECTED_HEADER)} columns ({','.join(EXPECTED_HEADER)}), "
            f"found {len(row)}",
            None,
        )
    for column, value in zip(EXPECTED_HEADER, row, strict=True):
        found = CONTROL_CHARACTER.search(value)
        if found:
            return (
                f"{column} contains a control character (U+{ord(found.group()):04X}); "
                "remove it and save the file again",
                None,
            )
    # Full-width and half-width are the same: `Ｐ－９００１` is the participant P-9001.
    reference, school_name, date_text, kind = (nfkc(value).strip() for value in row)
    if not reference:
        return "participant is empty", None
    if len(reference) > REFERENCE_MAX_LENGTH:
        return (
            f"participant '{reference}' is longer than {REFERENCE_MAX_LENGTH} characters",
            None,
        )
    school_id = None
    if school_name:
        school_id = schools.get(school_name)
        if school_id is None:
            return f"unknown school '{school_name}'", None
    try:
        if not DATE_PATTERN.match(date_text):
            raise ValueError
        day = dt.date.fromisoformat(date_text)
    except ValueError:
        return f"date '{date_text}' is not a valid date (expected YYYY-MM-DD)", None
    if day > today:
        return f"date '{date_text}' is in the future", None
    if kind not in KINDS:
        return f"unknown kind '{kind}' (expected one of: {', '.join(KINDS)})", None
    return None, Visit(line, reference, school_id, day, kind)


def import_attendance(
    data: bytes,
    *,
    now: dt.datetime,
    progress: Progress = _no_progress,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Check the whole CSV file `data`, then import it in one transaction.

    Raises ImportFileError (nothing imported) when any row is bad.
    """
    visits, rows_read = check_rows(decode(data), today=local_date(now), progress=progress)
    result = ImportResult(rows_read=rows_read)

    unique: dict[tuple[str, dt.date, str], Visit] = {}
    for visit in visits:
        unique.setdefault((visit.reference, visit.date, visit.kind), visit)
    result.duplicates_in_file = len(visits) - len(unique)

    with transaction.atomic():
        ids = _participant_ids(unique.values(), result)
        existing = _existing_visits(ids, unique.values())
        todo = [
            visit for key, visit in unique.items() if (ids[key[0]], key[1], key[2]) not in existing
        ]
        result.already_present = len(unique) - len(todo)
        total = len(todo)
        for start in range(0, total, batch_size):
            batch = todo[start : start + batch_size]
            Attendance.objects.bulk_create(
                [
                    Attendance.build(
                        participant_id=ids[visit.reference],
                        date=visit.date,
                        kind=visit.kind,
                        school_id=visit.school_id,
                        source=Attendance.Source.IMPORT,
                        recorded_at=now,
                    )
                    for visit in batch
                ],
                # A concurrent import of the same rows: the constraint keeps them once.
                ignore_conflicts=True,
            )
            progress("import", min(start + batch_size, total), total)
        result.added = total
    return result


def _participant_ids(visits, result: ImportResult) -> dict[str, int]:
    """Reference -> participant id; creates the participants the database does not know yet.

    Imported participants are pseudonymous: their nickname is their reference. Their school is
    the one on their latest row in the file.
    """
    latest: dict[str, Visit] = {}
    for visit in visits:
        known = latest.get(visit.reference)
        if known is None or visit.date > known.date:
            latest[visit.reference] = visit
    references = list(latest)
    ids = _ids_for(references)
    missing = [reference for reference in references if reference not in ids]
    if missing:
        Participant.objects.bulk_create(
            [
                Participant(
                    reference=reference, nickname=reference, school_id=latest[reference].school_id
                )
                for reference in missing
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        ids.update(_ids_for(missing))
    result.participants_created = len(missing)
    return ids


def _ids_for(references: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(references), LOOKUP_BATCH):
        chunk = references[start : start + LOOKUP_BATCH]
        ids.update(Participant.objects.filter(reference__in=chunk).values_list("reference", "id"))
    return ids


def _existing_visits(ids: dict[str, int], visits) -> set[tuple[int, dt.date, str]]:
    """(participant id, date, kind) of the visits already recorded, from any source, for the
    participants and dates of this file."""
    visits = list(visits)
    if not visits:
        return set()
    first = min(visit.date for visit in visits)
    last = max(visit.date for visit in visits)
    participant_ids = sorted(set(ids.values()))
    existing: set[tuple[int, dt.date, str]] = set()
    for start in range(0, len(participant_ids), LOOKUP_BATCH):
        chunk = participant_ids[start : start + LOOKUP_BATCH]
        existing.update(
            Attendance.objects.filter(participant_id__in=chunk, date__range=(first, last))
            .values_list("participant_id", "date", "kind")
            .iterator(chunk_size=BATCH_SIZE)
        )
    return existing
