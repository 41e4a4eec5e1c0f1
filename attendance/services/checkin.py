"""Recording who came: check-in of bookings, walk-ins, guardian consent and outcomes.

Only staff call these (the views check the role); a student can never check themselves in.
No-shows are never stored: a booking is a no-show when it is still confirmed, its slot has
ended and it has no attendance. `no_shows()` is the one definition every page and report uses.

Every change here writes its own audit entry (`core.audit`) in the same transaction, so a
check-in from the desk, the API or a command is logged alike; a repeat changes and logs nothing.
"""

import datetime as dt
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from attendance.models import Attendance, Outcome
from booking.models import Booking, Participant, Slot
from booking.services.errors import BookingError
from booking.services.participants import register_participant
from core import audit
from core.time import local_date

# How early before the start staff may check someone in (people arrive early).
CHECK_IN_OPENS_BEFORE = dt.timedelta(hours=2)


def kind_of(slot: Slot) -> str:
    return slot.owner.support_kind


def _check_in_allowed(slot: Slot, now: dt.datetime) -> None:
    if slot.is_closed:
        raise BookingError("closed")
    if now < slot.start - CHECK_IN_OPENS_BEFORE:
        raise BookingError("check_in_too_early")


def describe(slot: Slot) -> str:
    """The detail of an audit entry: which slot, on which day (nothing about the person)."""
    return f"{slot.owner} {timezone.localtime(slot.start):%Y-%m-%d %H:%M}"


class CheckIn(NamedTuple):
    attendance: Attendance
    created: bool  # False: they were already checked in, and nothing was written


def check_in(booking: Booking, *, now: dt.datetime, by=None) -> CheckIn:
    """Mark a confirmed booking as attended, and audit it. Checking in twice changes nothing
    and logs nothing: the booking's row lock makes the second call find the first one's visit.
    """
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__program", "slot__space", "participant")
            .get(pk=booking.pk)
        )
        existing = Attendance.objects.filter(booking=booking).first()
        if existing:
            return CheckIn(existing, created=False)
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError("not_active")
        _check_in_allowed(booking.slot, now)
        try:
            # No savepoint: the BookingError leaves the atomic block, which rolls back.
            with transaction.atomic(savepoint=False):
                attendance = _record(
                    booking.participant, booking.slot, booking=booking, now=now, by=by
                )
        except IntegrityError as exc:  # counted on this slot already, as a walk-in
            raise BookingError("already_attended") from exc
        audit.log_action(
            booking.participant, audit.CHECK_IN, by=by, now=now, detail=describe(booking.slot)
        )
        return CheckIn(attendance, created=True)


def undo_check_in(booking: Booking, *, now: dt.datetime, by=None) -> bool:
    """'Didn't come' after a mistaken tap: remove the attendance of this booking. Says whether
    there was one; only then is the undo audited."""
    with transaction.atomic():
        deleted, _ = Attendance.objects.filter(booking=booking).delete()
        if deleted:
            audit.log_action(
                booking.participant,
                audit.UNDO_CHECK_IN,
                by=by,
                now=now,
                detail=describe(booking.slot),
            )
    return bool(deleted)


def register_walk_in(slot: Slot, participant: Participant, *, now: dt.datetime, by=None) -> CheckIn:
    """Someone came without booking. If they did book this slot, that booking is checked in
    (and audited as a check-in); otherwise a walk-in is counted and audited. A second walk-in
    of the same person on the same slot is refused ("already_attended")."""
    booking = Booking.objects.filter(
        slot=slot, participant=participant, status=Booking.Status.CONFIRMED
    ).first()
    if booking:
        return check_in(booking, now=now, by=by)
    _check_in_allowed(slot, now)
    try:
        with transaction.atomic():
            attendance = _record(participant, slot, booking=None, now=now, by=by)
            audit.log_action(participant, audit.WALK_IN, by=by, now=now, detail=describe(slot))
    except IntegrityError as exc:  # already counted on this slot
        raise BookingError("already_attended") from exc
    return CheckIn(attendance, created=True)


