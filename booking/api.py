"""The JSON API (django-ninja), mounted at /api/v1/ beside Wagtail's own ninja API.

Thin views: they read the request, call `booking.services` with `timezone.now()` and turn a
`BookingError` into an HTTP status. Every error, ninja's own included, is JSON
`{"code": "...", "detail": "..."}` with a message in the visitor's language (Japanese unless they
chose English): clients show `detail` as it is and branch on `code`.

Status codes:
- 401 `not_authenticated`: not logged in (checked before CSRF: an anonymous request changes
  nothing, so it learns that it must log in rather than that a token is missing).
- 403 `csrf_failed`: a logged-in write without a valid `X-CSRFToken` header.
- 403 `no_profile`: logged in (for example a staff account) but without a participant profile.
  403 rather than 409: nothing about the slot conflicts; this account may not book until a
  profile exists.
- 403 `not_eligible`: the programme is for other students (its schools or its age band, as its
  page says); nothing about the slot conflicts, this person may not book it.
- 404 `not_found`: an unknown slot, or a booking that is unknown or belongs to someone else
  (the same answer for both, so ids reveal nothing about other students).
- 409 with the booking rule's code: `full`, `full_now` (a study-space time under way, full: no
  waiting list then), `already_booked`, `closed`, `too_late`, `too_early`, `limit_reached`,
  `not_active`.
- 503 `busy` with `Retry-After`: others held the slot's lock too long; send the request again.
- 400 `bad_input`: a control character (such as NUL) in the path or query string, refused
  before the API (`cms/bad_input.py`).
- 400 `bad_json` (unreadable body), `bad_range` (dates in the wrong order, too far apart or
  out of bounds); 422 `invalid` (a missing field, a wrong type, a number out of range).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

from core.time import local_zone, start_of_day

from . import services
from .models import Booking, Slot
from .schemas import (
    MAX_ID,
    BookingIn,
    BookingOut,
    ErrorOut,
    MyBookingOut,
    SlotFilter,
    SlotOut,
    slot_status,
)
from .services.errors import RETRY_AFTER_SECONDS, BookingError
from .services.mine import my_bookings, participant_for

logger = logging.getLogger(__name__)

MAX_RANGE_DAYS = 92
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)

API_MESSAGES = {
    "not_authenticated": _("Please log in first."),
    "csrf_failed": _("The security check failed. Please reload the page and try again."),
    "booking_not_found": _("This booking does not exist."),
    "bad_json": _('We could not read this request. Send JSON such as {"slot_id": 12}.'),
    "bad_order": _("The start date must not be after the end date."),
    "too_long": _("Please ask for at most %(days)s days at a time."),
    "out_of_bounds": _("Please choose dates between %(first)s and %(last)s."),
    "not_found": _("Not found."),
    "too_large": _("This request is too large."),
    "server_error": _("Something went wrong on our side. Please try again later."),
    "error": _("This request could not be handled."),
}

# ninja/pydantic error types, grouped under one readable sentence each.
FIELD_MESSAGES = {
    "missing": _("%(field)s is missing."),
    "number": _("%(field)s must be a whole number."),
    "range": _("%(field)s is out of range."),
    "date": _("%(field)s must be a date written as YYYY-MM-DD."),
    "bool": _("%(field)s must be true or false."),
    "object": _('The request body must be a JSON object such as {"slot_id": 12}.'),
    "other": _("%(field)s is not valid."),
}
ERROR_GROUPS = {
    "missing": "missing",
    "int_type": "number",
    "int_parsing": "number",
    "int_parsing_size": "range",
    "int_from_float": "number",
    "greater_than": "range",
    "greater_than_equal": "range",
    "less_than": "range",
    "less_than_equal": "range",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail) -> None:
        self.status = status
        self.code = code
        self.detail = detail
        super().__init__(code)


class SessionAuth(APIKeyCookie):
    """Django's session login, as `ninja.security.django_auth`, with CSRF checked for logged-in
    requests only: an anonymous request gets 401 whether or not it carries a token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        try:
            # Read the body before the CSRF check parses a form-encoded one: ninja reads
            # request.body afterwards, which Django refuses once the stream was consumed.
            request.body  # noqa: B018
        except RequestDataTooBig as exc:
            raise ApiError(413, "too_large", API_MESSAGES["too_large"]) from exc
        if check_csrf(request):
            raise ApiError(403, "csrf_failed", API_MESSAGES["csrf_failed"])
        return request.user

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - __call__ decides
        return request.user if request.user.is_authenticated else None


session_auth = SessionAuth()

api = NinjaAPI(
    title="Manabiba booking API",
    version="1",
    urls_namespace="manabiba_api",
    description="Slots of the study space and programme sessions; one's own bookings.",
)


def error_response(request, status: int, code: str, detail):
    return api.create_response(request, {"code": code, "detail": str(detail)}, status=status)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(request, exc.status, exc.code, exc.detail)


