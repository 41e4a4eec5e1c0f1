"""The figures the city reports (docs/domain.md, "The figures the city reports").

One function, `fiscal_year_report`, computes every figure of a fiscal year and its breakdowns
by month, kind of support and school. The admin report, its CSV/XLSX exports, the public impact
page and `manage.py attendance_report` all call it, so they cannot disagree. `period_report`
gives the same figures for some days of one fiscal year (the ministry's mid-year report and
the same days of the year before), from the same code.

Everything is computed in the database in a fixed number of queries (the same at a thousand
rows and at a few hundred thousand). Attendance rows carry their local date, fiscal year and
month as plain columns, so grouping needs no time-zone arithmetic in SQL.

Breakdowns of people: a participant counts once in each month, kind and school they attended
(so the rows of a breakdown may add up to more than the total). New participants by month are
counted once, in the month of their first visit ever; by kind and school, in each they attended.
"""

import datetime as dt

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.utils.translation import gettext as _
from wagtail.models import Site

from attendance.models import Outcome
from booking.models import Booking, Slot
from core import audit
from core.cache import ATTENDANCE_KEY, cached_under_versions, shared_caching_enabled
from core.cache import KEY as AVAILABILITY_KEY
from core.figures import suppress_small
from core.models import School
from core.time import (
    fiscal_months,
    fiscal_year_bounds,
    fiscal_year_of,
    month_key,
    month_label,
    start_of_day,
)
from programs.kinds import SupportKind

from .checkin import no_shows as no_shows_among
from .report_sql import attendance_figures

# Seconds a shared yearly report is kept at most (`shared_fiscal_year_report`).
SHARED_REPORT_TIMEOUT = 60

NONE_SCHOOL = "none"
DIMENSIONS = ("month", "kind", "school")


def _month_case(field: str, months: list[int]) -> Case:
    """Bucket an aware datetime column into YYYYMM by Asia/Tokyo month boundaries, using only
    range comparisons (portable, and indexes stay usable)."""
    whens = []
    for key in months:
        year, month = divmod(key, 100)
        first = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        whens.append(
            When(
                **{f"{field}__gte": start_of_day(first), f"{field}__lt": start_of_day(following)},
                then=Value(key),
            )
        )
    return Case(*whens, default=Value(0))


def _slot_kind(prefix: str = "") -> Case:
    return Case(
        When(**{f"{prefix}space__isnull": False}, then=Value(SupportKind.STUDY_SPACE.value)),
        default=F(f"{prefix}program__kind"),
        output_field=CharField(),
    )


def _empty_rows(months: list[int], schools: dict) -> dict:
    return {
        "month": {k: _zero() for k in months},
        "kind": {k: _zero() for k in SupportKind.values},
        "school": {**{pk: _zero() for pk in schools}, None: _zero()},
    }


def _zero() -> dict:
    return {
        "visits": 0,
        "unique": 0,
        "continuing": 0,
        "new": 0,
        "no_shows": 0,
        "attended_in_slots": 0,
        "capacity": 0,
    }


def period_within_fiscal_year(first_day: dt.date, last_day: dt.date) -> int:
    """The fiscal year holding every day of `first_day` … `last_day`, or ValueError: a report
    compares a period with the same period of the previous year, and its continuing
    participants are those of the previous fiscal year, so a period never crosses 1 April."""
    if last_day < first_day:
        raise ValueError(
            f"The period is reversed: it ends on {last_day.isoformat()}, "
            f"before it starts on {first_day.isoformat()}."
        )
    fiscal_year = fiscal_year_of(first_day)
    if fiscal_year_of(last_day) != fiscal_year:
        raise ValueError(
            f"The period {first_day.isoformat()} … {last_day.isoformat()} crosses 1 April: "
            f"a report covers days of one fiscal year (年度), here "
            f"{fiscal_year}-04-01 … {fiscal_year + 1}-03-31."
        )
    return fiscal_year


def period_months(first_day: dt.date, last_day: dt.date) -> list[int]:
    """YYYYMM keys of the months a period (inside one fiscal year) touches, in order."""
    first, last = month_key(first_day), month_key(last_day)
    return [key for key in fiscal_months(fiscal_year_of(first_day)) if first <= key <= last]


