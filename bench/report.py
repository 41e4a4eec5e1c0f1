#!/usr/bin/env python
"""Time the fiscal-year report over a large attendance table.

    .venv/bin/python bench/report.py                          # PostgreSQL, 200,000 rows
    .venv/bin/python bench/report.py --db sqlite --rows 200000
    .venv/bin/python bench/report.py --explain                # EXPLAIN ANALYZE of each query

One run: create the database (PostgreSQL `manabiba_reportbench`, `--database-url` to change;
SQLite: a temporary file, removed afterwards), migrate it, replace its attendance by `--rows`
generated visits of 2,000 participants over three fiscal years (2023-2025), run VACUUM ANALYZE
(as autovacuum would after a bulk load; ANALYZE on SQLite), then time `fiscal_year_report(2024)`,
the middle year: one warm-up, then the median of `--runs` (default 7). Prints the median, min
and max in ms and the number of SQL queries. Exit status 1 when the target is missed (100 ms on
PostgreSQL, 300 ms on SQLite). `--explain` prints each query with its time and plan.

The data: participants belong to one of the five partner schools or none; 40 % come in one
fiscal year only, 35 % in two consecutive years, 15 % in all three, 10 % in the first and the
third (absent in the middle). How often each comes is skewed (a few come almost daily). Visits
spread over the months (fewer in August and at New Year) and the kinds of support (most in the
open study space, attached to that day's slot); about 4 % of bookings are no-shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench.servers import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres:postgres@127.0.0.1:5432/manabiba_reportbench"
FIRST_YEAR = 2023
YEARS = 3
MEASURED_YEAR = FIRST_YEAR + 1
PARTICIPANTS = 2000
TARGET_MS = {"postgres": 100.0, "sqlite": 300.0}

PARTNER_SCHOOLS = ["益田高校", "翔陽高校", "明誠高校", "益田東高校", "益田養護学校"]
SCHOOL_WEIGHTS = [22, 20, 18, 16, 6, 18]  # the last: no partner school
KIND_WEIGHTS = {
    "study_space": 55,
    "online": 14,
    "consultation": 12,
    "science": 8,
    "pbl": 7,
    "fieldwork": 4,
}
# April … March: quiet in August and around New Year, busy before exams.
MONTH_WEIGHTS = [9, 10, 9, 8, 5, 9, 10, 10, 8, 7, 9, 6]
YEAR_PATTERNS = [((0,), 14), ((1,), 13), ((2,), 13), ((0, 1), 18), ((1, 2), 17), ((0, 1, 2), 15)]
YEAR_PATTERNS += [((0, 2), 10)]
NO_SHOW_SHARE = 0.04
BATCH = 5000


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=positive, default=200_000, help="attendance rows")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("REPORT_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL database (created if missing; its attendance is replaced)",
    )
    parser.add_argument("--runs", type=positive, default=7, help="timed runs after one warm-up")
    parser.add_argument("--seed", type=int, default=20250401)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: keep the data of an earlier run when it has exactly --rows visits",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each query (PostgreSQL)"
    )
    return parser.parse_args(argv)


def fiscal_days(year: int) -> list[list[dt.date]]:
    """The days of fiscal `year`, by month (April first)."""
    months: list[list[dt.date]] = [[] for _ in range(12)]
    day = dt.date(year, 4, 1)
    while day < dt.date(year + 1, 4, 1):
        months[(day.month - 4) % 12].append(day)
        day += dt.timedelta(days=1)
    return months


def generate_attendance(
    rows: int, *, participants: int = PARTICIPANTS, first_year: int = FIRST_YEAR, seed: int = 1
) -> dict:
    """Replace every attendance, booking, slot and participant by generated ones (bulk inserts).

    Must run with Django set up. Returns counts of what was created.
    """
    from django.db import transaction

    from attendance.models import Attendance, Outcome
    from booking.models import Booking, Participant, Slot, StudySpace
    from core.models import School
    from core.time import local_date, start_of_day

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        Attendance.objects.all().delete()
        Booking.objects.all().delete()
        Outcome.objects.all().delete()
        Slot.objects.all().delete()
        Participant.objects.all().delete()
        schools = [
            School.objects.get_or_create(name=name, defaults={"sort_order": n})[0].pk
            for n, name in enumerate(PARTNER_SCHOOLS)
        ] + [None]
        space, _ = StudySpace.objects.get_or_create(
            slug="report-bench", defaults={"name": "学習スペース", "place": "2F", "capacity": 40}
        )

        Participant.objects.bulk_create(
            [
                Participant(
                    reference=f"P-{n:05d}",
                    nickname=f"P-{n:05d}",
                    school_id=rng.choices(schools, SCHOOL_WEIGHTS)[0],
                )
                for n in range(1, participants + 1)
            ],
            batch_size=BATCH,
        )
        people = list(Participant.objects.order_by("pk").values_list("pk", "school_id"))
        patterns, pattern_weights = zip(*YEAR_PATTERNS, strict=True)
        years_of = [rng.choices(patterns, pattern_weights)[0] for _ in people]
        heaviness = [rng.paretovariate(1.3) for _ in people]

        slot_rows = []
        for year in range(first_year, first_year + YEARS):
            for month in fiscal_days(year):
                for day in month:
                    start = start_of_day(day) + dt.timedelta(hours=16)
                    end = start + dt.timedelta(hours=3)
                    slot_rows.append(Slot(space=space, start=start, end=end, capacity=40))
        Slot.objects.bulk_create(slot_rows, batch_size=BATCH)
        slots = {
            local_date(start): pk
            for pk, start in Slot.objects.filter(space=space).values_list("pk", "start")
        }

        kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
        per_year = [rows // YEARS + (1 if y < rows % YEARS else 0) for y in range(YEARS)]
        attendance = []
        seen_slot: set[tuple[int, int]] = set()
        for offset, count in enumerate(per_year):
            year = first_year + offset
            active = [i for i, years in enumerate(years_of) if offset in years]
            weights = [heaviness[i] for i in active]
            months = fiscal_days(year)
            for i in rng.choices(active, weights, k=count):
                pk, school_id = people[i]
                day = rng.choice(rng.choices(months, MONTH_WEIGHTS)[0])
                kind = rng.choices(kinds, kind_weights)[0]
                slot_id = slots.get(day) if kind == "study_space" else None
                if slot_id is not None:
                    if (pk, slot_id) in seen_slot:
                        slot_id = None  # a second visit that day: a walk-in without a slot
                    else:
                        seen_slot.add((pk, slot_id))
                attendance.append(
                    Attendance.build(
                        participant_id=pk,
                        slot_id=slot_id,
                        date=day,
                        kind=kind,
                        school_id=school_id,
                        source="walk_in",
                        recorded_at=now,
                    )
                )
        Attendance.objects.bulk_create(attendance, batch_size=BATCH)

        # No-shows: confirmed bookings on study-space days the person did not come.
        slot_ids = list(slots.values())
        bookings = []
        booked: set[tuple[int, int]] = set()
        for _ in range(int(rows * NO_SHOW_SHARE)):
            pk = people[rng.randrange(len(people))][0]
            slot_id = rng.choice(slot_ids)
            if (pk, slot_id) in seen_slot or (pk, slot_id) in booked:
                continue
            booked.add((pk, slot_id))
            bookings.append(
                Booking(slot_id=slot_id, participant_id=pk, status="confirmed", created_at=now)
            )
        Booking.objects.bulk_create(bookings, batch_size=BATCH)
    return {
        "participants": len(people),
        "attendance": len(attendance),
        "slots": len(slot_ids),
        "no_show_bookings": len(bookings),
    }


def existing_data() -> dict:
    from attendance.models import Attendance
    from booking.models import Booking, Participant, Slot

    return {
        "participants": Participant.objects.count(),
        "attendance": Attendance.objects.count(),
        "slots": Slot.objects.count(),
        "no_show_bookings": Booking.objects.count(),
    }


def analyze() -> None:
    """What autovacuum does after a bulk load on PostgreSQL (statistics, and the visibility map
    that index-only scans need); SQLite never gathers statistics by itself, ANALYZE does."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(fiscal_year: int, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from attendance.services.reports import fiscal_year_report

    now = dt.datetime.now(dt.UTC)
    fiscal_year_report(fiscal_year, now=now)  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        report = fiscal_year_report(fiscal_year, now=now)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fiscal_year_report(fiscal_year, now=now)
    return {
        "median_ms": statistics.median(timings),
        "min_ms": min(timings),
        "max_ms": max(timings),
        "queries": len(queries),
        "sql": [q["sql"] for q in queries.captured_queries],
        "total_visits": report["total_visits"],
        "unique_participants": report["unique_participants"],
    }


