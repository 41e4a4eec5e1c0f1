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


def current_language() -> str:
    code = (translation.get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class ProfileForm(NFKCFormMixin, forms.Form):
    """Nickname, school and birth year. The birth year is required: a participant under 18
    needs guardian consent before the first attendance."""

    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=40,
        help_text=_("What staff may call you. It is never shown to other students."),
    )
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.all(),
        required=False,
        empty_label=_("None / not enrolled"),
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        help_text=_(
            "For example 2009. Under 18s need a guardian's consent form before taking part."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        oldest, youngest = birth_year_bounds()
        self.fields["birth_year"].widget.attrs.update(min=oldest, max=youngest)
        self.fields["nickname"].widget.attrs.update(autocomplete="nickname")

    def clean_nickname(self):
        nickname = self.cleaned_data["nickname"].strip()
        if not nickname:
            raise forms.ValidationError(_("Please enter a nickname."))
        return nickname

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
