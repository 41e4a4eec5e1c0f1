"""Rows out of the files staff have: CSV in UTF-8 (with or without Excel's BOM) or in
Shift_JIS / CP932 (what Excel's plain "CSV" writes on a Japanese Windows), and Excel workbooks
(.xlsx), told apart by their first bytes, never by asking.

Everything streams: a CSV is read in chunks and decoded line by line (neither encoding has a
newline byte inside a character, so a split at b"\\n" never cuts one), a workbook row by row in
openpyxl's read-only mode. Only the current row is held.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext_lazy as _

from .problems import ImportFileError, problem

# Bytes read at a time. A chunk is split into lines at once: 64 KiB is a couple of thousand
# line objects, a megabyte would be forty thousand.
CHUNK = 1 << 16
ZIP_MAGIC = b"PK\x03\x04"
# The old binary Excel format (and other OLE2 files) starts with this.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
UTF8_BOM = codecs.BOM_UTF8

FORMAT_LABELS = {
    "utf-8": _("CSV (UTF-8)"),
    "utf-8-sig": _("CSV (UTF-8 with BOM)"),
    "cp932": _("CSV (Shift_JIS / CP932)"),
    "xlsx": _("XLSX"),
}


@dataclass
class Rows:
    """The rows of one file: `rows` yields (line, cells); `done` and `total` measure progress
    (bytes of a CSV; rows of a workbook, as far as its dimension tells)."""

    file_format: str
    total: int
    rows: Iterator[tuple[int, list]] = field(repr=False)
    done: int = 0

    @property
    def label(self) -> str:
        return str(FORMAT_LABELS[self.file_format])


def as_file(source) -> IO[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    return source


def open_rows(source, *, name: str = "") -> Rows:
    """The rows of `source` (a seekable binary file or bytes). Raises ImportFileError when the
    file is of no format we read."""
    file = as_file(source)
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    lower = name.lower()
    if head.startswith(ZIP_MAGIC):
        return _xlsx_rows(file)
    if head.startswith(OLE2_MAGIC) or lower.endswith(".xls"):
        raise ImportFileError([problem(1, "old_excel")])
    return _csv_rows(file)


# CSV -----------------------------------------------------------------------------------------


def detect_encoding(file: IO[bytes]) -> str:
    """ "utf-8-sig", "utf-8" or "cp932", from the first chunk that is not plain ASCII (a file
    may start with thousands of ASCII-only rows before its first school name). A chunk that is
    not UTF-8 means CP932; whether it really is CP932 is checked line by line while reading."""
    file.seek(0)
    first = file.read(CHUNK)
    if first.startswith(UTF8_BOM):
        file.seek(0)
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = first
    encoding = "utf-8"
    while chunk:
        if not chunk.isascii():
            try:
                # Not final: a character cut at the chunk's end is completed by the next one.
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError:
                encoding = "cp932"
            break
        chunk = file.read(CHUNK)
    file.seek(0)
    return encoding


def _binary_lines(file: IO[bytes]) -> Iterator[bytes]:
    rest = b""
    while chunk := file.read(CHUNK):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            yield line + b"\n"
    if rest:
        yield rest


def _size(file: IO[bytes]) -> int:
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    return size


def _csv_rows(file: IO[bytes]) -> Rows:
    encoding = detect_encoding(file)
    rows = Rows(file_format=encoding, total=_size(file), rows=iter(()))
    rows.rows = _csv_records(file, encoding, rows)
    return rows


def _csv_records(file: IO[bytes], encoding: str, rows: Rows) -> Iterator[tuple[int, list]]:
    state = {"line": 0}

    def text_lines() -> Iterator[str]:
        for raw in _binary_lines(file):
            state["line"] += 1
            rows.done += len(raw)
            if state["line"] == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ImportFileError([problem(state["line"], "encoding")]) from exc

    reader = csv.reader(text_lines())
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError([problem(state["line"], "csv", reason=str(exc))]) from exc
        # reader.line_num is the physical line the record ends on: the line a person sees.
        yield reader.line_num, cells


# XLSX ----------------------------------------------------------------------------------------


def _xlsx_rows(file: IO[bytes]) -> Rows:
    import zipfile

    from openpyxl import load_workbook

    try:
        # read_only streams the sheet's XML; data_only gives a formula's last computed value.
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError([problem(1, "bad_xlsx", reason=type(exc).__name__)]) from exc
    sheet = workbook.worksheets[0]
    rows = Rows(file_format="xlsx", total=sheet.max_row or 0, rows=iter(()))
    rows.rows = _xlsx_records(workbook, sheet, rows)
    return rows


def _xlsx_records(workbook, sheet, rows: Rows) -> Iterator[tuple[int, list]]:
    try:
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.done = line
            yield line, list(values)
    finally:
        workbook.close()
