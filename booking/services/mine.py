"""What a logged-in student reaches of their own: their participant profile and their bookings.
The pages and the JSON API both read them here."""

import datetime as dt

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import Booking, Participant
from .availability import slot_state
from .bookings import waitlist_positions
from .meeting_links import meeting_url_for


def participant_for(user) -> Participant | None:
    """The participant profile of `user`; None for an anonymous visitor, and for an account
    without one (staff, or a student who has not finished their profile)."""
    if user is None or not user.is_authenticated:
        return None
    return Participant.objects.filter(user=user).first()


def my_bookings(participant: Participant, *, now: dt.datetime) -> list[Booking]:
    """All of `participant`'s bookings, cancelled ones too, soonest slot first. Each carries
    `position` (its place on the waiting list, 1 = next; None when not waiting),
    `slot_state` (booking.services.availability) and `meeting_url` (the online session's
    link, for a confirmed booking only: booking.services.meeting_links). Two queries, three
    when any is waiting."""
    confirmed = (
        Booking.objects.filter(slot=OuterRef("slot"), status=Booking.Status.CONFIRMED)
        .order_by()
        .values("slot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    bookings = list(
        Booking.objects.filter(participant=participant)
        .select_related("slot__space", "slot__program", "slot__closure")
        .annotate(slot_confirmed=Coalesce(Subquery(confirmed), 0))
        .order_by("slot__start", "pk")
    )
    positions = waitlist_positions(bookings)
    for booking in bookings:
        booking.position = positions.get(booking.pk)
        owner = booking.slot.owner
        booking.slot_state = slot_state(
            booking.slot,
            now=now,
            confirmed=booking.slot_confirmed,
            advance_days=owner.advance_days,
            join_until_minutes_before_end=owner.join_until_minutes_before_end,
            booked_by_me=booking if booking.is_active else None,
        )
        booking.meeting_url = meeting_url_for(booking)
    return bookings
