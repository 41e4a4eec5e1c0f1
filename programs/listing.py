"""Which programmes to show, and in what order.

Shared by the home page and the programme index. The number of SQL queries is fixed whatever the
number of programmes: sessions are computed in Python from the recurrence rules already loaded.
"""

from __future__ import annotations

import datetime as dt

from .schedule import has_schedule, next_session


def upcoming_programs(*, now: dt.datetime, kind: str | None = None, parent=None) -> list:
    """Live programmes that still have sessions ahead, soonest first; programmes without a
    regular schedule (consultations on request) follow, by title. Programmes whose schedule
    has ended are left out."""
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
    undated.sort(key=lambda p: p.title)
    return dated + undated
