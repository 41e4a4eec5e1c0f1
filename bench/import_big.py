#!/usr/bin/env python
"""Time the attendance import of a big Shift_JIS (CP932) CSV on PostgreSQL, with its memory.

    .venv/bin/python bench/import_big.py                    # 1.4 million rows, about 50 MB
    .venv/bin/python bench/import_big.py --rows 200000      # a quicker run

One run: write the file (Japanese header, CP932 as Excel's plain "CSV" saves it, dates in every
accepted form, kinds as Japanese labels and codes, 5,000 participants, half of them at a partner
school, over three fiscal years, a few duplicate rows), create a new database
(`--database-url`; it must not exist yet), migrate it in a child process (so that the
migrations' memory is not counted), import the file once through
`attendance.services.importing.import_attendance`, print the seconds and the peak RSS of this
process (`resource.getrusage`), then drop the database and remove the file. Exit status 1 when
a target is missed: 60 s and 200 MB. The CPU seconds of this process are printed too: on a busy
machine they tell the file's reading from the wait for the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 200.0
PARTICIPANTS = 5000
FIRST_DAY = dt.date(2023, 4, 1)
DAYS = 3 * 365
SCHOOLS = ["益田高校", "翔陽高校", "明誠高校", "益田東高校", "益田養護学校"]
KINDS = [
    "学習スペース",
    "理科実験",
    "フィールドワーク",
    "オンライン学習",
    "学習相談",
    "study_space",
]
KIND_WEIGHTS = [50, 8, 4, 14, 12, 12]


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=positive, default=1_400_000, help="rows in the file")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "IMPORT_BENCH_DATABASE_URL",
            f"postgresql://postgres@127.0.0.1:5432/manabiba_importbench_{os.getpid()}",
        ),
        help="a PostgreSQL database that does not exist yet (created, then dropped)",
    )
    parser.add_argument("--seed", type=int, default=20250510)
    args = parser.parse_args(argv)
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must be a postgresql:// URL")
    return args


def date_text(day: dt.date, form: int) -> str:
    """The date as staff write it, in one of the accepted forms."""
    reiwa = day.year - 2018
    return [
        f"{day:%Y/%m/%d}",
        f"{day.year}/{day.month}/{day.day}",
        day.isoformat(),
        f"R{reiwa}.{day.month}.{day.day}",
        f"令和{reiwa}年{day.month}月{day.day}日",
        f"{day.year}年{day.month}月{day.day}日",
    ][form]


def write_file(path: Path, rows: int, seed: int) -> int:
    """Write `rows` rows (about 1 in 200 repeats the row before it); returns the size."""
    rng = random.Random(seed)
    with path.open("w", encoding="cp932", newline="") as out:
        out.write("参加者,学校,日付,区分\r\n")
        previous = ""
        for n in range(rows):
            if previous and n % 200 == 0:
                out.write(previous)
                continue
            person = rng.randrange(PARTICIPANTS)
            school = SCHOOLS[person % 5] if person % 2 else ""
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            previous = f"P-{person:04d},{school},{date_text(day, n % 6)},{kind}\r\n"
            out.write(previous)
    return path.stat().st_size


def create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"database {name} exists already: choose another --database-url")
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    handle, name = tempfile.mkstemp(prefix="manabiba-import-", suffix=".csv")
    os.close(handle)
    path = Path(name)
    create_database(args.database_url)
    try:
        started = time.perf_counter()
        size = write_file(path, args.rows, args.seed)
        print(
            f"file: {args.rows:,} rows, {size / 1e6:.1f} MB CP932 in "
            f"{time.perf_counter() - started:.1f} s"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": args.database_url,
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        os.environ.update(env)
        import django

        django.setup()
        from django.utils import timezone

        from attendance.services.importing import import_attendance
        from core.models import School

        for order, school in enumerate(SCHOOLS):
            School.objects.get_or_create(name=school, defaults={"sort_order": order})

        before_mb = peak_rss_mb()

        def progress(stage: str, done: int, total: int) -> None:
            if done * 100 // total % 25 == 0:
                print(f"  {stage} {done * 100 // total}% at {time.perf_counter() - t0:.1f} s")

        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = usage.ru_utime + usage.ru_stime
        t0 = time.perf_counter()
        with path.open("rb") as source:
            result = import_attendance(
                source, name=path.name, now=timezone.now(), progress=progress
            )
        seconds = time.perf_counter() - t0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime - cpu_before
        peak_mb = peak_rss_mb()
        passed = seconds <= TARGET_SECONDS and peak_mb <= TARGET_PEAK_MB
        print(
            f"import ({result.file_format}): {result.rows_read:,} rows, {result.added:,} "
            f"visits added, {result.duplicates_in_file:,} duplicates, "
            f"{result.participants_created:,} participants created in {seconds:.1f} s "
            f"({cpu:.1f} s CPU in this process, the rest in PostgreSQL or waiting); "
            f"peak RSS {peak_mb:.0f} MB ({before_mb:.0f} MB before the import); "
            f"targets {TARGET_SECONDS:.0f} s and {TARGET_PEAK_MB:.0f} MB: "
            f"{'pass' if passed else 'FAIL'}; load average {os.getloadavg()[0]:.1f}"
        )
        return 0 if passed else 1
    finally:
        path.unlink(missing_ok=True)
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database(args.database_url)


if __name__ == "__main__":
    raise SystemExit(main())
