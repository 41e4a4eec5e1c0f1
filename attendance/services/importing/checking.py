"""One row of the file, checked: a visit ready for the staging table, or the first problem
found on that line. Runs 1.4 million times for a big file, so the common case (ASCII cells, a
date already seen) takes the short path.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from operator import itemgetter

from django.utils.functional import lazy

from booking.models import Participant
from core.text import nfkc
from core.time import fiscal_year_of, month_key

from .problems import ImportProblem, problem
from .values import EXPECTED_HEADER, kind_lookup, kind_names, parse_date, school_lookup

REFERENCE_MAX_LENGTH = Participant._meta.get_field("reference").max_length
# Control characters (a NUL from a broken export, say): PostgreSQL refuses NUL in text, and no
# cell of this file has a reason to hold any of them. A tab is only whitespace.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Distinct values remembered per column; a file has a few thousand dates.
CACHE_SIZE = 20_000
UNKNOWN = object()
# Excel's day numbers of 1990-01-01 and 2099-12-31: a number in the date column between
# them is a date cell that lost its format.
EXCEL_DAYS = range(32874, 73051)

lazy_kind_names = lazy(kind_names, str)

Staged = tuple[int, str, int | None, dt.date, str, int, int]
"""(line, reference, school id, date, kind, fiscal year, month): one row of the staging table."""


@dataclass
class RowChecker:
    """Checks rows whose header named `columns` (in the file's order). `pad`: a workbook's
    short row is padded with empty cells (Excel leaves out empty cells at a row's end)."""

    columns: list[str]
    today: dt.date
    pad: bool = False
    text_only: bool = True
    schools: dict[str, int] = field(default_factory=school_lookup)
    kinds: dict[str, str] = field(default_factory=kind_lookup)

    def __post_init__(self):
        self.width = len(self.columns)
        self.pick = itemgetter(*(self.columns.index(column) for column in EXPECTED_HEADER))
        # Raw cell → what it means, per column: a file repeats a few hundred distinct schools,
        # dates and kinds a million times, so each is normalised and looked up once.
        self.seen: dict[str, dict] = {"school": {}, "date": {}, "kind": {}}

    def check(self, line: int, cells: list) -> Staged | ImportProblem | None:
        """The staged visit, its problem, or None for a blank line (Excel leaves some)."""
        if self.text_only:
            # A CSV row: all text. One join and one search cover the whole row.
            joined = "".join(cells)
            if not joined.strip():
                return None
            if len(cells) != self.width:
                cells = self._fit(cells, line)
                if isinstance(cells, ImportProblem):
                    return cells
            if CONTROL_CHARACTER.search(joined):
                return self._control(line, cells)
        else:
            if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
                return None
            cells = self._fit(list(cells), line)
            if isinstance(cells, ImportProblem):
                return cells
            found = self._control(line, cells)
            if found:
                return found
        reference, school, date, kind = self.pick(cells)
        return self._check_values(line, _text(reference), school, date, kind)

    def _fit(self, cells: list, line: int = 0) -> list | ImportProblem:
        """Empty cells after the last column are ignored; a workbook's short row is padded."""
        while len(cells) > self.width and (cells[-1] is None or not str(cells[-1]).strip()):
            cells = cells[:-1]
        if self.pad and len(cells) < self.width:
            cells = cells + [None] * (self.width - len(cells))
        if len(cells) != self.width:
            return problem(
                line, "columns", count=self.width, header=",".join(self.columns), found=len(cells)
            )
        return cells

    def _control(self, line: int, cells: list) -> ImportProblem | None:
        for column, value in zip(EXPECTED_HEADER, self.pick(cells), strict=True):
            if isinstance(value, str) and (found := CONTROL_CHARACTER.search(value)):
                # The value is shown with the character replaced: a NUL must not reach a page.
                shown = CONTROL_CHARACTER.sub("\ufffd", value)
                return problem(
                    line, "control", column=column, value=shown, char=f"{ord(found[0]):04X}"
                )
        return None

    def _check_values(self, line, reference: str, school, date, kind):
        if not reference:
            return problem(line, "required", column="participant")
        if len(reference) > REFERENCE_MAX_LENGTH:
            return problem(
                line, "too_long", column="participant", value=reference, limit=REFERENCE_MAX_LENGTH
            )
        school_id = self._remember("school", school, self._school)
        if school_id is UNKNOWN:
            return problem(line, "school", column="school", value=_text(school))
        period = self._remember("date", date, _date)
        if period is None:
            return problem(line, "date", column="date", value=_shown(date))
        day, fiscal_year, month = period
        if day > self.today:
            return problem(line, "future", column="date", value=_shown(date))
        code = self._remember("kind", kind, lambda value: self.kinds.get(_text(value).casefold()))
        if code is None:
            return problem(line, "kind", column="kind", value=_text(kind), kinds=lazy_kind_names())
        return (line, reference, school_id, day, code, fiscal_year, month)

    def _remember(self, column: str, value, read):
        seen = self.seen[column]
        try:
            return seen[value]
        except KeyError:
            pass
        if len(seen) >= CACHE_SIZE:
            seen.clear()  # a hostile file is not let grow the cache
        seen[value] = meaning = read(value)
        return meaning

    def _school(self, value):
        name = _text(value)
        return self.schools.get(name, UNKNOWN) if name else None


def _date(value) -> tuple[dt.date, int, int] | None:
    if isinstance(value, dt.datetime):
        return _period(value.date())
    if isinstance(value, dt.date):
        return _period(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if int(value) not in EXCEL_DAYS:
            return None
        from openpyxl.utils.datetime import from_excel

        return _period(from_excel(value).date())
    day = parse_date(_text(value))
    return None if day is None else _period(day)


def _period(day: dt.date) -> tuple[dt.date, int, int]:
    """The columns `Attendance.set_period` computes, from the same functions."""
    return day, fiscal_year_of(day), month_key(day)


def _text(value) -> str:
    """A cell as the text a person typed: NFKC (full-width is half-width), stripped. A number
    from a workbook is written as a person would (12, not 12.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    return (text if text.isascii() else nfkc(text)).strip()


def _shown(value) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else _text(value)
