"""A version number for everything availability depends on.

Pages that show places left may cache what they computed under the current version. Any
change to bookings, slots or closures bumps the version after the transaction commits, so a
cached page is never older than the last committed change. The decision to accept a booking
never reads the cache: `book()` recounts under a row lock.
"""

from django.core.cache import cache
from django.db import transaction

KEY = "booking:availability-version"


def availability_version() -> int:
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, 1, timeout=None)
        version = cache.get(KEY, 1)
    return version


def bump_availability() -> None:
    def bump():
        try:
            cache.incr(KEY)
        except ValueError:
            cache.set(KEY, 2, timeout=None)

    transaction.on_commit(bump)
