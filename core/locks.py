"""One run at a time across hosts, for the periodic commands (cron on several hosts).

`single_instance(name)` holds a lock for the length of a `with` block and yields whether it got
it; it never waits. PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on the default
connection, released at the end (and by the server if the process dies). Session locks need a
real session: run the commands on a direct connection, not through a transaction-pooling proxy.
SQLite: `flock` on a lock file beside the database file (SQLite serves one host, so a file lock
is the same guarantee); an in-memory database is private to its process, and so is its lock.

`SingleInstanceCommand` puts a command's whole run inside the lock: when another run holds it,
the command prints one line and exits 0, so cron sees nothing wrong.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import OutputWrapper
from django.db import connections

ALREADY_RUNNING = "already running elsewhere"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (PostgreSQL's bigint advisory-lock space)."""
    digest = hashlib.blake2b(f"manabiba:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_file_path(name: str, *, using: str = "default") -> Path:
    connection = connections[using]
    safe = _SAFE_NAME.sub("_", name)
    if connection.is_in_memory_db():
        return Path(tempfile.gettempdir()) / f"manabiba-{os.getpid()}-{safe}.lock"
    database = Path(str(connection.settings_dict["NAME"]))
    return database.with_name(f"{database.name}.{safe}.lock")


@contextlib.contextmanager
def single_instance(name: str, *, using: str = "default") -> Iterator[bool]:
    """Yield True while holding the lock `name`, False (at once) when another run holds it."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        key = advisory_key(name)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            acquired = cursor.fetchone()[0]
        try:
            yield acquired
        finally:
            if acquired:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    # flock locks belong to the open file, so two threads of one process exclude each other too.
    with open(lock_file_path(name, using=using), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SingleInstanceCommand:
    """Mixin for a BaseCommand: the run holds `single_instance(lock_name)` (by default the
    command's own name). Put it before BaseCommand in the bases."""

    lock_name: str | None = None

    def get_lock_name(self) -> str:
        return self.lock_name or self.__module__.rsplit(".", 1)[-1]

    def execute(self, *args, **options):
        name = self.get_lock_name()
        with single_instance(name) as acquired:
            if not acquired:
                if options.get("stdout"):
                    self.stdout = OutputWrapper(options["stdout"])
                self.stdout.write(f"{name}: {ALREADY_RUNNING}")
                return ""
            return super().execute(*args, **options)
