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
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench import load  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres:postgres@127.0.0.1:5432/manabiba_bench"
DEFAULT_RESULTS = BASE_DIR / "bench" / "results-latest.json"
SETTINGS_MODULE = "cms.settings.bench"
WORKERS = 2

PAGE_TARGET = 0.25
BOOKING_TARGET = 0.15
TAIL_FACTOR = 10  # booking p99 must stay under 10 × p50

MINIMAL = "minimal view"
POST = "POST /api/v1/bookings"
DELETE = "DELETE /api/v1/bookings/{id}"


@dataclass(frozen=True)
class Row:
    route: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    ratio: float | None
    target: float | None
    error_rate: float
    passed: bool | None
    statuses: dict

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "ref"
        return "pass" if self.passed else "FAIL"


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
# Report


def build_rows(
    measurements: list[load.Measurement], minimal_rps: float, targets: dict[str, float | None]
) -> list[Row]:
    ok = {POST: {201}, DELETE: {204}}
    rows = []
    for m in measurements:
        target = targets.get(m.name)
        ratio = m.rps / minimal_rps if minimal_rps else 0.0
        p50, p99 = m.percentile_ms(0.50), m.percentile_ms(0.99)
        error_rate = m.error_rate(ok.get(m.name, {200}))
        if m.name == MINIMAL:
            passed = None
        else:
            passed = target is not None and ratio >= target and error_rate == 0 and m.requests > 0
            if m.name in (POST, DELETE):
                passed = passed and p99 < TAIL_FACTOR * p50
        rows.append(
            Row(
                route=m.name,
                requests=m.requests,
                rps=round(m.rps, 1),
                p50_ms=round(p50, 2),
                p99_ms=round(p99, 2),
                ratio=None if m.name == MINIMAL else round(ratio, 3),
                target=target,
                error_rate=round(error_rate, 4),
                passed=passed,
                statuses=m.statuses(),
            )
        )
    return rows


def format_table(rows: list[Row]) -> str:
    header = ("route", "req/s", "p50 ms", "p99 ms", "ratio", "target", "errors", "result")
    lines = [header]
    for r in rows:
        target = "" if r.target is None else f">= {r.target:.2f}"
        if r.route in (POST, DELETE):
            target += f", p99 < {TAIL_FACTOR}x p50"
        lines.append(
            (
                r.route,
                f"{r.rps:.0f}",
                f"{r.p50_ms:.1f}",
                f"{r.p99_ms:.1f}",
                "1.000" if r.ratio is None else f"{r.ratio:.3f}",
                target,
                f"{r.error_rate:.1%}",
                r.verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        cells = [
            cell.ljust(w) if i in (0, 5) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def write_json(path: Path, rows: list[Row], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**meta, "results": [asdict(r) | {"result": r.verdict} for r in rows]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# Database and server


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("--database-url needs a database name")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((load.LOOPBACK, 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cms.wsgi",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"{load.LOOPBACK}:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env)


def start_mail_worker(env: dict) -> subprocess.Popen:
    """The mail outbox worker, as production runs it beside gunicorn (README, "Production"):
    booking requests only insert a task row; this process renders and "sends" (mail is not
    sent in the benchmark) every confirmation and cancellation mail. Like in production it
    runs at the lowest CPU priority, so that under a rush of bookings people's requests come
    first and the mail follows seconds later; the run waits for it to send everything."""
    command = [sys.executable, "manage.py", "db_worker", "--backend", "mail"]
    command += ["--no-startup-delay", "--no-reload"]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, preexec_fn=lambda: os.nice(19))


def wait_for_mail(results, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while results.objects.ready().exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"The mail worker did not empty the outbox within {timeout} s")
        time.sleep(0.2)


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            client = load.Client(port)
            status, _ = client.request("GET", "/bench/minimal/")
            client.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# ---------------------------------------------------------------------------------------------
# Scenarios


def measure_get(port: int, name: str, path: str, requests: int, args) -> load.Measurement:
    return load.run(
        port,
        load.get_step(path, name),
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
    plan = prepare(students=args.students)
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
        (MINIMAL, "/bench/minimal/", None),
        ("home page", "/", PAGE_TARGET),
        ("programme list", plan.program_index, PAGE_TARGET),
        ("programme list ?kind=science", plan.program_index + "?kind=science", PAGE_TARGET),
        ("programme page", plan.program_page, PAGE_TARGET),
        ("content page", plan.content_page, PAGE_TARGET),
        ("week view", plan.space_week, PAGE_TARGET),
        ("GET /api/v1/slots (month)", plan.slots_month, PAGE_TARGET),
    ]
    totals = {name: load.Measurement(name) for name, _path, _target in routes}
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
        for name, path, _target in routes:
            print(f"  {name}: GET {path}", flush=True)
            if args.warmup:
                measure_get(port, name, path, args.warmup, args)
        # The machine may be shared: every round measures every route, so a busy spell slows
        # the minimal view as much as the pages it is compared with.
        for round_no in range(args.rounds):
            print(f"Round {round_no + 1}/{args.rounds}…", flush=True)
            for name, path, _target in routes:
                share = split(args.requests, args.rounds, round_no)
                part = measure_get(port, name, path, share, args)
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
    targets = {name: target for name, _path, target in routes}
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
        "paths": {name: path for name, path, _target in routes},
    }
    return rows, meta


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
