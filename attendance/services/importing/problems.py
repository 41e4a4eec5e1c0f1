"""What is wrong with a file, line by line, in the reader's language.

A problem's message is rendered lazily: the admin shows it in the language of the request that
reads it, the command in the site's language. Texts live here, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# More problems than this are counted, not kept: a file that is wrong throughout (the wrong
# column order, say) is fixed once, not read 1.4 million times.
MAX_PROBLEMS = 200

COLUMN_LABELS = {
    "participant": _("participant"),
    "school": _("school"),
    "date": _("date"),
    "kind": _("kind"),
    "": "",
}

MESSAGES = {
    "empty": _("the file is empty; expected the header '%(header)s'"),
    "header": _("expected the header '%(header)s' (or in Japanese), found '%(found)s'"),
    "encoding": _(
        "the file is neither UTF-8 nor Shift_JIS (CP932) text; save it from Excel as CSV or "
        "as an Excel workbook (.xlsx)"
    ),
    "old_excel": _("old Excel files (.xls) cannot be read; save it as .xlsx or as CSV"),
    "bad_xlsx": _("the Excel file cannot be read (%(reason)s)"),
    "csv": _("the line cannot be read as CSV (%(reason)s)"),
    "columns": _("expected %(count)s columns (%(header)s), found %(found)s"),
    "control": _(
        "%(column)s contains a control character (U+%(char)s); remove it and save the file again"
    ),
    "required": _("%(column)s is empty"),
    "too_long": _("%(column)s '%(value)s' is longer than %(limit)s characters"),
    "school": _("unknown school '%(value)s'"),
    "date": _(
        "date '%(value)s' is not a valid date (expected e.g. 2025-05-10, 2025/5/10, R7.5.10 "
        "or 令和7年5月10日)"
    ),
    "future": _("date '%(value)s' is in the future"),
    "kind": _("unknown kind '%(value)s' (expected one of: %(kinds)s)"),
}


def _render(code: str, params: dict) -> str:
    return str(MESSAGES[code]) % {
        key: str(value) if key == "column" else value for key, value in params.items()
    }


render = lazy(_render, str)


@dataclass(frozen=True)
class ImportProblem:
    """One problem: the line a person sees in their editor (1 = the header), the column
    ("participant", "school", "date", "kind", or "" for the whole line or file), the value as
    found, and what is wrong, in the active language when shown."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return gettext("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


def problem(line: int, code: str, *, column: str = "", value: str = "", **params) -> ImportProblem:
    params = {"column": COLUMN_LABELS[column], "value": value, **params}
    return ImportProblem(line=line, column=column, value=value, message=render(code, params))


class ImportFileError(Exception):
    """The file cannot be imported, and nothing was. `problems` keeps the first
    MAX_PROBLEMS problems in line order; `problem_count` counts them all."""

    def __init__(self, problems: list[ImportProblem], problem_count: int | None = None):
        self.problems = list(problems)
        self.problem_count = len(self.problems) if problem_count is None else problem_count
        super().__init__("\n".join(self.errors))

    @property
    def errors(self) -> list[str]:
        return [str(item) for item in self.problems]


class Problems:
    """Collects problems up to MAX_PROBLEMS and counts every one."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.limit = limit
        self.kept: list[ImportProblem] = []
        self.count = 0

    def add(self, item: ImportProblem) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(item)

    def __bool__(self) -> bool:
        return self.count > 0

    def error(self) -> ImportFileError:
        return ImportFileError(self.kept, self.count)
