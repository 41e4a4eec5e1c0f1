"""One world of objects for the Japanese admin walk (tests/cms/test_admin_japanese.py): a desk
slot with a booking, a closure, an upload waiting for confirmation, and outreach's request, case,
contact, plan, referral and meeting, with one user per role whose admin language is Japanese.
Built at the walk's fixed moment (`NOW`, the caller pins the clock)."""

import datetime as dt

from attendance.models import AttendanceImport
from booking.models import Booking, Closure, Slot
from core import audit
from outreach.models import Referral
from outreach.services.cases import log_contact
from outreach.services.committee import record_meeting
from outreach.services.plans import revise_plan
from tests.attendance.reports.helpers import NOW, make_report_data
from tests.factories import make_user
from tests.outreach.factories import make_case, make_request

ROLES = {
    "desk staff": ["Staff"],
    "coordinator": ["Coordinators"],
    "outreach lead": ["Outreach leads"],
}


def build_world() -> dict:
    data = make_report_data()
    slot = Slot.objects.create(
        space=data["space"],
        start=NOW - dt.timedelta(hours=1),
        end=NOW + dt.timedelta(hours=1),
        capacity=5,
    )
    participant = data["c"]
    booking = Booking.objects.create(
        slot=slot, participant=participant, status=Booking.Status.CONFIRMED, created_at=NOW
    )
    closure = Closure.objects.create(
        space=data["space"],
        first_day=dt.date(2026, 8, 10),
        last_day=dt.date(2026, 8, 16),
        reason="お盆休み",
    )
    users = {
        role: make_user(f"ja-{role.replace(' ', '-')}", groups=groups, admin_language="ja")
        for role, groups in ROLES.items()
    }
    audit.log_action(participant, audit.VIEW_PARTICIPANT, by=users["desk staff"], now=NOW)
    # A checked upload waiting for its confirmation: its preview is a screen too.
    upload = AttendanceImport.objects.create(
        uploaded_by=users["desk staff"],
        uploaded_at=NOW,
        file_name="attendance-import.csv",
        file_size=120,
        state=AttendanceImport.State.CHECKED,
        preview={
            "file_format": "CSV (Shift_JIS / CP932)",
            "rows_read": 3,
            "duplicates_in_file": 0,
            "already_present": 0,
            "to_add": 3,
            "new_participants": 2,
            "visits_by_fiscal_year": {"2025": 3},
        },
    )
    lead = users["outreach lead"]
    request = make_request(assigned_to=lead)
    case = make_case(staff=[lead], school=data["schools"][0], request=request)
    log_contact(
        case,
        kind="home_visit",
        on=dt.date(2026, 6, 1),
        reached=True,
        agreed="面談",
        by=lead,
        now=NOW,
    )
    revise_plan(
        case,
        goals="週2回の登校",
        review_on=dt.date(2026, 6, 30),
        actions=[("担任が声をかける", "school")],
        by=lead,
        now=NOW,
    )
    referral = Referral.objects.create(
        code="F-JAPANESE",
        school=data["schools"][1],
        referred_at=NOW,
        nickname="びーさん",
        situation="futoko",
        reason="欠席が続く",
        consent_on=dt.date(2026, 6, 1),
        consent_by="guardian",
    )
    meeting = record_meeting(
        held_on=dt.date(2026, 6, 2),
        agenda=f"{case.code} の計画",
        minutes="見守る",
        cases=[case],
        by=lead,
        now=NOW,
    )
    return {
        "users": users,
        "by_pk": {
            "checkin_came": booking.pk,
            "checkin_not_came": booking.pk,
            "checkin_roster": slot.pk,
            "checkin_walk_in": slot.pk,
            "checkin_new_walk_in": slot.pk,
            "checkin_": participant.pk,  # the participant's record and its forms
            "booking_closure:": closure.pk,
            "booking_participant:": participant.pk,
            "wagtailsnippets_booking_studyspace:": data["space"].pk,
            "outreach_meeting": meeting.pk,
            "attendance_import_": upload.pk,
        },
        "by_code": {
            "checkin_code": booking.code,
            "outreach_request": request.code,
            "outreach_case": case.code,
            "outreach_referral": referral.code,
        },
        "user_id": lead.pk,
    }
