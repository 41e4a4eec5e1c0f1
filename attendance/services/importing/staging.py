"""The checked rows in a temporary table, and the import done from there in set-based SQL.

Rows stream into `import_staging` as they are checked (PostgreSQL: COPY; SQLite: batches of
`executemany`), so Python never holds more than a batch. The dedupe (duplicates in the file,
visits already recorded from any source) and the inserts are then a few `INSERT … SELECT`
statements: the database does in seconds what a loop over a million rows does in minutes.

Must run inside a transaction (`transaction.atomic`): the temporary tables are dropped at the
end, and on PostgreSQL at commit as well.
"""

# Every name formatted into the SQL below is a constant of this module or a model's quoted
# table or column name; values always go as parameters.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt

from django.db import connection

from attendance.models import Attendance
from booking.models import Participant

from .checking import Staged

STAGING = "import_staging"
VISITS = "import_visit"
NEW_PARTICIPANTS = "import_new_participant"
# Rows per executemany on SQLite, and participants per bulk_create: the most Python holds.
BATCH_SIZE = 2000

_TABLES = {
    STAGING: "line integer, reference varchar(20), school_id integer, date date, "
    "kind varchar(20), fiscal_year smallint, month integer",
    VISITS: "line integer, reference varchar(20), school_id integer, date date, "
    "kind varchar(20), fiscal_year smallint, month integer",
    NEW_PARTICIPANTS: "reference varchar(20), school_id integer",
}
_COLUMNS = "line, reference, school_id, date, kind, fiscal_year, month"


def _names() -> dict[str, str]:
    """Real table and column names, quoted, so the SQL follows the models."""
    quote = connection.ops.quote_name
    attendance = {f.name: quote(f.column) for f in Attendance._meta.concrete_fields}
    return {
        "attendance": quote(Attendance._meta.db_table),
        "participant": quote(Participant._meta.db_table),
        "p_id": quote(Participant._meta.pk.column),
        "p_reference": quote(Participant._meta.get_field("reference").column),
        **{f"a_{name}": column for name, column in attendance.items()},
    }


# A visit of the file already recorded (from any source) for the same person, day and kind.
_RECORDED = """
    SELECT 1 FROM {participant} p JOIN {attendance} a ON a.{a_participant} = p.{p_id}
    WHERE p.{p_reference} = v.reference AND a.{a_date} = v.date AND a.{a_kind} = v.kind
"""


