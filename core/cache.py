"""A version number for everything availability depends on.

Pages that show places left may cache what they computed under the current version. Any
change to bookings, slots or closures bumps the version after the transaction commits, so a
cached page is never older than the last committed change. The decision to accept a booking
never reads the cache: `book()` recounts under a row lock.
"""

from django.core.cache import cache
from django.db import transaction

KEY = "booking:availability-version"


def read_version(key: str) -> int:
    """A counter in the shared cache that never expires; it starts at 1."""
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def bump_version(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # evicted or never read: any value other than the old one will do
        cache.set(key, 2, timeout=None)


def availability_version() -> int:
    return read_version(KEY)


def bump_availability() -> None:
    transaction.on_commit(lambda: bump_version(KEY))
