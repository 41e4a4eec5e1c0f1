"""Support plans (支援計画): goals, the actions and the organisation responsible for each, and
the date by which the committee reviews the plan. A plan is never edited: revising it adds the
next revision, so what the committee reviewed stays as it was."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from core import audit as core_audit
from core.time import local_date

from .. import audit
from ..models import Case, PlanAction, SupportPlan
from .cases import ensure_works_on, lock
from .errors import OutreachError


def current_plan(case: Case) -> SupportPlan | None:
    return case.plans.order_by("-revision").prefetch_related("actions").first()


def revise_plan(
    case: Case,
    *,
    goals: str,
    review_on: dt.date,
    actions: Iterable[tuple[str, str]],
    by,
    now: dt.datetime,
) -> SupportPlan:
    """Write the next revision of the case's plan (the first one is revision 1). `actions` are
    (action, responsible organisation) pairs, in order; blank actions are left out."""
    ensure_works_on(case, by)
    goals = goals.strip()
    if not goals:
        raise OutreachError("no_goals")
    steps = [
        (action.strip(), PlanAction.Organisation(responsible))
        for action, responsible in actions
        if action.strip()
    ]
    if not steps:
        raise OutreachError("no_actions")
    if review_on < local_date(now):
        raise OutreachError("review_in_past")
    with transaction.atomic():
        # The case's row lock keeps two revisions from taking the same number.
        case = lock(case)
        last = case.plans.order_by("-revision").values_list("revision", flat=True).first()
        plan = SupportPlan.objects.create(
            case=case,
            revision=(last or 0) + 1,
            goals=goals,
            review_on=review_on,
            written_by=by,
            written_at=now,
        )
        PlanAction.objects.bulk_create(
            PlanAction(plan=plan, action=action, responsible=responsible, order=order)
            for order, (action, responsible) in enumerate(steps)
        )
        core_audit.log_action(
            case,
            audit.REVISE_PLAN,
            by=by,
            now=now,
            detail=f"#{plan.revision}, review {review_on:%Y-%m-%d}",
        )
    return plan
