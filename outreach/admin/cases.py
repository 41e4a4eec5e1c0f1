"""Case records for centre staff and leads: the caseload, one case's page (consent, status and
its history, next action, assigned staff, contact log, support plan and its revisions, where
the case came from), a new case, the leads' export and the dashboard's "due this week". The
changes posted from a case's page are in `case_changes`.

Only `access.cases_for(user)` is ever looked up: someone else's case is a 404, so a page never
confirms that a code exists. Every view of a case page and every change is audited by the
services (`outreach.services.cases`, `.plans`)."""

from django.contrib import messages
from django.db.models import Case as Conditional
from django.db.models import IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from core.time import local_date

from .. import access
from ..models import Case, Referral
from ..services import cases as case_services
from ..services.errors import OutreachError
from ..services.plans import current_plan
from .base import OutreachView, csv_response
from .forms import (
    AssignForm,
    CaseFilterForm,
    ConsentForm,
    ContactForm,
    NewCaseForm,
    NextActionForm,
    PlanActionFormSet,
    PlanForm,
    StatusForm,
)

CONTACTS_SHOWN = 100
EXPORT_FIELDS = case_services.CASELOAD_FIELDS
CASE_WORK = (access.WORK_CASES, access.SEE_ALL)


def case_url(case: Case, anchor: str = "") -> str:
    url = reverse("outreach_case", args=[case.code])
    return f"{url}#{anchor}" if anchor else url


def request_url(user, case: Case) -> str:
    """The consultation request's page in the inbox, when `user` may read it."""
    if case.request_id is None or not access.requests_for(user).filter(pk=case.request_id).exists():
        return ""
    try:
        return reverse("outreach_request", args=[case.request.code])
    except NoReverseMatch:  # the inbox is not installed
        return ""


class CaseWorkView(OutreachView):
    permissions_any = CASE_WORK
    header_icon = "folder-open-inverse"

    def get_case(self, code: str) -> Case:
        return get_object_or_404(access.cases_for(self.request.user), code=code)

    def crumbs(self, *more):
        return [{"url": reverse("outreach_cases"), "label": _("Cases")}, *more]


# The caseload ----------------------------------------------------------------------------------