def fiscal_year_report(fiscal_year: int, *, now: dt.datetime) -> dict:
    """Every figure of `fiscal_year` (2025 = 2025-04-01 … 2026-03-31, Asia/Tokyo)."""
    first_day, last_day = fiscal_year_bounds(fiscal_year)
    return _report(fiscal_year, first_day, last_day, now=now)


def shared_fiscal_year_report(fiscal_year: int, *, now: dt.datetime) -> dict:
    """`fiscal_year_report`, shared between readers while nothing it counts has changed.

    Kept under the attendance version (every visit, outcome or school saved; the importer
    bumps it after a bulk insert) and the availability version (bookings, slots, closures:
    no-shows and seat use), and for a minute at most: no-shows and seat use also move as
    slots end, which no version says. Its keys are language-neutral (the views label them).
    On 200,000 visits the report is ~130 ms of SQL; opening it again, or a colleague opening
    it, costs none."""
    if not shared_caching_enabled():
        return fiscal_year_report(fiscal_year, now=now)
    return cached_under_versions(
        f"attendance-report:{fiscal_year}",
        lambda: fiscal_year_report(fiscal_year, now=now),
        timeout=SHARED_REPORT_TIMEOUT,
        versions=(ATTENDANCE_KEY, AVAILABILITY_KEY),
    )


def period_report(first_day: dt.date, last_day: dt.date, *, now: dt.datetime) -> dict:
    """Every figure of the days `first_day` … `last_day` (both included, inside one fiscal
    year: the mid-year report's cut-off, or the same days of the previous year), shaped as
    `fiscal_year_report` with the months of the period only, plus `first_day` and `last_day`.

    Continuing participants came in the previous fiscal year; new ones never came before
    `first_day`. Outcomes are recorded per participant per fiscal year with no date of their
    own (`recorded_at` moves on every edit), so a period shows its fiscal year's outcomes as
    recorded when the report runs; `outcomes_cover` says so ("fiscal_year")."""
    fiscal_year = period_within_fiscal_year(first_day, last_day)
    report = _report(fiscal_year, first_day, last_day, now=now)
    return {**report, "first_day": first_day, "last_day": last_day, "outcomes_cover": "fiscal_year"}


