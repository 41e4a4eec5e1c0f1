"""The demo's past: what the study space and the programmes saw before today.

A coordinator opening the demo should read years like the city's (延べ800名 a year: hundreds of
visits by tens of young people), not zeros. For the demo's study space and programmes this
writes

- the first records, January to March of the fiscal year three years back, typed in from the
  paper register (imported rows, without a slot);
- the two past fiscal years in full, about 800 visits each: study-space times and programme
  sessions, bookings (some never came: the no-shows; a few cancelled), walk-ins, people who
  continue from the year before and people who are new, and a few outcomes;
- the current fiscal year up to yesterday, at the same pace.

Past bookings cannot go through `book()` (it refuses what has started), so the rows are
written directly, as an import would: this is history, not a booking. Everything is drawn from
one seeded random.Random, so the same day gives the same plan, and only what is missing is
created: a second run creates nothing. The people are walk-ins without accounts.

This module draws the plan; `cms.demo.history_rows` writes it into the database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from booking.models import Booking
from booking.models.slots import CODE_ALPHABET
from core.time import fiscal_year_bounds, fiscal_year_of, local_date, local_zone
from programs.kinds import SupportKind
from programs.schedule import sessions_between

SEED = 800
# fmt: off
NICKNAMES = [
    "あおい", "あかり", "あさひ", "あやね", "いつき", "いぶき", "うみ", "えま", "かえで", "かなた",
    "かのん", "きいち", "けいた", "こうき", "こころ", "さき", "さつき", "しおり", "しずく", "しゅん",
    "すばる", "せな", "そうた", "たいが", "たくみ", "ちひろ", "つばさ", "てつ", "とうま", "なぎさ",
    "なつき", "なな", "のあ", "のぞみ", "はると", "ひかる", "ひびき", "ひろと", "ふうか", "ほのか",
    "まお", "まひろ", "みさと", "みずき", "みのり", "めい", "もえ", "ゆいと", "ゆずき", "ようた",
    "らん", "りく", "りお", "りこ", "るい", "れいな", "ろい", "わかな", "あんず", "いろは",
    "かいと", "きらら", "ことね", "さくと", "しの", "すず", "そよか", "ちあき", "つむぎ", "ともや",
    "なお", "にこ", "はやと", "ひより", "ふゆ", "まなと", "みつき", "ゆめ", "よう", "りつ",
    "わたる", "アキ", "カズ", "ケン", "サヤ", "タケ", "ナル", "マコ", "ミナ", "ユキ",
    "リョウ", "ジュン", "トモ", "ハル", "ヒロ",
]
# fmt: on
FULL_YEAR_VISITS = (780, 840)
FIRST_RECORDS_VISITS = (80, 100)
BOOKED_SHARE = 0.55  # of study-space visits; programme sessions are always booked
NO_SHOW_RATE = 0.06  # a booking for which nobody came, per visit booked
CANCEL_RATE = 0.04  # a booking cancelled in time, per visit booked
SESSIONS_PER_YEAR = 10  # of each programme: in the early years they ran about monthly
MAX_PER_SESSION = 5
CLOSED_DAYS = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
# How often one comes compared with others: a few regulars make most of the visits.
INTENSITY = (0.15, 0.3, 0.3, 0.6, 0.6, 1.0, 1.0, 1.6, 2.4)
# Outcomes recorded in a full year: how many people, per outcome.
OUTCOMES = {
    "returned_to_school": 3,
    "continuing_consultation": 4,
    "took_equivalency_exam": 3,
    "employed": 1,
    "further_education": 1,
}
PASSED_OF_TAKEN = 2


@dataclass
class Period:
    fiscal_year: int
    days: list[dt.date]
    new: int  # people coming for the first time
    keep: float  # share of the previous period's people who come again
    imported: bool = False
    members: list[str] = field(default_factory=list)
    windows: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)


@dataclass
class Plan:
    people: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # school, birth year
    slots: dict[tuple, tuple] = field(default_factory=dict)  # key -> (owner, start, end, places)
    bookings: list[tuple] = field(default_factory=list)  # key, nickname, status, at, code
    visits: list[tuple] = field(default_factory=list)  # key|None, nickname, day, kind, source
    outcomes: dict[tuple[str, int], set[str]] = field(default_factory=lambda: defaultdict(set))


def open_days(first: dt.date, last: dt.date, *, weekdays_only: bool = False) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if (day.month, day.day) not in CLOSED_DAYS and not (weekdays_only and day.weekday() > 4):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def periods_until(today: dt.date) -> list[Period]:
    current = fiscal_year_of(today)
    first_records_year = fiscal_year_bounds(current - 3)[1].year
    periods = [
        Period(
            current - 3,
            open_days(
                dt.date(first_records_year, 1, 6),
                dt.date(first_records_year, 3, 31),
                weekdays_only=True,
            ),
            new=12,
            keep=0,
            imported=True,
        ),
        Period(current - 2, open_days(*fiscal_year_bounds(current - 2)), new=34, keep=0.8),
        Period(current - 1, open_days(*fiscal_year_bounds(current - 1)), new=26, keep=0.45),
    ]
    this_year = open_days(fiscal_year_bounds(current)[0], today - dt.timedelta(days=1))
    if this_year:
        share = len(this_year) / len(periods[-1].days)
        periods.append(Period(current, this_year, new=max(1, round(20 * share)), keep=0.55))
    return periods


def weighted_sample(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    pool, chosen = dict(weights), []
    while pool and len(chosen) < k:
        target, acc = rng.random() * sum(pool.values()), 0.0
        pick = next(reversed(pool))
        for candidate, weight in pool.items():
            acc += weight
            if acc >= target:
                pick = candidate
                break
        chosen.append(pick)
        del pool[pick]
    return chosen


def space_time(day: dt.date, hours) -> tuple[dt.datetime, dt.datetime]:
    for weekdays, opens, closes in hours:
        if day.weekday() in weekdays:
            zone = local_zone()
            return (
                dt.datetime.combine(day, opens, tzinfo=zone),
                dt.datetime.combine(day, closes, tzinfo=zone),
            )
    raise ValueError(f"the study space has no hours on {day}")


def plan_history(*, today: dt.date, space, hours, programs, schools: int) -> Plan:
    rng = random.Random(SEED)
    plan = Plan()
    periods = periods_until(today)
    names = iter(NICKNAMES)
    # Who comes in each period: some of the previous period's people, and new ones.
    for index, period in enumerate(periods):
        previous = periods[index - 1].members if index else []
        period.members = rng.sample(previous, round(len(previous) * period.keep))
        for _ in range(period.new):
            name = next(names)
            school = None if rng.random() < 0.25 else rng.randrange(schools)
            birth = fiscal_year_bounds(period.fiscal_year)[0].year - rng.randint(15, 18)
            plan.people[name] = (school, birth)
            period.members.append(name)
    # From when to when within the period: the continuing from its start, the others from
    # some day; those who come again next period stay to its end.
    for index, period in enumerate(periods):
        previous = set(periods[index - 1].members) if index else set()
        following = set(periods[index + 1].members) if index + 1 < len(periods) else set()
        days = period.days
        for name in period.members:
            start = 0 if name in previous else rng.randrange(max(1, len(days) * 5 // 6))
            end = len(days) - 1 if name in following else rng.randint(start, len(days) - 1)
            period.windows[name] = (days[start], days[end])
        plan_period(rng, plan, period, space=space, hours=hours, programs=programs)
    return plan


def plan_period(rng, plan: Plan, period: Period, *, space, hours, programs) -> None:
    days, windows = period.days, period.windows
    low, high = FIRST_RECORDS_VISITS if period.imported else FULL_YEAR_VISITS
    year_days = len(open_days(*fiscal_year_bounds(period.fiscal_year)))
    share = 1 if period.imported else min(1, len(days) / year_days)
    target = round(rng.randint(low, high) * share)
    intensity = {name: rng.choice(INTENSITY) for name in period.members}

    def active(day):
        return {n: intensity[n] for n in period.members if windows[n][0] <= day <= windows[n][1]}

    def booking(key, name, start, status):
        at = start - dt.timedelta(days=rng.randint(1, 7), hours=rng.randint(0, 6))
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
        plan.bookings.append((key, name, status, at, code))

    # Programme sessions (not in the paper register's months): a few a year each.
    program_visits = 0
    if not period.imported:
        first, last = days[0], days[-1] + dt.timedelta(days=1)
        zone = local_zone()
        bounds = (
            dt.datetime.combine(first, dt.time(), tzinfo=zone),
            dt.datetime.combine(last, dt.time(), tzinfo=zone),
        )
        for program in programs:
            sessions = sessions_between(program, *bounds)
            per_year = len(sessions) * year_days / len(days)
            step = max(1, round(per_year / SESSIONS_PER_YEAR))
            for session in sessions[::step]:
                key = ("program", program.pk, session.start)
                places = program.places_per_session
                plan.slots[key] = (program, session.start, session.end, places)
                wanted = min(places, rng.randint(1, MAX_PER_SESSION))
                people = weighted_sample(rng, active(local_date(session.start)), wanted + 1)
                came, spare = people[:wanted], people[wanted:]
                for name in came:
                    booking(key, name, session.start, Booking.Status.CONFIRMED)
                    plan.visits.append((key, name, local_date(session.start), program.kind))
                    program_visits += 1
                if spare and len(came) < places and rng.random() < NO_SHOW_RATE * len(came):
                    booking(key, spare[0], session.start, Booking.Status.CONFIRMED)

    # The study space: the rest of the visits, shared by how often and how long each came.
    weights = {}
    for name in period.members:
        first, last = windows[name]
        weights[name] = intensity[name] * ((last - first).days + 1)
    total, remaining = sum(weights.values()), target - program_visits
    per_day = defaultdict(int)
    for name in period.members:
        first, last = windows[name]
        window = [d for d in days if first <= d <= last]
        count = min(len(window), max(1, round(remaining * weights[name] / total)))
        chosen = sorted(rng.sample(window, count))
        others = [d for d in window if d not in set(chosen)]
        for day in chosen:
            if period.imported:
                plan.visits.append((None, name, day, SupportKind.STUDY_SPACE))
                continue
            start, end = space_time(day, hours)
            key = ("space", start)
            plan.slots[key] = (space, start, end, space.capacity)
            if per_day[day] >= space.capacity:
                continue
            per_day[day] += 1
            if rng.random() < BOOKED_SHARE:
                booking(key, name, start, Booking.Status.CONFIRMED)
                for status, rate in (
                    (Booking.Status.CONFIRMED, NO_SHOW_RATE),  # booked, never came
                    (Booking.Status.CANCELLED, CANCEL_RATE),
                ):
                    if others and rng.random() < rate:
                        other = others.pop(rng.randrange(len(others)))
                        other_start, other_end = space_time(other, hours)
                        other_key = ("space", other_start)
                        plan.slots[other_key] = (space, other_start, other_end, space.capacity)
                        booking(other_key, name, other_start, status)
            plan.visits.append((key, name, day, SupportKind.STUDY_SPACE))
    # Every day the space was open is a time held, visited or not (seat use counts them).
    if not period.imported:
        for day in days:
            start, end = space_time(day, hours)
            plan.slots.setdefault(("space", start), (space, start, end, space.capacity))

    # Outcomes, recorded for a few of the year's people.
    if not period.imported:
        pool = sorted(period.members)
        for flag, count in OUTCOMES.items():
            chosen = rng.sample(pool, min(len(pool), round(count * share)))
            for name in chosen:
                plan.outcomes[(name, period.fiscal_year)].add(flag)
            if flag == "took_equivalency_exam":
                for name in chosen[:PASSED_OF_TAKEN]:
                    plan.outcomes[(name, period.fiscal_year)].add("passed_equivalency_exam")
