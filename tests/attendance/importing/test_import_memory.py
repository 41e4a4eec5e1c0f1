"""Memory does not grow with the file: 20 times the rows, the same peak (rows stream through
the staging table; Python holds one batch at most)."""

import datetime as dt
import time
import tracemalloc

import pytest

from attendance.models import Attendance
from attendance.services.importing import import_attendance

from .helpers import at, make_schools

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 10, 10)
KINDS = ["学習スペース", "理科実験", "science", "オンライン学習", "pbl", "学習相談"]


def write_file(path, rows: int):
    """`rows` rows of 300 participants, each on one visit a day: every row a new visit."""
    start = dt.date(2024, 4, 1)
    with path.open("w", encoding="cp932", newline="") as out:
        out.write("参加者,学校,日付,区分\r\n")
        for n in range(rows):
            day = start + dt.timedelta(days=n // 300)
            school = "益田高校" if n % 3 else ""
            out.write(f"P-{n % 300:04d},{school},{day:%Y/%m/%d},{KINDS[n % 6]}\r\n")
    return path


def peak_while_importing(path) -> int:
    tracemalloc.start()
    try:
        with path.open("rb") as source:
            result = import_attendance(source, now=NOW)
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def test_peak_memory_does_not_grow_with_the_number_of_rows(tmp_path):
    make_schools()
    small = write_file(tmp_path / "small.csv", 2_000)
    large = write_file(tmp_path / "large.csv", 40_000)
    # A warm-up import, so that modules and caches loaded once are not counted as growth.
    import_attendance(small.read_bytes(), now=NOW)
    Attendance.objects.all().delete()

    started = time.monotonic()
    small_peak, small_result = peak_while_importing(small)
    Attendance.objects.all().delete()
    large_peak, large_result = peak_while_importing(large)

    assert (small_result.rows_read, large_result.rows_read) == (2_000, 40_000)
    assert large_result.added == Attendance.objects.count() == 40_000
    # Holding the rows would cost tens of megabytes (about 500 bytes a row in Python).
    assert large_peak - small_peak < 1_000_000, (small_peak, large_peak)
    assert large_peak < 6_000_000, large_peak
    assert time.monotonic() - started < 30
