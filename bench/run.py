#!/usr/bin/env python
"""Benchmark the site under gunicorn on PostgreSQL and compare every route with a minimal view.

    .venv/bin/python bench/run.py            # or: make bench
    .venv/bin/python bench/run.py --requests 500 --concurrency 4

One run: create and migrate the database, seed the demo site with 50 students and their
bookings, start gunicorn (2 sync workers, persistent connections, DEBUG off), measure each
route with a fixed number of requests at a fixed concurrency from 127.0.0.1, print the table,
write bench/results-latest.json and stop gunicorn (also on error). Exit status 1 when a target
is missed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import sys
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import load  # noqa: E402
from bench.servers import (  # noqa: E402
    WORKERS,
    ensure_database,
    free_port,
    start_gunicorn,
    start_mail_worker,
    stop,
    wait_for_mail,
    wait_ready,
)
from bench.table import (  # noqa: E402
    DELETE,
    MINIMAL,
    POST,
    Row,
    build_rows,
    format_table,
    write_json,
)

DEFAULT_DATABASE_URL = "postgresql://postgres:postgres@127.0.0.1:5432/manabiba_bench"
DEFAULT_RESULTS = BASE_DIR / "bench" / "results-latest.json"
SETTINGS_MODULE = "cms.settings.bench"

PAGE_TARGET = 0.25
BOOKING_TARGET = 0.15
STUDENT_TARGET = 0.15
ROSTER_TARGET = 0.10
REPORT_TARGET = 0.10
DASHBOARD_TARGET = 0.08


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="PostgreSQL database to create, migrate and seed (default: %(default)s)",
    )
    parser.add_argument("--requests", type=positive, default=2000, help="requests per route")
    parser.add_argument(
        "--booking-requests",
        type=positive,
        default=1000,
        help="booking POSTs (and as many DELETEs)",
    )
    parser.add_argument("--concurrency", type=positive, default=4, help="client threads")
    parser.add_argument(
        "--rounds", type=positive, default=5, help="interleaved rounds over all routes"
    )
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests per route")
    parser.add_argument(
        "--time-limit", type=positive, default=120, help="seconds at most per route and phase"
    )
    parser.add_argument("--students", type=positive, default=50, help="seed_demo --students")
    parser.add_argument(
        "--report-rows",
        type=int,
        default=200_000,
        help="attendance rows of this fiscal year for the coordinators' report",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_RESULTS, help="JSON results file")
    args = parser.parse_args(argv)
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must be a postgresql:// URL")
    return args


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


# ---------------------------------------------------------------------------------------------
# Scenarios


def measure_get(
    port: int, name: str, path: str, requests: int, args, headers=None
) -> load.Measurement:
    return load.run(
        port,
        load.get_step(path, name, headers=headers),
        names=[name],
        iterations=requests,
        concurrency=args.concurrency,
        time_limit=args.time_limit,
    )[name]


def merge(total: load.Measurement, part: load.Measurement) -> None:
    total.outcomes += part.outcomes
    total.failures.update(part.failures)
    total.wall_seconds += part.wall_seconds


def booking_items(plan, round_no: int) -> list[tuple]:
    """(student, slot id) pairs for one round: every student takes their free places, on slots
    spread so that none gets full. Consecutive items belong to different students, so parallel
    requests rarely wait for the same participant's lock."""
    quota = dict(plan.slot_quota)
    slot_ids = list(quota)
    items = []
    taken = {student.participant_id: set(student.held_slots) for student in plan.students}
    cursor = round_no * 7
    for place in range(max(s.free_places for s in plan.students)):
        for student in plan.students:
            if student.free_places <= place:
                continue
            mine = taken[student.participant_id]
            for _ in range(len(slot_ids)):
                slot_id = slot_ids[cursor % len(slot_ids)]
                cursor += 1
                if quota[slot_id] > 0 and slot_id not in mine:
                    quota[slot_id] -= 1
                    mine.add(slot_id)
                    items.append((student, slot_id))
                    break
    return items


