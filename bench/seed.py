"""Preparing the benchmark database: schema, the demo site, bookings, logged-in sessions.

Runs inside the bench process with DJANGO_SETTINGS_MODULE=cms.settings.bench (django.setup()
already called). Everything is idempotent: a second run reuses what the first created.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from dataclasses import dataclass

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

BENCH_SPACE_SLUG = "manabiba-study-space"
SEEDED_BOOKINGS_PER_STUDENT = 1
ROSTER_BOOKINGS = 40
REPORT_PARTICIPANTS = 2000
# Staff sign-ins for the admin routes: username -> role group (None: a superuser).
STAFF_ROLES = {
    "bench-staff": "Staff",
    "bench-coordinator": "Coordinators",
    "bench-editor": "Editors",
    "bench-admin": None,
}
CSRF_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class Student:
    participant_id: int
    session_key: str
    csrf_secret: str
    free_places: int
    """How many more future bookings this student may hold (the max_future_bookings rule)."""
    held_slots: frozenset[int]
    """Slots this student has already booked (booking them again would be a 409)."""

    @property
    def headers(self) -> dict[str, str]:
        from django.conf import settings

        return {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf_secret}",
            "X-CSRFToken": self.csrf_secret,
        }


@dataclass(frozen=True)
class Plan:
    """What the load generator requests: URLs found in the seeded data, and who books what."""

    program_index: str
    program_page: str
    content_page: str
    space_week: str
    program_week: str
    slots_month: str
    students: list[Student]
    slot_quota: dict[int, int]
    """Bookable slot id -> places the benchmark may take on it without filling it."""
    roster: str
    """The check-in roster of today's slot with `ROSTER_BOOKINGS` bookings."""
    staff_sessions: dict[str, str]
    """Role group (None: superuser) -> a logged-in admin session key."""


def prepare(*, students: int, report_rows: int = 0, verbosity: int = 0) -> Plan:
    now = timezone.now()
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=verbosity)
    call_command("seed_demo", students=students, verbosity=verbosity)
    ensure_study_space(now=now)
    from booking.services import generate_slots

    generate_slots(now=now)
    people = ensure_participants(students)
    seed_bookings(people, now=now)
    roster_slot = seed_roster(now=now)
    seed_attendance(report_rows, now=now)
    plan = make_plan(people, now=now, roster_slot=roster_slot)
    connections.close_all()
    return plan


def ensure_study_space(*, now: dt.datetime) -> None:
    """The demo study space with its opening hours (seed_demo adds one when it knows how)."""
    from booking.models import OpeningHours, StudySpace
    from booking.services.opening_hours import apply_opening_hours

    if StudySpace.objects.exists():
        return
    with transaction.atomic():
        space = StudySpace.objects.create(
            name="学習スペース",
            slug=BENCH_SPACE_SLUG,
            place="益田市立図書館 2階 学習室",
            capacity=12,
        )
        first = timezone.localdate(now) - dt.timedelta(days=30)
        OpeningHours.objects.create(
            space=space,
            weekdays=[0, 1, 2, 3, 4],
            opens=dt.time(16),
            closes=dt.time(19),
            valid_from=first,
        )
        OpeningHours.objects.create(
            space=space, weekdays=[5, 6], opens=dt.time(10), closes=dt.time(17), valid_from=first
        )
    apply_opening_hours(space, now=now)


def ensure_participants(students: int) -> list:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from booking.models import Participant
    from booking.services.participants import create_participant

    # 16 or 17 on any day of the run: inside every programme's default age band (15-19).
    birth_year = timezone.localdate().year - 17

    users = get_user_model().objects.filter(
        username__in=[f"student{n}" for n in range(1, students + 1)]
    )
    have = set(Participant.objects.filter(user__in=users).values_list("user_id", flat=True))
    for user in users:
        if user.pk not in have:
            create_participant(
                nickname=user.username, user=user, contact_email=user.email, birth_year=birth_year
            )
    return list(Participant.objects.filter(user__in=users).select_related("user"))


def bookable_slots(*, now: dt.datetime):
    """Open future slots inside every owner's booking window, with their confirmed count."""
    from booking.models import Booking, Slot

    horizon = now + dt.timedelta(days=13)
    return (
        Slot.objects.filter(
            start__gt=now + dt.timedelta(hours=1),
            start__lt=horizon,
            status=Slot.Status.OPEN,
            closure__isnull=True,
        )
        .annotate(confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)))
        .order_by("start", "pk")
    )


