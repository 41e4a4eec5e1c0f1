"""Per-person copies of the admin pages people reload all day: the dashboard, the check-in
desk's day and roster, and the yearly attendance report page.

A profile of these pages (issue #12) found 30-55 ms each, most of it Wagtail's admin rendering
(the sidebar's menu, built from a dozen permission checks; the dashboard's panels; a roster of
40 rows) and 11-22 queries: 0.02-0.04 of the minimal view, for pages whose content changes only
when someone writes something. So, as for students (`cms.personal_cache`), a page is kept as
ONE COPY PER PERSON, SESSION AND CSRF COOKIE, and given back only while nothing it could show
has changed since:

- the pages version (anything published, moved or restricted), the availability version (any
  booking, cancellation, closure or slot), the attendance version (any visit, outcome or school,
  the importer's bulk insert included), the person's own version (their account and groups), and
  the *admin data version* below, bumped after every committed save or delete of any other
  model (a consent form, a case, a workflow task, a group's permissions, an image...);
- within a short time-to-live (`PAGES`), which bounds what moves with the clock alone: a slot
  that has ended, "3 minutes ago" on the dashboard. The check-in desk is never older than the
  last committed check-in: every check-in bumps the attendance version. Writes that bypass
  model signals (`QuerySet.update`, `bulk_create`) either come with a saved model or an explicit
  bump in the same transaction (a closure, a support plan, the importer) or change nothing
  these pages show (the yearly retention commands, the mail workers' bookkeeping); anything
  else would be seen within the time-to-live.

It sits after `StaffSessionMiddleware`, so the idle timeout, the second factor and the "no
students in the admin" rule run on every request, copy or not. Only GETs of the pages listed,
with no query parameter but those listed (never `?export=`: downloads are audited each time),
from a session given admin access, with no flash message waiting. A copy is kept only of a 200
that set no cookie but the same CSRF cookie, left the session unmodified and showed no message.
None of these pages writes an audit entry when viewed; the pages that do (a participant's
record, a case) are not listed, so every view of them is still logged.

Wagtail's `Cache-Control: no-store` goes back to the browser unchanged: this copy is the
server's, keyed to one browser's session, like the session itself.
`ADMIN_PAGE_CACHE_ENABLED = False` turns only this off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction

from cms.accounts.middleware import ADMIN_SESSION
from core.cache import (
    ATTENDANCE_KEY,
    PAGES_KEY,
    bump_version,
    keep_under_versions,
    read_under_versions,
)
from core.cache import KEY as AVAILABILITY_KEY

from . import personal_cache

ADMIN_DATA_KEY = "admin:data-version"


@dataclass(frozen=True)
class AdminPage:
    timeout: int
    query_params: frozenset[str] = frozenset()


# URL name -> how long a copy may live and which query parameters it may have.
PAGES = {
    "wagtailadmin_home": AdminPage(timeout=30),
    "checkin_home": AdminPage(timeout=30),
    "checkin_roster": AdminPage(timeout=30),
    "attendance_report": AdminPage(timeout=60, query_params=frozenset({"fiscal_year"})),
}

# Models whose writes change nothing these pages show, and are written often: sessions, the
# versions themselves, audit entries (written by views of personal data), queued mail and tasks;
# and bookings, whose every change goes through booking.services, which bumps the availability
# version (in the key already): a second version row updated by every booking and cancellation
# made them wait on each other's row lock (DELETE /api/v1/bookings fell from 0.154 to 0.133 of
# the minimal view in `make bench`).
UNWATCHED = {
    ("booking", "booking"),
    ("booking", "sentmail"),  # the mail outbox's claims, written by the mail worker
    ("sessions", "session"),
    ("core", "cacheversion"),
    ("django_tasks_database", "dbtaskresult"),
    ("wagtailcore", "modellogentry"),
    ("wagtailcore", "pagelogentry"),
    # An editor's open page pings it every few seconds (Wagtail's concurrent-editing notice).
    ("wagtailadmin", "editingsession"),
}


def enabled() -> bool:
    return personal_cache.enabled() and getattr(settings, "ADMIN_PAGE_CACHE_ENABLED", True)


def page_for(request) -> AdminPage | None:
    """The listed admin page this request may be answered from a copy of, or None (once the
    URL is resolved: `request.resolver_match`)."""
    if not enabled() or request.method not in ("GET", "HEAD"):
        return None
    if request.COOKIES.get(personal_cache.MESSAGES_COOKIE):  # a deleted one comes back empty
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = request.session
    if not session.get(ADMIN_SESSION) or session.get(personal_cache.MESSAGES_SESSION_KEY):
        return None
    match = request.resolver_match
    page = PAGES.get(match.url_name) if match else None
    if page is None or set(request.GET) - page.query_params:
        return None
    return page


def versions_of(request) -> list[str]:
    return [
        PAGES_KEY,
        AVAILABILITY_KEY,
        ATTENDANCE_KEY,
        ADMIN_DATA_KEY,
        personal_cache.person_key(request.user.pk),
    ]


class AdminPageCacheMiddleware:
    """After `cms.accounts.middleware.StaffSessionMiddleware` (see the module's docstring): its
    rules have run by the time `process_view` looks for a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_admin_copy", None)
        if pending is not None and request.method == "GET" and keepable(request, response):
            key, versions, page = pending
            entry = personal_cache.entry_of(response)
            keep_under_versions(key, entry, versions, timeout=page.timeout)
            response[personal_cache.HEADER] = "miss-admin"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        page = page_for(request)
        if page is None:
            return None
        key = personal_cache.copy_key(request, namespace="admin")
        found, entry, versions = read_under_versions(key, versions_of(request))
        if found:
            return personal_cache.response_from(entry, "hit-admin")
        request._admin_copy = (key, versions, page)
        return None


def keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not personal_cache.only_same_csrf_cookie(request, response):
        return False
    if request.session.modified:
        return False
    # A message shown on this page must not be shown again from the copy.
    storage = getattr(request, "_messages", None)
    return storage is None or not storage.used


# The admin data version ------------------------------------------------------------------------


def _bump_admin_data() -> None:
    bump_version(ADMIN_DATA_KEY)


def schedule_bump(using: str) -> None:
    """Bump the admin data version once the transaction commits, once per transaction however
    many rows it writes (a rolled-back savepoint drops the callback, and the next write
    schedules it again)."""
    connection = connections[using]
    if connection.in_atomic_block and any(
        callback is _bump_admin_data for _sids, callback, _robust in connection.run_on_commit
    ):
        return
    # Robust: a cache or database hiccup while bumping is logged, never raised into the write
    # that committed (copies then live out their time-to-live at most).
    transaction.on_commit(_bump_admin_data, using=using, robust=True)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def changed(sender, using=None, action="post", **kwargs):
        if not action.startswith("post"):
            return  # m2m_changed's pre_add, pre_remove, pre_clear
        meta = getattr(sender, "_meta", None)
        if meta is None or (meta.app_label, meta.model_name) in UNWATCHED:
            return
        if not enabled():
            return
        schedule_bump(using or "default")

    uid = "cms.admin_cache"
    post_save.connect(changed, dispatch_uid=f"{uid}.save", weak=False)
    post_delete.connect(changed, dispatch_uid=f"{uid}.delete", weak=False)
    m2m_changed.connect(changed, dispatch_uid=f"{uid}.m2m", weak=False)
