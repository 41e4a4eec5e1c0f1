"""Full-response caching of public pages for anonymous visitors, kept correct by versions.

Why hand-written: wagtail-cache (the well-kept library for this) requires wagtail<8.0 in its
latest release (3.0.0), so it cannot be installed beside Wagtail 8.

What is cached: anonymous GETs of the Wagtail page types listed in `POLICIES` and of the views
named in `VIEW_POLICIES` (week views, the slots API). Each entry is keyed by scheme, host,
path with query string and the active language, and it remembers under which versions it was
rendered:

- the *pages version*, bumped when any page is published, unpublished, moved or deleted, and
  when data shown around them changes (sites, social settings, images, view restrictions,
  study spaces and their opening hours); `cms.site_data` keeps what every page shows around
  its content under the same version;
- for pages that show places left or the next session, the *availability version*
  (`core.cache`), bumped after every committed booking, cancellation, closure or
  slot change. Such pages also get a short time-to-live, because "next session" moves on as
  time passes even when nobody books.

An entry whose versions are not the current ones is a miss; both versions and the entry come
back in one cache round trip. The cache must be shared by all worker processes (Redis or the
database cache in production), otherwise a version bumped in one worker is unseen by another.

What is never cached here: requests carrying a session or a pending-messages cookie (logged-in
users, anonymous visitors with a flash message; a logged-in student gets a copy of their own
instead, under the same versions and policies: cms/personal_cache.py), responses that set a
cookie, use a CSRF token, touch the session, or say `Cache-Control: private/no-store`, anything
but status 200, pages behind a view restriction, and query strings a page does not understand
(so that random parameters cannot fill the cache).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from core.cache import KEY as AVAILABILITY_KEY
from core.cache import PAGES_KEY, availability_version, bump_version, read_version

from . import personal_cache

PAGES_VERSION_KEY = PAGES_KEY
HEADER = "X-Page-Cache"
WAGTAIL_SERVE = "wagtail_serve"
# Messages waiting to be shown are kept in this cookie by Django's default message storage.
MESSAGES_COOKIE = "messages"
# Headers a cached copy must not carry to another visitor.
UNSHARED_HEADERS = {"set-cookie", HEADER.lower()}


@dataclass(frozen=True)
class Policy:
    timeout: int
    """Seconds an entry may be served at most."""
    availability: bool
    """Whether the page shows places left or upcoming sessions."""
    query_params: frozenset[str] = frozenset()
    """Query parameters the page reads; a request with any other parameter is not cached."""


# Unlisted page types are never cached: opting in is explicit.
POLICIES = {
    "cms.homepage": Policy(timeout=60, availability=True),
    "cms.contentpage": Policy(timeout=600, availability=False),
    "programs.programindexpage": Policy(
        timeout=60, availability=True, query_params=frozenset({"kind", "page"})
    ),
    "programs.programpage": Policy(timeout=60, availability=True),
}


# Plain Django views opt in by URL name: what anonymous visitors see there is the same for all
# of them. Week views and the slots API show places left and past/open states: availability
# version plus a minute at most, so a slot that has just started stops looking bookable soon
# (and booking it is refused by `book()` anyway, which never reads a cache).
VIEW_POLICIES = {
    "space_index": Policy(timeout=600, availability=False),
    "space_week": Policy(timeout=60, availability=True, query_params=frozenset({"week"})),
    "program_week": Policy(timeout=60, availability=True, query_params=frozenset({"week"})),
    "manabiba_api:list_slots": Policy(
        timeout=60,
        availability=True,
        query_params=frozenset({"start", "end", "space", "program"}),
    ),
    # Only ever a person's own page (anonymous visitors are sent to log in, which is no 200):
    # kept per person by cms/personal_cache.py. The API's bookings path is named after its
    # POST; a GET there lists the student's own bookings.
    "my_bookings": Policy(timeout=60, availability=True),
    "manabiba_api:create_booking": Policy(timeout=60, availability=True),
}


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_ENABLED", True)


def pages_version() -> int:
    return read_version(PAGES_VERSION_KEY)


def bump_pages_version(**kwargs) -> None:
    """Invalidate every cached page (a signal receiver, hence **kwargs)."""
    bump_version(PAGES_VERSION_KEY)


def policy_for_page(page) -> Policy | None:
    """`page` is the specific page Wagtail is about to serve."""
    return POLICIES.get(page._meta.label_lower)


def connect_signals() -> None:
    """Bump the pages version on every change a cached page may show."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .models import SocialSettings

    uid = "cms.page_cache"
    page_published.connect(bump_pages_version, dispatch_uid=f"{uid}.published")
    page_unpublished.connect(bump_pages_version, dispatch_uid=f"{uid}.unpublished")
    post_page_move.connect(bump_pages_version, dispatch_uid=f"{uid}.moved")
    post_delete.connect(bump_pages_version, sender=Page, dispatch_uid=f"{uid}.deleted")
    # A restriction hides a page from listings and the navigation (`.public()`).
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(
            bump_pages_version,
            sender=PageViewRestriction,
            dispatch_uid=f"{uid}.restriction.{name}",
        )
    from booking.models import OpeningHours, StudySpace

    for model in (StudySpace, OpeningHours):
        name = model._meta.label_lower
        post_save.connect(bump_pages_version, sender=model, dispatch_uid=f"{uid}.{name}.saved")
        post_delete.connect(bump_pages_version, sender=model, dispatch_uid=f"{uid}.{name}.deleted")
    for model in (Site, SocialSettings, get_image_model()):
        name = model._meta.label_lower
        # A new site changes which pages a host name serves; a new image or a settings row
        # created with empty defaults (on the first page view) changes no page.
        on_save = bump_pages_version if model is Site else _bump_unless_created
        post_save.connect(on_save, sender=model, dispatch_uid=f"{uid}.{name}.saved")
        post_delete.connect(bump_pages_version, sender=model, dispatch_uid=f"{uid}.{name}.deleted")


