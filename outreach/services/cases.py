"""Cases of direct outreach: opening one, the guardian's consent form (同意書), the status
history, the next action, who works on the case, and the contact log.

Who may do what is `outreach.access`: the views show only `cases_for(user)`, and these rules
check it again, so a command or a future API cannot change somebody else's case by mistake. Each
change writes its audit entry in its own transaction; the entry's detail holds dates, codes and
kinds, never a name, a contact or a note.
"""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from wagtail.models import Site

from booking.models import Participant
from booking.services.participants import register_participant
from core import audit as core_audit
from core.time import local_date

from .. import access, audit
from ..models import Case, CaseAssignment, Contact, Referral, StatusChange
from .codes import create_with_code
from .errors import OutreachError

CASE_PREFIX = "C-"
# "Due this week": the next action falls within the next 7 days (today + 7 included), or is
# overdue.
DUE_WITHIN_DAYS = 7
CASELOAD_FIELDS = ("code", "situation", "status", "found_via", "opened_on", "next_action_on")


def due_window() -> dt.timedelta:
    return dt.timedelta(days=DUE_WITHIN_DAYS)


def not_in_future(day: dt.date, now: dt.datetime) -> None:
    if day > local_date(now):
        raise OutreachError("future_date")


def ensure_works_on(case: Case, by) -> None:
    """`by` may keep this case's records (a command, `by=None`, may)."""
    if by is not None and not access.cases_for(by).filter(pk=case.pk).exists():
        raise OutreachError("not_allowed")


def lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _log(case: Case, action: str, *, by, now: dt.datetime, detail: str = "") -> None:
    core_audit.log_action(case, action, by=by, now=now, detail=detail)


# Opening a case ------------------------------------------------------------------------------


def open_case(
    participant: Participant,
    *,
    found_via: str,
    situation: str,
    consent_on: dt.date | None = None,
    by,
    now: dt.datetime,
    request=None,
    referral: Referral | None = None,
) -> Case:
    """Open the case of `participant` (one case per person), with its first status, assigned to
    `by`, who must keep case records (`by=None`, a command, opens it unassigned). `request` /
    `referral`: what it came from; a referral given here must still be waiting for an answer,
    and becomes "accepted"."""
    found_via, situation = Case.FoundVia(found_via), Case.Situation(situation)
    if by is not None and not by.has_perm(access.WORK_CASES):
        raise OutreachError("no_case_work")
    if consent_on is not None:
        not_in_future(consent_on, now)
    today = local_date(now)
    with transaction.atomic():
        # The participant's row lock makes a second opening for the same person wait, then
        # find the first one's case.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        existing = Case.objects.filter(participant=participant).first()
        if existing is not None:
            raise OutreachError("already_has_case", case=existing.code)
        if request is not None:
            taken = Case.objects.filter(request=request).first()
            if taken is not None:
                raise OutreachError("request_has_case", case=taken.code)
        if referral is not None:
            referral = Referral.objects.select_for_update().get(pk=referral.pk)
            if referral.case_id is not None:
                raise OutreachError("referral_has_case", case=referral.case.code)
            if referral.status != Referral.Status.SENT:
                raise OutreachError("referral_answered", status=referral.get_status_display())
        case = create_with_code(
            Case,
            CASE_PREFIX,
            participant=participant,
            opened_on=today,
            found_via=found_via,
            situation=situation,
            consent_on=consent_on,
            consent_recorded_by=by if consent_on else None,
            request=request,
        )
        StatusChange.objects.create(
            case=case, status=case.status, changed_on=today, changed_by=by, recorded_at=now
        )
        if by is not None:
            CaseAssignment.objects.create(case=case, user=by)
        origin = ""
        if request is not None:
            origin = f", {request.code}"
        if referral is not None:
            referral.case = case
            referral.status = Referral.Status.ACCEPTED
            referral.save(update_fields=["case", "status"])
            core_audit.log_action(
                referral, audit.CHANGE_REFERRAL, by=by, now=now, detail=f"accepted: {case.code}"
            )
            origin = f", {referral.code}"
        _log(case, audit.OPEN_CASE, by=by, now=now, detail=f"{found_via}/{situation}{origin}")
    return case


