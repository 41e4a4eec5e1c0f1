"""Changes made from a case's page: consent, status, next action, contact log, support plan,
and (leads) who works on the case. Each form goes to its service, which checks the rule and
writes the audit; a refusal comes back on the case page, beside the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from .. import access
from ..services import cases as case_services
from ..services.errors import OutreachError
from ..services.plans import revise_plan
from .cases import CaseView, CaseWorkView, case_url
from .forms import (
    AssignForm,
    ConsentForm,
    ContactForm,
    NextActionForm,
    PlanActionFormSet,
    PlanForm,
    StatusForm,
)


class CaseActionView(CaseView):
    """A form posted from the case page: valid and accepted by the service → back to the page
    with a message; otherwise the page again, with the form and its errors. Each subclass names
    its form and defines `act(case, cleaned_data)`, which calls the service and returns the
    message."""

    http_method_names = ["post"]
    form_class = None
    form_name = ""
    anchor = ""

    def post(self, request, code):
        case = self.get_case(code)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                message = self.act(case, form.cleaned_data)
            except OutreachError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, message)
                return redirect(case_url(case, self.anchor))
        messages.error(request, _("The change was not saved: see the form below."))
        return self.render_case(case, **{self.form_name: form})


class ConsentView(CaseActionView):
    form_class, form_name, anchor = ConsentForm, "consent_form", "consent"

    def act(self, case, data):
        case_services.record_consent(case, on=data["on"], by=self.request.user, now=self.now)
        return _("Guardian consent recorded (%(date)s).") % {"date": f"{data['on']:%Y-%m-%d}"}


class StatusView(CaseActionView):
    form_class, form_name, anchor = StatusForm, "status_form", "status"

    def act(self, case, data):
        case = case_services.change_status(
            case, data["status"], on=data["on"], by=self.request.user, now=self.now
        )
        return _("Status changed to “%(status)s”.") % {"status": case.get_status_display()}


class NextActionView(CaseActionView):
    form_class, form_name, anchor = NextActionForm, "next_action_form", "next-action"

    def act(self, case, data):
        case_services.set_next_action(
            case, data["text"], data["on"], by=self.request.user, now=self.now
        )
        return _("Next action saved.")


class ContactView(CaseActionView):
    form_class, form_name, anchor = ContactForm, "contact_form", "contacts"

    def act(self, case, data):
        case_services.log_contact(
            case,
            kind=data["kind"],
            on=data["on"],
            reached=data["reached"],
            agreed=data["agreed"],
            by=self.request.user,
            now=self.now,
        )
        return _("Contact logged.")


class AssignView(CaseActionView):
    form_class, form_name, anchor = AssignForm, "assign_form", "staff"

    def dispatch(self, request, *args, **kwargs):
        if not access.is_lead(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def act(self, case, data):
        user = data["user"]
        name = user.get_full_name() or user.get_username()
        if case_services.assign(case, user, by=self.request.user, now=self.now):
            return _("%(name)s now works on this case.") % {"name": name}
        return _("%(name)s already works on this case.") % {"name": name}


class UnassignView(CaseWorkView):
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not access.is_lead(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, code, user_id):
        case = self.get_case(code)
        user = get_object_or_404(case.staff.all(), pk=user_id)
        case_services.unassign(case, user, by=request.user, now=self.now)
        name = user.get_full_name() or user.get_username()
        messages.success(request, _("%(name)s no longer works on this case.") % {"name": name})
        return redirect(case_url(case, "staff"))


class PlanView(CaseView):
    """A new revision of the support plan; the earlier ones are kept as they were."""

    http_method_names = ["post"]

    def post(self, request, code):
        case = self.get_case(code)
        form = PlanForm(request.POST)
        formset = PlanActionFormSet(request.POST, prefix="actions")
        if form.is_valid() and formset.is_valid():
            try:
                plan = revise_plan(
                    case,
                    goals=form.cleaned_data["goals"],
                    review_on=form.cleaned_data["review_on"],
                    actions=[
                        (row.get("action", ""), row.get("responsible", ""))
                        for row in formset.cleaned_data
                        if row.get("action", "").strip()
                    ],
                    by=request.user,
                    now=self.now,
                )
            except OutreachError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Support plan revision %(revision)s saved.") % {"revision": plan.revision},
                )
                return redirect(case_url(case, "plan"))
        messages.error(request, _("The change was not saved: see the form below."))
        return self.render_case(case, plan_form=form, action_formset=formset)