def measure_bookings(port: int, plan, args, *, count: int, round_no: int, settle):
    """Every student books their free places (POST), then cancels them all (DELETE); again
    until `count` POSTs. Returns the POST and DELETE measurements. `settle()` runs before
    each phase: every phase starts with the mail of the one before sent."""
    post, delete = load.Measurement(POST), load.Measurement(DELETE)
    while post.requests < count:
        items = booking_items(plan, round_no)[: count - post.requests]
        if not items:
            raise SystemExit("No booking can be planned: no free places or no students.")
        created: list[tuple] = []

        def book(client, n, record, items=items, created=created):
            student, slot_id = items[n]
            status, data, seconds = load.timed(
                client,
                "POST",
                "/api/v1/bookings",
                headers=student.headers,
                body={"slot_id": slot_id},
            )
            record(POST, status, seconds)
            if status == 201:
                created.append((student, json.loads(data)["id"]))

        def cancel(client, n, record, created=created):
            student, booking_id = created[n]
            status, _data, seconds = load.timed(
                client, "DELETE", f"/api/v1/bookings/{booking_id}", headers=student.headers
            )
            record(DELETE, status, seconds)

        for total, step, iterations in ((post, book, len(items)), (delete, cancel, None)):
            settle()
            part = load.run(
                port,
                step,
                names=[total.name],
                iterations=len(created) if iterations is None else iterations,
                concurrency=args.concurrency,
                time_limit=args.time_limit,
            )[total.name]
            merge(total, part)
        if not created:
            raise SystemExit(f"No booking succeeded: statuses {post.statuses()}")
        round_no += 1
    return post, delete


def run_benchmark(args) -> tuple[list[Row], dict]:
    ensure_database(args.database_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        "DATABASE_URL": args.database_url,
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from bench.seed import prepare
    from cms.page_cache import bump_pages_version
    from core.cache import bump_availability

    print("Preparing the database (migrate, collectstatic, seed_demo, bookings)…", flush=True)
    plan = prepare(students=args.students, report_rows=args.report_rows)
    # Pages cached by an earlier run were rendered from another database.
    bump_pages_version()
    with transaction.atomic():
        bump_availability()
    # Do now the maintenance the preparation's writes would otherwise trigger in the first
    # round (autovacuum, a checkpoint), where it slowed the minimal view by a third.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    connection.close()
    # The load generator runs in this process: keep the collector from rescanning everything
    # Django loaded for the preparation while it is timing requests.
    gc.collect()
    gc.freeze()

    routes = [
        (MINIMAL, "/bench/minimal/", None, None),
        ("home page", "/", PAGE_TARGET, None),
        ("programme list", plan.program_index, PAGE_TARGET, None),
        ("programme list ?kind=science", plan.program_index + "?kind=science", PAGE_TARGET, None),
        ("programme page", plan.program_page, PAGE_TARGET, None),
        ("content page", plan.content_page, PAGE_TARGET, None),
        ("week view", plan.space_week, PAGE_TARGET, None),
        ("GET /api/v1/slots (month)", plan.slots_month, PAGE_TARGET, None),
        *logged_in_routes(plan),
    ]
    totals = {name: load.Measurement(name) for name, _path, _target, _headers in routes}
    totals[POST], totals[DELETE] = load.Measurement(POST), load.Measurement(DELETE)
    minimal_by_round = []

    DBTaskResult.objects.all().delete()
    port = free_port()
    server = start_gunicorn(port, env)
    worker = start_mail_worker(env)
    settle = partial(wait_for_mail, DBTaskResult)
    try:
        wait_ready(port, server)
        print(f"gunicorn: {WORKERS} sync workers on 127.0.0.1:{port}", flush=True)
        for name, path, _target, headers in routes:
            print(f"  {name}: GET {path}", flush=True)
            if args.warmup:
                measure_get(port, name, path, args.warmup, args, headers)
        # The machine may be shared: every round measures every route, so a busy spell slows
        # the minimal view as much as the pages it is compared with.
        for round_no in range(args.rounds):
            print(f"Round {round_no + 1}/{args.rounds}…", flush=True)
            for name, path, _target, headers in routes:
                share = split(args.requests, args.rounds, round_no)
                part = measure_get(port, name, path, share, args, headers)
                merge(totals[name], part)
                if name == MINIMAL:
                    minimal_by_round.append(round(part.rps, 1))
            share = split(args.booking_requests, args.rounds, round_no)
            parts = measure_bookings(
                port, plan, args, count=share, round_no=round_no, settle=settle
            )
            for part in parts:
                merge(totals[part.name], part)
            # The worker sends the round's mail before the next round, so that it never runs
            # while the minimal view and the pages are measured.
            settle()
    finally:
        stop(server)
        stop(worker)

    mails = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
    targets = {name: target for name, _path, target, _headers in routes}
    targets.update({POST: BOOKING_TARGET, DELETE: BOOKING_TARGET})
    rows = build_rows(list(totals.values()), totals[MINIMAL].rps, targets)
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
        "server": f"gunicorn, {WORKERS} sync workers, {SETTINGS_MODULE}",
        "requests_per_route": args.requests,
        "booking_requests": args.booking_requests,
        "rounds": args.rounds,
        "concurrency": args.concurrency,
        "warmup": args.warmup,
        "minimal_rps_by_round": minimal_by_round,
        "mail_tasks_by_status": mails,
        "report_rows": args.report_rows,
        "paths": {name: path for name, path, _target, _headers in routes},
    }
    return rows, meta


