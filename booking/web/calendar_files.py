"""iCalendar files of bookings: one booking to download, or a participant's feed.

Only the downloaded file of one's own booking carries the online session's link (URL and
DESCRIPTION), for a confirmed booking: the feed never does (booking.services.meeting_links).
"""

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from booking.models import Booking
from booking.services.meeting_links import meeting_url_for


def booking_calendar(bookings, *, name: str = "", with_links: bool = False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Manabiba//Masuda learning support//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for booking in bookings:
        calendar.add_component(booking_event(booking, with_link=with_links))
    return calendar.to_ical()


def booking_event(booking: Booking, *, with_link: bool = False) -> Event:
    slot = booking.slot
    owner = slot.owner
    event = Event()
    event.add("uid", f"booking-{booking.code}@manabiba")
    event.add("dtstamp", booking.promoted_at or booking.created_at)
    event.add("dtstart", slot.start)
    event.add("dtend", slot.end)
    # Goes up when the time changes: calendar apps then replace the event they hold.
    event.add("sequence", slot.sequence)
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
    description = _("Booking code: %(code)s") % {"code": booking.code}
    link = meeting_url_for(booking) if with_link else ""
    if link:
        event.add("url", link)
        description += "\n" + _("Link to join: %(url)s") % {"url": link}
    event.add("description", description)
    return event
