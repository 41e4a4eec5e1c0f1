"""Focused data for the report views: a fixed clock in fiscal year 2026 and a handful of
visits, bookings and outcomes whose figures are easy to count by hand."""

import datetime as dt
from zoneinfo import ZoneInfo

from attendance.models import Attendance, Outcome
from attendance.services.checkin import register_walk_in
from booking.models import Booking, Participant, Slot, StudySpace
from core.models import School

JST = ZoneInfo("Asia/Tokyo")
# Wednesday 3 June 2026, 16:30 JST: fiscal year 2026.
NOW = dt.datetime(2026, 6, 3, 16, 30, tzinfo=JST)

# Everything a coordinator must never see.
SECRET_NICKNAME = "ひみつのミサキ"
SECRET_REFERENCE = "P-SECRET-77"
SECRET_EMAIL = "misaki.secret@example.org"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


def make_report_data() -> dict:
    """Fiscal year 2026 (to NOW): 4 visits by 3 people, one no-show, one outcome.

    - secret (益田高校): came 2025-05-01 (FY2025) and 2026-04-10, 2026-05-20 → continuing
    - b (no school): 2026-04-10 → new
    - c (翔陽高校): 2026-05-20, and booked 2026-06-01 but never came → new, one no-show
    """
    masuda = School.objects.create(name="益田高校")
    shoyo = School.objects.create(name="翔陽高校")
    space = StudySpace.objects.create(name="学習スペース", slug="report-space", capacity=4)
    secret = Participant.objects.create(
        reference=SECRET_REFERENCE,
        nickname=SECRET_NICKNAME,
        contact_email=SECRET_EMAIL,
        school=masuda,
        birth_year=2000,
    )
    b = Participant.objects.create(reference="P-B", nickname="ビー", birth_year=2000)
    c = Participant.objects.create(reference="P-C", nickname="シー", school=shoyo, birth_year=2000)

    def slot(start, capacity=4):
        return Slot.objects.get_or_create(
            space=space,
            start=start,
            defaults={"end": start + dt.timedelta(hours=2), "capacity": capacity},
        )[0]

    register_walk_in(slot(at(2025, 5, 1, 16)), secret, now=at(2025, 5, 1, 16))
    for day, people in ((at(2026, 4, 10, 16), (secret, b)), (at(2026, 5, 20, 16), (secret, c))):
        for person in people:
            register_walk_in(slot(day), person, now=day)
    missed = slot(at(2026, 6, 1, 16))
    Booking.objects.create(
        slot=missed, participant=c, status=Booking.Status.CONFIRMED, created_at=at(2026, 5, 30, 9)
    )
    Outcome.objects.create(participant=secret, fiscal_year=2026, returned_to_school=True)
    assert Attendance.objects.filter(fiscal_year=2026).count() == 4
    return {"secret": secret, "b": b, "c": c, "space": space, "schools": (masuda, shoyo)}