def logged_in_routes(plan) -> list[tuple]:
    """(name, path, target, headers) of the pages logged-in people open: a student (the first
    of the booking students: their bookings change between rounds, as a real student's do),
    the desk staff, a coordinator, and the admin's dashboard for every role."""
    from django.conf import settings

    def cookie(session_key):
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}

    student = {"Cookie": plan.students[0].headers["Cookie"]}
    staff = plan.staff_sessions
    routes = [
        ("student: home page", "/", STUDENT_TARGET, student),
        ("student: programme list", plan.program_index, STUDENT_TARGET, student),
        ("student: programme page", plan.program_page, STUDENT_TARGET, student),
        ("student: week view", plan.space_week, STUDENT_TARGET, student),
        ("student: programme week view", plan.program_week, STUDENT_TARGET, student),
        ("student: My bookings", "/my/", STUDENT_TARGET, student),
        ("student: GET /api/v1/bookings", "/api/v1/bookings", STUDENT_TARGET, student),
        ("staff: check-in roster (40)", plan.roster, ROSTER_TARGET, cookie(staff["Staff"])),
        (
            "coordinator: attendance report",
            "/admin/reports/attendance/",
            REPORT_TARGET,
            cookie(staff["Coordinators"]),
        ),
    ]
    # The same admin pages rendered in full, as after any change (a query parameter the
    # admin's copies do not keep: cms/admin_cache.py), for information: no target.
    routes += [
        (
            "staff: check-in roster (40), rendered",
            plan.roster + "?rendered=1",
            None,
            cookie(staff["Staff"]),
        ),
        ("staff: admin dashboard, rendered", "/admin/?rendered=1", None, cookie(staff["Staff"])),
    ]
    for role, label in (
        ("Staff", "staff"),
        ("Coordinators", "coordinator"),
        ("Editors", "editor"),
        (None, "superuser"),
    ):
        name = f"{label}: admin dashboard"
        routes.append((name, "/admin/", DASHBOARD_TARGET, cookie(staff[role])))
    return routes


def split(total: int, parts: int, index: int) -> int:
    """The index-th of `parts` near-equal shares of `total`."""
    return total // parts + (1 if index < total % parts else 0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rows, meta = run_benchmark(args)
    print()
    print(format_table(rows))
    print(f"\nMail outbox after the run (task status: count): {meta['mail_tasks_by_status']}")
    write_json(args.output, rows, meta)
    print(f"\nWrote {args.output}")
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
