from django.utils.translation import gettext_lazy as _

# Every refusal of an outreach rule, in one place. The people who meet them are centre staff,
# leads and school liaisons: say what is wrong and what to do instead.
MESSAGES = {
    "not_allowed": _("You cannot change this case: it is not one of your cases."),
    "leads_only": _("Only an outreach lead can do this."),
    "reviewers_only": _("Only the committee, the coordinators and the leads can do this."),
    "no_case_work": _("Your account does not keep case records, so it cannot open a case."),
    "cannot_work_cases": _(
        "%(user)s cannot be assigned: their account does not keep case records."
    ),
    "already_has_case": _("This young person already has a case (%(case)s)."),
    "request_has_case": _("This consultation request already has a case (%(case)s)."),
    "referral_has_case": _("This referral already has a case (%(case)s)."),
    "future_date": _("The date cannot be in the future."),
    "before_opened": _("The date cannot be before the case was opened (%(date)s)."),
    "before_last_status": _(
        "The date cannot be before the last change of status (%(date)s). Status changes are "
        "kept in order: the figures count from this history."
    ),
    "same_status": _("The case already has this status."),
    "next_action_date": _("Give the next action a date."),
    "next_action_past": _("The date of the next action cannot be in the past."),
    "no_goals": _("Write the goals of the plan."),
    "no_actions": _("Add at least one action, with the organisation responsible for it."),
    "review_in_past": _("The review date must be today or later."),
    "not_a_liaison": _(
        "This account is not a school liaison, so it cannot refer students. Ask the centre to "
        "set your school on your account."
    ),
    "other_school": _(
        "You can refer students of your own school only (%(school)s). Another school's "
        "students are referred by that school's liaison."
    ),
    "referral_answered": _("This referral was already answered (%(status)s)."),
    "name_in_minutes": _(
        "The agenda or the minutes contain the name of the young person of case %(case)s. "
        "The committee works on case codes only: write the code instead."
    ),
    # Consultation requests (outreach.services.requests); the first three are read by the
    # writer of a request, on the public pages.
    "too_many_requests": _(
        "Many messages came from here in a short time, so we could not take this one."
    ),
    "page_closed": _("This page is closed."),
    "too_many_follow_ups": _(
        "You have written many messages in a short time. Please wait a little, or call us."
    ),
    "request_not_yours": _(
        "You can take a request nobody has yet, or give back your own; only a lead assigns a "
        "request to someone else."
    ),
}


class OutreachError(Exception):
    """An outreach rule said no. `code` is stable (tests and views test it); `message` is for
    people, in their language."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        text = MESSAGES[self.code]
        return str(text) % self.params if self.params else str(text)

    def __str__(self) -> str:
        return self.message
