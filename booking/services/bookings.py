"""Booking and cancelling a place, and the waiting list."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Subquery

from core.cache import bump_availability
from core.time import local_date
from programs.eligibility import admits
from programs.models import ProgramPage

from ..models import Booking, Participant, Slot, StudySpace
from . import notifications
from .availability import bookable_until, too_early
from .errors import BookingError
from .locks import LOCK_TIMEOUT_CONDITION, busy_when_locked, lock_timeout_value, with_lock_timeout

# The participant and the slot, locked by one statement: FOR UPDATE OF takes the participant,
# then the slot, and nothing locks them in the other order, so bookings cannot deadlock. The
# owner's booking rules, and a programme's schools and age band, are joined columns: loading
# the programme page would bring all of Wagtail's page fields. Plain SQL, like the counts
# below: on the hottest write path, a round trip and the ORM's query compilation saved show in
# throughput (bench/HISTORY.md). On PostgreSQL the same statement sets the transaction's lock
# timeout (`locks`), before it waits.
LOCK_SQL = """
SELECT s.*, COALESCE(sp.advance_days, pp.advance_days) AS advance_days,
       COALESCE(sp.max_future_bookings, pp.max_future_bookings) AS max_future_bookings,
       sp.join_until_minutes_before_end AS join_until_minutes_before_end,
       p.id AS participant_pk, p.birth_year AS participant_birth_year,
       pp.age_min AS age_min, pp.age_max AS age_max,
       EXISTS (SELECT 1 FROM {schools} ps WHERE ps.{schools_program} = s.program_id)
           AS restricted_to_schools,
       EXISTS (SELECT 1 FROM {schools} ps WHERE ps.{schools_program} = s.program_id
               AND ps.{schools_school} = p.school_id) AS at_listed_school
FROM {participant} p
CROSS JOIN {slot} s
LEFT JOIN {space} sp ON sp.id = s.space_id
LEFT JOIN {program} pp ON pp.page_ptr_id = s.program_id
WHERE p.{who} = %s AND s.id = %s {timeout}
{lock}
"""

SCHOOLS = ProgramPage.schools.through


def _lock_participant_and_slot(
    slot_id: int, participant: Participant | None, user, *, lock: bool
) -> tuple[Slot, int]:
    """Lock the participant (given, or found by their user) and the slot in one round trip;
    the slot comes with its owner's booking rules as `advance_days`, `max_future_bookings`
    and `join_until_minutes_before_end` (None for a programme).
    """
    bounded = connection.vendor == "postgresql"
    sql = LOCK_SQL.format(
        participant=Participant._meta.db_table,
        slot=Slot._meta.db_table,
        space=StudySpace._meta.db_table,
        program=ProgramPage._meta.db_table,
        schools=SCHOOLS._meta.db_table,
        schools_program=SCHOOLS._meta.get_field("programpage").column,
        schools_school=SCHOOLS._meta.get_field("school").column,
        who="user_id" if user is not None else "id",
        timeout=f"AND {LOCK_TIMEOUT_CONDITION}" if bounded else "",
        lock="FOR UPDATE OF p, s" if lock and connection.features.has_select_for_update else "",
    )
    who = user.pk if user is not None else participant.pk
    params = [who, slot_id, lock_timeout_value()] if bounded else [who, slot_id]
    found = list(Slot.objects.raw(sql, params))
    if not found:
        if user is not None and not Participant.objects.filter(user=user).exists():
            raise BookingError("no_profile")
        raise BookingError("not_found")
    return found[0], found[0].participant_pk


@busy_when_locked
def book(
    slot_id: int,
    participant: Participant | None = None,
    *,
    user=None,
    now: dt.datetime,
    waitlist: bool = False,
    lock: bool = True,
) -> Booking:
    """Reserve a place on a slot, or a waiting-list place when `waitlist` and the slot is full.

    A study space's time can be booked while it runs, until its cut-off (`bookable_until`);
    a programme's session only before it starts. Capacity is decided here, under a row lock
    on the slot: lock, recount, insert, in one transaction. A lock on the participant
    serialises their own parallel requests so that the future-bookings limit holds too. Give
    the `participant`, or the `user` whose participant profile books: it is then found and
    locked in one query ("no_profile" when there is none).
    `lock=False` exists only for the test that proves the lock is needed. A lock not had
    within `BOOKING_LOCK_TIMEOUT_MS` gives "busy".
    """
    if (participant is None) == (user is None):
        raise TypeError("book() takes a participant or a user")
    with transaction.atomic():
        slot, participant_id = _lock_participant_and_slot(slot_id, participant, user, lock=lock)
        if slot.is_closed:
            raise BookingError("closed")
        if now >= bookable_until(slot, slot.join_until_minutes_before_end):
            raise BookingError("too_late")
        if too_early(slot.start, now=now, advance_days=slot.advance_days):
            raise BookingError("too_early", days=slot.advance_days)
        if slot.program_id and not admits(
            restricted_to_schools=bool(slot.restricted_to_schools),
            at_listed_school=bool(slot.at_listed_school),
            birth_year=slot.participant_birth_year,
            on=local_date(slot.start),
            age_min=slot.age_min,
            age_max=slot.age_max,
        ):
            raise BookingError("not_eligible")
        here, future, taken = _active_counts(slot.pk, participant_id, now=now)
        if here:
            raise BookingError("already_booked")
        if future >= slot.max_future_bookings:
            raise BookingError("limit_reached", limit=slot.max_future_bookings)
        # People already waiting count as taken: a place freed by a capacity rise is theirs
        # (promote_waitlisted hands it over), not the next newcomer's.
        if taken < slot.capacity:
            status = Booking.Status.CONFIRMED
        elif slot.start <= now:  # joining a study space under way: nobody can cancel now
            raise BookingError("full_now")
        elif waitlist:
            status = Booking.Status.WAITLISTED
        else:
            raise BookingError("full")
        try:
            # No savepoint (two round trips fewer): after an IntegrityError the BookingError
            # leaves the outer atomic block, which rolls the whole transaction back.
            with transaction.atomic(savepoint=False):
                booking = Booking.objects.create(
                    slot=slot, participant_id=participant_id, status=status, created_at=now
                )
        except IntegrityError as exc:  # the partial unique constraint: one place per slot
            raise BookingError("already_booked") from exc
        bump_availability()
        notifications.booking_changed(
            booking, "confirmed" if status == "confirmed" else "waitlisted"
        )
        return booking


# The counts that decide a booking, in one round trip: the participant's place on this slot,
# their future bookings, and the places taken on the slot (waiting list included). Plain SQL
# because this is the hottest query of a booking and the ORM's filtered aggregates over a join
# cost more to build than to run. Called under the locks of `book`, so nothing it counts can
# change before the insert.
ACTIVE_COUNTS_SQL = """
SELECT
    COALESCE(SUM(CASE WHEN b.participant_id = %s AND b.slot_id = %s THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN b.participant_id = %s AND s.start > %s THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN b.slot_id = %s THEN 1 ELSE 0 END), 0)
