"""The data and the hand-counted report figures of test_moved_models_keep_their_rows.py."""

import datetime as dt
from zoneinfo import ZoneInfo

from attendance.models import Outcome

JST = ZoneInfo("Asia/Tokyo")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


def fill_old_layout(apps) -> None:
    """Two schools, four participants, three study-space slots, five bookings, nine visits
    over fiscal years 2024 and 2025 and four outcomes, written through the historical models
    of the old layout. The figures the tests expect are counted from this by hand."""
    School = apps.get_model("cms", "School")
    Participant = apps.get_model("booking", "Participant")
    StudySpace = apps.get_model("booking", "StudySpace")
    Slot = apps.get_model("booking", "Slot")
    Booking = apps.get_model("booking", "Booking")
    Attendance = apps.get_model("booking", "Attendance")
    Outcome = apps.get_model("booking", "Outcome")

    minami = School.objects.create(name="Minami Junior High", short_name="Minami", sort_order=1)
    kita = School.objects.create(name="Kita Special Needs", is_special_needs=True, sort_order=2)
    aoi = Participant.objects.create(reference="P-0001", nickname="Aoi", school=minami)
    ren = Participant.objects.create(
        reference="P-0002", nickname="Ren", school=kita, birth_year=2011, language="en"
    )
    sora = Participant.objects.create(reference="P-0003", nickname="Sora")  # no school
    mei = Participant.objects.create(
        reference="P-0004", nickname="Mei", school=minami, contact_email="mei@example.org"
    )

    space = StudySpace.objects.create(name="Open room", slug="open-room", place="Centre, 2F")

    def slot(year, month, day, capacity):  # 15:00 to 17:00 in the open room
        start = at(year, month, day, 15)
        end = start + dt.timedelta(hours=2)
        return Slot.objects.create(space=space, start=start, end=end, capacity=capacity)

    may_2024 = slot(2024, 5, 14, capacity=10)
    april_2025 = slot(2025, 4, 15, capacity=10)
    may_2025 = slot(2025, 5, 20, capacity=8)

    def booked(participant, slot, status="confirmed", **extra):
        created = slot.start - dt.timedelta(days=3)
        return Booking.objects.create(
            participant=participant, slot=slot, status=status, created_at=created, **extra
        )

    aoi_may_2024 = booked(aoi, may_2024)
    ren_may_2024 = booked(ren, may_2024)
    aoi_april_2025 = booked(aoi, april_2025)
    booked(sora, april_2025)  # never came: the no-show of 2025
    booked(mei, may_2025, "cancelled", cancelled_at=at(2025, 5, 19, 9))

    def came(participant, day, kind, school, source="walk_in", booking=None):
        # The historical model has no save() to fill these in: the old code's rule, by hand.
        Attendance.objects.create(
            participant=participant,
            date=day,
            fiscal_year=day.year if day.month >= 4 else day.year - 1,
            month=day.year * 100 + day.month,
            kind=kind,
            school=school,
            source=source,
            booking=booking,
            slot=booking.slot if booking else None,
            recorded_at=at(day.year, day.month, day.day, 18),
        )

    # Fiscal year 2024.
    came(aoi, dt.date(2024, 5, 14), "study_space", minami, "booking", aoi_may_2024)
    came(ren, dt.date(2024, 5, 14), "study_space", kita, "booking", ren_may_2024)
    came(sora, dt.date(2024, 7, 3), "science", None)
    came(aoi, dt.date(2025, 2, 10), "consultation", minami, "import")
    # Fiscal year 2025. Mei was not at a school yet at her first visit.
    came(aoi, dt.date(2025, 4, 15), "study_space", minami, "booking", aoi_april_2025)
    came(mei, dt.date(2025, 4, 22), "pbl", None)
    came(mei, dt.date(2025, 6, 5), "fieldwork", minami)
    came(ren, dt.date(2025, 6, 5), "online", kita, "import")
    came(sora, dt.date(2026, 3, 31), "consultation", None)  # the last day of fiscal 2025

    Outcome.objects.create(
        participant=aoi, fiscal_year=2024, returned_to_school=True, continuing_consultation=True
    )
    Outcome.objects.create(participant=sora, fiscal_year=2024, took_equivalency_exam=True)
    Outcome.objects.create(
        participant=ren,
        fiscal_year=2025,
        took_equivalency_exam=True,
        passed_equivalency_exam=True,
        further_education=True,
    )
    Outcome.objects.create(participant=mei, fiscal_year=2025, employed=True)


def twelve_months(fiscal_year: int, visits: dict) -> dict:
    labels = [f"{fiscal_year}-{m:02d}" for m in range(4, 13)]
    labels += [f"{fiscal_year + 1}-{m:02d}" for m in range(1, 4)]
    assert set(visits) <= set(labels)
    return {label: visits.get(label, 0) for label in labels}


def every_kind(visits: dict) -> dict:
    kinds = ["study_space", "science", "fieldwork", "pbl", "online", "consultation"]
    return {kind: visits.get(kind, 0) for kind in kinds}


def outcome_counts(**counts) -> dict:
    return {flag: counts.get(flag, 0) for flag in Outcome.FLAGS}


def assert_figures(report: dict, expected: dict) -> None:
    picked = {
        "total_visits": report["total_visits"],
        "unique_participants": report["unique_participants"],
        "continuing_participants": report["continuing_participants"],
        "new_participants": report["new_participants"],
        "no_shows": report["no_shows"],
        "seat_use": report["seat_use"],
        "sessions_held": report["sessions_held"],
        "by_month": report["by_month"],
        "by_kind": report["by_kind"],
        "by_school": report["by_school"],
        "unique_by_school": {row["key"]: row["unique"] for row in report["breakdown"]["school"]},
        "outcomes": report["outcomes"],
    }
    assert picked == expected


EXPECTED_2024 = {
    "total_visits": 4,
    "unique_participants": 3,  # Aoi, Ren, Sora
    "continuing_participants": 0,
    "new_participants": 3,
    "no_shows": 0,
    "seat_use": {"attended": 2, "capacity": 10, "rate": 0.2},
    "sessions_held": 1,
    "by_month": twelve_months(2024, {"2024-05": 2, "2024-07": 1, "2025-02": 1}),
    "by_kind": every_kind({"study_space": 2, "science": 1, "consultation": 1}),
    "by_school": {"Minami Junior High": 2, "Kita Special Needs": 1, "none": 1},
    "unique_by_school": {"Minami Junior High": 1, "Kita Special Needs": 1, "none": 1},
    "outcomes": outcome_counts(
        returned_to_school=1, continuing_consultation=1, took_equivalency_exam=1
    ),
}
EXPECTED_2025 = {
    "total_visits": 5,
    "unique_participants": 4,
    "continuing_participants": 3,  # Aoi, Ren and Sora came in 2024
    "new_participants": 1,  # Mei
    "no_shows": 1,  # Sora on 15 April
    "seat_use": {"attended": 1, "capacity": 18, "rate": 0.056},
    "sessions_held": 2,
    "by_month": twelve_months(2025, {"2025-04": 2, "2025-06": 2, "2026-03": 1}),
    "by_kind": every_kind(
        {"study_space": 1, "pbl": 1, "fieldwork": 1, "online": 1, "consultation": 1}
    ),
    "by_school": {"Minami Junior High": 2, "Kita Special Needs": 1, "none": 2},
    "unique_by_school": {"Minami Junior High": 2, "Kita Special Needs": 1, "none": 2},
    "outcomes": outcome_counts(
        took_equivalency_exam=1, passed_equivalency_exam=1, employed=1, further_education=1
    ),
}
