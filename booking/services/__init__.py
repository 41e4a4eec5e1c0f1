"""Booking rules as verb-named functions. Views, the JSON API, the admin and management
commands all call these; none of them changes bookings or slots directly.

Every function that depends on the time takes `now` (an aware datetime) from its caller.
"""

from .bookings import book, cancel, waitlist_positions
from .closures import close, reopen
from .errors import BookingError
from .slots import generate_slots

__all__ = [
    "BookingError",
    "book",
    "cancel",
    "close",
    "generate_slots",
    "reopen",
    "waitlist_positions",
]
