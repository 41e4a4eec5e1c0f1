"""Forms of the case records, the referrals and the committee's meetings. They only read what
was typed (NFKC-normalised); the rules (dates, who may, what is refused) are the services',
whose refusals the views show on the form."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import School
from core.text import NFKCFormMixin

from ..models import Case, Contact, PlanAction, Referral

# How many action rows the plan form offers below the current plan's actions.
EXTRA_ACTION_ROWS = 3
MAX_GRADE = 4  # part-time (定時制) high schools have four years


class DateInput(forms.DateInput):
    input_type = "date"


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput, **kwargs)


def assignable_users():
    """Accounts that keep case records (`outreach.work_cases`), for the lead's assign form."""
    permission = Permission.objects.filter(
        content_type__app_label="outreach", codename="work_cases"
    ).first()
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions=permission)
            | Q(user_permissions=permission)
        )
        .distinct()
        .order_by("username")
    )


# Cases -----------------------------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    OPEN = ""
    ALL = "all"

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("Open cases")), *Case.Status.choices, (ALL, _("All cases"))],
    )
    situation = forms.ChoiceField(
        label=_("Situation"),
        required=False,
        choices=[("", _("Any situation")), *Case.Situation.choices],
    )


class NewCaseForm(NFKCFormMixin, forms.Form):
    """A young person found by a home visit, a call from the family, social media…: the
    minimum the learning support holds, and how the case starts. Requests and referrals open
    their cases from their own pages."""

    nickname = forms.CharField(label=_("Name the young person goes by"), max_length=40)
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.all(),
        required=False,
        help_text=_("Empty: not at a partner school, or not enrolled."),
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"), required=False, min_value=1950, max_value=2100
    )
    found_via = forms.ChoiceField(
        label=_("Found through"),
        choices=[c for c in Case.FoundVia.choices if c[0] != Case.FoundVia.REQUEST],
    )
    situation = forms.ChoiceField(label=_("Situation"), choices=Case.Situation.choices)
    consent_on = date_field(
        _("Guardian consent (同意書) received on"),
        required=False,
        help_text=_("Leave empty until the consent form is received."),
    )


class ConsentForm(forms.Form):
    on = date_field(_("Consent form received on"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Case.Status.choices)
    on = date_field(_("Since"))


class NextActionForm(NFKCFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Next action"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to clear it."),
    )
    on = date_field(_("By"), required=False)


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = assignable_users()
        self.fields["user"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )


class ContactForm(NFKCFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Contact.Kind.choices)
    on = date_field(_("Date"))
    reached = forms.BooleanField(
        label=_("Reached the young person"),
        required=False,
        initial=True,
        help_text=_("Untick when nobody answered or the young person did not come out."),
    )
    agreed = forms.CharField(
        label=_("What was agreed"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanForm(NFKCFormMixin, forms.Form):
    goals = forms.CharField(
        label=_("Goals"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    review_on = date_field(_("Review by"))


class PlanActionForm(NFKCFormMixin, forms.Form):
    action = forms.CharField(
        label=pgettext_lazy("support plan", "Action"), max_length=300, required=False
    )
    responsible = forms.ChoiceField(
        label=_("Responsible"),
        required=False,
        choices=[("", "---------"), *PlanAction.Organisation.choices],
    )

    def clean(self):
        data = super().clean()
        if data.get("action", "").strip() and not data.get("responsible"):
            self.add_error("responsible", _("Choose who is responsible for this action."))
        return data


PlanActionFormSet = forms.formset_factory(PlanActionForm, extra=EXTRA_ACTION_ROWS, max_num=20)


# Referrals ---------------------------------------------------------------------------------


class ReferralForm(NFKCFormMixin, forms.ModelForm):
    """What a liaison sends: the minimum the centre needs for a first contact. The school is
    the liaison's own, never chosen here."""

    class Meta:
        model = Referral
        fields = ["nickname", "grade", "situation", "reason", "consent_on", "consent_by"]
        widgets = {"consent_on": DateInput, "reason": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "nickname": _("A first name or nickname is enough: the centre uses it to greet."),
            "reason": _("What the centre should know before a first contact."),
        }

    def clean_grade(self):
        grade = self.cleaned_data.get("grade")
        if grade is not None and not 1 <= grade <= MAX_GRADE:
            raise forms.ValidationError(_("Enter a grade from 1 to %(max)s.") % {"max": MAX_GRADE})
        return grade


# The committee ---------------------------------------------------------------------------------


class CaseCodeChoiceField(forms.ModelMultipleChoiceField):
    """Cases by code and status only: the committee never sees a name."""

    def label_from_instance(self, case):
        return f"{case.code} ({case.get_status_display()})"


class MeetingForm(NFKCFormMixin, forms.Form):
    held_on = date_field(_("Date"))
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Name no one: write case codes. Minutes naming a young person are refused."),
    )
    cases = CaseCodeChoiceField(
        label=_("Cases reviewed"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        reviewable = ~Q(status=Case.Status.CLOSED)
        if meeting is not None:
            reviewable |= Q(reviews=meeting)
        self.fields["cases"].queryset = Case.objects.filter(reviewable).distinct().order_by("code")