@api.exception_handler(BookingError)
def _booking_error(request, exc: BookingError):
    status = {"not_found": 404, "no_profile": 403, "not_eligible": 403, "busy": 503}.get(
        exc.code, 409
    )
    response = error_response(request, status, exc.code, exc.message)
    if exc.code == "busy":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    names = [part for part in first.get("loc", ()) if isinstance(part, str)]
    # loc is ("body", "payload", "slot_id") or ("query", "start"): the last name is the field.
    field = names[-1] if len(names) > 1 else "request"
    group = ERROR_GROUPS.get(first.get("type", ""), "other")
    if group != "object" and field == "payload":
        group = "object"
    detail = str(FIELD_MESSAGES[group]) % {"field": field}
    return error_response(request, 422, "invalid", detail)


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    return error_response(request, 401, "not_authenticated", API_MESSAGES["not_authenticated"])


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # ninja raises HttpError(400) when the body is not JSON, and 403 for a failed CSRF check.
    if exc.status_code == 400:
        return error_response(request, 400, "bad_json", API_MESSAGES["bad_json"])
    if exc.status_code == 403:
        return error_response(request, 403, "csrf_failed", API_MESSAGES["csrf_failed"])
    return error_response(request, exc.status_code, "error", API_MESSAGES["error"])


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not_found", API_MESSAGES["not_found"])


@api.exception_handler(Exception)
def _unexpected(request, exc):
    # A bug, not bad input: log it and still answer in the API's JSON shape.
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(request, 500, "server_error", API_MESSAGES["server_error"])


def _check_range(start: dt.date, end: dt.date) -> None:
    if not (EARLIEST_DAY <= start <= LATEST_DAY and EARLIEST_DAY <= end <= LATEST_DAY):
        detail = str(API_MESSAGES["out_of_bounds"]) % {"first": EARLIEST_DAY, "last": LATEST_DAY}
        raise ApiError(400, "bad_range", detail)
    if start > end:
        raise ApiError(400, "bad_range", API_MESSAGES["bad_order"])
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        detail = str(API_MESSAGES["too_long"]) % {"days": MAX_RANGE_DAYS}
        raise ApiError(400, "bad_range", detail)


@api.get(
    "/slots",
    response={200: list[SlotOut], 400: ErrorOut, 422: ErrorOut},
    summary="Bookable slots between two dates (inclusive, Asia/Tokyo)",
)
def list_slots(request, filters: Query[SlotFilter]):
    """One SQL query whatever the number of slots: confirmed places are counted in the same
    query, and the space or programme comes along with `select_related`."""
    _check_range(filters.start, filters.end)
    now = timezone.now()
    slots = (
        Slot.objects.filter(
            start__gte=start_of_day(filters.start),
            start__lt=start_of_day(filters.end + dt.timedelta(days=1)),
        )
        .filter(Q(space__isnull=False) | Q(program__live=True))
        .select_related("space", "program")
        .annotate(confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)))
        .order_by("start", "pk")
    )
    if filters.space:
        slots = slots.filter(space__slug=filters.space)
    if filters.program:
        slots = slots.filter(program_id=filters.program)
    zone = local_zone()
    items = []
    for slot in slots:
        owner = slot.owner
        state = services.slot_state(
            slot,
            now=now,
            confirmed=slot.confirmed,
            advance_days=owner.advance_days,
            join_until_minutes_before_end=owner.join_until_minutes_before_end,
        )
        items.append(
            {
                "id": slot.pk,
                "start": slot.start.astimezone(zone),
                "end": slot.end.astimezone(zone),
                "title": owner.owner_title,
                "kind": owner.support_kind,
                "capacity": slot.capacity,
                "available": state.places_left,
                "status": slot_status(state),
            }
        )
    return items


@api.post(
    "/bookings",
    auth=session_auth,
    response={
        201: BookingOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Book a place (or a waiting-list place with waitlist=true)",
)
def create_booking(request, payload: BookingIn):
    booking = services.book(
        payload.slot_id, user=request.user, now=timezone.now(), waitlist=payload.waitlist
    )
    return Status(201, {"id": booking.pk, "slot_id": booking.slot_id, "status": booking.status})


@api.get(
    "/bookings",
    auth=session_auth,
    response={200: list[MyBookingOut], 401: ErrorOut},
    summary="My own bookings, soonest first",
)
def list_my_bookings(request):
    participant = participant_for(request.user)
    if participant is None:
        return []
    zone = local_zone()
    items = []
    for booking in my_bookings(participant, now=timezone.now()):
        owner = booking.slot.owner
        items.append(
            {
                "id": booking.pk,
                "slot_id": booking.slot_id,
                "status": booking.status,
                "code": booking.code,
                "start": booking.slot.start.astimezone(zone),
                "end": booking.slot.end.astimezone(zone),
                "title": owner.owner_title,
                "kind": owner.support_kind,
                "waitlist_position": booking.position,
                "meeting_url": booking.meeting_url,
            }
        )
    return items


@api.delete(
    "/bookings/{booking_id}",
    auth=session_auth,
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Cancel one of my bookings",
)
def cancel_booking(request, booking_id: int = Path(..., ge=1, le=MAX_ID)):
    try:
        services.cancel(booking_id, user=request.user, now=timezone.now())
    except BookingError as error:
        if error.code == "not_found":  # no such booking, or someone else's: the same answer
            raise ApiError(404, "not_found", API_MESSAGES["booking_not_found"]) from error
        raise
    return Status(204, None)
