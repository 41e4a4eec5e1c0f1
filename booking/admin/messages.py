"""What the admin tells staff after a change that touches bookings: exactly what was done, from
the counts the services return. Nothing is said that did not happen: a mail is counted only
when it was queued for a person with an address, and people without one are named as such."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from booking.models import Closure
from booking.services.programs import ProgramChanges
from booking.services.slots import SlotChanges


def _mails(mails: int, unreachable: int) -> list[str]:
    parts = [_("Mails to the people booked: %(count)s.") % {"count": mails}]
    if unreachable:
        parts.append(
            ngettext(
                "%(count)s booking has no mail address: please tell that person yourself.",
                "%(count)s bookings have no mail address: please tell those people yourself.",
                unreachable,
            )
            % {"count": unreachable}
        )
    return parts


def _booked_slots(changes: SlotChanges) -> list[str]:
    if not (changes["moved"] or changes["cancelled"]):
        return [_("No booked time was changed.")]
    parts = []
    if changes["moved"]:
        parts.append(
            ngettext(
                "%(count)s booked time keeps its bookings at its new time.",
                "%(count)s booked times keep their bookings at their new times.",
                changes["moved"],
            )
            % {"count": changes["moved"]}
        )
    if changes["cancelled"]:
        parts.append(
            ngettext(
                "%(count)s booked time no longer takes place: its bookings were cancelled.",
                "%(count)s booked times no longer take place: their bookings were cancelled.",
                changes["cancelled"],
            )
            % {"count": changes["cancelled"]}
        )
    return parts + _mails(changes["told"], changes["unreachable"])


def opening_hours_message(changes: SlotChanges) -> str:
    head = (
        _(
            "Opening hours applied: %(created)s new slots, %(updated)s updated, "
            "%(deleted)s unbooked slots removed."
        )
        % changes
    )
    return " ".join([head, *_booked_slots(changes)])


def program_changes_message(report: ProgramChanges) -> str:
    """After publishing a programme; empty when its sessions and link did not change."""
    changes = report.slots
    parts = []
    if any(changes[key] for key in ("created", "updated", "deleted", "moved", "cancelled")):
        parts.append(
            _(
                "Sessions: %(created)s new, %(updated)s updated, %(deleted)s unbooked sessions "
                "removed."
            )
            % changes
        )
        parts += _booked_slots(changes)
    if report.link_changed:
        parts.append(
            ngettext(
                "The new meeting link was sent to %(count)s booking.",
                "The new meeting link was sent to %(count)s bookings.",
                report.link_told,
            )
            % {"count": report.link_told}
        )
    return " ".join(parts)


def closed_message(closure: Closure) -> str:
    head = _("%(target)s is closed from %(first)s to %(last)s.") % {
        "target": closure.target,
        "first": closure.first_day,
        "last": closure.last_day,
    }
    cancelled = ngettext(
        "%(count)s booking was cancelled.",
        "%(count)s bookings were cancelled.",
        closure.affected_bookings,
    ) % {"count": closure.affected_bookings}
    parts = [head, cancelled]
    if closure.affected_bookings:
        parts += _mails(closure.mails, closure.affected_bookings - closure.mails)
    return " ".join(parts)


def reopened_message(closure: Closure, *, restore: bool) -> str:
    parts = [_("%(target)s is open again.") % {"target": closure.target}]
    restored, kept = len(closure.restored), closure.kept_cancelled
    if restore:
        parts.append(
            ngettext(
                "%(count)s booking cancelled by the closure was given back.",
                "%(count)s bookings cancelled by the closure were given back.",
                restored,
            )
            % {"count": restored}
        )
        if restored:
            mails = sum(1 for booking in closure.restored if booking.participant.email)
            parts += _mails(mails, restored - mails)
        if kept:
            parts.append(
                ngettext(
                    "%(count)s booking could not be given back (no place left) and stays "
                    "cancelled.",
                    "%(count)s bookings could not be given back (no place left) and stay "
                    "cancelled.",
                    kept,
                )
                % {"count": kept}
            )
    elif kept:
        parts.append(
            ngettext(
                "%(count)s booking cancelled by the closure stays cancelled; its participant "
                "may book again.",
                "%(count)s bookings cancelled by the closure stay cancelled; their participants "
                "may book again.",
                kept,
            )
            % {"count": kept}
        )
    return " ".join(parts)
