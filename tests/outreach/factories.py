"""Focused outreach data: one of each role, a school with its liaison, a request, a case."""

import datetime as dt
from zoneinfo import ZoneInfo

from booking.models import Participant
from core.models import School
from outreach.models import Case, CaseAssignment, ConsultationRequest, Liaison, StatusChange
from outreach.models.requests import hash_token
from tests.factories import make_user

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TOKYO)

ROLES = {
    "outreach-staff": ["Outreach staff"],
    "outreach-lead": ["Outreach leads"],
    "committee": ["Committee"],
    "coordinator": ["Coordinators"],
    "editor": ["Editors"],
    "desk-staff": ["Staff"],
}


def make_role_user(role: str, username: str | None = None, **kwargs):
    return make_user(username or role, groups=ROLES[role], admin_language="en", **kwargs)


def make_liaison(school: School, username: str):
    user = make_user(username, groups=["School liaisons"], admin_language="en")
    Liaison.objects.create(user=user, school=school)
    return user


def make_request(*, token: str = "", now=NOW, **fields) -> ConsultationRequest:
    defaults = {
        "code": f"R-T{ConsultationRequest.objects.count() + 1:05d}",
        "received_at": now,
        "writer": ConsultationRequest.Writer.GUARDIAN,
        "body": "息子が学校に行けていません。話を聞いてほしいです。",
        "reply_by": ConsultationRequest.ReplyBy.PAGE,
        "source": ConsultationRequest.Source.INSTAGRAM,
    }
    defaults.update(fields)
    if token:
        defaults["token_hash"] = hash_token(token)
    return ConsultationRequest.objects.create(**defaults)


def make_case(*, staff=(), nickname="ひかり", school=None, now=NOW, **fields) -> Case:
    participant = Participant.objects.create(
        reference=f"P-T{Participant.objects.count() + 1:04d}", nickname=nickname, school=school
    )
    defaults = {
        "code": f"C-T{Case.objects.count() + 1:05d}",
        "participant": participant,
        "opened_on": now.date(),
        "found_via": Case.FoundVia.REQUEST,
        "situation": Case.Situation.NOT_ATTENDING,
    }
    defaults.update(fields)
    case = Case.objects.create(**defaults)
    StatusChange.objects.create(
        case=case, status=case.status, changed_on=case.opened_on, recorded_at=now
    )
    for user in staff:
        CaseAssignment.objects.create(case=case, user=user)
    return case
