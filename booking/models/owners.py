"""What owns slots and closures: a study space or a programme page, asked the same questions.

`StudySpace` and `ProgramPage` store these under different names (`name`/`title`,
`capacity`/`places_per_session`); each answers the questions below in its own terms, so that
the code reading a slot's owner never asks which of the two it has. `ProgramPage` lives in
`programs`, which may not import booking: it matches the protocol without naming it.
"""

from typing import Protocol


class SlotOwner(Protocol):
    pk: int
    # Booking rules, from core.models.BookingRules.
    advance_days: int
    max_future_bookings: int
    # As stored: for an online programme usually empty (mail shows `owner_place`).
    place: str
    # How long a started slot can still be booked: until this many minutes before its end.
    # None: not at all once it has started (a programme's session). A study space's field.
    join_until_minutes_before_end: int | None

    @property
    def owner_title(self) -> str:
        """The name people know it by."""

    @property
    def owner_place(self) -> str:
        """Where it takes place, as participants see it ("Online" for online study)."""

    @property
    def capacity_per_slot(self) -> int:
        """Places on each new slot."""

    @property
    def support_kind(self) -> str:
        """A `programs.kinds.SupportKind` value: what attendance is counted as."""

    @property
    def week_url(self) -> str:
        """The public week view of its slots, without a week: this week."""

    @property
    def slot_key(self) -> dict:
        """Filter and create keywords for its slots and closures: {"space": …} or
        {"program": …}."""
