"""Forms of the check-in desk: typing a booking code, finding and registering walk-ins,
guardian consent and yearly outcomes. The views hand cleaned data to `attendance.services`."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from attendance.models import Outcome
from booking.admin.forms import ParticipantForm
from booking.models import CODE_ALPHABET
from core.text import NFKCFormMixin, nfkc

# People read codes from a phone screen or a printout: accept lower case, spaces and dashes.
CODE_MAX_LENGTH = 12
OLDEST_FISCAL_YEAR = 2000


def normalise_code(text: str) -> str:
    return "".join(ch for ch in nfkc(text).upper() if ch not in " -")


class CodeForm(NFKCFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code or len(code) > CODE_MAX_LENGTH or any(c not in CODE_ALPHABET for c in code):
            raise forms.ValidationError(
                _("A booking code has 8 letters and digits, such as K7QM2XPA.")
            )
        return code


class WalkInSearchForm(NFKCFormMixin, forms.Form):
    q = forms.CharField(label=_("Nickname or reference"), max_length=40, required=False)


class NewWalkInForm(ParticipantForm):
    """Someone new at the desk: a nickname is enough; no account, no email needed."""

    class Meta(ParticipantForm.Meta):
        fields = ["nickname", "school", "birth_year"]


class ConsentForm(forms.Form):
    received_on = forms.DateField(
        label=_("Consent form received on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day < dt.date(OLDEST_FISCAL_YEAR, 1, 1):
            raise forms.ValidationError(_("Enter a date after 2000."))
        return day


class OutcomeForm(forms.ModelForm):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), widget=forms.HiddenInput)

    class Meta:
        model = Outcome
        fields = Outcome.FLAGS

    def __init__(self, *args, latest_fiscal_year: int, **kwargs):
        self.latest_fiscal_year = latest_fiscal_year
        super().__init__(*args, **kwargs)

    def clean_fiscal_year(self):
        year = self.cleaned_data["fiscal_year"]
        if not OLDEST_FISCAL_YEAR <= year <= self.latest_fiscal_year:
            raise forms.ValidationError(
                _("Choose a fiscal year between %(first)s and %(last)s.")
                % {"first": OLDEST_FISCAL_YEAR, "last": self.latest_fiscal_year}
            )
        return year

    def clean(self):
        data = super().clean()
        if data.get("passed_equivalency_exam") and not data.get("took_equivalency_exam"):
            # Passing means taking it: record both rather than refuse.
            data["took_equivalency_exam"] = True
        return data
