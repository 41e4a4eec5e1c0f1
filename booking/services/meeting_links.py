"""Who reaches an online programme's meeting link: the one answer that mails, calendar files and
My bookings (page and API) share.

The link is private (docs/domain.md, "Kinds of support"): only a confirmed booking of an online
programme gets it, never a waiting-list place or a cancelled booking, a public or cached page,
or the slots API. Nor does the private calendar feed: its address is a key that calendar apps
carry around and people share by mistake (hence its "make a new address" button), and a
stranger holding it must not be able to enter a room of teenagers. The calendar file of one
booking, downloaded while logged in, does carry it.
"""

import hashlib

from ..models import Booking


def meeting_url_for(booking: Booking) -> str:
    """The meeting link `booking` may see: its programme's, when the booking is confirmed and
    the programme is online; otherwise empty. Reads `booking.slot.program` (select it along)."""
    if booking.status != Booking.Status.CONFIRMED or not booking.slot.program_id:
        return ""
    program = booking.slot.program
    return program.meeting_url if program.is_online else ""


def link_fingerprint(url: str) -> str:
    """A short digest of a link, for the key of the mail that announces it: one mail per
    booking per link, without writing the private link into the mail ledger or the outbox."""
    return hashlib.sha256(url.encode()).hexdigest()[:12] if url else ""
