"""Forms for the staff admin: closing a space or a programme, and registering walk-ins."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from booking.models import Closure, Participant, StudySpace
from core.text import NFKCFormMixin
from programs.models import ProgramPage

# A closure is for a suspension (weeks, a term), not for rewriting the calendar for years.
MAX_CLOSURE_DAYS = 366


class CloseForm(NFKCFormMixin, WagtailAdminModelForm):
    """Close either a study space or a programme for a date range. The view hands the cleaned
    data to `booking.services.close`; this form never writes a closure or a booking itself."""

    space = forms.ModelChoiceField(
        label=_("Study space"), queryset=StudySpace.objects.all(), required=False
    )
    program = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=ProgramPage.objects.order_by("title"),
        required=False,
        help_text=_("Choose a study space or a programme, not both."),
    )

    class Meta:
        model = Closure
        fields = ["space", "program", "first_day", "last_day", "reason", "online_alternative"]

    def clean(self):
        data = super().clean()
        space, program = data.get("space"), data.get("program")
        if bool(space) == bool(program):
            raise forms.ValidationError(_("Choose either a study space or a programme."))
        first_day, last_day = data.get("first_day"), data.get("last_day")
        if first_day and last_day:
            if last_day < first_day:
                self.add_error("last_day", _("The last day must not be before the first day."))
            elif (last_day - first_day).days >= MAX_CLOSURE_DAYS:
                self.add_error(
                    "last_day",
                    _("A closure can last at most %(days)s days.") % {"days": MAX_CLOSURE_DAYS},
                )
        return data


class ClosureTextForm(NFKCFormMixin, WagtailAdminModelForm):
    """After a closure is made only its texts can change: dates and target are fixed, because
    people were already told. Reopen it and close again to change the dates."""

    class Meta:
        model = Closure
        fields = ["reason", "online_alternative"]


class ParticipantForm(NFKCFormMixin, WagtailAdminModelForm):
    """A participant as staff see it. The reference (P-0001) is given by the service."""

    class Meta:
        model = Participant
        fields = ["nickname", "school", "birth_year", "contact_email", "language"]

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not (1950 <= year <= this_year):
            raise forms.ValidationError(
                _("Enter a year between 1950 and %(year)s.") % {"year": this_year}
            )
        return year
