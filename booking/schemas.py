"""The JSON API's request and response shapes (django-ninja schemas, in the OpenAPI document)."""

import datetime as dt
import re
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

from .services import Availability, SlotState

# Ids are 64-bit in the database; anything bigger is refused before it reaches a query.
MAX_ID = 2**63 - 1
MAX_PAGE_ID = 2**31 - 1

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value):
    # Only YYYY-MM-DD: pydantic would also take "1700000000" as a timestamp.
    if isinstance(value, str) and not ISO_DAY.fullmatch(value):
        raise ValueError("not YYYY-MM-DD")
    return value


Day = Annotated[dt.date, BeforeValidator(_iso_day)]
SlotId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]


class SlotFilter(Schema):
    start: Day
    end: Day
    space: str | None = Field(None, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    program: int | None = Field(None, ge=1, le=MAX_PAGE_ID)


SLOT_STATUS_DESCRIPTION = (
    "`open`: places left, bookable now (a study-space time already under way too, until its "
    "cut-off shortly before the end). "
    "`full`: no place left; booking with waitlist=true joins the waiting list. "
    "`closed`: closed or cancelled; not bookable. "
    "`past`: over, or started and no longer bookable. "
    "`not_yet_bookable`: beyond the booking window; booking it now is refused with "
    "409 `too_early`. It becomes bookable a set number of days before it starts "
    "(the space's or programme's 'bookable days ahead')."
)


class SlotOut(Schema):
    id: int
    start: dt.datetime
    end: dt.datetime
    title: str
    kind: str
    capacity: int
    available: int
    status: Literal["open", "full", "closed", "past", "not_yet_bookable"] = Field(
        description=SLOT_STATUS_DESCRIPTION
    )


def slot_status(state: SlotState) -> str:
    """A slot's `status` in the API. A slot in progress is "past", as it always was here,
    unless it can still be joined: then it is "open"."""
    if state.state == Availability.OPEN_NOW:
        return Availability.OPEN.value
    return Availability.PAST.value if state.started else state.state.value


class BookingIn(Schema):
    slot_id: SlotId
    waitlist: bool = Field(False, strict=True)


class BookingOut(Schema):
    id: int
    slot_id: int
    status: str


class MyBookingOut(Schema):
    id: int
    slot_id: int
    status: str
    code: str
    start: dt.datetime
    end: dt.datetime
    title: str
    kind: str
    waitlist_position: int | None
    meeting_url: str = Field(
        description="The online session's link: only for a confirmed booking of an online "
        "programme, otherwise empty."
    )


class ErrorOut(Schema):
    code: str
    detail: str
