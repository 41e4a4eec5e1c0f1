"""Suspensions (休止): closing a space or a programme for a date range, and reopening.

Staff see what a closure would do before making it (`closure_effect`), and choose on reopening
whether the bookings it cancelled come back (`reopen_effect`, `reopen(restore=...)`).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q

from core import audit
from core.cache import bump_availability
from core.time import local_date, start_of_day

from ..models import Booking, Closure, Slot, SlotOwner
from . import notifications
from .locks import busy_when_locked, set_lock_timeout

WITH_ADDRESS = Q(participant__contact_email__gt="") | Q(participant__user__email__gt="")


def _slots_in_range(target: SlotOwner, first_day: dt.date, last_day: dt.date, now: dt.datetime):
    """The slots a closure of these days covers: those that have not started."""
    return Slot.objects.filter(
        start__gte=max(now, start_of_day(first_day)),
        start__lt=start_of_day(last_day + dt.timedelta(days=1)),
        **target.slot_key,
    )


@dataclass(frozen=True)
class SlotBookings:
    """One slot of a preview: its time and the bookings a closure cancels (or reopening gives
    back) on it."""

    slot: Slot
    bookings: int


@dataclass(frozen=True)
class ClosureEffect:
    """What closing would do: the slots it closes, the active bookings it cancels, the people
    they belong to, and the mails (one per booking with an address)."""

    slots: list[SlotBookings] = field(default_factory=list)
    bookings: int = 0
    people: int = 0
    mails: int = 0

    @property
    def unreachable(self) -> int:
        return self.bookings - self.mails


def closure_effect(
    target: SlotOwner, *, first_day: dt.date, last_day: dt.date, now: dt.datetime
) -> ClosureEffect:
    """What `close` with these arguments would do now, changing nothing (the admin's preview).
    `close` decides again under its locks; the admin then states what it did."""
    slots = list(
        _slots_in_range(target, first_day, last_day, now)
        .annotate(active=Count("bookings", filter=Q(bookings__status__in=Booking.ACTIVE)))
        .order_by("start")
    )
    active = Booking.objects.filter(
        slot__in=[s.pk for s in slots], status__in=Booking.ACTIVE
    ).order_by()
    totals = active.aggregate(
        bookings=Count("pk"),
        people=Count("participant", distinct=True),
        mails=Count("pk", filter=WITH_ADDRESS),
    )
    return ClosureEffect([SlotBookings(s, s.active) for s in slots], **totals)


@busy_when_locked
def close(
    target: SlotOwner,
    *,
    first_day: dt.date,
    last_day: dt.date,
    reason: str,
    online_alternative: str = "",
    now: dt.datetime,
    by=None,
) -> Closure:
    """Close `target` (a StudySpace or a ProgramPage) from `first_day` to `last_day` inclusive.

    Every active booking on an affected future slot is kept, marked cancelled by this closure
    and its participant told (with the reason and the online alternative). Slots created later
    in the range are born closed (`sync_owner_slots` looks at open closures). The closure is
    audited as created, by `by`. The returned closure carries what was done:
    `affected_bookings`, `mails` (bookings whose person has an address) and `people`.
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    with transaction.atomic():
        set_lock_timeout()
        closure = Closure.objects.create(
            first_day=first_day,
            last_day=last_day,
            reason=reason,
            online_alternative=online_alternative,
            created_by=by,
            **target.slot_key,
        )
        slots = list(_slots_in_range(target, first_day, last_day, now).select_for_update())
        Slot.objects.filter(pk__in=[s.pk for s in slots]).update(closure=closure)
        affected = list(
            Booking.objects.select_for_update(of=("self",))
            .select_related("participant__user")
            .filter(slot__in=slots, status__in=Booking.ACTIVE)
        )
        for booking in affected:
            booking.status = Booking.Status.CANCELLED_BY_CLOSURE
            booking.cancelled_at = now
            booking.cancelled_by_closure = closure
            booking.save(update_fields=["status", "cancelled_at", "cancelled_by_closure"])
            # Keyed by the closure: a booking given back on reopening may be closed again.
            notifications.booking_changed(booking, "closure", variant=str(closure.pk))
        bump_availability()
        audit.log_action(closure, "wagtail.create", by=by, now=now)
    closure.affected_bookings = len(affected)
    closure.mails = sum(1 for booking in affected if booking.participant.email)
    closure.people = len({booking.participant_id for booking in affected})
    return closure


@dataclass(frozen=True)
class ReopenEffect:
    """What reopening would do: the slots that open again, and of the bookings the closure
    cancelled on them, how many could come back (places allowing) and how many could not."""

    slots: list[SlotBookings] = field(default_factory=list)
    restorable: int = 0
    no_place: int = 0


def _reopening_slots(closure: Closure, now: dt.datetime) -> list[tuple[Slot, Closure | None]]:
    """Each slot of the closure that has not started, with the other open closure of the same
    space or programme that still covers it (then it stays closed, under that one)."""
    others = list(
        Closure.objects.filter(
            space_id=closure.space_id,
            program_id=closure.program_id,
            reopened_at__isnull=True,
            last_day__gte=closure.first_day,
            first_day__lte=closure.last_day,
        ).exclude(pk=closure.pk)
    )
    pairs = []
    for slot in Slot.objects.filter(closure=closure, start__gt=now).order_by("start"):
        day = local_date(slot.start)
        pairs.append((slot, next((c for c in others if c.first_day <= day <= c.last_day), None)))
    return pairs


def _places(slot: Slot) -> tuple[int, set[int]]:
    """Free places on `slot` and the participants who hold an active booking on it."""
    holders = set(
        slot.bookings.filter(status__in=Booking.ACTIVE).values_list("participant_id", flat=True)
    )
    return slot.capacity - len(holders), holders


def _cancelled_by(closure: Closure, slot: Slot):
    """The bookings `closure` cancelled on `slot`, first booked first."""
    return slot.bookings.filter(
        status=Booking.Status.CANCELLED_BY_CLOSURE, cancelled_by_closure=closure
    ).order_by("created_at", "pk")


def reopen_effect(closure: Closure, *, now: dt.datetime) -> ReopenEffect:
    """What reopening `closure` now would open and could give back, changing nothing."""
    slots, restorable, no_place = [], 0, 0
    for slot, still_closed in _reopening_slots(closure, now):
        if still_closed is not None:
            continue
        cancelled = list(_cancelled_by(closure, slot).values_list("participant_id", flat=True))
        free, holders = _places(slot)
        back = len([p for p in cancelled if p not in holders][: max(free, 0)])
        slots.append(SlotBookings(slot, len(cancelled)))
        restorable += back
        no_place += len(cancelled) - back
    return ReopenEffect(slots, restorable, no_place)


@busy_when_locked
def reopen(closure: Closure, *, now: dt.datetime, by=None, restore: bool = False) -> Closure:
    """Open the closed slots again. A slot that another open closure of the same space or
    programme also covers stays closed, under that closure.

    With `restore`, the bookings this closure cancelled on the slots that open come back, as
    many as the places allow, first booked first (the original booking time); each person is
    told by mail ("restored"). A person's limit of future bookings does not apply: the place
    was theirs. Without it, they stay cancelled: their people were told and may book again.
    Either way the returned closure says so: `restored` (the bookings given back, each with a
    mail when its person has an address) and `kept_cancelled` (how many stay cancelled).

    Reopening is audited as an edit of the closure, with those counts; reopening again
    changes and logs nothing (both counts 0)."""
    restored: list[Booking] = []
    kept = 0
    with transaction.atomic():
        set_lock_timeout()
        closure = Closure.objects.select_for_update().get(pk=closure.pk)
        if closure.reopened_at is None:
            closure.reopened_at = now
            closure.save(update_fields=["reopened_at"])
            locked = Slot.objects.select_for_update().filter(closure=closure, start__gt=now)
            list(locked.values_list("pk", flat=True))
            for slot, still_closed in _reopening_slots(closure, now):
                slot.closure = still_closed
                slot.save(update_fields=["closure"])
                if still_closed is not None:
                    continue
                cancelled = list(
                    _cancelled_by(closure, slot)
                    .select_for_update(of=("self",))
                    .select_related("participant__user")
                )
                back = _give_back(slot, cancelled, closure=closure) if restore else []
                restored += back
                kept += len(cancelled) - len(back)
            bump_availability()
            audit.log_action(
                closure,
                "wagtail.edit",
                by=by,
                now=now,
                data={"restored": len(restored), "kept_cancelled": kept},
            )
    closure.restored = restored
    closure.kept_cancelled = kept
    return closure


def _give_back(slot: Slot, cancelled: list[Booking], *, closure: Closure) -> list[Booking]:
    """Confirm again as many of `cancelled` as `slot` has places, in their order. Call with
    the slot locked."""
    free, holders = _places(slot)
    back = []
    for booking in cancelled:
        if free <= 0:
            break
        if booking.participant_id in holders:  # booked it again since: one place each
            continue
        booking.status = Booking.Status.CONFIRMED
        booking.cancelled_at = None
        booking.cancelled_by_closure = None
        booking.save(update_fields=["status", "cancelled_at", "cancelled_by_closure"])
        notifications.booking_changed(booking, "restored", variant=str(closure.pk))
        holders.add(booking.participant_id)
        free -= 1
        back.append(booking)
    return back