class Staging:
    """`add` checked rows, `close` when the file is read; then `plan` (what an import would
    do) or `apply` (do it). `drop` the tables at the end."""

    def __init__(self):
        if not connection.in_atomic_block:
            raise RuntimeError("staging must run inside transaction.atomic()")
        self.postgres = connection.vendor == "postgresql"
        self.cursor = connection.cursor()
        self.names = _names()
        if self.postgres:
            # For this transaction only: the dedupe sorts a million rows, which the default
            # 4 MB would spill to disk many times over.
            self.cursor.execute("SET LOCAL work_mem = '64MB'")
        self.drop()
        for table, columns in _TABLES.items():
            suffix = " ON COMMIT DROP" if self.postgres else ""
            self.cursor.execute(f"CREATE TEMPORARY TABLE {table} ({columns}){suffix}")
        self.batch: list[Staged] = []
        self.copy = None
        if self.postgres:
            # psycopg 3's COPY: rows go to the server as they come, in its own buffer.
            self.copying = self.cursor.cursor.copy(f"COPY {STAGING} ({_COLUMNS}) FROM STDIN")
            self.copy = self.copying.__enter__()

    def add(self, row: Staged) -> None:
        if self.copy is not None:
            self.copy.write_row(row)
            return
        self.batch.append(row)
        if len(self.batch) >= BATCH_SIZE:
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            self.cursor.executemany(
                f"INSERT INTO {STAGING} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(*row[:3], row[3].isoformat(), *row[4:]) for row in self.batch],
            )
            self.batch = []

    def close(self, error: BaseException | None = None) -> None:
        """End the loading (`error`: it stopped on an exception, the COPY is abandoned)."""
        if self.copy is not None:
            self.copy = None
            if error is None:
                self.copying.__exit__(None, None, None)
            else:
                self.copying.__exit__(type(error), error, error.__traceback__)
            return
        if error is None:
            self._flush()

    def dedupe(self) -> int:
        """Fill the visits table (each person, day and kind once, from its first line) and the
        new participants (school from their latest row). Returns the number of visits."""
        if self.postgres:
            # Temporary tables are invisible to autovacuum: without statistics the planner
            # guesses a few rows and picks nested loops.
            self.cursor.execute(f"ANALYZE {STAGING}")
        self.cursor.execute(
            f"""INSERT INTO {VISITS} ({_COLUMNS})
            SELECT {_COLUMNS} FROM (
                SELECT s.*, ROW_NUMBER() OVER (
                    PARTITION BY reference, date, kind ORDER BY line) AS n
                FROM {STAGING} s) ranked
            WHERE n = 1"""
        )
        visits = self.cursor.rowcount
        self.cursor.execute(
            """INSERT INTO {new} (reference, school_id)
            SELECT reference, school_id FROM (
                SELECT v.reference, v.school_id, ROW_NUMBER() OVER (
                    PARTITION BY v.reference ORDER BY v.date DESC, v.line) AS n
                FROM {visits} v) latest
            WHERE n = 1 AND NOT EXISTS (
                SELECT 1 FROM {participant} p WHERE p.{p_reference} = latest.reference)""".format(
                new=NEW_PARTICIPANTS, visits=VISITS, **self.names
            )
        )
        if self.postgres:
            self.cursor.execute(f"ANALYZE {VISITS}")
        return visits

    def plan(self) -> tuple[dict[int, int], int]:
        """(visits to add by fiscal year, new participants), writing nothing."""
        self.cursor.execute(
            f"""SELECT v.fiscal_year, COUNT(*) FROM {VISITS} v
            WHERE NOT EXISTS ({_RECORDED.format(**self.names)})
            GROUP BY v.fiscal_year ORDER BY v.fiscal_year"""
        )
        by_year = {int(year): count for year, count in self.cursor.fetchall()}
        self.cursor.execute(f"SELECT COUNT(*) FROM {NEW_PARTICIPANTS}")
        return by_year, self.cursor.fetchone()[0]

    def create_participants(self) -> int:
        """Create the new participants in batches (their model's defaults, such as a fresh
        feed token, come from Python). Imported participants are pseudonymous: their nickname
        is their reference."""
        created, after = 0, ""
        while True:
            self.cursor.execute(
                f"SELECT reference, school_id FROM {NEW_PARTICIPANTS} "
                f"WHERE reference > %s ORDER BY reference LIMIT {BATCH_SIZE}",
                [after],
            )
            batch = self.cursor.fetchall()
            if not batch:
                return created
            Participant.objects.bulk_create(
                [Participant(reference=r, nickname=r, school_id=school) for r, school in batch],
                # A concurrent import creating the same person: the unique reference keeps one.
                ignore_conflicts=True,
            )
            created += len(batch)
            after = batch[-1][0]

    def insert_visits(self, *, now: dt.datetime, by) -> int:
        """Insert every visit not yet recorded; returns how many were added. A concurrent
        import of the same rows: `attendance_import_once` keeps them once.

        In the order of the table's indexes (most start with the fiscal year or the
        participant): a million rows in random order would touch index pages at random, far
        more of them than fit in the server's buffers."""
        names = self.names
        self.cursor.execute(
            """INSERT INTO {attendance} ({a_participant}, {a_slot}, {a_booking}, {a_date},
                {a_fiscal_year}, {a_month}, {a_kind}, {a_school}, {a_source}, {a_recorded_at},
                {a_recorded_by})
            SELECT p.{p_id}, NULL, NULL, v.date, v.fiscal_year, v.month, v.kind, v.school_id,
                %s, %s, %s
            FROM {visits} v JOIN {participant} p ON p.{p_reference} = v.reference
            WHERE NOT EXISTS (
                SELECT 1 FROM {attendance} a WHERE a.{a_participant} = p.{p_id}
                AND a.{a_date} = v.date AND a.{a_kind} = v.kind)
            ORDER BY v.fiscal_year, p.{p_id}, v.date, v.kind
            ON CONFLICT DO NOTHING""".format(visits=VISITS, **names),
            [
                Attendance.Source.IMPORT.value,
                connection.ops.adapt_datetimefield_value(now),
                getattr(by, "pk", None),
            ],
        )
        return self.cursor.rowcount

    def drop(self) -> None:
        for table in _TABLES:
            self.cursor.execute(f"DROP TABLE IF EXISTS {table}")
