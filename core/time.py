"""Time in Masuda: the local zone, local days, and the fiscal year.

Everything is Asia/Tokyo (settings.TIME_ZONE). A fiscal year (年度) starts on 1 April and is named
by the calendar year it starts in: 2026年度 runs from 2026-04-01 to 2027-03-31. These are the
only definitions of a local day, a fiscal year and a report month; every app uses them.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Asia/Tokyo, aware."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def fiscal_year_of(day: dt.date) -> int:
    """2026年度 runs 2026-04-01 … 2027-03-31."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a fiscal year."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def month_key(day: dt.date) -> int:
    """The report month of a day, as YYYYMM."""
    return day.year * 100 + day.month


def fiscal_months(fiscal_year: int) -> list[int]:
    """YYYYMM keys of April … March."""
    return [fiscal_year * 100 + m for m in range(4, 13)] + [
        (fiscal_year + 1) * 100 + m for m in range(1, 4)
    ]


def month_label(key: int) -> str:
    """202605 → "2026-05"."""
    return f"{key // 100:04d}-{key % 100:02d}"
