"""allauth's sign-up form, with the carrier-mail advice under the address (ACCOUNT_FORMS). The
participant's own fields come from `booking.web.forms.SignupProfileForm`, its base."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.utils.translation import gettext_lazy as _

from .carrier_mail import sender_domain


class SignupForm(AllauthSignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth adds the address field after its base class (ours) has run: set it here.
        self.fields["email"].help_text = _(
            "Using a docomo, au or softbank address? Allow mail from %(domain)s in your "
            "phone's settings first, or our mail will not reach you."
        ) % {"domain": sender_domain()}