def register_new_walk_in(
    slot: Slot, *, nickname: str, school, birth_year: int | None, now: dt.datetime, by=None
) -> Participant:
    """Someone new came: create their participant (no account) and count the visit, or do
    neither. Both are audited: the creation, then the walk-in."""
    with transaction.atomic():
        participant = register_participant(
            nickname=nickname, school=school, birth_year=birth_year, by=by, now=now
        )
        register_walk_in(slot, participant, now=now, by=by)
    return participant


def _record(participant, slot, *, booking, now, by) -> Attendance:
    return Attendance.objects.create(
        participant=participant,
        slot=slot,
        booking=booking,
        date=local_date(slot.start),
        kind=kind_of(slot),
        school_id=participant.school_id,
        source=Attendance.Source.BOOKING if booking else Attendance.Source.WALK_IN,
        recorded_at=now,
        recorded_by=by,
    )


def record_consent(
    participant: Participant, *, received_on: dt.date, now: dt.datetime, by=None
) -> Participant:
    with transaction.atomic():
        participant.guardian_consent_on = received_on
        participant.guardian_consent_recorded_by = by
        participant.save(update_fields=["guardian_consent_on", "guardian_consent_recorded_by"])
        audit.log_action(
            participant, audit.RECORD_CONSENT, by=by, now=now, detail=f"{received_on:%Y-%m-%d}"
        )
    return participant


def record_outcome(
    participant: Participant, fiscal_year: int, *, now: dt.datetime, by=None, **flags
) -> Outcome:
    unknown = set(flags) - set(Outcome.FLAGS)
    if unknown:
        raise ValueError(f"unknown outcome flags: {sorted(unknown)}")
    if flags.get("passed_equivalency_exam"):
        flags["took_equivalency_exam"] = True
    with transaction.atomic():
        outcome, _ = Outcome.objects.update_or_create(
            participant=participant, fiscal_year=fiscal_year, defaults={**flags, "recorded_by": by}
        )
        chosen = ", ".join(
            str(Outcome._meta.get_field(flag).verbose_name)
            for flag in Outcome.FLAGS
            if getattr(outcome, flag)
        )
        detail = f"{fiscal_year}: {chosen or '-'}"
        audit.log_action(participant, audit.RECORD_OUTCOME, by=by, now=now, detail=detail)
    return outcome


def no_shows(bookings: QuerySet, *, now: dt.datetime) -> QuerySet:
    """Confirmed bookings whose slot has ended with nobody checked in.

    NOT EXISTS plans as an anti-join probing attendance's booking index (a LEFT JOIN ... IS NULL
    read the whole attendance table), which keeps the yearly report's count fast."""
    return bookings.filter(status=Booking.Status.CONFIRMED, slot__end__lte=now).exclude(
        Exists(Attendance.objects.filter(booking=OuterRef("pk")))
    )


def roster(slot: Slot):
    """The slot's confirmed bookings with their attendance, for the check-in screen."""
    return (
        slot.bookings.filter(status=Booking.Status.CONFIRMED)
        .select_related("participant__school", "attendance")
        .order_by("participant__nickname", "pk")
    )


# Early warning: someone who came regularly and has stopped coming.
REGULAR_WINDOW_DAYS = 56
REGULAR_MIN_VISITS = 4
ABSENT_DAYS = 21


def participants_to_reach_out(*, now: dt.datetime) -> QuerySet:
    """At least 4 visits in the last 8 weeks, and none in the last 3 weeks. A list for staff to
    get in touch kindly; nothing here penalises anyone."""
    today = local_date(now)
    window_start = today - dt.timedelta(days=REGULAR_WINDOW_DAYS)
    absent_since = today - dt.timedelta(days=ABSENT_DAYS)
    return (
        Participant.objects.annotate(
            recent_visits=Count(
                "attendances",
                filter=Q(attendances__date__gt=window_start, attendances__date__lte=today),
            ),
            last_visit=Max("attendances__date", filter=Q(attendances__date__lte=today)),
        )
        .filter(recent_visits__gte=REGULAR_MIN_VISITS, last_visit__lte=absent_since)
        .select_related("school")
        .order_by("last_visit")
    )