def open_case_for_new_participant(
    *,
    nickname: str,
    school=None,
    birth_year: int | None = None,
    found_via: str,
    situation: str,
    consent_on: dt.date | None = None,
    by,
    now: dt.datetime,
    request=None,
    referral: Referral | None = None,
) -> Case:
    """A young person the learning support does not know yet (found by a home visit, a
    referral, a request): register them as a participant (no account) and open their case, or
    do neither."""
    if by is not None and not by.has_perm(access.WORK_CASES):
        raise OutreachError("no_case_work")
    with transaction.atomic():
        participant = register_participant(
            nickname=nickname, school=school, birth_year=birth_year, by=by, now=now
        )
        return open_case(
            participant,
            found_via=found_via,
            situation=situation,
            consent_on=consent_on,
            by=by,
            now=now,
            request=request,
            referral=referral,
        )


def view_case(case: Case, *, by, now: dt.datetime) -> Case:
    """Someone is shown the case record (name, contacts, notes): every page that shows it
    calls this, so the audit trail says who looked, and when."""
    _log(case, audit.VIEW_CASE, by=by, now=now)
    return case


# Consent, status, next action ---------------------------------------------------------------


def record_consent(case: Case, *, on: dt.date, by, now: dt.datetime) -> Case:
    """The guardian's consent form (同意書) was received on `on`; `by` recorded it."""
    ensure_works_on(case, by)
    not_in_future(on, now)
    with transaction.atomic():
        case = lock(case)
        case.consent_on, case.consent_recorded_by = on, by
        case.save(update_fields=["consent_on", "consent_recorded_by"])
        _log(case, audit.CHANGE_CASE, by=by, now=now, detail=f"consent: {on:%Y-%m-%d}")
    return case


def change_status(case: Case, status: str, *, on: dt.date, by, now: dt.datetime) -> Case:
    """Where the young person stands now. Each change adds a row to the status history, which
    the figures count from; changes are kept in date order. Closing sets `closed_on` and shows
    the school's referral as "support ended"; reopening undoes both."""
    status = Case.Status(status)
    ensure_works_on(case, by)
    not_in_future(on, now)
    with transaction.atomic():
        case = lock(case)
        if on < case.opened_on:
            raise OutreachError("before_opened", date=f"{case.opened_on:%Y-%m-%d}")
        last = case.status_changes.order_by("-changed_on", "-recorded_at", "-pk").first()
        if last is not None and on < last.changed_on:
            raise OutreachError("before_last_status", date=f"{last.changed_on:%Y-%m-%d}")
        if status == case.status:
            raise OutreachError("same_status")
        StatusChange.objects.create(
            case=case, status=status, changed_on=on, changed_by=by, recorded_at=now
        )
        case.status = status
        case.closed_on = on if status == Case.Status.CLOSED else None
        case.save(update_fields=["status", "closed_on"])
        _follow_referral(case, by=by, now=now)
        _log(case, audit.CHANGE_CASE, by=by, now=now, detail=f"status: {status} ({on:%Y-%m-%d})")
    return case


def _follow_referral(case: Case, *, by, now: dt.datetime) -> None:
    """The school sees only "support started" or "support ended"."""
    referral = Referral.objects.filter(case=case).first()
    if referral is None:
        return
    wanted = (
        Referral.Status.CLOSED if case.status == Case.Status.CLOSED else Referral.Status.ACCEPTED
    )
    if referral.status != wanted:
        referral.status = wanted
        referral.save(update_fields=["status"])
        core_audit.log_action(referral, audit.CHANGE_REFERRAL, by=by, now=now, detail=wanted)


