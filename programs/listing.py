"""Which programmes to show, and in what order.

Shared by the home page and the programme index. The number of SQL queries is fixed whatever the
number of programmes: sessions are computed in Python from the recurrence rules already loaded,
and the places left on every next session come in one query (programs.places).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core.cache import cached_under_versions

from .places import session_places
from .schedule import has_schedule, next_session

# As long as the page cache keeps a page that shows the next sessions: "next" moves on with
# the clock even when nobody books or publishes.
SHARED_TIMEOUT = 60


def shared_upcoming_programs(*, now: dt.datetime, kind: str | None = None, parent=None) -> list:
    """`upcoming_programs`, computed once for every visitor (logged-in students included)
    while no page, image or booking has changed, and for a minute at most. Nothing in it
    depends on the visitor. Off where the page cache is off (tests measure the real work)."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True):
        return upcoming_programs(now=now, kind=kind, parent=parent)
    key = f"programs:upcoming:{kind or ''}:{parent.pk if parent is not None else ''}"
    return cached_under_versions(
        key,
        lambda: without_private_fields(upcoming_programs(now=now, kind=kind, parent=parent)),
        timeout=SHARED_TIMEOUT,
    )


# Fields a shared copy must never carry: the online meeting link reaches confirmed bookings
# only (booking.services.meeting_links), never a cache every visitor reads.
PRIVATE_FIELDS = ("meeting_url",)


def without_private_fields(pages: list) -> list:
    for page in pages:
        for field in PRIVATE_FIELDS:
            setattr(page, field, "")
    return pages


def upcoming_programs(*, now: dt.datetime, kind: str | None = None, parent=None) -> list:
    """Live programmes that still have sessions ahead, soonest first; programmes without a
    regular schedule (consultations on request) follow, by title. Programmes whose schedule
    has ended are left out. Each carries `next_session` and `next_places` (the places left on
    it, programs.places: one query for them all)."""
    from .models import ProgramPage

    pages = (
        ProgramPage.objects.live()
        .public()
        .select_related("hero_image")
        .prefetch_related("hero_image__renditions")
    )
    if parent is not None:
        pages = pages.child_of(parent)
    if kind:
        pages = pages.filter(kind=kind)

    dated, undated = [], []
    for page in pages:
        if has_schedule(page):
            page.next_session = next_session(page, now=now)
            if page.next_session is not None:
                dated.append(page)
        else:
            page.next_session = None
            undated.append(page)
    dated.sort(key=lambda p: (p.next_session.start, p.title))
    places = session_places([(p, p.next_session.start) for p in dated], now=now)
    for page in dated:
        page.next_places = places.get((page.pk, page.next_session.start))
    for page in undated:
        page.next_places = None
    undated.sort(key=lambda p: p.title)
    return dated + undated