FROM {booking} b INNER JOIN {slot} s ON s.id = b.slot_id
WHERE b.status IN (%s, %s) AND (b.participant_id = %s OR b.slot_id = %s)
"""


def _active_counts(slot_id: int, participant_id: int, *, now: dt.datetime) -> tuple[int, int, int]:
    sql = ACTIVE_COUNTS_SQL.format(booking=Booking._meta.db_table, slot=Slot._meta.db_table)
    moment = connection.ops.adapt_datetimefield_value(now)  # as the ORM would store it
    params = [participant_id, slot_id, participant_id, moment, slot_id, *Booking.ACTIVE]
    params += [participant_id, slot_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        here, future, taken = cursor.fetchone()
    return int(here), int(future), int(taken)


@busy_when_locked
def cancel(booking: Booking | int, *, now: dt.datetime, user=None) -> Booking:
    """Cancel a booking before its slot starts; the first on the waiting list moves up.

    `booking` is a Booking or its id. With `user`, only that user's own booking is found
    ("not_found" otherwise), by the same query that locks the slot.
    """
    booking_id = booking if isinstance(booking, int) else booking.pk
    owned = Booking.objects.filter(pk=booking_id).order_by()
    if user is not None:
        owned = owned.filter(participant__user=user)
    with transaction.atomic():
        # One statement locks the slot, then the booking and the slot's waiting list (FOR
        # UPDATE OF takes the slot first, as everything else that changes bookings does), and
        # bounds the wait for those locks.
        locking = (
            Booking.objects.select_related("slot")
            .select_for_update(of=("slot", "self"))
            .filter(slot_id=Subquery(owned.values("slot_id")[:1]))
            .filter(Q(pk=booking_id) | Q(status=Booking.Status.WAITLISTED))
            .order_by("created_at", "pk")
        )
        rows = list(with_lock_timeout(locking))
        booking = next((row for row in rows if row.pk == booking_id), None)
        if booking is None:
            raise BookingError("not_found")
        slot = booking.slot
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
            waiting = [row for row in rows if row is not booking]
            promote_waitlisted(slot, now=now, waiting=waiting)
        bump_availability()
        return booking


def promote_waitlisted(
    slot: Slot, *, now: dt.datetime, waiting: list[Booking] | None = None
) -> list[Booking]:
    """Fill free places from the waiting list, first come first served. Call with the slot
    locked (inside `book`/`cancel`'s transaction) so two cancellations cannot promote twice.
    `waiting`: the slot's waiting list in order, when the caller has already read it."""
    if slot.is_closed or slot.start <= now:
        return []
    if waiting is None:
        in_line = slot.bookings.filter(status=Booking.Status.WAITLISTED)
        waiting = list(in_line.order_by("created_at", "pk")[: slot.capacity])
    # Usually nobody is waiting: then no count of the confirmed places.
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