def set_next_action(case: Case, text: str, on: dt.date | None, *, by, now: dt.datetime) -> Case:
    """What is to be done next, and by when; an empty text clears both."""
    ensure_works_on(case, by)
    text = text.strip()
    if not text:
        on = None
    elif on is None:
        raise OutreachError("next_action_date")
    elif on < local_date(now):
        raise OutreachError("next_action_past")
    with transaction.atomic():
        case = lock(case)
        case.next_action, case.next_action_on = text, on
        case.save(update_fields=["next_action", "next_action_on"])
        detail = f"next action: {on:%Y-%m-%d}" if on else "next action cleared"
        _log(case, audit.CHANGE_CASE, by=by, now=now, detail=detail)
    return case


# Who works on the case -------------------------------------------------------------------------


def may_be_assigned(user) -> bool:
    return user.is_active and user.has_perm(access.WORK_CASES)


def assign(case: Case, user, *, by, now: dt.datetime) -> bool:
    """A lead gives the case to `user`, who must keep case records. Says whether `user` was
    newly assigned (assigning twice changes and logs nothing)."""
    if by is None or not access.is_lead(by):
        raise OutreachError("leads_only")
    if not may_be_assigned(user):
        raise OutreachError("cannot_work_cases", user=user.get_username())
    with transaction.atomic():
        _assignment, created = CaseAssignment.objects.get_or_create(case=case, user=user)
        if created:
            _log(case, audit.CHANGE_CASE, by=by, now=now, detail=f"assigned: {user.get_username()}")
    return created


def unassign(case: Case, user, *, by, now: dt.datetime) -> bool:
    if by is None or not access.is_lead(by):
        raise OutreachError("leads_only")
    with transaction.atomic():
        deleted, _rows = CaseAssignment.objects.filter(case=case, user=user).delete()
        if deleted:
            detail = f"unassigned: {user.get_username()}"
            _log(case, audit.CHANGE_CASE, by=by, now=now, detail=detail)
    return bool(deleted)


# The contact log -------------------------------------------------------------------------------


def log_contact(
    case: Case, *, kind: str, on: dt.date, reached: bool, agreed: str, by, now: dt.datetime
) -> Contact:
    """One home visit, call, message or meeting, and what was agreed."""
    kind = Contact.Kind(kind)
    ensure_works_on(case, by)
    not_in_future(on, now)
    with transaction.atomic():
        contact = Contact.objects.create(
            case=case,
            kind=kind,
            happened_on=on,
            staff=by,
            reached=reached,
            agreed=agreed.strip(),
            recorded_at=now,
        )
        _log(case, audit.LOG_CONTACT, by=by, now=now, detail=f"{kind} {on:%Y-%m-%d}")
    return contact


def contacts_due(user, *, today: dt.date) -> QuerySet[Case]:
    """What is due this week for `user`: the open cases assigned to them whose next action falls
    within `DUE_WITHIN_DAYS` days or is overdue, the most pressing first."""
    return (
        access.cases_for(user)
        .filter(
            assignments__user=user,
            next_action_on__lte=today + due_window(),
        )
        .exclude(status=Case.Status.CLOSED)
        .select_related("participant")
        .order_by("next_action_on", "code")
    )


# The leads' export ---------------------------------------------------------------------------


def export_caseload(*, by, now: dt.datetime, target=None) -> list[dict]:
    """Every case as codes, dates and kinds: no name, school, contact or note. Leads only;
    audited (the entry hangs off the site: the export is about no one case)."""
    if by is None or not access.is_lead(by):
        raise OutreachError("leads_only")
    rows = list(Case.objects.order_by("code").values(*CASELOAD_FIELDS))
    target = target or Site.objects.filter(is_default_site=True).first() or by
    core_audit.log_action(
        target,
        audit.EXPORT_CASES,
        by=by,
        now=now,
        detail=f"{len(rows)} cases",
        data={"export": "caseload", "count": len(rows)},
    )
    return rows
