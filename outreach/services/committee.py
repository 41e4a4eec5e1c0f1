"""The committee's review (業務運営委員会): which support plans are due for review, and the
meetings' agenda, minutes and the cases they reviewed.

The committee works on case codes and status: `review_list` and `meeting_rows` return rows that
hold only the case's code, situation, status, its current plan's revision and review date and
the kinds of organisation responsible for its actions, never a name, a school, a contact or a
note. Minutes naming the young person of a reviewed case are refused."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from wagtail.models import Site

from core import audit as core_audit

from .. import access, audit
from ..models import Case, CommitteeMeeting, PlanAction, SupportPlan
from .errors import OutreachError

REVIEW_WINDOW_DAYS = 31
# Shorter nicknames ("A", "K") would match ordinary words of the minutes.
MIN_NAME_LENGTH = 2


@dataclass(frozen=True)
class ReviewRow:
    code: str
    situation: str
    status: str
    revision: int | None
    review_on: dt.date | None
    responsible: tuple[str, ...]

    @property
    def situation_label(self) -> str:
        return str(Case.Situation(self.situation).label)

    @property
    def status_label(self) -> str:
        return str(Case.Status(self.status).label)

    @property
    def responsible_labels(self) -> list[str]:
        return [str(PlanAction.Organisation(key).label) for key in self.responsible]


def _rows(cases: QuerySet[Case]) -> list[ReviewRow]:
    latest = SupportPlan.objects.filter(case=OuterRef("pk")).order_by("-revision")
    values = list(
        cases.annotate(
            plan_id=Subquery(latest.values("pk")[:1]),
            revision=Subquery(latest.values("revision")[:1]),
            review_on=Subquery(latest.values("review_on")[:1]),
        )
        .order_by(F("review_on").asc(nulls_first=True), "code")
        .values("code", "situation", "status", "plan_id", "revision", "review_on")
    )
    responsible: dict[int, list[str]] = {}
    plan_ids = [row["plan_id"] for row in values if row["plan_id"]]
    for plan_id, key in PlanAction.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "responsible"
    ):
        if key not in responsible.setdefault(plan_id, []):
            responsible[plan_id].append(key)
    order = list(PlanAction.Organisation.values)
    return [
        ReviewRow(
            code=row["code"],
            situation=row["situation"],
            status=row["status"],
            revision=row["revision"],
            review_on=row["review_on"],
            responsible=tuple(sorted(responsible.get(row["plan_id"], []), key=order.index)),
        )
        for row in values
    ]


def review_list(*, today: dt.date, within_days: int = REVIEW_WINDOW_DAYS) -> list[ReviewRow]:
    """Open cases whose current plan is due for review by `today + within_days` (overdue ones
    included), and open cases with no plan yet; those without a plan first, then by date."""
    latest = SupportPlan.objects.filter(case=OuterRef("pk")).order_by("-revision")
    due = (
        Case.objects.exclude(status=Case.Status.CLOSED)
        .annotate(current_review_on=Subquery(latest.values("review_on")[:1]))
        .filter(
            Q(current_review_on__isnull=True)
            | Q(current_review_on__lte=today + dt.timedelta(days=within_days))
        )
    )
    return _rows(due)


def meeting_rows(meeting: CommitteeMeeting) -> list[ReviewRow]:
    """The cases a meeting reviewed, as they stand now."""
    return _rows(Case.objects.filter(reviews=meeting))


# Meetings ------------------------------------------------------------------------------------


def _check_minutes(by, agenda: str, minutes: str, cases: list[Case]) -> None:
    if by is None or not by.has_perm(access.MINUTES):
        raise OutreachError("leads_only")
    text = f"{agenda}\n{minutes}"
    for case in sorted(cases, key=lambda case: case.code):
        nickname = case.participant.nickname.strip()
        if len(nickname) >= MIN_NAME_LENGTH and nickname in text:
            raise OutreachError("name_in_minutes", case=case.code)


def record_meeting(
    *,
    held_on: dt.date,
    agenda: str,
    minutes: str,
    cases: Iterable[Case],
    by,
    now: dt.datetime,
) -> CommitteeMeeting:
    cases = list(
        Case.objects.filter(pk__in=[case.pk for case in cases]).select_related("participant")
    )
    _check_minutes(by, agenda, minutes, cases)
    with transaction.atomic():
        meeting = CommitteeMeeting.objects.create(
            held_on=held_on,
            agenda=agenda.strip(),
            minutes=minutes.strip(),
            written_by=by,
            updated_at=now,
        )
        meeting.cases.set(cases)
        _log_meeting(meeting, cases, by=by, now=now)
    return meeting


def update_meeting(
    meeting: CommitteeMeeting,
    *,
    held_on: dt.date,
    agenda: str,
    minutes: str,
    cases: Iterable[Case],
    by,
    now: dt.datetime,
) -> CommitteeMeeting:
    cases = list(
        Case.objects.filter(pk__in=[case.pk for case in cases]).select_related("participant")
    )
    _check_minutes(by, agenda, minutes, cases)
    with transaction.atomic():
        meeting = CommitteeMeeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.held_on, meeting.agenda, meeting.minutes = held_on, agenda.strip(), minutes.strip()
        meeting.written_by, meeting.updated_at = by, now
        meeting.save()
        meeting.cases.set(cases)
        _log_meeting(meeting, cases, by=by, now=now)
    return meeting


def _log_meeting(meeting: CommitteeMeeting, cases: list[Case], *, by, now: dt.datetime) -> None:
    codes = " ".join(sorted(case.code for case in cases))
    core_audit.log_action(
        meeting,
        audit.MINUTE_MEETING,
        by=by,
        now=now,
        detail=f"{meeting.held_on:%Y-%m-%d}: {codes or '-'}",
    )


# Exports -------------------------------------------------------------------------------------


def _may_export(by) -> None:
    if by is None or not access.may_review(by):
        raise OutreachError("reviewers_only")


def export_review_list(
    *, today: dt.date, by, now: dt.datetime, within_days: int = REVIEW_WINDOW_DAYS, target=None
) -> list[ReviewRow]:
    """The review list for the committee's papers; audited (on the site: it is about no one
    case)."""
    _may_export(by)
    rows = review_list(today=today, within_days=within_days)
    target = target or Site.objects.filter(is_default_site=True).first() or by
    core_audit.log_action(
        target,
        audit.EXPORT_REVIEW,
        by=by,
        now=now,
        detail=f"review list {today:%Y-%m-%d}: {len(rows)} cases",
        data={"export": "review_list", "count": len(rows)},
    )
    return rows


def export_meeting(meeting: CommitteeMeeting, *, by, now: dt.datetime) -> list[ReviewRow]:
    _may_export(by)
    rows = meeting_rows(meeting)
    core_audit.log_action(
        meeting,
        audit.EXPORT_REVIEW,
        by=by,
        now=now,
        detail=f"meeting {meeting.held_on:%Y-%m-%d}: {len(rows)} cases",
        data={"export": "meeting", "count": len(rows)},
    )
    return rows