def seed_bookings(people, *, now: dt.datetime) -> None:
    """Give every student a booking, through the booking service, so pages show real counts."""
    from booking.models import Booking
    from booking.services import BookingError, book

    slots = [s for s in bookable_slots(now=now) if s.confirmed < s.capacity // 2]
    if not slots:
        return
    for i, participant in enumerate(people):
        held = Booking.objects.filter(
            participant=participant, status__in=Booking.ACTIVE, slot__start__gt=now
        ).count()
        for j in range(held, SEEDED_BOOKINGS_PER_STUDENT):
            slot = slots[(i * 7 + j) % len(slots)]
            try:
                book(slot.pk, participant, now=now)
            except BookingError:
                continue


def seed_roster(*, now: dt.datetime) -> int:
    """A study-space slot early today with `ROSTER_BOOKINGS` confirmed bookings of participants
    who take no part in the booking rounds. Returns its id."""
    from booking.models import Booking, Participant, Slot, StudySpace
    from core.time import local_date, start_of_day

    space = StudySpace.objects.order_by("pk").first()
    start = start_of_day(local_date(now)) + dt.timedelta(minutes=10)
    with transaction.atomic():
        slot, _ = Slot.objects.get_or_create(
            space=space,
            start=start,
            defaults={"end": start + dt.timedelta(hours=1), "capacity": ROSTER_BOOKINGS + 5},
        )
        Participant.objects.bulk_create(
            [
                Participant(reference=f"BENCH-R{n:03d}", nickname=f"来室者{n}")
                for n in range(1, ROSTER_BOOKINGS + 1)
            ],
            ignore_conflicts=True,
        )
        people = Participant.objects.filter(reference__startswith="BENCH-R")
        have = set(slot.bookings.values_list("participant", flat=True))
        Booking.objects.bulk_create(
            [
                Booking(slot=slot, participant=p, status=Booking.Status.CONFIRMED, created_at=now)
                for p in people
                if p.pk not in have
            ]
        )
    return slot.pk


def seed_attendance(rows: int, *, now: dt.datetime, batch: int = 5000) -> None:
    """Top the current fiscal year's visits up to `rows` (the coordinators' report reads them),
    spread over `REPORT_PARTICIPANTS` participants and the days of the year so far."""
    import random

    from attendance.models import Attendance
    from booking.models import Participant
    from core.time import fiscal_year_bounds, fiscal_year_of, local_date

    if rows <= 0:
        return
    today = local_date(now)
    year = fiscal_year_of(today)
    first = fiscal_year_bounds(year)[0]
    days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
    Participant.objects.bulk_create(
        [
            Participant(reference=f"BENCH-A{n:05d}", nickname=f"利用者{n}")
            for n in range(1, REPORT_PARTICIPANTS + 1)
        ],
        ignore_conflicts=True,
    )
    people = list(
        Participant.objects.filter(reference__startswith="BENCH-A").values_list("pk", flat=True)
    )
    missing = rows - Attendance.objects.filter(participant__in=people, fiscal_year=year).count()
    rng = random.Random(year)
    kinds = ["study_space", "study_space", "study_space", "science", "fieldwork", "consultation"]
    while missing > 0:
        size = min(batch, missing)
        Attendance.objects.bulk_create(
            [
                Attendance.build(
                    participant_id=rng.choice(people),
                    date=rng.choice(days),
                    kind=rng.choice(kinds),
                    source="walk_in",
                    recorded_at=now,
                )
                for _ in range(size)
            ]
        )
        missing -= size


def ensure_staff() -> dict[str | None, object]:
    """One user per admin role, with a confirmed address and an authenticator app (the admin
    asks everyone who sees personal data for one)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    users = {}
    for username, role in STAFF_ROLES.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.org",
                "is_superuser": role is None,
                "is_staff": role is None,
            },
        )
        if created:
            if role:
                user.groups.add(Group.objects.get(name=role))
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            Authenticator.objects.create(
                user=user, type=Authenticator.Type.TOTP, data={"secret": "bench"}
            )
        users[role] = user
    return users


def login_session(user, *, admin: bool = False) -> str:
    """A saved, logged-in session for `user`, as django.contrib.auth.login would make it
    (with the admin's marks for an `admin` session: cms.accounts.middleware)."""
    import time
    from importlib import import_module

    from django.conf import settings

    from cms.accounts.middleware import ADMIN_SESSION, LAST_SEEN

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if admin:
        store[ADMIN_SESSION] = True
        store[LAST_SEEN] = int(time.time())
    store.create()
    return store.session_key


def make_plan(people, *, now: dt.datetime, roster_slot: int) -> Plan:
    from booking.models import Booking, StudySpace
    from cms.models import ContentPage
    from programs.models import ProgramIndexPage, ProgramPage

    max_future = {}
    quota = {}
    for slot in bookable_slots(now=now).select_related("space", "program"):
        owner = slot.owner
        max_future[slot.pk] = owner.max_future_bookings
        # Leave two places free so the benchmark measures bookings, not "full".
        free = slot.capacity - slot.confirmed - 2
        if free > 0:
            quota[slot.pk] = free
    if not quota:
        raise RuntimeError("No bookable slots: the benchmark cannot measure booking.")
    held: dict[int, set[int]] = {}
    for participant_id, slot_id in Booking.objects.filter(
        participant__in=people, status__in=Booking.ACTIVE, slot__start__gt=now
    ).values_list("participant", "slot"):
        held.setdefault(participant_id, set()).add(slot_id)
    limit = min(max_future.values())
    students = [
        Student(
            participant_id=p.pk,
            session_key=login_session(p.user),
            csrf_secret="".join(secrets.choice(CSRF_ALPHABET) for _ in range(32)),
            free_places=limit - len(held.get(p.pk, ())),
            held_slots=frozenset(held.get(p.pk, ())),
        )
        for p in people
        if len(held.get(p.pk, ())) < limit
    ]
    today = timezone.localdate(now)
    space = StudySpace.objects.order_by("pk").first()
    program = ProgramPage.objects.live().order_by("path").first()
    return Plan(
        program_index=ProgramIndexPage.objects.live().first().url,
        program_page=program.url,
        content_page=ContentPage.objects.live().order_by("path").first().url,
        space_week=f"/space/{space.slug}/",
        program_week=f"/programs/{program.pk}/sessions/",
        slots_month=f"/api/v1/slots?start={today}&end={today + dt.timedelta(days=30)}",
        students=students,
        slot_quota=quota,
        roster=f"/admin/checkin/slot/{roster_slot}/",
        staff_sessions={
            role: login_session(user, admin=True) for role, user in ensure_staff().items()
        },
    )
