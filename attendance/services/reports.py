"""The figures the city reports (docs/domain.md, "The figures the city reports").

One function, `fiscal_year_report`, computes every figure of a fiscal year and its breakdowns
by month, kind of support and school. The admin report, its CSV/XLSX exports, the public impact
page and `manage.py attendance_report` all call it, so they cannot disagree.

Everything is computed in the database in a fixed number of queries (the same at a thousand
rows and at a few hundred thousand). Attendance rows carry their local date, fiscal year and
month as plain columns, so grouping needs no time-zone arithmetic in SQL.

Breakdowns of people: a participant counts once in each month, kind and school they attended
(so the rows of a breakdown may add up to more than the total). New participants by month are
counted once, in the month of their first visit ever; by kind and school, in each they attended.
"""

import datetime as dt

from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.utils.translation import gettext as _
from wagtail.models import Site

from attendance.models import Attendance, Outcome
from booking.models import Booking, Slot
from core import audit
from core.figures import suppress_small
from core.models import School
from core.time import (
    fiscal_months,
    fiscal_year_bounds,
    fiscal_year_of,
    month_label,
    start_of_day,
)
from programs.kinds import SupportKind

from .checkin import no_shows as no_shows_among

NONE_SCHOOL = "none"
DIMENSIONS = ("month", "kind", "school")


def _month_case(field: str, fiscal_year: int) -> Case:
    """Bucket an aware datetime column into YYYYMM by Asia/Tokyo month boundaries, using only
    range comparisons (portable, and indexes stay usable)."""
    whens = []
    for key in fiscal_months(fiscal_year):
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


