"""Participants, study spaces, bookable slots, bookings and closures.

One booking engine serves the open study space (opening hours in django-scheduler), programme
sessions (the programme page's RecurrenceField) and one-to-one consultations (capacity 1).
Every bookable slot is a saved `Slot` row, created ahead over a rolling horizon by
`booking.services.slots.generate_slots`; bookings hang off slots, never off computed
occurrences. The rules that change these rows live in `booking.services`.
"""

from .mail import SentMail
from .owners import SlotOwner
from .participants import Participant, new_token
from .slots import CODE_ALPHABET, Booking, Slot, new_booking_code
from .spaces import Closure, OpeningHours, StudySpace

__all__ = [
    "CODE_ALPHABET",
    "Booking",
    "Closure",
    "OpeningHours",
    "Participant",
    "SentMail",
    "Slot",
    "SlotOwner",
    "StudySpace",
    "new_booking_code",
    "new_token",
]
