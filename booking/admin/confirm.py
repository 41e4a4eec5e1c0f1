"""The confirm step of an admin change that touches bookings (closing, new opening hours).

The form posts to itself; when valid and not yet confirmed, the view answers with a preview of
what saving would do, whose form posts the same data again with `confirm` (or `back`, to the
form with what was typed). The preview is computed by the services without changing anything,
and the change itself decides again under its locks: the message after it states what it did.
"""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

CONFIRM = "confirm"
BACK = "back"
OWN_FIELDS = {"csrfmiddlewaretoken", CONFIRM, BACK}


def confirmed(request) -> bool:
    return request.POST.get(CONFIRM) == "1"


def going_back(request) -> bool:
    return request.POST.get(BACK) == "1"


def reposted(request) -> list[tuple[str, str]]:
    """The posted fields, to post again from the preview (a checkbox list keeps every value)."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in OWN_FIELDS
        for value in values
    ]


def preview_response(request, template: str, context: dict, *, title: str, crumbs=()):
    return TemplateResponse(
        request,
        template,
        {
            "header_title": title,
            "page_title": title,
            "header_icon": "warning",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                *crumbs,
                {"url": "", "label": title},
            ],
            "reposted": reposted(request),
            "action_url": request.get_full_path(),
            **context,
        },
    )
