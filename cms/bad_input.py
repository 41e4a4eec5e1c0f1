"""Control characters are refused at the edge with 400, before any view sees them.

A NUL byte reaches PostgreSQL as an error ("A string literal cannot contain NUL characters")
and used to give a 500 from the search, a check-in code, an `.ics` code or a feed token. No
field of this site takes a control character: they are refused in the path, in the query
string and in form fields (there, and in the query string, a tab, CR or LF is only whitespace
from a text box). Uploaded files are not looked into. JSON bodies are the API's to validate.
"""

from __future__ import annotations

import re

from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

# C0 controls (and DEL). In query and form fields, tab, LF and CR are allowed.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MESSAGE = "Bad request: control characters are not allowed.\n"
# The JSON API answers every error as JSON, and validates its own bodies: its forms are never
# read here (reading a multipart body would leave nothing for the API to read).
API_PREFIX = "/api/"


def _has(pattern: re.Pattern, query_dict) -> bool:
    return any(
        pattern.search(key) or any(pattern.search(value) for value in values)
        for key, values in query_dict.lists()
    )


def has_control_characters(request) -> bool:
    if CONTROL.search(request.path_info) or _has(CONTROL_IN_TEXT, request.GET):
        return True
    if request.path_info.startswith(API_PREFIX):
        return False
    if request.method == "POST" and request.content_type in FORM_TYPES:
        try:
            post = request.POST
        except (MultiPartParserError, OSError):
            return False  # a broken body: left to the view and Django's own error handling
        return _has(CONTROL_IN_TEXT, post)
    return False


class RejectControlCharactersMiddleware:
    """Near the top of the stack (after SecurityMiddleware), before sessions and the views."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            # Before LocaleMiddleware: the site's default language (Japanese) speaks first.
            detail = _(
                "The request contains control characters (such as NUL), which no field accepts."
            )
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"code": "bad_input", "detail": detail}, status=400)
            return HttpResponseBadRequest(
                f"{detail}\n{MESSAGE}", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