class CaseListView(CaseWorkView):
    template_name = "outreach/admin/case_list.html"

    def get(self, request):
        user = request.user
        filters = CaseFilterForm(request.GET or None)
        status = situation = ""
        if filters.is_valid():
            status, situation = filters.cleaned_data["status"], filters.cleaned_data["situation"]
        horizon = self.today + case_services.due_window()
        cases = (
            access.cases_for(user)
            .select_related("participant")
            .annotate(
                due=Conditional(
                    When(next_action_on__lte=horizon, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("due", "next_action_on", "code")
        )
        if status == CaseFilterForm.OPEN:
            cases = cases.exclude(status=Case.Status.CLOSED)
        elif status != CaseFilterForm.ALL:
            cases = cases.filter(status=status)
        if situation:
            cases = cases.filter(situation=situation)
        page = self.page_of(cases)
        for case in page:
            case.is_due = case.due == 0 and case.status != Case.Status.CLOSED
            case.is_overdue = case.is_due and case.next_action_on < self.today
        return self.render(
            self.template_name,
            {
                "filters": filters,
                "page": page,
                "due": list(case_services.contacts_due(user, today=self.today)),
                "can_export": access.is_lead(user),
                "can_open": user.has_perm(access.WORK_CASES),
            },
            title=_("Cases"),
            crumbs=self.crumbs(),
        )


class CaseExportView(CaseWorkView):
    """The leads' caseload as CSV: codes, kinds and dates only."""

    permissions_any = (access.SEE_ALL,)

    def get(self, request):
        rows = case_services.export_caseload(
            by=request.user, now=self.now, target=Site.find_for_request(request)
        )
        labels = {
            "situation": dict(Case.Situation.choices),
            "status": dict(Case.Status.choices),
            "found_via": dict(Case.FoundVia.choices),
        }
        headings = [str(Case._meta.get_field(name).verbose_name) for name in EXPORT_FIELDS]
        body = [
            [
                labels[name].get(row[name], row[name]) if name in labels else row[name]
                for name in EXPORT_FIELDS
            ]
            for row in rows
        ]
        return csv_response(f"outreach-cases-{self.today:%Y%m%d}", [headings, *body])


class NewCaseView(CaseWorkView):
    permissions_any = (access.WORK_CASES,)
    template_name = "outreach/admin/case_new.html"

    def get(self, request):
        return self.show(NewCaseForm(initial={"found_via": Case.FoundVia.FAMILY}))

    def post(self, request):
        form = NewCaseForm(request.POST)
        if form.is_valid():
            try:
                case = case_services.open_case_for_new_participant(
                    **form.cleaned_data, by=request.user, now=self.now
                )
            except OutreachError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Case %(code)s opened.") % {"code": case.code})
                return redirect(case_url(case))
        return self.show(form)

    def show(self, form):
        return self.render(
            self.template_name,
            {"form": form},
            title=_("New case"),
            crumbs=self.crumbs({"url": "", "label": _("New case")}),
        )


# One case --------------------------------------------------------------------------------------


class CaseView(CaseWorkView):
    template_name = "outreach/admin/case_detail.html"

    def get(self, request, code):
        return self.render_case(self.get_case(code))

    def render_case(self, case: Case, **forms):
        user = self.request.user
        case = (
            Case.objects.select_related("participant__school", "consent_recorded_by", "request")
            .prefetch_related("staff")
            .get(pk=case.pk)
        )
        case_services.view_case(case, by=user, now=self.now)
        plan = current_plan(case)
        if "plan_form" not in forms:
            forms["plan_form"] = PlanForm(initial={"goals": plan.goals} if plan else {})
            forms["action_formset"] = PlanActionFormSet(
                prefix="actions",
                initial=[
                    {"action": a.action, "responsible": a.responsible}
                    for a in (plan.actions.all() if plan else [])
                ],
            )
        forms.setdefault("consent_form", ConsentForm(initial={"on": self.today}))
        forms.setdefault("status_form", StatusForm(initial={"on": self.today}))
        forms.setdefault(
            "next_action_form",
            NextActionForm(initial={"text": case.next_action, "on": case.next_action_on}),
        )
        forms.setdefault("contact_form", ContactForm(initial={"on": self.today}))
        is_lead = access.is_lead(user)
        if is_lead:
            forms.setdefault("assign_form", AssignForm())
        referral = Referral.objects.filter(case=case).first()
        return self.render(
            self.template_name,
            {
                "case": case,
                "participant": case.participant,
                "history": list(case.status_changes.select_related("changed_by")),
                "staff": list(case.staff.order_by("username")),
                "contacts": list(case.contacts.select_related("staff")[:CONTACTS_SHOWN]),
                "contacts_shown": CONTACTS_SHOWN,
                "plan": plan,
                "earlier_plans": list(
                    case.plans.exclude(pk=plan.pk if plan else None)
                    .select_related("written_by")
                    .prefetch_related("actions")
                )
                if plan
                else [],
                "referral": referral,
                "referral_url": reverse("outreach_referral", args=[referral.code])
                if referral and access.referrals_for(user).filter(pk=referral.pk).exists()
                else "",
                "request_url": request_url(user, case),
                "is_lead": is_lead,
                "is_due": case.next_action_on is not None
                and case.next_action_on <= self.today + case_services.due_window(),
                **forms,
            },
            title=_("Case %(code)s") % {"code": case.code},
            crumbs=self.crumbs({"url": "", "label": case.code}),
        )


# The staff dashboard ---------------------------------------------------------------------------


class DueThisWeekPanel(Component):
    """On the admin's home page: what is due this week on the cases of the signed-in staff
    member (their own cases only)."""

    name = "outreach_due"
    template_name = "outreach/admin/case_due_panel.html"
    order = 50

    def __init__(self, user, today):
        self.user, self.today = user, today

    def get_context_data(self, parent_context):
        return {
            "due": list(case_services.contacts_due(self.user, today=self.today)),
            "today": self.today,
            "cases_url": reverse("outreach_cases"),
        }


def add_due_panel(request, panels) -> None:
    """The `construct_homepage_panels` hook."""
    if request.user.has_perm(access.WORK_CASES):
        panels.append(DueThisWeekPanel(request.user, local_date(timezone.now())))
