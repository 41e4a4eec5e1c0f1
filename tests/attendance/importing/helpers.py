"""Small builders for the import, report-command and retention tests."""

import datetime as dt
from io import BytesIO, StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management import call_command

from attendance.services.checkin import register_walk_in
from booking.models import Participant, Slot, StudySpace
from core.models import School

JST = ZoneInfo("Asia/Tokyo")
HEADER = "participant,school,date,kind"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


def make_schools() -> dict[str, School]:
    return {
        "masuda": School.objects.create(name="益田高校", short_name="益田高", sort_order=1),
        "shoyo": School.objects.create(name="翔陽高校", short_name="翔陽", sort_order=2),
    }


def write_csv(
    tmp_path: Path, lines: list[str], *, name="visits.csv", bom=False, encoding="utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(lines, bom=bom, encoding=encoding))
    return path


def csv_bytes(lines: list[str], *, bom=False, encoding="utf-8", newline="\n") -> bytes:
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    """A workbook whose first sheet holds `rows` (cells as given: text, dates, numbers)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(name: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def make_space() -> StudySpace:
    return StudySpace.objects.create(name="学習スペース", slug="space", place="2F", capacity=10)


def visit_at(space: StudySpace, participant: Participant, start: dt.datetime):
    """A walk-in on a one-hour slot starting at `start` (checked in at the start)."""
    slot = Slot.objects.filter(space=space, start=start).first() or Slot.objects.create(
        space=space, start=start, end=start + dt.timedelta(hours=1), capacity=10
    )
    return register_walk_in(slot, participant, now=start).attendance
