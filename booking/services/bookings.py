"""Booking and cancelling a place, and the waiting list."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from ..models import Booking, Participant, Slot
from . import notifications
from .cache import bump_availability
from .errors import BookingError
from .time import local_date


def _locked_slot(slot_id: int, *, lock: bool) -> Slot:
    slots = Slot.objects.select_related("space", "program")
    if lock:
        slots = slots.select_for_update(of=("self",))
    # list() evaluates the queryset: an unevaluated select_for_update takes no lock.
    found = list(slots.filter(pk=slot_id)[:1])
    if not found:
        raise BookingError("not_found")
    return found[0]


def book(
    slot_id: int,
    participant: Participant,
    *,
    now: dt.datetime,
    waitlist: bool = False,
    lock: bool = True,
) -> Booking:
    """Reserve a place on a slot, or a waiting-list place when `waitlist` and the slot is full.

    Capacity is decided here, under a row lock on the slot: lock, recount, insert, in one
    transaction. A lock on the participant serialises their own parallel requests so that the
    future-bookings limit holds too. `lock=False` exists only for the test that proves the lock
    is needed.
    """
    with transaction.atomic():
        slot = _locked_slot(slot_id, lock=lock)
        if lock:
            list(Participant.objects.select_for_update().filter(pk=participant.pk))
        rules = slot.owner
        if slot.is_closed:
            raise BookingError("closed")
        if slot.start <= now:
            raise BookingError("too_late")
        if (local_date(slot.start) - local_date(now)).days > rules.advance_days:
            raise BookingError("too_early", days=rules.advance_days)
        # The three counts in one round trip: the slot and the participant are locked, so none
        # of them can change before the insert.
        mine = Q(participant=participant)
        counts = Booking.objects.filter(mine | Q(slot=slot), status__in=Booking.ACTIVE).aggregate(
            here=Count("pk", filter=mine & Q(slot=slot)),
            future=Count("pk", filter=mine & Q(slot__start__gt=now)),
            # People already waiting come first: a place freed by a capacity rise is theirs
            # (promote_waitlisted hands it over), not the next newcomer's.
            taken=Count("pk", filter=Q(slot=slot)),
        )
        if counts["here"]:
            raise BookingError("already_booked")
        if counts["future"] >= rules.max_future_bookings:
            raise BookingError("limit_reached", limit=rules.max_future_bookings)

        if counts["taken"] < slot.capacity:
            status = Booking.Status.CONFIRMED
        elif waitlist:
            status = Booking.Status.WAITLISTED
        else:
            raise BookingError("full")
        try:
            # No savepoint (two round trips fewer): after an IntegrityError the BookingError
            # leaves the outer atomic block, which rolls the whole transaction back.
            with transaction.atomic(savepoint=False):
                booking = Booking.objects.create(
                    slot=slot, participant=participant, status=status, created_at=now
                )
        except IntegrityError as exc:  # the partial unique constraint: one place per slot
            raise BookingError("already_booked") from exc
        bump_availability()
        notifications.booking_changed(
            booking, "confirmed" if status == "confirmed" else "waitlisted"
        )
        return booking


def cancel(booking: Booking, *, now: dt.datetime) -> Booking:
    """Cancel a booking before its slot starts; the first on the waiting list moves up."""
    with transaction.atomic():
        slot = _locked_slot(booking.slot_id, lock=True)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status not in Booking.ACTIVE:
            raise BookingError("not_active")
        if slot.start <= now:
            raise BookingError("too_late")
        was_confirmed = booking.status == Booking.Status.CONFIRMED
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        notifications.booking_changed(booking, "cancelled")
        if was_confirmed:
            promote_waitlisted(slot, now=now)
        bump_availability()
        return booking


def promote_waitlisted(slot: Slot, *, now: dt.datetime) -> list[Booking]:
    """Fill free places from the waiting list, first come first served. Call with the slot
    locked (inside `book`/`cancel`'s transaction) so two cancellations cannot promote twice."""
    if slot.is_closed or slot.start <= now:
        return []
    # Usually nobody is waiting: then one query, and no count of the confirmed places.
    in_line = slot.bookings.filter(status=Booking.Status.WAITLISTED).order_by("created_at", "pk")
    waiting = list(in_line[: slot.capacity])
    if not waiting:
        return []
    free = slot.capacity - slot.bookings.filter(status=Booking.Status.CONFIRMED).count()
    promoted = waiting[: max(free, 0)]
    for booking in promoted:
        booking.status = Booking.Status.CONFIRMED
        booking.promoted_at = now
        booking.save(update_fields=["status", "promoted_at"])
        notifications.booking_changed(booking, "promoted")
    return promoted


def waitlist_positions(bookings) -> dict[int, int]:
    """Position (1 = next in line) of each waitlisted booking, in one query."""
    waiting = [b for b in bookings if b.status == Booking.Status.WAITLISTED]
    if not waiting:
        return {}
    ahead = (
        Booking.objects.filter(pk__in=[b.pk for b in waiting])
        .annotate(
            ahead=Count(
                "slot__bookings",
                filter=Q(slot__bookings__status=Booking.Status.WAITLISTED)
                & (
                    Q(slot__bookings__created_at__lt=F("created_at"))
                    | Q(
                        slot__bookings__created_at=F("created_at"),
                        slot__bookings__pk__lt=F("pk"),
                    )
                ),
            )
        )
        .values_list("pk", "ahead")
    )
    return {pk: n + 1 for pk, n in ahead}
