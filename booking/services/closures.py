"""Suspensions (休止): closing a space or a programme for a date range, and reopening."""

import datetime as dt

from django.db import transaction

from core import audit
from core.cache import bump_availability
from core.time import local_date, start_of_day

from ..models import Booking, Closure, Slot, SlotOwner
from . import notifications
from .locks import busy_when_locked, set_lock_timeout


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

    Every active booking on an affected future slot is kept, marked cancelled-by-closure and
    its participant told (with the reason and the online alternative). Slots created later in
    the range are born closed (`sync_owner_slots` looks at open closures). The closure is
    audited as created, by `by`.
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    key = target.slot_key
    with transaction.atomic():
        set_lock_timeout()
        closure = Closure.objects.create(
            first_day=first_day,
            last_day=last_day,
            reason=reason,
            online_alternative=online_alternative,
            created_by=by,
            **key,
        )
        slots = list(
            Slot.objects.select_for_update().filter(
                start__gte=max(now, start_of_day(first_day)),
                start__lt=start_of_day(last_day + dt.timedelta(days=1)),
                **key,
            )
        )
        Slot.objects.filter(pk__in=[s.pk for s in slots]).update(closure=closure)
        affected = list(
            Booking.objects.select_for_update().filter(slot__in=slots, status__in=Booking.ACTIVE)
        )
        for booking in affected:
            booking.status = Booking.Status.CANCELLED_BY_CLOSURE
            booking.cancelled_at = now
            booking.save(update_fields=["status", "cancelled_at"])
            notifications.booking_changed(booking, "closure")
        bump_availability()
        audit.log_action(closure, "wagtail.create", by=by, now=now)
    closure.affected_bookings = len(affected)
    return closure


@busy_when_locked
def reopen(closure: Closure, *, now: dt.datetime, by=None) -> Closure:
    """Open the closed slots again. Bookings cancelled by the closure stay cancelled: their
    people were told, and may book again. A slot that another open closure of the same space
    or programme also covers stays closed, under that closure. Reopening is audited as an edit
    of the closure; reopening again changes and logs nothing."""
    with transaction.atomic():
        set_lock_timeout()
        closure = Closure.objects.select_for_update().get(pk=closure.pk)
        if closure.reopened_at is None:
            closure.reopened_at = now
            closure.save(update_fields=["reopened_at"])
            others = list(
                Closure.objects.filter(
                    space_id=closure.space_id,
                    program_id=closure.program_id,
                    reopened_at__isnull=True,
                    last_day__gte=closure.first_day,
                    first_day__lte=closure.last_day,
                ).exclude(pk=closure.pk)
            )
            slots = Slot.objects.select_for_update().filter(closure=closure, start__gt=now)
            for slot in slots:
                day = local_date(slot.start)
                still = next((c for c in others if c.first_day <= day <= c.last_day), None)
                slot.closure = still
                slot.save(update_fields=["closure"])
            bump_availability()
            audit.log_action(closure, "wagtail.edit", by=by, now=now)
    return closure
