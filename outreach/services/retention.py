"""Retention of outreach records: after N fiscal years without activity, the words go and the
counts stay.

Who is inactive, for `inactive_years` = N (the current fiscal year and the N-1 before it make
the period, Asia/Tokyo):
- a consultation request received before the period, with no message in it;
- a case closed before the period (an open case is never inactive: somebody is still working
  on it).

What is erased, and why:
- a request: its message, the name, e-mail and phone, the thread's messages, the private
  page's secret (the link stops working) and the client key. Kept: the code, when it came,
  who wrote (young person, guardian, teacher), the source, the channel, the topics and the
  status: the figures count those.
- a case: the contact log's notes (what was agreed), the support plans' goals and actions,
  the next action, and the referral's nickname and reason. Kept: the code, the dates, the
  situation, how the case was found, its status history, each contact's kind, date and
  whether it reached the young person, each plan's responsible organisations and review
  date, and the referral's school and status: the figures count those.
- The participant (the nickname) is pseudonymised by the learning support's retention
  (`attendance.services.retention`), which this app holds off while a case is open or was
  active in the period (`core.retention`).

Each erased record gets one audit entry, without personal data. Every figure of every year is
the same before and after (tests/outreach/test_retention.py checks it).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from core import audit as core_audit
from core.time import fiscal_year_of, local_date, start_of_day

from .. import audit
from ..models import Case, ConsultationRequest, Contact, PlanAction, RequestMessage, SupportPlan

ERASED = "—"


def period_start(*, inactive_years: int, now: dt.datetime) -> dt.datetime:
    if inactive_years < 1:
        raise ValueError("inactive_years must be at least 1")
    first_year = fiscal_year_of(local_date(now)) - inactive_years + 1
    return start_of_day(dt.date(first_year, 4, 1))


def case_hold(since: dt.datetime) -> Q:
    """The `core.retention` hold: keep the participant of a case that is open, or was closed
    within the period."""
    return Q(outreach_case__isnull=False) & (
        Q(outreach_case__closed_on__isnull=True) | Q(outreach_case__closed_on__gte=since.date())
    )


def inactive_requests(since: dt.datetime):
    recent_message = RequestMessage.objects.filter(request=OuterRef("pk"), sent_at__gte=since)
    return (
        ConsultationRequest.objects.filter(received_at__lt=since, anonymised_at__isnull=True)
        .exclude(Exists(recent_message))
        .order_by("pk")
    )


def inactive_cases(since: dt.datetime):
    return Case.objects.filter(closed_on__lt=since.date(), anonymised_at__isnull=True).order_by(
        "pk"
    )


def anonymise_inactive(*, inactive_years: int, now: dt.datetime, dry_run: bool = False) -> dict:
    """Erase the words of every inactive request and case; returns how many of each (would be,
    on a dry run)."""
    since = period_start(inactive_years=inactive_years, now=now)
    requests, cases = inactive_requests(since), inactive_cases(since)
    if dry_run:
        return {"requests": requests.count(), "cases": cases.count()}
    counts = {"requests": 0, "cases": 0}
    with transaction.atomic():
        for request in requests.select_for_update():
            erase_request(request, now=now)
            counts["requests"] += 1
        for case in cases.select_for_update(of=("self",)):
            erase_case(case, now=now)
            counts["cases"] += 1
    return counts


def erase_request(request: ConsultationRequest, *, now: dt.datetime) -> None:
    """Call inside a transaction."""
    request.messages.all().delete()
    request.body = ERASED
    request.name = ""
    request.email = ""
    request.phone = ""
    request.token_hash = None
    request.client_key = ""
    request.anonymised_at = now
    request.save()
    core_audit.log_action(request, audit.ANONYMISE, by=None, now=now)


def erase_case(case: Case, *, now: dt.datetime) -> None:
    """Call inside a transaction."""
    Contact.objects.filter(case=case).update(agreed="")
    plans = SupportPlan.objects.filter(case=case)
    plans.update(goals=ERASED)
    PlanAction.objects.filter(plan__in=plans).update(action=ERASED)
    case.next_action = ""
    case.anonymised_at = now
    case.save(update_fields=["next_action", "anonymised_at"])
    referral = getattr(case, "referral", None)
    if referral is not None:
        referral.nickname = ERASED
        referral.reason = ERASED
        referral.anonymised_at = now
        referral.save(update_fields=["nickname", "reason", "anonymised_at"])
    core_audit.log_action(case, audit.ANONYMISE, by=None, now=now)
