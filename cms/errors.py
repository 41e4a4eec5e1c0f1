"""Error pages a visitor can act on, in their own language.

404 and 403 are Django's own views with our templates (`404.html`, `403.html`: the site's
header, a way home). Two need views of their own:

- A CSRF failure: Django's view renders its template without the request, so it could show
  neither the site's header nor a link back. Ours is usually a stale tab (a booking page left
  open for hours, or a login elsewhere since): it says so and offers the page the form was on.
- A server error: it may come from the database being down, so `500.html` is self-contained
  (no context processors, no query, no `request` in the template). The language comes from the
  visitor's cookie or browser, read without touching the session or the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


def same_site_referer(request) -> str:
    """The page the visitor came from, when it is on this site; otherwise ""."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return ""


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW. The reason stays in the log (Django's CSRF middleware writes it to
    `django.security.csrf`), never on the page."""
    return render(request, "403_csrf.html", {"back_url": same_site_referer(request)}, status=403)


def request_language(request) -> str:
    """The language of the visitor's cookie or browser, as LocaleMiddleware picks it."""
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


def server_error(request, template_name: str = "500.html"):
    """handler500: `500.html` rendered with a plain context, so that nothing in it can reach
    the database that may have caused the error."""
    with translation.override(request_language(request)):
        body = loader.get_template(template_name).render(
            {"LANGUAGE_CODE": translation.get_language()}
        )
    return HttpResponseServerError(body)