def _bump_unless_created(created=False, **kwargs) -> None:
    if not created:
        bump_pages_version()


def mark_cacheable(request, policy: Policy) -> None:
    """Ask the middleware to store this request's response (if it turns out shareable)."""
    request._page_cache_policy = policy


def _entry_key(request) -> str:
    raw = "|".join(
        [request.scheme, request.get_host(), request.get_full_path(), request.LANGUAGE_CODE]
    )
    return "pagecache:entry:" + hashlib.sha256(raw.encode()).hexdigest()


def _may_use_cache(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def _shareable(request, response, policy: Policy) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.method != "GET" or not _may_use_cache(request):
        return False
    if set(request.GET) - policy.query_params:
        return False
    # A CSRF token in the page is bound to one visitor's cookie.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


class PageCacheMiddleware:
    """Serve and store anonymous page responses. Place it after LocaleMiddleware (the key needs
    the active language) and before CsrfViewMiddleware and MessageMiddleware (so that the
    cookies they set are seen before storing).

    The cache is consulted in `process_view`, once the URL is resolved, and only for Wagtail's
    page view and the views in `VIEW_POLICIES`: every other request (the API's writes, the
    admin, the benchmark's minimal view) costs no cache round trip at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        versions = getattr(request, "_page_cache_versions", None)
        policy = getattr(request, "_page_cache_policy", None)
        if versions is not None and policy is not None and _shareable(request, response, policy):
            entry = {
                "pages": versions["pages"],
                "availability": versions["availability"] if policy.availability else None,
                "status": response.status_code,
                "headers": [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in UNSHARED_HEADERS
                ],
                "content": response.content,
            }
            cache.set(versions["key"], entry, timeout=policy.timeout)
            response[HEADER] = "miss"
        elif policy is not None:
            personal_cache.store(request, response, policy)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not enabled() or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else None
        policy = VIEW_POLICIES.get(view_name)
        if policy is None and view_name != WAGTAIL_SERVE:
            return None
        if not _may_use_cache(request):
            # A logged-in visitor: their own copy, if any (cms/personal_cache.py).
            if not personal_cache.wanted(request):
                return None
            if policy is not None:
                mark_cacheable(request, policy)
            return personal_cache.lookup(request)
        if policy is not None:
            mark_cacheable(request, policy)
        # Wagtail pages are marked later, by the before_serve_page hook, once the page type is
        # known; an entry can only exist for a page that was marked.
        key = _entry_key(request)
        found = cache.get_many([key, PAGES_VERSION_KEY, AVAILABILITY_KEY])
        entry = found.get(key)
        if entry is not None and self._fresh(entry, found):
            return self._response_from(entry)
        # The versions are read before rendering: a change committed while this request
        # renders bumps them, so the entry stored afterwards is already stale for the next one.
        request._page_cache_versions = {
            "key": key,
            "pages": found.get(PAGES_VERSION_KEY) or pages_version(),
            "availability": found.get(AVAILABILITY_KEY) or availability_version(),
        }
        return None

    @staticmethod
    def _fresh(entry, found) -> bool:
        if entry["pages"] != found.get(PAGES_VERSION_KEY):
            return False
        wanted = entry["availability"]
        return wanted is None or wanted == found.get(AVAILABILITY_KEY)

    @staticmethod
    def _response_from(entry) -> HttpResponse:
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        # It is still the anonymous variant of a page that differs for logged-in users.
        patch_vary_headers(response, ["Cookie"])
        response[HEADER] = "hit"
        return response
