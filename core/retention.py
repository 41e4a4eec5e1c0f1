"""Holds on retention. The learning-support retention (`attendance.services.retention`) would
pseudonymise a participant after years without a visit; but the same person may still be
supported by another app above it (an outreach case with home visits and no visit to the study
space). Such an app registers a hold here, in its `AppConfig.ready`, instead of the retention
importing it: apps import only downward."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q

# Each hold gets the first moment of the retention period and returns a Q on Participant that
# matches the participants to keep.
Hold = Callable[[dt.datetime], Q]
_holds: list[Hold] = []


def register_hold(hold: Hold) -> Hold:
    if hold not in _holds:
        _holds.append(hold)
    return hold


def held_participants(since: dt.datetime) -> Q | None:
    """The participants some app still needs as they are, or None when no app holds any."""
    holds = [hold(since) for hold in _holds]
    if not holds:
        return None
    combined = holds[0]
    for q in holds[1:]:
        combined |= q
    return combined
