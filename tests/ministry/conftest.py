"""A small, hand-counted history for the ministry's report: six participants over fiscal years
2024–2026, two schools, every kind of support, three no-shows and the outcomes of two years.
`EXPECTED` holds every figure counted by hand (docstring of `report_data`), for the whole of
fiscal year 2026, its first half (the 中間報告 cut-off) and the same days of fiscal year 2025."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from attendance.models import Attendance, Outcome
from booking.models import Booking, Participant, Slot, StudySpace
from core.models import School
from ministry.documents.content import ReportImage, ReportSection

JST = ZoneInfo("Asia/Tokyo")
# After every slot of the data has ended, so each unattended booking is a no-show.
NOW = dt.datetime(2027, 5, 1, 12, 0, tzinfo=JST)

MID = (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
MID_BEFORE = (dt.date(2025, 4, 1), dt.date(2025, 9, 30))
YEAR = (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
YEAR_BEFORE = (dt.date(2025, 4, 1), dt.date(2026, 3, 31))

# (participant, school, date, kind) of every visit.
VISITS = [
    ("p1", "A", dt.date(2024, 6, 1), "study_space"),
    ("p1", "A", dt.date(2025, 5, 10), "study_space"),
    ("p1", "A", dt.date(2025, 10, 15), "consultation"),
    ("p1", "A", dt.date(2026, 4, 10), "study_space"),
    ("p1", "A", dt.date(2026, 4, 20), "study_space"),
    ("p1", "A", dt.date(2026, 11, 5), "consultation"),
    ("p2", "B", dt.date(2025, 6, 1), "science"),
    ("p2", "B", dt.date(2026, 5, 15), "science"),
    ("p3", None, dt.date(2026, 7, 1), "online"),
    ("p3", None, dt.date(2027, 1, 10), "online"),
    ("p4", "A", dt.date(2026, 10, 1), "fieldwork"),
    ("p5", "B", dt.date(2025, 4, 5), "study_space"),
    ("p5", "B", dt.date(2025, 4, 6), "study_space"),
    ("p6", "A", dt.date(2026, 2, 1), "pbl"),
    ("p6", "A", dt.date(2026, 9, 30), "pbl"),
]
# Booked, never came: (participant, start of the slot).
NO_SHOWS = [
    ("p3", dt.datetime(2026, 6, 15, 16, tzinfo=JST)),
    ("p1", dt.datetime(2026, 12, 1, 16, tzinfo=JST)),
    ("p2", dt.datetime(2025, 8, 1, 16, tzinfo=JST)),
]
OUTCOMES = {
    2026: {
        "p1": {"took_equivalency_exam": True, "passed_equivalency_exam": True},
        "p2": {"employed": True},
        "p3": {"took_equivalency_exam": True},
        "p4": {"returned_to_school": True},
        "p6": {"further_education": True},
    },
    2025: {
        "p1": {"took_equivalency_exam": True},
        "p2": {"continuing_consultation": True},
        "p5": {"returned_to_school": True},
    },
}

# Headline figures in the order of the document: unique, visits, continuing, new, no-shows,
# took the exam, passed it, employed, returned to school, further education, still in
# consultation.
OUTCOMES_2026 = [2, 1, 1, 1, 1, 0]
OUTCOMES_2025 = [1, 0, 0, 1, 0, 1]
EXPECTED = {
    MID: {
        "headline": [4, 5, 3, 1, 1, *OUTCOMES_2026],
        # Apr … Sep: (visits, participants)
        "month": [(2, 1), (1, 1), (0, 0), (1, 1), (0, 0), (1, 1)],
        # study space, science, fieldwork, PBL, online, consultation
        "kind": [(2, 1), (1, 1), (0, 0), (1, 1), (1, 1), (0, 0)],
        # 益田高校, 翔陽高校, no school
        "school": [(3, 2), (1, 1), (1, 1)],
    },
    MID_BEFORE: {
        "headline": [3, 4, 1, 2, 1, *OUTCOMES_2025],
        "month": [(2, 1), (1, 1), (1, 1), (0, 0), (0, 0), (0, 0)],
        "kind": [(3, 2), (1, 1), (0, 0), (0, 0), (0, 0), (0, 0)],
        "school": [(1, 1), (3, 2), (0, 0)],
    },
    YEAR: {
        "headline": [5, 8, 3, 2, 2, *OUTCOMES_2026],
        # Apr … Mar
        "month": [
            (2, 1),
            (1, 1),
            (0, 0),
            (1, 1),
            (0, 0),
            (1, 1),
            (1, 1),
            (1, 1),
            (0, 0),
            (1, 1),
            (0, 0),
            (0, 0),
        ],  # fmt: skip
        "kind": [(2, 1), (1, 1), (1, 1), (1, 1), (2, 1), (1, 1)],
        "school": [(5, 3), (1, 1), (2, 1)],
    },
    YEAR_BEFORE: {
        "headline": [4, 6, 1, 3, 1, *OUTCOMES_2025],
        "month": [
            (2, 1),
            (1, 1),
            (1, 1),
            (0, 0),
            (0, 0),
            (0, 0),
            (1, 1),
            (0, 0),
            (0, 0),
            (0, 0),
            (1, 1),
            (0, 0),
        ],  # fmt: skip
        "kind": [(3, 2), (1, 1), (0, 0), (1, 1), (0, 0), (1, 1)],
        "school": [(3, 2), (3, 2), (0, 0)],
    },
}


@pytest.fixture
def report_data(db) -> dict:
    schools = {
        "A": School.objects.create(name="益田高校"),
        "B": School.objects.create(name="翔陽高校"),
    }
    school_of = {"p1": "A", "p2": "B", "p3": None, "p4": "A", "p5": "B", "p6": "A"}
    people = {
        ref: Participant.objects.create(
            reference=ref.upper(), nickname=ref, school=schools.get(school), birth_year=2008
        )
        for ref, school in school_of.items()
    }
    for ref, school, day, kind in VISITS:
        Attendance.objects.create(
            participant=people[ref],
            date=day,
            kind=kind,
            school=schools.get(school),
            source=Attendance.Source.WALK_IN,
            recorded_at=dt.datetime.combine(day, dt.time(17), tzinfo=JST),
        )
    space = StudySpace.objects.create(name="学習スペース", slug="ministry-space", capacity=5)
    for ref, start in NO_SHOWS:
        slot = Slot.objects.create(
            space=space, start=start, end=start + dt.timedelta(hours=2), capacity=5
        )
        Booking.objects.create(
            slot=slot,
            participant=people[ref],
            status=Booking.Status.CONFIRMED,
            created_at=start - dt.timedelta(days=2),
        )
    for year, outcomes in OUTCOMES.items():
        for ref, flags in outcomes.items():
            Outcome.objects.create(participant=people[ref], fiscal_year=year, **flags)
    return {"schools": schools, "people": people}


def png_bytes(size=(320, 200), colour="orange") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


# A section far longer than one slide: no spaces, as Japanese is written, so that the pieces
# the deck cuts it into join back to exactly the original text.
LONG_TEXT = "益田市では高校中退や不登校の生徒が学び直せる場を広げてきた。" * 40


def sample_sections() -> list[ReportSection]:
    return [
        ReportSection("1 背景", [LONG_TEXT, "二段落目の本文。"]),
        ReportSection(
            "8 実施体制",
            ["学校、教育委員会、福祉部局、NPOが連携する。"],
            [ReportImage(png_bytes(), "実施体制図")],
        ),
    ]
