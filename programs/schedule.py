"""Turning a programme's regular schedule (django-recurrence) into dated sessions.

django-recurrence is kept naive (RECURRENCE_USE_TZ = False): a rule says "Saturdays at 14:00"
in Masuda's wall-clock time. Everything here is computed in naive Asia/Tokyo time and returned
as aware datetimes, so callers never meet the library's time-zone traps (docs/stack-notes.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.time import local_zone

if TYPE_CHECKING:
    from .models import ProgramPage


@dataclass(frozen=True)
class Session:
    start: dt.datetime
    end: dt.datetime


def sessions_between(program: ProgramPage, start: dt.datetime, end: dt.datetime) -> list[Session]:
    """Sessions of `program` starting in [start, end). Bounds are aware datetimes."""
    rec = program.schedule
    if not rec or not (rec.rrules or rec.rdates) or program.start_time is None:
        return []
    zone = local_zone()
    naive_start = start.astimezone(zone).replace(tzinfo=None)
    naive_end = end.astimezone(zone).replace(tzinfo=None)
    first_day = program.starts_on or naive_start.date()
    dtstart = dt.datetime.combine(first_day, program.start_time)
    # By default django-recurrence adds dtstart as an occurrence even when it does not match
    # the rule ("first day" is a Thursday, the rule says Saturdays): turn that off.
    rec.include_dtstart = False
    # Exception dates are picked as dates in the widget (midnight): compare by day.
    excluded = {d.date() for d in rec.exdates}
    occurrences = rec.between(
        max(naive_start, dtstart) - dt.timedelta(seconds=1), naive_end, dtstart=dtstart, inc=True
    )
    duration = dt.timedelta(minutes=program.duration_minutes)
    sessions = []
    for occ in occurrences:
        # rdates picked in the widget carry no time of day: they happen at the usual time.
        occ = dt.datetime.combine(occ.date(), program.start_time)
        if occ.date() in excluded or occ < naive_start or occ >= naive_end:
            continue
        aware = occ.replace(tzinfo=zone)
        sessions.append(Session(start=aware, end=aware + duration))
    return sorted(set(sessions), key=lambda s: s.start)


def upcoming_sessions(
    program: ProgramPage, *, now: dt.datetime, limit: int = 5, horizon_days: int = 366
) -> list[Session]:
    """The next `limit` sessions that have not started yet."""
    return sessions_between(program, now, now + dt.timedelta(days=horizon_days))[:limit]


def next_session(program: ProgramPage, *, now: dt.datetime) -> Session | None:
    sessions = upcoming_sessions(program, now=now, limit=1)
    return sessions[0] if sessions else None


def has_schedule(program: ProgramPage) -> bool:
    rec = program.schedule
    return bool(rec and (rec.rrules or rec.rdates) and program.start_time is not None)
