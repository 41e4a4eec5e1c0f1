"""Which programmes to show, and in what order.

Shared by the home page and the programme index. The number of SQL queries is fixed whatever the
number of programmes: sessions are computed in Python from the recurrence rules already loaded,
and the places left on every next session come in one query (programs.places).
"""

from __future__ import annotations

import datetime as dt

from .places import session_places
from .schedule import has_schedule, next_session


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
