"""The report page's form: a fiscal year, an optional period inside it, and a file format."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ministry.models import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from ministry.services.downloads import FORMATS, MinistryReportError, checked_period

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class MinistryReportForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"), min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR
    )
    first_day = forms.DateField(
        label=_("From"), required=False, input_formats=DATE_FORMATS, widget=DateInput()
    )
    last_day = forms.DateField(
        label=_("Until"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=_(
            "Leave both empty for the whole year; for the mid-year report, end on 30 September."
        ),
    )
    format = forms.ChoiceField(choices=[("", ""), *((key, key) for key in FORMATS)], required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["first_day"], data["last_day"] = checked_period(
                data["fiscal_year"], data.get("first_day"), data.get("last_day")
            )
        except MinistryReportError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return data
