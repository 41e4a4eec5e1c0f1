"""Creating slots ahead of time, and keeping them in step with schedules.

Slots are saved rows created over a rolling horizon (cron runs `generate_slots`; editing a
schedule calls `sync_owner_slots`). A slot that no longer matches its schedule is deleted when
nobody booked it; with bookings it is cancelled explicitly and its people are told; a booked
slot whose end moves keeps its bookings and its people are told the new time. Past slots are
never touched: they are the attendance record.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
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


@dataclass(frozen=True)
class AffectedSlot:
    """A booked slot that a schedule change moves or cancels: one line of the admin's preview,
    and of its report once saved."""

    slot_id: int
    start: dt.datetime
    end: dt.datetime
    new_end: dt.datetime | None  # None: cancelled, its time no longer in the schedule
    bookings: int  # active ones: confirmed and waiting
    reachable: int  # of them, people with a mail address: each gets a mail

    @property
    def cancelled(self) -> bool:
        return self.new_end is None


class SlotChanges(dict):
    """What a sync did, as counts: slots `created`, `updated` (unbooked, or brought back),
    `deleted` (unbooked), `cancelled` and `moved` (booked: their people are mailed), and the
    mails: `told` (people mailed about a moved or cancelled booking) and `unreachable` (booked
    people without an address, whom staff must tell themselves). `affected`: the booked slots
    one by one. A dict, so that callers that add counts up keep working."""

    KEYS = ("created", "updated", "deleted", "cancelled", "moved", "told", "unreachable")

    def __init__(self, affected: list[AffectedSlot] | None = None):
        super().__init__(dict.fromkeys(self.KEYS, 0))
        self.affected = affected or []

    def add(
        self, slot: Slot, told: list[Booking], *, end: dt.datetime, new_end: dt.datetime | None
    ) -> None:
        """Count a booked slot moved (to `new_end`) or cancelled, and the bookings told."""
        reachable = sum(1 for booking in told if booking.participant.email)
        self.affected.append(AffectedSlot(slot.pk, slot.start, end, new_end, len(told), reachable))
        self["moved" if new_end else "cancelled"] += 1
        self["told"] += reachable
        self["unreachable"] += len(told) - reachable


def _count(bookings) -> Coalesce:
    counted = bookings.order_by().values("slot").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _future_slots(owner: SlotOwner, *, now: dt.datetime, end: dt.datetime, lock: bool) -> dict:
    """The owner's slots starting after `now` and before `end`, by start, each with its active
    bookings counted (`booked`) and how many of those people have an address (`reachable`).
    With `lock`, the slots are locked first and counted by a second statement: one statement
    would count from before its wait for the locks, missing a booking committed meanwhile."""
    slots = Slot.objects.filter(start__gt=now, start__lt=end, **owner.slot_key)
    if lock:
        list(slots.select_for_update().values_list("pk", flat=True))
    active = Booking.objects.filter(slot=OuterRef("pk"), status__in=Booking.ACTIVE)
    with_address = Q(participant__contact_email__gt="") | Q(participant__user__email__gt="")
    slots = slots.annotate(booked=_count(active), reachable=_count(active.filter(with_address)))
    return {slot.start: slot for slot in slots}


def _horizon(owner: SlotOwner, *, now: dt.datetime, horizon_days: int) -> dt.datetime:
    # Slots exist at least as far ahead as people may book them.
    horizon_days = max(horizon_days, owner.advance_days)
    return start_of_day(local_date(now) + dt.timedelta(days=horizon_days + 1))


def _wanted(owner: SlotOwner, start: dt.datetime, end: dt.datetime) -> list[TimeRange]:
    # The schedules differ: opening hours in django-scheduler, or the programme's recurrence.
    if isinstance(owner, StudySpace):
        return space_periods(owner, start, end)
    if owner.live and owner.booking_required:
        return program_periods(owner, start, end)
    return []


@dataclass
class _Plan:
    create: list[TimeRange] = field(default_factory=list)
    revive: list[tuple[Slot, TimeRange]] = field(default_factory=list)
    resize: list[tuple[Slot, TimeRange]] = field(default_factory=list)
    move: list[tuple[Slot, TimeRange]] = field(default_factory=list)
    cancel: list[Slot] = field(default_factory=list)
    delete: list[Slot] = field(default_factory=list)


def _plan(wanted: list[TimeRange], existing: dict, capacity: int) -> _Plan:
    """Pair the schedule's periods with the existing slots. Reads and writes nothing, so that
    the preview and the sync decide alike."""
    plan = _Plan()
    wanted_starts = set()
    for period in wanted:
        wanted_starts.add(period.start)
        slot = existing.get(period.start)
        if slot is None:
            plan.create.append(period)
        elif slot.status == Slot.Status.CANCELLED and slot.cancel_reason == "schedule":
            plan.revive.append((slot, period))
        elif slot.status == Slot.Status.OPEN and slot.booked and slot.end != period.end:
            plan.move.append((slot, period))
        elif slot.status == Slot.Status.OPEN and (
            slot.capacity != capacity or slot.end != period.end
        ):
            plan.resize.append((slot, period))
    for start_at, slot in existing.items():
        if start_at in wanted_starts or slot.status == Slot.Status.CANCELLED:
            continue
        (plan.cancel if slot.booked else plan.delete).append(slot)
    return plan


def booked_slot_changes(
    owner: SlotOwner, *, now: dt.datetime, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> list[AffectedSlot]:
    """The booked slots that syncing `owner` now would move or cancel, with their bookings
    counted, changing nothing: the admin's preview. `sync_owner_slots` decides by the same
    plan (its own report counts again under the locks)."""
    end = _horizon(owner, now=now, horizon_days=horizon_days)
    existing = _future_slots(owner, now=now, end=end, lock=False)
    plan = _plan(_wanted(owner, now, end), existing, owner.capacity_per_slot)
    moved = [(slot, period.end) for slot, period in plan.move]
    return [
        AffectedSlot(slot.pk, slot.start, slot.end, new_end, slot.booked, slot.reachable)
        for slot, new_end in sorted(moved + [(s, None) for s in plan.cancel], key=_by_start)
    ]


def _by_start(pair) -> dt.datetime:
    return pair[0].start


@busy_when_locked
def sync_owner_slots(
    owner: SlotOwner, *, now: dt.datetime, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> SlotChanges:
    """Make `owner`'s future slots match its schedule up to the horizon.

    A booked slot is never changed silently: when its time leaves the schedule it is cancelled
    (`cancel_slot`), when only its end changes it keeps its bookings and takes the new end
    (`move_slot`); either way each person is mailed, and the returned `SlotChanges` counts
    those mails. Returns what was done."""
    capacity = owner.capacity_per_slot
    end = _horizon(owner, now=now, horizon_days=horizon_days)
    wanted = _wanted(owner, now, end)
    closures = list(Closure.objects.filter(reopened_at__isnull=True, **owner.slot_key))
    changes = SlotChanges()

    with transaction.atomic():
        set_lock_timeout()
        plan = _plan(wanted, _future_slots(owner, now=now, end=end, lock=True), capacity)
        for period in plan.create:
            closure = _closure_for(local_date(period.start), closures)
            # Another sync of this owner (cron on a second host, an editor saving) may have
            # created it since we read: keep theirs and do not count it.
            try:
                with transaction.atomic():
                    Slot.objects.create(
                        start=period.start,
                        end=period.end,
                        capacity=capacity,
                        closure=closure,
                        **owner.slot_key,
                    )
            except IntegrityError:
                continue
            changes["created"] += 1
        for slot, period in plan.revive:
            # The schedule came back (an edit was undone): the time takes place again.
            # Its old bookings stay cancelled; their people were told and may book again.
            slot.status = Slot.Status.OPEN
            slot.cancel_reason = ""
            slot.capacity = capacity
            slot.end = period.end
            slot.save(update_fields=["status", "cancel_reason", "capacity", "end"])
            changes["updated"] += 1
        for slot, period in plan.resize:
            # Lowering capacity keeps every existing booking; it only stops new ones.
            # Raising it gives the new places to the waiting list first.
            slot.capacity = capacity
            slot.end = period.end
            slot.save(update_fields=["capacity", "end"])
            promote_waitlisted(slot, now=now)
            changes["updated"] += 1
        for slot, period in plan.move:
            booked_end = slot.end
            told = move_slot(slot, end=period.end, capacity=capacity, now=now)
            changes.add(slot, told, end=booked_end, new_end=period.end)
        for slot in plan.cancel:
            told = cancel_slot(slot, now=now, reason="schedule")
            changes.add(slot, told, end=slot.end, new_end=None)
        for slot in plan.delete:
            # A cancelled booking still refers to its slot (the record of who was told):
            # such a slot is cancelled instead.
            if (
                Slot.objects.filter(pk=slot.pk)
                .exclude(Exists(Booking.objects.filter(slot=OuterRef("pk"))))
                .delete()[0]
            ):
                changes["deleted"] += 1
                continue
            told = cancel_slot(slot, now=now, reason="schedule")
            if told:
                changes.add(slot, told, end=slot.end, new_end=None)
            else:
                changes["deleted"] += 1
    changes.affected.sort(key=lambda a: a.start)
    if any(changes.values()):
        bump_availability()
    return changes


def _active_bookings(slot: Slot) -> list[Booking]:
    """The slot's active bookings, locked, with what their mail needs; call with the slot
    locked."""
    return list(
        slot.bookings.select_for_update(of=("self",))
        .select_related("participant__user")
        .filter(status__in=Booking.ACTIVE)
        .order_by("created_at", "pk")
    )


def cancel_slot(slot: Slot, *, now: dt.datetime, reason: str) -> list[Booking]:
    """Cancel a slot that no longer takes place; each active booking is kept, marked and told.
    Returns those bookings."""
    slot.status = Slot.Status.CANCELLED
    slot.cancel_reason = reason
    slot.save(update_fields=["status", "cancel_reason"])
    affected = _active_bookings(slot)
    for booking in affected:
        booking.status = Booking.Status.CANCELLED_BY_SCHEDULE
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        notifications.booking_changed(booking, "rescheduled")
    return affected


def move_slot(slot: Slot, *, end: dt.datetime, capacity: int, now: dt.datetime) -> list[Booking]:
    """Give a booked slot its new end (shorter or longer opening hours, a new duration): its
    bookings stay, and each person is mailed the new time, once per change (the mail's key
    carries the slot's `sequence`, which calendar files show too). Returns those bookings.
    Call with the slot locked."""
    slot.end = end
    slot.capacity = capacity
    slot.sequence += 1
    slot.save(update_fields=["end", "capacity", "sequence"])
    affected = _active_bookings(slot)
    for booking in affected:
        notifications.booking_changed(booking, "moved", variant=str(slot.sequence))
    promote_waitlisted(slot, now=now)
    return affected


def generate_slots(*, now: dt.datetime, horizon_days: int = DEFAULT_HORIZON_DAYS) -> SlotChanges:
    """Create and update slots for every study space and every live, bookable programme."""
    totals = SlotChanges()
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
        changes = sync_owner_slots(owner, now=now, horizon_days=horizon_days)
        for key, value in changes.items():
            totals[key] += value
        totals.affected += changes.affected
    return totals
