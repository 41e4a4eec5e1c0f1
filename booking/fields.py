"""A model field for "which days of the week", edited as checkboxes, stored as "0,1,2"."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class WeekdaysFormField(forms.TypedMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        for key in ("max_length", "empty_value"):
            kwargs.pop(key, None)
        kwargs["choices"] = WEEKDAY_CHOICES
        kwargs["coerce"] = int
        super().__init__(**kwargs)


class WeekdaysField(models.CharField):
    description = "Days of the week (Monday = 0)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    @staticmethod
    def parse(value) -> list[int]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = value.split(",")
        return sorted({int(v) for v in value if str(v).strip().isdigit() and 0 <= int(v) <= 6})

    def from_db_value(self, value, expression, connection):
        return self.parse(value)

    def to_python(self, value):
        return self.parse(value)

    def get_prep_value(self, value):
        return ",".join(str(d) for d in self.parse(value))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        if not self.blank and not value:
            raise forms.ValidationError(_("Choose at least one day."), code="required")

    def formfield(self, **kwargs):
        return super(models.CharField, self).formfield(
            form_class=WeekdaysFormField, required=not self.blank, **kwargs
        )
