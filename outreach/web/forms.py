"""The forms of the public 「相談する」 pages: the request itself and the writer's follow-up on
their private page. Everything typed is NFKC-normalised (full-width digits in a phone number
become half-width)."""

import re

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from core.text import NFKCFormMixin
from outreach.models import ConsultationRequest
from outreach.models.requests import BODY_MAX

Request = ConsultationRequest
# Dashes people type between the groups of a phone number (after NFKC: the katakana long
# vowel mark and the various dashes stay as they are).
PHONE_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\uff70]")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{8,18}[0-9]$")
# The honeypot's name: a field a person never sees (hidden by CSS, skipped by keyboard and
# screen readers) and a form-filling bot fills in.
HONEYPOT = "website"


class TelInput(forms.TextInput):
    input_type = "tel"


class RequestForm(NFKCFormMixin, forms.Form):
    writer = forms.ChoiceField(
        label=_("Who is writing?"),
        choices=Request.Writer.choices,
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label=_("What is it about? (optional, choose any)"),
        choices=Request.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("Write as much or as little as you like. A few words are enough."),
    )
    reply_by = forms.ChoiceField(
        label=_("How should we answer?"),
        choices=Request.ReplyBy.choices,
        initial=Request.ReplyBy.PAGE,
        widget=forms.RadioSelect,
    )
    # Both contacts are checked in `clean`, and only for the way of answering chosen: an
    # address typed and then abandoned for "phone" is not an error, and is not kept.
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput,
        help_text=_("Only if you chose e-mail."),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=TelInput,
        help_text=_("Only if you chose phone. We call from the centre's number."),
    )
    name = forms.CharField(
        label=_("Name or nickname (optional)"),
        max_length=40,
        required=False,
        help_text=_("What we may call you. Any name is fine."),
    )
    anonymous = forms.BooleanField(
        label=_("I want to stay anonymous (no name is kept)"),
        required=False,
    )
    source = forms.ChoiceField(
        label=_("Where did you hear of us? (optional)"),
        choices=[("", "—"), *[c for c in Request.Source.choices if c[0]]],
        required=False,
    )
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.update(maxlength=BODY_MAX)
        self.fields["email"].widget.attrs.update(autocomplete="email", inputmode="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel")
        self.fields["name"].widget.attrs.update(autocomplete="nickname")
        self.fields[HONEYPOT].widget.attrs.update(autocomplete="off", tabindex="-1")

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled in: answer as if all went well and keep nothing."""
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Please write a few words."))
        return body

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean(self):
        data = super().clean()
        reply_by = data.get("reply_by")
        email = data.get("email", "").strip()
        phone = PHONE_DASHES.sub("-", data.get("phone", "")).strip()
        data["email"] = data["phone"] = ""
        if reply_by == Request.ReplyBy.EMAIL:
            if not email:
                self.add_error("email", _("Please enter the e-mail address we should write to."))
            else:
                try:
                    validate_email(email)
                    data["email"] = email
                except forms.ValidationError:
                    self.add_error("email", _("Please check the e-mail address."))
        if reply_by == Request.ReplyBy.PHONE:
            if not phone:
                self.add_error("phone", _("Please enter the number we should call."))
            elif not PHONE.match(phone):
                self.add_error(
                    "phone",
                    _("Please enter a phone number with its area code, such as 0856-31-0000."),
                )
            else:
                data["phone"] = phone
        if data.get("anonymous"):
            data["name"] = ""
        return data

    # What the services take from the form (`submit_request`, `record_request`).
    REQUEST_FIELDS = ("writer", "topics", "body", "reply_by", "email", "phone", "name", "source")

    def request_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.REQUEST_FIELDS}


class FollowUpForm(NFKCFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Write to the centre"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs.update(maxlength=BODY_MAX)

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Please write a few words."))
        return body
