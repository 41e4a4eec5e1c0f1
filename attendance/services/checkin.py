"""Recording who came: check-in of bookings, walk-ins, guardian consent and outcomes.

Only staff call these (the views check the role); a student can never check themselves in.
No-shows are never stored: a booking is a no-show when it is still confirmed, its slot has
ended and it has no attendance. `no_shows()` is the one definition every page and report uses.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from attendance.models import Attendance, Outcome
from booking.models import Booking, Participant, Slot
from booking.services.errors import BookingError
from core.time import local_date
from programs.kinds import SupportKind

# How early before the start staff may check someone in (people arrive early).
CHECK_IN_OPENS_BEFORE = dt.timedelta(hours=2)


def kind_of(slot: Slot) -> str:
    return SupportKind.STUDY_SPACE if slot.space_id else slot.program.kind


def _check_in_allowed(slot: Slot, now: dt.datetime) -> None:
    if slot.is_closed:
        raise BookingError("closed")
    if now < slot.start - CHECK_IN_OPENS_BEFORE:
        raise BookingError("check_in_too_early")


def check_in(booking: Booking, *, now: dt.datetime, by=None) -> Attendance:
    """Mark a confirmed booking as attended. Checking in twice changes nothing."""
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("slot__program", "participant")
            .get(pk=booking.pk)
        )
        existing = Attendance.objects.filter(booking=booking).first()
        if existing:
            return existing
        if booking.status != Booking.Status.CONFIRMED:
            raise BookingError("not_active")
        _check_in_allowed(booking.slot, now)
        return _record(booking.participant, booking.slot, booking=booking, now=now, by=by)


def undo_check_in(booking: Booking, *, by=None) -> bool:
    """'Didn't come' after a mistaken tap: remove the attendance of this booking."""
    deleted, _ = Attendance.objects.filter(booking=booking).delete()
    return bool(deleted)


def register_walk_in(
    slot: Slot, participant: Participant, *, now: dt.datetime, by=None
) -> Attendance:
    """Someone came without booking. If they did book this slot, that booking is checked in."""
    booking = Booking.objects.filter(
        slot=slot, participant=participant, status=Booking.Status.CONFIRMED
    ).first()
    if booking:
        return check_in(booking, now=now, by=by)
    _check_in_allowed(slot, now)
    try:
        with transaction.atomic():
            return _record(participant, slot, booking=None, now=now, by=by)
    except IntegrityError as exc:  # already counted on this slot
        raise BookingError("already_attended") from exc


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


def record_consent(participant: Participant, *, received_on: dt.date, by=None) -> Participant:
    participant.guardian_consent_on = received_on
    participant.guardian_consent_recorded_by = by
    participant.save(update_fields=["guardian_consent_on", "guardian_consent_recorded_by"])
    return participant


def record_outcome(participant: Participant, fiscal_year: int, *, by=None, **flags) -> Outcome:
    unknown = set(flags) - set(Outcome.FLAGS)
    if unknown:
        raise ValueError(f"unknown outcome flags: {sorted(unknown)}")
    if flags.get("passed_equivalency_exam"):
        flags["took_equivalency_exam"] = True
    outcome, _ = Outcome.objects.update_or_create(
        participant=participant, fiscal_year=fiscal_year, defaults={**flags, "recorded_by": by}
    )
    return outcome


def no_shows(bookings: QuerySet, *, now: dt.datetime) -> QuerySet:
    """Confirmed bookings whose slot has ended with nobody checked in."""
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
