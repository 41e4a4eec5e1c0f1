"""Creating slots ahead of time, and keeping them in step with schedules.

Slots are saved rows created over a rolling horizon (cron runs `generate_slots`; editing a
schedule calls `sync_owner_slots`). A slot that no longer matches its schedule is deleted when
nobody booked it; with bookings it is cancelled explicitly and its people are told. Past slots
are never touched: they are the attendance record.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from schedule.models import Event
from schedule.periods import Period

from core.cache import bump_availability
from core.time import local_date, local_zone, start_of_day
from programs.models import ProgramPage
from programs.schedule import sessions_between

from ..models import Booking, Closure, Slot, SlotOwner, StudySpace
from . import notifications
from .bookings import promote_waitlisted
from .locks import busy_when_locked, set_lock_timeout

DEFAULT_HORIZON_DAYS = 28


@dataclass(frozen=True)
class TimeRange:
    start: dt.datetime
    end: dt.datetime


def space_periods(space: StudySpace, start: dt.datetime, end: dt.datetime) -> list[TimeRange]:
    """Opening periods of a study space from its django-scheduler events, cut into
    `slot_minutes` pieces when set."""
    if space.calendar_id is None:
        return []
    events = Event.objects.filter(calendar_id=space.calendar_id).select_related("rule")
    period = Period(events, start, end, tzinfo=local_zone())
    # A persisted, cancelled occurrence is still returned by django-scheduler: skip it.
    occurrences = [o for o in period.get_occurrences() if not o.cancelled]
    pieces = []
    for occ in occurrences:
        if space.slot_minutes:
            step = dt.timedelta(minutes=space.slot_minutes)
            cursor = occ.start
            while cursor + step <= occ.end:
                pieces.append(TimeRange(cursor, cursor + step))
                cursor += step
        else:
            pieces.append(TimeRange(occ.start, occ.end))
    return sorted({p for p in pieces if p.start >= start}, key=lambda p: p.start)


def program_periods(program: ProgramPage, start: dt.datetime, end: dt.datetime) -> list[TimeRange]:
    return [TimeRange(s.start, s.end) for s in sessions_between(program, start, end)]


def _closure_for(day: dt.date, closures: list[Closure]) -> Closure | None:
    for closure in closures:
        if closure.first_day <= day <= closure.last_day:
            return closure
    return None


@busy_when_locked
def sync_owner_slots(
    owner: SlotOwner, *, now: dt.datetime, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> dict:
    """Make `owner`'s future slots match its schedule up to the horizon. Returns counts."""
    key = owner.slot_key
    capacity = owner.capacity_per_slot
    start = now
    # Slots exist at least as far ahead as people may book them.
    horizon_days = max(horizon_days, owner.advance_days)
    end = start_of_day(local_date(now) + dt.timedelta(days=horizon_days + 1))
    # The schedules differ: opening hours in django-scheduler, or the programme's recurrence.
    if isinstance(owner, StudySpace):
        wanted = space_periods(owner, start, end)
    elif owner.live and owner.booking_required:
        wanted = program_periods(owner, start, end)
    else:
        wanted = []
    closures = list(Closure.objects.filter(reopened_at__isnull=True, **key))
    counts = {"created": 0, "deleted": 0, "cancelled": 0, "updated": 0}

    with transaction.atomic():
        set_lock_timeout()
        existing = {
            s.start: s
            for s in Slot.objects.select_for_update()
            .filter(start__gt=now, start__lt=end, **key)
            .annotate(
                has_bookings=Exists(
                    Booking.objects.filter(slot=OuterRef("pk"), status__in=Booking.ACTIVE)
                )
            )
        }
        wanted_starts = {p.start for p in wanted}
        for period in wanted:
            slot = existing.get(period.start)
            closure = _closure_for(local_date(period.start), closures)
            if slot is None:
                # Another sync of this owner (cron on a second host, an editor saving) may have
                # created it since we read: keep theirs and do not count it.
                try:
                    with transaction.atomic():
                        Slot.objects.create(
                            start=period.start,
                            end=period.end,
                            capacity=capacity,
                            closure=closure,
                            **key,
                        )
                except IntegrityError:
                    continue
                counts["created"] += 1
            elif slot.status == Slot.Status.CANCELLED and slot.cancel_reason == "schedule":
                # The schedule came back (an edit was undone): the time takes place again.
                # Its old bookings stay cancelled; their people were told and may book again.
                slot.status = Slot.Status.OPEN
                slot.cancel_reason = ""
                slot.capacity = capacity
                slot.end = period.end
                slot.save(update_fields=["status", "cancel_reason", "capacity", "end"])
                counts["updated"] += 1
            elif slot.status == Slot.Status.OPEN and (
                slot.capacity != capacity or slot.end != period.end
            ):
                # Lowering capacity keeps every existing booking; it only stops new ones.
                # Raising it gives the new places to the waiting list first.
                slot.capacity = capacity
                slot.end = period.end
                slot.save(update_fields=["capacity", "end"])
                promote_waitlisted(slot, now=now)
                counts["updated"] += 1
        for start_at, slot in existing.items():
            if start_at in wanted_starts or slot.status == Slot.Status.CANCELLED:
                continue
            if slot.has_bookings:
                cancel_slot(slot, now=now, reason="schedule")
                counts["cancelled"] += 1
            else:
                slot.delete()
                counts["deleted"] += 1
    if any(counts.values()):
        bump_availability()
    return counts


def cancel_slot(slot: Slot, *, now: dt.datetime, reason: str) -> int:
    """Cancel a slot that no longer takes place; each active booking is kept, marked and told."""
    slot.status = Slot.Status.CANCELLED
    slot.cancel_reason = reason
    slot.save(update_fields=["status", "cancel_reason"])
    affected = list(slot.bookings.select_for_update().filter(status__in=Booking.ACTIVE))
    for booking in affected:
        booking.status = Booking.Status.CANCELLED_BY_SCHEDULE
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        notifications.booking_changed(booking, "rescheduled")
    return len(affected)


def generate_slots(*, now: dt.datetime, horizon_days: int = DEFAULT_HORIZON_DAYS) -> dict:
    """Create and update slots for every study space and every live, bookable programme."""
    totals = {"created": 0, "deleted": 0, "cancelled": 0, "updated": 0}
    programs = list(ProgramPage.objects.live().filter(booking_required=True))
    # Programmes no longer live or bookable keep their booked slots until they are synced:
    # include programmes that still have future slots.
    programs += list(
        ProgramPage.objects.filter(slots__start__gt=now)
        .exclude(pk__in=[p.pk for p in programs])
        .distinct()
    )
    owners = list(StudySpace.objects.all()) + programs
    for owner in owners:
        for key, value in sync_owner_slots(owner, now=now, horizon_days=horizon_days).items():
            totals[key] += value
    return totals
