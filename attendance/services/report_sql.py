"""The one SQL query behind the attendance figures of a period (`reports.fiscal_year_report`,
`reports.period_report`): visits, unique, continuing and new participants, and visits on booked
slots, for the total and by month, kind and school.

Django's ORM needs one COUNT(DISTINCT ...) query per breakdown, each scanning the period and
re-evaluating the previous-year subquery. Here the period is read once and folded to one row
per participant, month, kind and school (`cur`), then to one row per participant (`people`)
that also says, with a 0/1 column per month and per kind, where they came. Whether each person
came in the previous fiscal year (continuing), or at any time before the period (not new), is
two index probes on (participant, date) per person, not a scan of the earlier years: it costs
the same after ten years of data. The distinct counts by month and kind are then sums over those
few thousand rows; by school (not a fixed list) a join of the (school, participant) pairs.
Visits are plain sums over `cur`. Plain SQL that PostgreSQL and SQLite both run (timings:
bench/HISTORY.md); table names come from the models, every value is a query parameter.
"""

import datetime as dt

from django.db import connection

from attendance.models import Attendance
from core.time import fiscal_year_bounds, month_key
from programs.kinds import SupportKind

ATTENDANCE_SQL = """
WITH cur AS MATERIALIZED (
    SELECT participant_id, month, kind, school_id, COUNT(*) AS n,
           SUM(CASE WHEN slot_id IS NULL THEN 0 ELSE 1 END) AS s
    FROM {attendance} WHERE fiscal_year = %(year)s
    AND month >= %(first_month)s AND month <= %(last_month)s {days}
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
               AND a.date < %(period_start)s
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

# The period is cut by month, a column of the covering index (PostgreSQL answers a whole year
# or whole months from the index alone); the day columns are only added for a period that
# starts or ends inside a month, the one case where they are needed.
DAYS = "AND date >= %(period_start)s AND date <= %(period_end)s"

# One 0/1 column per month and kind on each person's row, and the row of counts it gives.
PRESENCE_COLUMN = "MAX(CASE WHEN {column} = %({value})s THEN 1 ELSE 0 END) AS {alias}"
PEOPLE_BY_KEY = (
    "UNION ALL SELECT %({dim})s, %({key})s, SUM({alias}), SUM({alias} * continuing), "
    "SUM({alias} * new), 0, 0 FROM flags"
)


def _cuts_a_month(first_day: dt.date, last_day: dt.date) -> bool:
    ends_month = (last_day + dt.timedelta(days=1)).day == 1
    return first_day.day != 1 or not ends_month


def attendance_query(
    fiscal_year: int, first_day: dt.date, last_day: dt.date, months: list[int]
) -> tuple[str, dict]:
    """ATTENDANCE_SQL for the days `first_day` … `last_day` of `fiscal_year`, and its
    parameters. `months` are the YYYYMM keys the period touches."""
    day = connection.ops.adapt_datefield_value  # as the ORM would pass a date
    params = {
        "year": fiscal_year,
        "year_start": day(fiscal_year_bounds(fiscal_year)[0]),
        "previous_start": day(fiscal_year_bounds(fiscal_year - 1)[0]),
        "period_start": day(first_day),
        "period_end": day(last_day),
        "first_month": month_key(first_day),
        "last_month": month_key(last_day),
    }
    keys = [("month", "month", key, str(key)) for key in months]
    keys += [("kind", "kind", kind, kind) for kind in SupportKind.values]
    presence, by_key = [], []
    for n, (dim, column, value, label) in enumerate(keys):
        names = {"alias": f"p{n}", "value": f"v{n}", "dim": f"d{n}", "key": f"k{n}"}
        params.update({names["value"]: value, names["dim"]: dim, names["key"]: label})
        presence.append(PRESENCE_COLUMN.format(column=column, **names))
        by_key.append(PEOPLE_BY_KEY.format(**names))
    sql = ATTENDANCE_SQL.format(
        attendance=Attendance._meta.db_table,
        days=DAYS if _cuts_a_month(first_day, last_day) else "",
        presence=",\n           ".join(presence),
        people_by_key="\n".join(by_key),
    )
    return sql, params


def attendance_figures(
    fiscal_year: int, first_day: dt.date, last_day: dt.date, months: list[int]
) -> list[tuple]:
    """Rows of (dimension, key, unique, continuing, new, visits, visits on slots)."""
    figures: dict[tuple, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(*attendance_query(fiscal_year, first_day, last_day, months))
        # A month or kind comes in two rows (visits; people), added up here.
        for dim, key, *values in cursor.fetchall():
            row = figures.setdefault((dim, key), [0] * 5)
            for n, value in enumerate(values):
                row[n] += int(value or 0)
    return [(dim, key, *values) for (dim, key), values in figures.items()]
