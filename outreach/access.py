"""Who sees what of outreach: one place, used by every view, export and service, so the admin,
the exports and the figures cannot drift apart (docs/domain.md, "Outreach: who sees what").

- a lead (`outreach.see_all_cases`) sees every case and request;
- centre staff (`outreach.work_cases`) see the cases they are assigned, and the requests
  assigned to them or to nobody yet (the shared inbox);
- a school liaison sees the referrals of their own school, and only their status;
- the committee and the coordinators (`outreach.review_cases`) see case codes and status,
  never a name, a contact or a note;
- everyone else sees nothing of it.
"""

from django.db.models import Q, QuerySet

from .models import Case, ConsultationRequest, Referral

WORK_CASES = "outreach.work_cases"
SEE_ALL = "outreach.see_all_cases"
HANDLE_REQUESTS = "outreach.handle_requests"
REFER = "outreach.refer_students"
REVIEW = "outreach.review_cases"
FIGURES = "outreach.view_outreach_report"
MINUTES = "outreach.minute_meetings"


def is_lead(user) -> bool:
    return user.is_active and user.has_perm(SEE_ALL)


def cases_for(user) -> QuerySet[Case]:
    """The cases whose records (names, contacts, notes) `user` may open."""
    if not user.is_active:
        return Case.objects.none()
    if user.has_perm(SEE_ALL):
        return Case.objects.all()
    if user.has_perm(WORK_CASES):
        return Case.objects.filter(assignments__user=user)
    return Case.objects.none()


def requests_for(user) -> QuerySet[ConsultationRequest]:
    """The consultation requests `user` may read: a lead all of them; centre staff theirs and
    the ones nobody has taken yet."""
    if not user.is_active or not user.has_perm(HANDLE_REQUESTS):
        return ConsultationRequest.objects.none()
    if user.has_perm(SEE_ALL):
        return ConsultationRequest.objects.all()
    return ConsultationRequest.objects.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))


def liaison_school_id(user) -> int | None:
    """The school a liaison refers for, or None when the account is not a liaison."""
    if not user.is_active or not user.has_perm(REFER):
        return None
    liaison = getattr(user, "liaison", None)
    return liaison.school_id if liaison is not None else None


def referrals_for(user) -> QuerySet[Referral]:
    """Referrals `user` may follow: a liaison those of their school, a lead all of them.
    Centre staff see a referral through the case it became."""
    if not user.is_active:
        return Referral.objects.none()
    if user.has_perm(SEE_ALL):
        return Referral.objects.all()
    school_id = liaison_school_id(user)
    if school_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(school_id=school_id)


def may_review(user) -> bool:
    return user.is_active and user.has_perm(REVIEW)


def may_see_figures(user) -> bool:
    return user.is_active and user.has_perm(FIGURES)
