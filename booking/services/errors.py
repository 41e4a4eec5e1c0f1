from django.utils.translation import gettext_lazy as _

# Every refusal a student can meet, in one place. Kind words: many users are anxious, and a
# refusal must say what to do next.
MESSAGES = {
    "not_found": _("This time slot does not exist (any more)."),
    "full": _("Sorry, this time is full. You can join the waiting list."),
    "full_now": _("Sorry, the space is full right now. You are welcome another time."),
    "already_booked": _("You already have a place (or a waiting-list place) at this time."),
    "closed": _("This time is closed. Please choose another time."),
    "too_late": _("This time has already started, so it can no longer be booked or cancelled."),
    "too_early": _("This time cannot be booked yet. Bookings open %(days)s days ahead."),
    "limit_reached": _(
        "You already hold %(limit)s upcoming bookings. Cancel one first, or come after one of them."
    ),
    "not_active": _("This booking is already cancelled."),
    "check_in_too_early": _("Check-in opens two hours before the start."),
    "already_attended": _("This person is already checked in for this time."),
    "no_profile": _("Please finish your profile before booking."),
    "not_eligible": _(
        "This programme is for the students its page names (school or age). Please choose "
        "another one, or ask the staff: they are happy to help."
    ),
    "busy": _("Many people are booking right now. Please try again in a few seconds."),
}

# "busy" is a lock not had within the lock timeout (3 s): worth trying again about that soon.
RETRY_AFTER_SECONDS = 3


class BookingError(Exception):
    """A booking rule said no. `code` is stable (the API returns it); `message` is for people."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)

    @property
    def message(self) -> str:
        text = MESSAGES[self.code]
        return str(text) % self.params if self.params else str(text)

    def __str__(self) -> str:
        return self.message
