"""Writing the demo's past (planned by `cms.demo.history`) into the database: participants,
slots, bookings, visits and outcomes, in bulk, only what is missing."""

from __future__ import annotations

import datetime as dt

from attendance.models import Attendance, Outcome
from booking.models import Booking, Participant, Slot
from booking.services.participants import create_participant
from core.time import local_date, local_zone

from .history import Plan, plan_history


def write_history(plan: Plan, *, schools, recorded_by) -> int:
    """Create what the plan has and the database has not; return how many rows were made."""
    created = 0
    people = {
        p.nickname: p for p in Participant.objects.filter(user=None, nickname__in=list(plan.people))
    }
    first_visit = {}
    for _key, name, day, *_rest in sorted(plan.visits, key=lambda v: v[2]):
        first_visit.setdefault(name, day)
    for name, (school, birth_year) in plan.people.items():
        if name in people:
            continue
        person = create_participant(
            nickname=name,
            school=schools[school] if school is not None else None,
            birth_year=birth_year,
        )
        if name in first_visit and person.may_be_minor(first_visit[name]):
            person.guardian_consent_on = first_visit[name]
            person.save(update_fields=["guardian_consent_on"])
        people[name] = person
        created += 1

    slots = existing_slots(plan)
    missing = []
    for key, (owner, start, end, places) in plan.slots.items():
        if key not in slots:
            owner_field = {"space": owner} if key[0] == "space" else {"program": owner}
            missing.append(Slot(start=start, end=end, capacity=places, **owner_field))
    for slot in Slot.objects.bulk_create(missing, batch_size=500):
        slots[slot_key(slot)] = slot
    created += len(missing)

    slot_ids = [slot.pk for slot in slots.values()]
    person_ids = [p.pk for p in people.values()]
    bookings = {
        (b.slot_id, b.participant_id): b
        for b in Booking.objects.filter(slot_id__in=slot_ids, participant_id__in=person_ids)
    }
    new_bookings = []
    for key, name, status, at, code in plan.bookings:
        slot, person = slots[key], people[name]
        if (slot.pk, person.pk) in bookings:
            continue
        booking = Booking(
            slot=slot,
            participant=person,
            status=status,
            code=code,
            created_at=at,
            cancelled_at=at + dt.timedelta(hours=20)
            if status == Booking.Status.CANCELLED
            else None,
        )
        bookings[(slot.pk, person.pk)] = booking
        new_bookings.append(booking)
    Booking.objects.bulk_create(new_bookings, batch_size=500)
    created += len(new_bookings)

    seen = set(
        Attendance.objects.filter(participant_id__in=person_ids).values_list(
            "participant_id", "slot_id", "date", "kind"
        )
    )
    seen_slots = {(p, s) for p, s, _d, _k in seen if s is not None}
    new_visits, zone = [], local_zone()
    for key, name, day, kind in plan.visits:
        person = people[name]
        slot = slots[key] if key else None
        if slot is not None and (person.pk, slot.pk) in seen_slots:
            continue
        if slot is None and (person.pk, None, day, kind) in seen:
            continue
        booking = bookings.get((slot.pk, person.pk)) if slot else None
        if booking is not None and booking.status != Booking.Status.CONFIRMED:
            booking = None
        new_visits.append(
            Attendance.build(
                participant=person,
                slot=slot,
                booking=booking,
                date=day,
                kind=kind,
                school_id=person.school_id,
                source=(
                    Attendance.Source.IMPORT
                    if slot is None
                    else Attendance.Source.BOOKING
                    if booking
                    else Attendance.Source.WALK_IN
                ),
                recorded_at=(
                    slot.start + dt.timedelta(minutes=10)
                    if slot
                    else dt.datetime.combine(day, dt.time(18), tzinfo=zone)
                ),
                recorded_by=recorded_by,
            )
        )
    Attendance.objects.bulk_create(new_visits, batch_size=500)
    created += len(new_visits)

    recorded = set(
        Outcome.objects.filter(participant_id__in=person_ids).values_list(
            "participant_id", "fiscal_year"
        )
    )
    new_outcomes = [
        Outcome(participant=people[name], fiscal_year=year, **dict.fromkeys(flags, True))
        for (name, year), flags in sorted(plan.outcomes.items())
        if (people[name].pk, year) not in recorded
    ]
    Outcome.objects.bulk_create(new_outcomes)
    return created + len(new_outcomes)


def slot_key(slot: Slot) -> tuple:
    if slot.space_id:
        return ("space", slot.start)
    return ("program", slot.program_id, slot.start)


def existing_slots(plan: Plan) -> dict:
    starts = [key[-1] for key in plan.slots]
    if not starts:
        return {}
    found = Slot.objects.filter(start__gte=min(starts), start__lte=max(starts))
    spaces = {owner.pk for key, (owner, *_r) in plan.slots.items() if key[0] == "space"}
    programs = {key[1] for key in plan.slots if key[0] == "program"}
    found = found.filter(space_id__in=spaces) | found.filter(program_id__in=programs)
    return {key: slot for slot in found if (key := slot_key(slot)) in plan.slots}


def seed_history(*, now: dt.datetime, space, hours, programs, schools, recorded_by) -> int:
    programs = sorted(programs, key=lambda p: p.slug)
    plan = plan_history(
        today=local_date(now), space=space, hours=hours, programs=programs, schools=len(schools)
    )
    return write_history(plan, schools=schools, recorded_by=recorded_by)
