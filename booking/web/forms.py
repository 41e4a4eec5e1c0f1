"""Forms students fill in: the minimum participant profile, at sign-up or afterwards."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from booking.models import Participant
from booking.services.participants import create_participant
from core.models import School
from core.text import NFKCFormMixin

# Students are teenagers; the range also admits older people who left school years ago.
OLDEST_AGE = 80
YOUNGEST_AGE = 10


def birth_year_bounds(today: dt.date | None = None) -> tuple[int, int]:
    year = (today or timezone.localdate()).year
    return year - OLDEST_AGE, year - YOUNGEST_AGE


# The school is a choice the student makes: an empty default would count everyone who skipped
# the field as "not at a partner school" in the school figures.
NO_SCHOOL = "none"


def school_choices() -> list[tuple[str, str]]:
    schools = [(str(school.pk), school.name) for school in School.objects.all()]
    return [("", _("Please choose")), *schools, (NO_SCHOOL, _("Not at school / another school"))]


def current_language() -> str:
    code = (translation.get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ProfileForm(NFKCFormMixin, forms.Form):
    """Nickname, school and birth year. The birth year is required: a participant under 18
    needs guardian consent before the first attendance. No field has a half-width rule:
    full-width digits and letters are read as half-width (`NFKCFormMixin`, `int`)."""

    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=40,
        help_text=_("What staff may call you. It is never shown to other students."),
    )
    school = forms.ChoiceField(label=_("School"), choices=school_choices)
    # A text box with the digit keypad, not <input type=number>: a number box drops the
    # full-width digits a Japanese keyboard types and the form then says "required".
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2009"}),
        help_text=_(
            "If you are under 18, please hand in your guardian's consent form at the "
            "reception on your first visit."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nickname"].widget.attrs.update(autocomplete="nickname")

    def clean_nickname(self):
        nickname = self.cleaned_data["nickname"].strip()
        if not nickname:
            raise forms.ValidationError(_("Please enter a nickname."))
        return nickname

    def clean_school(self) -> School | None:
        value = self.cleaned_data["school"]
        if value == NO_SCHOOL:
            return None
        school = School.objects.filter(pk=value).first() if value.isdigit() else None
        if school is None:  # removed since the page was shown
            raise forms.ValidationError(_("Please choose your school again."))
        return school

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        oldest, youngest = birth_year_bounds()
        if not oldest <= year <= youngest:
            raise forms.ValidationError(
                _("Please enter a year between %(oldest)s and %(youngest)s.")
                % {"oldest": oldest, "youngest": youngest}
            )
        return year

    def create_participant(self, user) -> Participant:
        data = self.cleaned_data
        return create_participant(
            nickname=data["nickname"],
            school=data["school"],
            birth_year=data["birth_year"],
            contact_email=user.email,
            user=user,
            language=current_language(),
        )


class SignupProfileForm(ProfileForm):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS): allauth calls `signup`
    once the account exists, inside the same request."""

    def signup(self, request, user) -> None:
        self.create_participant(user)
