"""A year with small cells for the suppression tests: a school with one student this month, a
kind of support with two visits, one no-show, one continuing participant, and everything read
back from the report's page, CSV and XLSX the way a person would read it."""

import csv
import datetime as dt
import html
import io
import re

import openpyxl

from attendance.models import Attendance, Outcome
from attendance.services.checkin import register_walk_in
from booking.models import Booking, Participant, Slot, StudySpace
from core.models import School
from tests.factories import make_program, make_program_index

from .helpers import at

URL = "/admin/reports/attendance/"
COLUMNS = ("visits", "unique", "continuing", "new", "no_shows", "attended_in_slots")
EXPORT_HEADINGS = {
    "Total visits": "visits",
    "Unique participants": "unique",
    "Continuing participants": "continuing",
    "New participants": "new",
    "No-shows": "no_shows",
    "Attended (seat use)": "attended_in_slots",
    "Seat use rate": "seat_use_rate",
}
DIMENSIONS = {"Month": "month", "Kind of support": "kind", "School": "school"}
TOTAL_IDS = {
    "visits": "figure-total-visits",
    "unique": "figure-unique",
    "continuing": "figure-continuing",
    "new": "figure-new",
    "no_shows": "figure-no-shows",
}


def make_small_cells() -> dict:
    """Fiscal year 2026 to 3 June: 20 visits by 11 people.

    - 益田高校, five students: 13 visits (p1 came in FY2025 too: the one continuing)
    - 津和野高校, two students: 3 visits, one of them to the science programme; one no-show
    - 翔陽高校, one student, one visit in May
    - no school, three people, one visit each in April: every school but 翔陽 shows 3 or more,
      so "total minus the others" would give its 1 back unless more is withheld
    - the science programme: two visits, all else in the study space
    """
    masuda, tsuwano, shoyo = (
        School.objects.create(name=name) for name in ("益田高校", "津和野高校", "翔陽高校")
    )
    space = StudySpace.objects.create(name="学習スペース", slug="small-space", capacity=10)
    science = make_program(make_program_index(), title="理科実験", kind="science")
    people = {
        **{f"p{n}": (masuda, f"P-M{n}") for n in range(1, 6)},
        "t1": (tsuwano, "P-T1"),
        "t2": (tsuwano, "P-T2"),
        "s1": (shoyo, "P-S1"),
        "n1": (None, "P-N1"),
        "n2": (None, "P-N2"),
        "n3": (None, "P-N3"),
    }
    people = {
        key: Participant.objects.create(reference=ref, nickname=ref, school=school)
        for key, (school, ref) in people.items()
    }

    def slot(start, capacity=10, **owner):
        owner = owner or {"space": space}
        return Slot.objects.get_or_create(
            start=start,
            **owner,
            defaults={"end": start + dt.timedelta(hours=2), "capacity": capacity},
        )[0]

    visits = [
        (slot(at(2025, 5, 1, 16)), ["p1"]),
        (slot(at(2026, 4, 10, 16)), ["p1", "p2", "p3", "p4", "p5", "n1", "n2", "n3"]),
        (slot(at(2026, 4, 17, 16)), ["p1", "p2", "p3", "p4"]),
        (slot(at(2026, 5, 20, 16)), ["p1", "p2", "p3", "t1", "t2", "s1"]),
        (slot(at(2026, 5, 23, 14), capacity=8, program=science), ["p4", "t1"]),
    ]
    for visited, keys in visits:
        for key in keys:
            register_walk_in(visited, people[key], now=visited.start)
    Booking.objects.create(
        slot=slot(at(2026, 6, 1, 16)),
        participant=people["t2"],
        status=Booking.Status.CONFIRMED,
        created_at=at(2026, 5, 30, 9),
    )
    Outcome.objects.create(participant=people["p1"], fiscal_year=2026, returned_to_school=True)
    for key in ("p2", "p3", "p4", "p5"):
        Outcome.objects.create(participant=people[key], fiscal_year=2026, employed=True)
    assert Attendance.objects.filter(fiscal_year=2026).count() == 20
    return people


def _attended(seat_use: str):
    """The visits to booked sessions of a seat-use cell ("4 / 12 (33%)", "<3 / 12"), or None
    where it shows none ("—": no places)."""
    seat_use = html.unescape(seat_use).strip()
    return None if seat_use == "—" else seat_use.split(" / ")[0]


def read_page(text: str) -> dict:
    """{"total": {column: shown}, "month"|"kind"|"school": {key: {column: shown}}}."""
    reading = {"total": {}}
    for column, element in TOTAL_IDS.items():
        match = re.search(rf'id="{element}">([^<]*)<', text)
        reading["total"][column] = html.unescape(match.group(1))
    seat_use = re.search(r'id="figure-seat-use">(.*?)</dd>', text).group(1)
    reading["total"]["attended_in_slots"] = _attended(seat_use)
    reading["total"]["seat_use"] = html.unescape(seat_use)
    for dimension in ("month", "kind", "school"):
        table = text[text.index(f'id="report-{dimension}"') :]
        table = table[: table.index("</table>")]
        rows = {}
        for key, body in re.findall(r'<tr data-key="([^"]*)">(.*?)</tr>', table, re.S):
            cells = dict(re.findall(r'data-figure="([a-z_]+)">(.*?)</td>', body, re.S))
            row = {name: html.unescape(value).strip() for name, value in cells.items()}
            row["attended_in_slots"] = _attended(row["seat_use"])
            rows[html.unescape(key)] = row
        reading[dimension] = rows
    return reading


def _read_rows(records: list[dict]) -> dict:
    reading = {"total": {}, "month": {}, "kind": {}, "school": {}, "outcome": {}}
    for record in records:
        row = {
            EXPORT_HEADINGS[heading]: "" if value is None else str(value)
            for heading, value in record.items()
            if heading in EXPORT_HEADINGS
        }
        if record["Key"] == "total":
            reading["total"] = row
        elif record["Dimension"] == "Outcome":
            reading["outcome"][record["Key"]] = row["unique"]
        else:
            reading[DIMENSIONS[record["Dimension"]]][record["Key"]] = row
    return reading


def read_csv(body: bytes, encoding: str = "utf-8-sig") -> dict:
    return _read_rows(list(csv.DictReader(io.StringIO(body.decode(encoding)))))


def read_xlsx(body: bytes) -> dict:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return _read_rows([dict(zip(header, row, strict=True)) for row in rows])


def body_of(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)
