"""Booking rules as verb-named functions. Views, the JSON API, the admin and management
commands all call these; none of them changes bookings or slots directly.

Beside the rules, the read models that pages and the API share: a slot's state for a
participant (`slot_state`), and a student's own profile and bookings (`participant_for`,
`my_bookings`).

Every function that depends on the time takes `now` (an aware datetime) from its caller.
"""

from .availability import Availability, SlotState, slot_state
from .bookings import book, cancel, waitlist_positions
from .closures import close, reopen
from .errors import BookingError
from .mine import my_bookings, participant_for
from .slots import generate_slots

__all__ = [
    "Availability",
    "BookingError",
    "SlotState",
    "book",
    "cancel",
    "close",
    "generate_slots",
    "my_bookings",
    "participant_for",
    "reopen",
    "slot_state",
    "waitlist_positions",
]
