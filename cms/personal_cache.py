"""Per-person copies of the pages a logged-in student opens (the page cache's second half).

A student stays logged in for weeks, so every page they open was rendered afresh: 4-10 queries
and 20-50 ms of templates for a page that changes only when something they can see changes.
The anonymous page cache (`cms.page_cache`) cannot serve them (their page has their nickname,
their "booked" marks and a CSRF token). This keeps ONE COPY PER PERSON AND SESSION instead:

- The key names the user, their session key and their CSRF cookie, beside the scheme, host,
  path with query and language. Another person, another login (a new session key) or a renewed
  CSRF cookie is another key, so a copy can only ever go back to the browser it was made for.
- A copy remembers the versions it was rendered under and is served only while all of them are
  current: the *pages version* (anything published), the *availability version* (any booking,
  cancellation, closure or slot change by anyone, so places left and the student's own bookings
  are never stale) and the person's own version, bumped when their account or participant
  profile is saved (nickname, school, calendar address). Everything comes back in one cache
  round trip; the policy's time-to-live still bounds "open now" states that move with the clock.
- Never kept: sessions given admin access (Wagtail's user bar and the staff session rules),
  requests with a flash message waiting (cookie or session), responses that set a cookie,
  modify the session, or say no-store (Wagtail's view-restricted pages), anything but a 200.

A hit costs the session and the user (two queries with database sessions) and one cache round
trip. `PERSONAL_PAGE_CACHE_ENABLED = False` turns only this half off.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from cms.accounts.middleware import ADMIN_SESSION
from core.cache import KEY as AVAILABILITY_KEY
from core.cache import PAGES_KEY, bump_version, keep_under_versions, read_under_versions

HEADER = "X-Page-Cache"
# Django's message storages: the cookie, and the session key used when the cookie overflows.
MESSAGES_COOKIE = "messages"
MESSAGES_SESSION_KEY = "_messages"
UNSHARED_HEADERS = {"set-cookie", HEADER.lower()}


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_ENABLED", True) and getattr(
        settings, "PERSONAL_PAGE_CACHE_ENABLED", True
    )


def person_key(user_id) -> str:
    return f"pagecache:person:{user_id}"


def bump_person(user_id) -> None:
    """Retire every copy of this person's pages once the change commits."""
    if user_id is not None:
        transaction.on_commit(lambda: bump_version(person_key(user_id)))


def wanted(request) -> bool:
    """Whether this request is a logged-in GET that a personal copy may answer (cheap checks
    first: no session cookie, no database)."""
    if not enabled() or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or MESSAGES_COOKIE in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = request.session
    return not session.get(ADMIN_SESSION) and not session.get(MESSAGES_SESSION_KEY)


def copy_key(request, namespace: str = "personal") -> str:
    """The cache key of this person's copy of this URL, for this session and CSRF cookie."""
    raw = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.LANGUAGE_CODE,
            str(request.user.pk),
            request.session.session_key or "",
            request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        ]
    )
    return f"pagecache:{namespace}:" + hashlib.sha256(raw.encode()).hexdigest()


def lookup(request):
    """The person's copy of this page while it is current (a response), else None; on a miss
    the versions read now are kept on the request for `store`."""
    key = copy_key(request)
    versions = [PAGES_KEY, AVAILABILITY_KEY, person_key(request.user.pk)]
    found, entry, current = read_under_versions(key, versions)
    if found:
        return response_from(entry, "hit-personal")
    request._personal_cache = {"key": key, "versions": current}
    return None


def store(request, response, policy) -> None:
    """Keep the response as this person's copy when it is safe to give back to them."""
    pending = getattr(request, "_personal_cache", None)
    if pending is None or not _keepable(request, response, policy):
        return
    keep_under_versions(
        pending["key"], entry_of(response), pending["versions"], timeout=policy.timeout
    )
    mark_private(response)
    response[HEADER] = "miss-personal"


def _keepable(request, response, policy) -> bool:
    if (
        response.status_code != 200
        or response.streaming
        or not only_same_csrf_cookie(request, response)
    ):
        return False
    if request.method != "GET" or set(request.GET) - policy.query_params:
        return False
    session = request.session
    if session.modified or session.get(ADMIN_SESSION) or session.get(MESSAGES_SESSION_KEY):
        return False
    return "no-store" not in response.get("Cache-Control", "")


def only_same_csrf_cookie(request, response) -> bool:
    """No cookie set, or only the CSRF cookie the browser already sent, with the same secret:
    Django sets it again on every page with a form (to renew its age), and the copy's tokens
    are bound to it. A new secret (a first form, a rotated token) is never kept."""
    sent = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    for name, morsel in response.cookies.items():
        if name != settings.CSRF_COOKIE_NAME or not sent or morsel.value != sent:
            return False
    return True


def entry_of(response) -> dict:
    """What is kept of a response: status, headers but cookies, body."""
    return {
        "status": response.status_code,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSHARED_HEADERS
        ],
        "content": response.content,
    }


def response_from(entry, state: str):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    mark_private(response)
    response[HEADER] = state
    return response


def mark_private(response) -> None:
    # One person's page: no shared cache on the way (a proxy, a school's gateway) may keep it.
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])


def connect_signals() -> None:
    """Bump a person's version when what their pages show about them changes."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from booking.models import Participant

    def user_changed(instance, **kwargs):
        bump_person(instance.pk)

    def participant_changed(instance, **kwargs):
        bump_person(instance.user_id)

    def groups_changed(instance, **kwargs):
        # A new role changes what a page offers (the user bar comes with the next login).
        if isinstance(instance, get_user_model()):
            bump_person(instance.pk)

    uid = "cms.personal_cache"
    user_model = get_user_model()
    post_save.connect(user_changed, sender=user_model, dispatch_uid=f"{uid}.user", weak=False)
    post_save.connect(
        participant_changed, sender=Participant, dispatch_uid=f"{uid}.participant", weak=False
    )
    post_delete.connect(
        participant_changed, sender=Participant, dispatch_uid=f"{uid}.participant.del", weak=False
    )
    m2m_changed.connect(
        groups_changed, sender=user_model.groups.through, dispatch_uid=f"{uid}.groups", weak=False
    )
