"""Waiting for a row lock, bounded.

Booking, cancelling, closing and syncing slots wait for the rows they lock. On PostgreSQL the
wait is capped for the transaction (`lock_timeout`, `BOOKING_LOCK_TIMEOUT_MS`): a lock held too
long (a stuck transaction, a big closure) becomes BookingError("busy"), "try again in a
moment", instead of a worker hanging until the proxy gives up. SQLite locks the whole file and
its `timeout` option (settings) bounds that wait; its "database is locked" becomes "busy" too.
"""

import functools

from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import BooleanField, CharField, Func, Value

from .errors import BookingError

DEFAULT_LOCK_TIMEOUT_MS = 3000
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout expires

# set_config(..., true) is SET LOCAL as a function: it can ride in the WHERE clause of the
# statement that takes the locks, which saves the hot paths (book, cancel) a round trip. It
# holds until the transaction ends. FOR UPDATE locks a row at the top of the plan, after every
# condition has passed, so the timeout is in place before the first wait
# (tests/booking/test_lock_timeout.py would hang otherwise).
LOCK_TIMEOUT_CONDITION = "set_config('lock_timeout', %s, true) IS NOT NULL"


def lock_timeout_ms() -> int:
    return int(getattr(settings, "BOOKING_LOCK_TIMEOUT_MS", DEFAULT_LOCK_TIMEOUT_MS))


def lock_timeout_value() -> str:
    return f"{lock_timeout_ms()}ms"


def set_lock_timeout() -> None:
    """Cap every lock wait of the current transaction. Call first inside `transaction.atomic()`
    (nothing to do on SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {lock_timeout_ms()}")


class SetConfig(Func):
    function = "set_config"
    output_field = CharField()


def with_lock_timeout(queryset):
    """`queryset` (a select_for_update) setting the transaction's lock timeout itself, as
    `LOCK_TIMEOUT_CONDITION` does in plain SQL."""
    if connection.vendor != "postgresql":
        return queryset
    setting = SetConfig(
        Value("lock_timeout"), Value(lock_timeout_value()), Value(True, BooleanField())
    )
    return queryset.alias(lock_timeout_set=setting).filter(lock_timeout_set__isnull=False)


def is_lock_timeout(error: OperationalError) -> bool:
    if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(error)


def busy_when_locked(function):
    """A lock not had in time becomes BookingError("busy"). Decorates the whole rule, outside
    its atomic block, so its transaction is rolled back by the time the error is raised."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            if is_lock_timeout(error):
                raise BookingError("busy") from error
            raise

    return wrapper
