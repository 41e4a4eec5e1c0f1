"""Writing a study space's opening hours into django-scheduler.

Staff edit `OpeningHours` rows (days, times, from/until). Each becomes one django-scheduler
`Event` with a DAILY rule narrowed by weekday: a WEEKLY rule with several weekdays yields only
the start's weekday in django-scheduler (docs/stack-notes.md), DAILY + byweekday yields all.
"""

import datetime as dt

from django.db import transaction
from schedule.models import Calendar, Event, Rule

from core.time import local_zone

from ..models import OpeningHours, StudySpace
from .slots import sync_owner_slots

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def apply_opening_hours(space: StudySpace, *, now: dt.datetime) -> dict:
    """Bring the space's calendar events in line with its opening hours, then its slots."""
    zone = local_zone()
    with transaction.atomic():
        if space.calendar_id is None:
            calendar, _ = Calendar.objects.get_or_create(
                slug=f"space-{space.pk}", defaults={"name": space.name}
            )
            space.calendar = calendar
            space.save(update_fields=["calendar"])
        keep_events = []
        for hours in OpeningHours.objects.filter(space=space).select_related("event__rule"):
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
            if hours.event_id != event.pk:
                hours.event = event
                hours.save(update_fields=["event"])
            keep_events.append(event.pk)
        stale = Event.objects.filter(calendar=space.calendar).exclude(pk__in=keep_events)
        stale_rules = list(stale.values_list("rule_id", flat=True))
        stale.delete()
        Rule.objects.filter(pk__in=[r for r in stale_rules if r]).delete()
    # We never persist django-scheduler occurrences, so editing an event cannot orphan any:
    # our Slot rows are reconciled explicitly here.
    return sync_owner_slots(space, now=now)
