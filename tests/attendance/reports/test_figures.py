"""Every figure of the yearly report against hand-computed fixtures (as docs/domain.md defines)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from attendance.models import Attendance, Outcome
from attendance.services.checkin import check_in, record_outcome, register_walk_in
from attendance.services.reports import fiscal_year_report, suppress_small
from booking.models import Booking, Participant, Slot, StudySpace
from core.models import School

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2027, 6, 1, 12, 0, tzinfo=JST)


def at(*args):
    return dt.datetime(*args, tzinfo=JST)


@pytest.fixture
def space():
    return StudySpace.objects.create(name="学習スペース", slug="space", place="2F", capacity=10)


@pytest.fixture
def schools():
    return {
        "masuda": School.objects.create(name="益田高校"),
        "shoyo": School.objects.create(name="翔陽高校"),
    }


def person(ref, school=None):
    return Participant.objects.create(reference=ref, nickname=ref, school=school)


def slot(space, start, minutes=60, capacity=10):
    return Slot.objects.create(
        space=space, start=start, end=start + dt.timedelta(minutes=minutes), capacity=capacity
    )


def visit(space, participant, start):
    return register_walk_in(slot_at(space, start), participant, now=start).attendance


def slot_at(space, start):
    existing = Slot.objects.filter(space=space, start=start).first()
    return existing or slot(space, start)


def test_fiscal_year_edge_is_in_asia_tokyo(space, schools):
    p = person("P-0001", schools["masuda"])
    late_march = visit(space, p, at(2026, 3, 31, 23, 30))
    early_april = visit(space, p, at(2026, 4, 1, 0, 10))
    assert (late_march.fiscal_year, late_march.month) == (2025, 202603)
    assert (early_april.fiscal_year, early_april.month) == (2026, 202604)

    fy2025 = fiscal_year_report(2025, now=NOW)
    fy2026 = fiscal_year_report(2026, now=NOW)
    assert fy2025["total_visits"] == 1 and fy2025["by_month"]["2026-03"] == 1
    assert fy2026["total_visits"] == 1 and fy2026["by_month"]["2026-04"] == 1
    # Seen in 2025 and again in 2026: continuing in 2026, new only in 2025.
    assert fy2025["new_participants"] == 1 and fy2026["new_participants"] == 0
    assert fy2026["continuing_participants"] == 1


def test_every_figure_on_a_small_year(space, schools):
    a = person("P-A", schools["masuda"])  # 2024, absent 2025, back 2026
    b = person("P-B", schools["shoyo"])  # 2025 and 2026
    c = person("P-C")  # new in 2026, no school
    visit(space, a, at(2024, 5, 10, 16))
    visit(space, b, at(2025, 6, 1, 16))
    visit(space, a, at(2026, 4, 3, 16))
    visit(space, a, at(2026, 4, 10, 16))
    visit(space, b, at(2026, 5, 8, 16))
    visit(space, c, at(2026, 5, 8, 16))
    visit(space, c, at(2027, 3, 31, 23, 30))

    report = fiscal_year_report(2026, now=NOW)
    assert report["total_visits"] == 5
    assert report["unique_participants"] == 3
    # A attended 2024 but not 2025: not continuing. B attended 2025: continuing.
    assert report["continuing_participants"] == 1
    # C's first visit ever is in 2026; A's and B's were earlier.
    assert report["new_participants"] == 1
    assert report["by_month"]["2026-04"] == 2
    assert report["by_month"]["2026-05"] == 2
    assert report["by_month"]["2027-03"] == 1
    assert list(report["by_month"]) == [f"2026-{m:02d}" for m in range(4, 13)] + [
        f"2027-{m:02d}" for m in range(1, 4)
    ]
    assert report["by_kind"]["study_space"] == 5 and report["by_kind"]["science"] == 0
    assert report["by_school"] == {"益田高校": 2, "翔陽高校": 1, "none": 2}

    months = {row["key"]: row for row in report["breakdown"]["month"]}
    assert months["2026-04"]["unique"] == 1
    assert months["2026-05"]["unique"] == 2 and months["2026-05"]["continuing"] == 1
    assert months["2026-05"]["new"] == 1 and months["2026-04"]["new"] == 0
    schools_rows = {row["key"]: row for row in report["breakdown"]["school"]}
    assert schools_rows["none"]["new"] == 1 and schools_rows["益田高校"]["unique"] == 1

    fy2025 = fiscal_year_report(2025, now=NOW)
    assert fy2025["total_visits"] == 1 and fy2025["continuing_participants"] == 0
    assert fy2025["new_participants"] == 1  # B


def test_no_shows_and_seat_use(space, schools):
    p1, p2, p3 = (person(f"P-{i}", schools["masuda"]) for i in range(3))
    held = slot(space, at(2026, 7, 1, 16), capacity=4)
    for p in (p1, p2, p3):
        Booking.objects.create(slot=held, participant=p, status="confirmed", created_at=NOW)
    cancelled = Booking.objects.create(
        slot=slot(space, at(2026, 7, 2, 16)), participant=p1, status="cancelled", created_at=NOW
    )
    check_in(held.bookings.get(participant=p1), now=held.start)
    future = slot(space, at(2027, 5, 1, 16))
    Booking.objects.create(slot=future, participant=p2, status="confirmed", created_at=NOW)

    report = fiscal_year_report(2026, now=NOW)
    assert report["no_shows"] == 2  # p2 and p3; the cancelled one and the attended one are not
    assert cancelled.status == "cancelled"
    # Two slots held in July (capacities 4 and 10), one attendance.
    assert report["seat_use"] == {"attended": 1, "capacity": 14, "rate": round(1 / 14, 3)}
    months = {row["key"]: row for row in report["breakdown"]["month"]}
    assert months["2026-07"]["no_shows"] == 2 and months["2026-07"]["capacity"] == 14


def test_outcomes_are_counted_per_flag(schools):
    p1, p2 = person("P-1"), person("P-2")
    record_outcome(p1, 2026, now=NOW, passed_equivalency_exam=True, employed=True)
    record_outcome(p2, 2026, now=NOW, returned_to_school=True)
    record_outcome(p2, 2025, now=NOW, employed=True)
    outcomes = fiscal_year_report(2026, now=NOW)["outcomes"]
    assert outcomes == {
        "returned_to_school": 1,
        "continuing_consultation": 0,
        "took_equivalency_exam": 1,
        "passed_equivalency_exam": 1,
        "employed": 1,
        "further_education": 0,
    }
    assert Outcome.objects.count() == 3


def test_small_counts_are_suppressed_in_public():
    assert [suppress_small(n) for n in (0, 1, 2, 3, 812)] == ["<3", "<3", "<3", "3", "812"]


def test_attendance_row_stores_local_date_columns(space):
    p = person("P-9")
    row = visit(space, p, at(2027, 1, 1, 0, 30))  # 2026-12-31 15:30 UTC
    assert row.date == dt.date(2027, 1, 1) and row.month == 202701 and row.fiscal_year == 2026
    assert Attendance.objects.get().kind == "study_space"
