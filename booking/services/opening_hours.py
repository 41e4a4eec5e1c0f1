"""Writing a study space's opening hours into django-scheduler, and what that does to bookings.

Staff edit `OpeningHours` rows (days, times, from/until). Each becomes one django-scheduler
`Event` with a DAILY rule narrowed by weekday: a WEEKLY rule with several weekdays yields only
the start's weekday in django-scheduler (docs/stack-notes.md), DAILY + byweekday yields all.

A change of hours never moves a booking silently. Staff first see the booked times it touches
(`preview_opening_hours`: each time, its bookings, the mails that will go out); on saving, the
slots follow the new hours (`sync_owner_slots`):

- a booked time whose end moves (closing at 18:00 instead of 19:00) keeps its bookings at the
  new time, and each person is mailed the new time; their calendar file and feed show it (the
  slot's SEQUENCE goes up, so calendar apps replace the event);
- a booked time that is no longer open at all is cancelled, and each person is mailed.

Why move rather than keep the booked times as they were: the hours are when staff are in the
room. A booking kept until 19:00 in a space that closes at 18:00 would be a promise nobody is
there to keep, and the student would find a locked door; a shorter time they know about is one
they can plan around (or cancel). The admin's message then states what was done, with the
counts of `SlotChanges`.
"""

import datetime as dt

from django.db import transaction
from schedule.models import Calendar, Event, Rule

from core.time import local_zone

from ..models import OpeningHours, StudySpace
from .slots import AffectedSlot, SlotChanges, booked_slot_changes, sync_owner_slots

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _write_events(space: StudySpace, hours_rows, *, link: bool) -> None:
    """Make the space's calendar hold one event per opening-hours row, and nothing else.
    `link`: record each new event on its row (not for a preview, whose rows are unsaved)."""
    zone = local_zone()
    keep_events = []
    for hours in hours_rows:
        params = "byweekday:" + ",".join(WEEKDAY_CODES[d] for d in hours.weekdays)
        event = hours.event or Event(calendar=space.calendar, title=space.name)
        rule = event.rule if event.rule_id else Rule(name=f"space-{space.pk}-hours")
        rule.frequency = "DAILY"
        rule.params = params
        rule.description = str(hours)
        rule.save()
        event.rule = rule
        event.calendar = space.calendar
        event.title = space.name
        event.start = dt.datetime.combine(hours.valid_from, hours.opens, tzinfo=zone)
        event.end = dt.datetime.combine(hours.valid_from, hours.closes, tzinfo=zone)
        event.end_recurring_period = (
            dt.datetime.combine(hours.valid_until, dt.time(23, 59), tzinfo=zone)
            if hours.valid_until
            else None
        )
        event.save()
        if link and hours.event_id != event.pk:
            hours.event = event
            hours.save(update_fields=["event"])
        keep_events.append(event.pk)
    stale = Event.objects.filter(calendar=space.calendar).exclude(pk__in=keep_events)
    stale_rules = list(stale.values_list("rule_id", flat=True))
    stale.delete()
    Rule.objects.filter(pk__in=[r for r in stale_rules if r]).delete()


def apply_opening_hours(space: StudySpace, *, now: dt.datetime) -> SlotChanges:
    """Bring the space's calendar events in line with its opening hours, then its slots;
    returns what was done to the slots (module docstring)."""
    with transaction.atomic():
        if space.calendar_id is None:
            calendar, _ = Calendar.objects.get_or_create(
                slug=f"space-{space.pk}", defaults={"name": space.name}
            )
            space.calendar = calendar
            space.save(update_fields=["calendar"])
        rows = OpeningHours.objects.filter(space=space).select_related("event__rule")
        _write_events(space, rows, link=True)
    # We never persist django-scheduler occurrences, so editing an event cannot orphan any:
    # our Slot rows are reconciled explicitly here.
    return sync_owner_slots(space, now=now)


def preview_opening_hours(
    space: StudySpace, hours_rows: list[OpeningHours], *, now: dt.datetime
) -> list[AffectedSlot]:
    """The booked slots that saving `space` (as edited, unsaved) with `hours_rows` (the form's
    rows, unsaved) would move or cancel, each with its bookings counted; nothing is changed.

    The rows are written into django-scheduler inside a transaction that is rolled back, so
    the preview reads the very calendar the sync will read. Neither the space nor its rows are
    saved, and the slots are only read: nothing else (the page cache's versions, the mail)
    hears of it. A space whose hours were never applied has no slots to touch."""
    if space.calendar_id is None:
        return []
    with transaction.atomic():
        _write_events(space, hours_rows, link=False)
        affected = booked_slot_changes(space, now=now)
        transaction.set_rollback(True)
    return affected
