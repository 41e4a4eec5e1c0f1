"""iCalendar files of bookings: one booking to download, or a participant's feed."""

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from booking.models import Booking


def booking_calendar(bookings, *, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Manabiba//Masuda learning support//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for booking in bookings:
        calendar.add_component(booking_event(booking))
    return calendar.to_ical()


def booking_event(booking: Booking) -> Event:
    slot = booking.slot
    owner = slot.owner
    event = Event()
    event.add("uid", f"booking-{booking.code}@manabiba")
    event.add("dtstamp", booking.promoted_at or booking.created_at)
    event.add("dtstart", slot.start)
    event.add("dtend", slot.end)
    title = owner.owner_title
    if booking.status == Booking.Status.WAITLISTED:
        title = _("%(title)s (waiting list)") % {"title": title}
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    event.add("summary", title)
    place = owner.owner_place
    if place:
        event.add("location", place)
    event.add("description", _("Booking code: %(code)s") % {"code": booking.code})
    return event
