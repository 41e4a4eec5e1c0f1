"""Forms of the consultation-request inbox. They read what was typed (NFKC-normalised); the
rules are `outreach.services.requests`'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import NFKCFormMixin

from ..models import Case, ConsultationRequest
from ..models.requests import BODY_MAX
from ..web.forms import RequestForm
from .forms import AssignForm, NewCaseForm

Request = ConsultationRequest
OPEN = ""
ALL = "all"


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("Open requests")), *Request.Status.choices, (ALL, _("All requests"))],
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)


class ReplyForm(NFKCFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Reply"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The writer reads it as from 「センター」, never with your name. Write nothing you "
            "would not want a parent or a friend looking over their shoulder to read."
        ),
    )


class RequestStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Request.Status.choices)


class RequestAssignForm(AssignForm):
    """A lead's choice of staff; empty puts the request back in the shared inbox."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].required = False
        self.fields["user"].empty_label = _("Nobody (shared inbox)")


class OpenCaseForm(NewCaseForm):
    """The short confirmation between a request and its case: prefilled from the request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["found_via"].choices = Case.FoundVia.choices


class RecordRequestForm(RequestForm):
    """A request that came by phone, a visit, a social-media message or a school, written down
    by staff: the public form's fields and rules, plus the channel; no honeypot."""

    channel = forms.ChoiceField(
        label=_("How it came"),
        choices=[c for c in Request.Channel.choices if c[0] != Request.Channel.FORM],
    )
    field_order = ["channel"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        del self.fields["anonymous"]
        self.fields["body"].label = _("What they asked")
        self.fields["body"].help_text = _("In a few lines: what they want help with.")
        self.fields["reply_by"].help_text = _(
            "A private page: you get its link once, to pass on (by the same social-media "
            "conversation, say)."
        )

    @property
    def is_bot(self) -> bool:
        return False
