"""Referrals from the partner schools: a liaison refers a student of their own school (with
consent), a lead accepts the referral (the student becomes a participant with a case) or
declines it. The school follows only the referral's status: sent, support started, not taken
up, support ended (`cases.change_status` keeps it in step with the case)."""

import datetime as dt

from django.db import transaction

from core import audit as core_audit
from core.models import School

from .. import access, audit
from ..models import Case, Referral
from .cases import not_in_future, open_case_for_new_participant
from .codes import create_with_code
from .errors import OutreachError

REFERRAL_PREFIX = "F-"


def refer(
    *,
    school: School,
    nickname: str,
    grade: int | None,
    situation: str,
    reason: str,
    consent_on: dt.date,
    consent_by: str,
    by,
    now: dt.datetime,
) -> Referral:
    """A liaison refers a student of their own school; any other school is refused."""
    own_school_id = access.liaison_school_id(by) if by is not None else None
    if own_school_id is None:
        raise OutreachError("not_a_liaison")
    if school.pk != own_school_id:
        raise OutreachError("other_school", school=by.liaison.school.name)
    situation, consent_by = Case.Situation(situation), Referral.ConsentBy(consent_by)
    not_in_future(consent_on, now)
    with transaction.atomic():
        referral = create_with_code(
            Referral,
            REFERRAL_PREFIX,
            school=school,
            referred_by=by,
            referred_at=now,
            nickname=nickname.strip(),
            grade=grade,
            situation=situation,
            reason=reason.strip(),
            consent_on=consent_on,
            consent_by=consent_by,
        )
        core_audit.log_action(referral, audit.REFER, by=by, now=now)
    return referral


def view_referral(referral: Referral, *, by, now: dt.datetime) -> Referral:
    core_audit.log_action(referral, audit.VIEW_REFERRAL, by=by, now=now)
    return referral


def accept_referral(referral: Referral, *, by, now: dt.datetime) -> Case:
    """A lead takes the referral up: the student becomes a participant of the referring school,
    with a case found through the school, the referral's situation and consent."""
    if by is None or not access.is_lead(by):
        raise OutreachError("leads_only")
    return open_case_for_new_participant(
        nickname=referral.nickname,
        school=referral.school,
        found_via=Case.FoundVia.SCHOOL,
        situation=referral.situation,
        consent_on=referral.consent_on,
        by=by,
        now=now,
        referral=referral,
    )


def decline_referral(referral: Referral, *, by, now: dt.datetime) -> Referral:
    if by is None or not access.is_lead(by):
        raise OutreachError("leads_only")
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != Referral.Status.SENT:
            raise OutreachError("referral_answered", status=referral.get_status_display())
        referral.status = Referral.Status.DECLINED
        referral.save(update_fields=["status"])
        core_audit.log_action(referral, audit.CHANGE_REFERRAL, by=by, now=now, detail="declined")
    return referral