def explain(sql_list: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for n, sql in enumerate(sql_list, 1):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            took = (time.perf_counter() - started) * 1000
            print(f"\n-- query {n}: {took:.1f} ms\n{sql}\n")
            if connection.vendor == "postgresql":
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            for row in cursor.fetchall():
                print("   ", " | ".join(str(col) for col in row))


def configure(args: argparse.Namespace) -> str | None:
    """Point Django at the chosen database; returns a temporary SQLite path to remove."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    if args.db == "postgres":
        ensure_database(args.database_url)
        os.environ["DATABASE_URL"] = args.database_url
        return None
    os.environ.pop("DATABASE_URL", None)
    handle, path = tempfile.mkstemp(prefix="manabiba-report-", suffix=".sqlite3")
    os.close(handle)
    os.environ["SQLITE_PATH"] = path
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sqlite_path = configure(args)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        counts = existing_data() if args.reuse else None
        if not counts or counts["attendance"] != args.rows:
            counts = generate_attendance(args.rows, seed=args.seed)
            analyze()
        load_s = time.perf_counter() - started
        result = measure(MEASURED_YEAR, args.runs)
        target = TARGET_MS[args.db]
        passed = result["median_ms"] <= target
        print(
            f"database: {args.db}; generated {counts['attendance']:,} visits of "
            f"{counts['participants']:,} participants over fiscal {FIRST_YEAR}-"
            f"{FIRST_YEAR + YEARS - 1}, {counts['slots']:,} slots, "
            f"{counts['no_show_bookings']:,} no-show bookings in {load_s:.1f} s"
        )
        print(
            f"fiscal_year_report({MEASURED_YEAR}): median {result['median_ms']:.1f} ms "
            f"(min {result['min_ms']:.1f}, max {result['max_ms']:.1f}, {args.runs} runs after "
            f"1 warm-up), {result['queries']} SQL queries; {result['total_visits']:,} visits, "
            f"{result['unique_participants']:,} participants; target {target:.0f} ms: "
            f"{'pass' if passed else 'FAIL'}"
        )
        if args.explain:
            explain(result["sql"])
        return 0 if passed else 1
    finally:
        if sqlite_path:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(sqlite_path + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