def _report(fiscal_year: int, first_day: dt.date, last_day: dt.date, *, now: dt.datetime) -> dict:
    months = period_months(first_day, last_day)
    schools = dict(School.objects.values_list("pk", "name"))
    rows = _empty_rows(months, schools)
    total = _zero()

    # Visits, unique, continuing and new participants, and visits on booked slots: one query
    # for the total and every breakdown (report_sql.ATTENDANCE_SQL).
    for dimension, key, unique, continuing, new, visits, in_slots in attendance_figures(
        fiscal_year, first_day, last_day, months
    ):
        if dimension == "total":
            target = total
        elif dimension == "new_month":
            rows["month"].setdefault(int(key), _zero())["new"] = new
            continue
        else:
            if dimension == "month":
                key = int(key)
            elif dimension == "school":
                key = int(key) if key is not None else None
            target = rows[dimension].setdefault(key, _zero())
        target["unique"], target["continuing"], target["visits"] = unique, continuing, visits
        target["attended_in_slots"] = in_slots
        if dimension != "month":
            target["new"] = new

    # No-shows: confirmed bookings of slots that have ended with nobody checked in.
    year_start, year_end = start_of_day(first_day), start_of_day(last_day + dt.timedelta(days=1))
    in_year = Booking.objects.filter(slot__start__gte=year_start, slot__start__lt=year_end)
    no_shows = (
        no_shows_among(in_year, now=now)
        .annotate(
            m=_month_case("slot__start", months),
            k=_slot_kind("slot__"),
            s=F("participant__school_id"),
        )
        .order_by()
        .values("m", "k", "s")
        .annotate(n=Count("id"))
    )
    for row in no_shows:
        total["no_shows"] += row["n"]
        for dimension, key in zip(DIMENSIONS, (row["m"], row["k"], row["s"]), strict=True):
            rows[dimension].setdefault(key, _zero())["no_shows"] += row["n"]

    # Seat use: visits on slots over the places of the slots held so far (started, not
    # cancelled or closed). Check-in is only possible on such slots, so no join is needed.
    held = Slot.objects.filter(
        start__gte=year_start,
        start__lt=min(year_end, now),
        status=Slot.Status.OPEN,
        closure__isnull=True,
    )
    capacity = (
        held.annotate(m=_month_case("start", months), k=_slot_kind())
        .order_by()
        .values("m", "k")
        .annotate(places=Sum("capacity"), sessions=Count("id"))
    )
    total["sessions_held"] = 0
    total["program_sessions_held"] = 0
    for row in capacity:
        total["capacity"] += row["places"]
        total["sessions_held"] += row["sessions"]
        if row["k"] != SupportKind.STUDY_SPACE:
            total["program_sessions_held"] += row["sessions"]
        rows["month"].setdefault(row["m"], _zero())["capacity"] += row["places"]
        rows["kind"].setdefault(row["k"], _zero())["capacity"] += row["places"]

    outcomes = Outcome.objects.filter(fiscal_year=fiscal_year).aggregate(
        **{flag: Count("id", filter=Q(**{flag: True})) for flag in Outcome.FLAGS}
    )

    return {
        "fiscal_year": fiscal_year,
        "total_visits": total["visits"],
        "unique_participants": total["unique"],
        "continuing_participants": total["continuing"],
        "new_participants": total["new"],
        "no_shows": total["no_shows"],
        "seat_use": _seat_use(total),
        "sessions_held": total["sessions_held"],
        "program_sessions_held": total["program_sessions_held"],
        "by_month": {month_label(k): rows["month"][k]["visits"] for k in months},
        "by_kind": {k: rows["kind"][k]["visits"] for k in SupportKind.values},
        "by_school": {
            (schools[pk] if pk is not None else NONE_SCHOOL): row["visits"]
            for pk, row in rows["school"].items()
            if pk is None or pk in schools
        },
        "breakdown": {
            "month": [{"key": month_label(k), **_with_rate(rows["month"][k])} for k in months],
            "kind": [{"key": k, **_with_rate(rows["kind"][k])} for k in SupportKind.values],
            "school": [
                {"key": schools[pk] if pk is not None else NONE_SCHOOL, **_with_rate(row)}
                for pk, row in rows["school"].items()
                if pk is None or pk in schools
            ],
        },
        "outcomes": outcomes,
    }


def _seat_use(row: dict) -> dict:
    return {
        "attended": row["attended_in_slots"],
        "capacity": row["capacity"],
        "rate": round(row["attended_in_slots"] / row["capacity"], 3) if row["capacity"] else None,
    }


def _with_rate(row: dict) -> dict:
    return {**row, "seat_use_rate": _seat_use(row)["rate"]}


def log_report_export(
    fiscal_year: int,
    export_format: str,
    *,
    site: Site | None = None,
    by,
    now: dt.datetime,
    encoding: str | None = None,
):
    """Every export of the report is audited: the fiscal year, the format and (for a CSV not
    in UTF-8) the encoding, nothing personal. The entry hangs off the site: the report is about
    the whole site, not a person."""
    target = site or Site.objects.filter(is_default_site=True).first() or by
    data = {"report": "attendance", "fiscal_year": fiscal_year, "format": export_format}
    if encoding:
        data["encoding"] = encoding
    return audit.log_action(
        target,
        audit.EXPORT_REPORT,
        by=by,
        now=now,
        title=_("Attendance report %(year)s") % {"year": fiscal_year},
        data=data,
    )


current_fiscal_year = fiscal_year_of


__all__ = [
    "NONE_SCHOOL",
    "current_fiscal_year",
    "fiscal_year_bounds",
    "fiscal_year_report",
    "log_report_export",
    "period_months",
    "period_report",
    "period_within_fiscal_year",
    "shared_fiscal_year_report",
    "suppress_small",
]