def _empty_rows(fiscal_year: int, schools: dict) -> dict:
    return {
        "month": {k: _zero() for k in fiscal_months(fiscal_year)},
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


def fiscal_year_report(fiscal_year: int, *, now: dt.datetime) -> dict:
    """Every figure of `fiscal_year` (2025 = 2025-04-01 … 2026-03-31, Asia/Tokyo)."""
    first_day, last_day = fiscal_year_bounds(fiscal_year)
    schools = dict(School.objects.values_list("pk", "name"))
    rows = _empty_rows(fiscal_year, schools)
    total = _zero()

    # Visits, unique, continuing and new participants, and visits on booked slots: one query
    # for the total and every breakdown (see ATTENDANCE_SQL).
    for dimension, key, unique, continuing, new, visits, in_slots in _attendance_figures(
        fiscal_year
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
            m=_month_case("slot__start", fiscal_year),
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
        held.annotate(m=_month_case("start", fiscal_year), k=_slot_kind())
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
        "by_month": {
            month_label(k): rows["month"][k]["visits"] for k in fiscal_months(fiscal_year)
        },
        "by_kind": {k: rows["kind"][k]["visits"] for k in SupportKind.values},
        "by_school": {
            (schools[pk] if pk is not None else NONE_SCHOOL): row["visits"]
            for pk, row in rows["school"].items()
            if pk is None or pk in schools
        },
        "breakdown": {
            "month": [
                {"key": month_label(k), **_with_rate(rows["month"][k])}
                for k in fiscal_months(fiscal_year)
            ],
            "kind": [{"key": k, **_with_rate(rows["kind"][k])} for k in SupportKind.values],
            "school": [
                {"key": schools[pk] if pk is not None else NONE_SCHOOL, **_with_rate(row)}
                for pk, row in rows["school"].items()
                if pk is None or pk in schools
            ],
        },
        "outcomes": outcomes,
    }


# Django's ORM needs one COUNT(DISTINCT ...) query per breakdown, each scanning the year and
# re-evaluating the previous-year subquery. Here the year is read once and folded to one row per
# participant, month, kind and school (`cur`), then to one row per participant (`people`) that
# also says, with a 0/1 column per month and per kind, where they came. Whether each person
# came in the previous fiscal year (continuing), or in any earlier one (not new), is two index
# probes on (participant, date) per person, not a scan of the earlier years: it costs the same
# after ten years of data. The distinct counts by month and kind are then sums over those few
# thousand rows; by school (not a fixed list) a join of the (school, participant) pairs. Visits
# are plain sums over `cur`. Plain SQL that PostgreSQL and SQLite both run (timings:
# bench/HISTORY.md); table names come from the models, every value is a query parameter.
ATTENDANCE_SQL = """
WITH cur AS MATERIALIZED (
    SELECT participant_id, month, kind, school_id, COUNT(*) AS n,
           SUM(CASE WHEN slot_id IS NULL THEN 0 ELSE 1 END) AS s
    FROM {attendance} WHERE fiscal_year = %(year)s
    GROUP BY participant_id, month, kind, school_id
),
people AS MATERIALIZED (
    SELECT participant_id, MIN(month) AS first_month, SUM(n) AS n, SUM(s) AS s,
           {presence}
    FROM cur GROUP BY participant_id
),
flags AS MATERIALIZED (
    SELECT people.*,
           CASE WHEN EXISTS (
               SELECT 1 FROM {attendance} a WHERE a.participant_id = people.participant_id
               AND a.date >= %(previous_start)s AND a.date < %(year_start)s
           ) THEN 1 ELSE 0 END AS continuing,
           CASE WHEN EXISTS (
               SELECT 1 FROM {attendance} a WHERE a.participant_id = people.participant_id
               AND a.date < %(year_start)s
           ) THEN 0 ELSE 1 END AS new
    FROM people
),
schools AS (
    SELECT school_id, participant_id, SUM(n) AS n, SUM(s) AS s
    FROM cur GROUP BY school_id, participant_id
)
SELECT 'total', '', COUNT(*), SUM(continuing), SUM(new), SUM(n), SUM(s) FROM flags
UNION ALL
SELECT 'month', CAST(month AS VARCHAR(12)), 0, 0, 0, SUM(n), SUM(s) FROM cur GROUP BY month
UNION ALL
SELECT 'kind', kind, 0, 0, 0, SUM(n), SUM(s) FROM cur GROUP BY kind
UNION ALL
SELECT 'school', CAST(schools.school_id AS VARCHAR(24)), COUNT(*), SUM(flags.continuing),
       SUM(flags.new), SUM(schools.n), SUM(schools.s)
FROM schools INNER JOIN flags ON flags.participant_id = schools.participant_id
GROUP BY schools.school_id
UNION ALL
SELECT 'new_month', CAST(first_month AS VARCHAR(12)), 0, 0, COUNT(*), 0, 0
FROM flags WHERE new = 1 GROUP BY first_month
{people_by_key}
"""


# One 0/1 column per month and kind on each person's row, and the row of counts it gives.
PRESENCE_COLUMN = "MAX(CASE WHEN {column} = %({value})s THEN 1 ELSE 0 END) AS {alias}"
PEOPLE_BY_KEY = (
    "UNION ALL SELECT %({dim})s, %({key})s, SUM({alias}), SUM({alias} * continuing), "
    "SUM({alias} * new), 0, 0 FROM flags"
)


def _attendance_query(fiscal_year: int) -> tuple[str, dict]:
    """ATTENDANCE_SQL for a year and its parameters."""
    day = connection.ops.adapt_datefield_value  # as the ORM would pass a date
    params = {
        "year": fiscal_year,
        "year_start": day(fiscal_year_bounds(fiscal_year)[0]),
        "previous_start": day(fiscal_year_bounds(fiscal_year - 1)[0]),
    }
    keys = [("month", "month", key, str(key)) for key in fiscal_months(fiscal_year)]
    keys += [("kind", "kind", kind, kind) for kind in SupportKind.values]
    presence, by_key = [], []
    for n, (dim, column, value, label) in enumerate(keys):
        names = {"alias": f"p{n}", "value": f"v{n}", "dim": f"d{n}", "key": f"k{n}"}
        params.update({names["value"]: value, names["dim"]: dim, names["key"]: label})
        presence.append(PRESENCE_COLUMN.format(column=column, **names))
        by_key.append(PEOPLE_BY_KEY.format(**names))
    sql = ATTENDANCE_SQL.format(
        attendance=Attendance._meta.db_table,
        presence=",\n           ".join(presence),
        people_by_key="\n".join(by_key),
    )
    return sql, params


def _attendance_figures(fiscal_year: int) -> list[tuple]:
    """Rows of (dimension, key, unique, continuing, new, visits, visits on slots)."""
    figures: dict[tuple, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(*_attendance_query(fiscal_year))
        # A month or kind comes in two rows (visits; people), added up here.
        for dim, key, *values in cursor.fetchall():
            row = figures.setdefault((dim, key), [0] * 5)
            for n, value in enumerate(values):
                row[n] += int(value or 0)
    return [(dim, key, *values) for (dim, key), values in figures.items()]


def _seat_use(row: dict) -> dict:
    return {
        "attended": row["attended_in_slots"],
        "capacity": row["capacity"],
        "rate": round(row["attended_in_slots"] / row["capacity"], 3) if row["capacity"] else None,
    }


def _with_rate(row: dict) -> dict:
    return {**row, "seat_use_rate": _seat_use(row)["rate"]}


def log_report_export(
    fiscal_year: int, export_format: str, *, site: Site | None = None, by, now: dt.datetime
):
    """Every export of the report is audited: the fiscal year and the format, nothing personal.
    The entry hangs off the site: the report is about the whole site, not a person."""
    target = site or Site.objects.filter(is_default_site=True).first() or by
    return audit.log_action(
        target,
        audit.EXPORT_REPORT,
        by=by,
        now=now,
        title=_("Attendance report %(year)s") % {"year": fiscal_year},
        data={"report": "attendance", "fiscal_year": fiscal_year, "format": export_format},
    )


current_fiscal_year = fiscal_year_of


__all__ = [
    "NONE_SCHOOL",
    "current_fiscal_year",
    "fiscal_year_bounds",
    "fiscal_year_report",
    "log_report_export",
    "suppress_small",
]
