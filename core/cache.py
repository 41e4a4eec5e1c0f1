"""A version number for everything availability depends on.

Pages that show places left may cache what they computed under the current version. Any
change to bookings, slots or closures bumps the version after the transaction commits, so a
cached page is never older than the last committed change. The decision to accept a booking
never reads the cache: `book()` recounts under a row lock.

The database holds each version (`core.models.CacheVersion`); the shared cache holds a copy,
which is what the page cache reads on every request. A bump increments the row and writes the
copy while the row is locked, so copies reach the cache in the order of the database. When the
cache is unreachable (`cms/redis_cache.py` then answers like an empty cache) or has lost the
key, the version is read from the database, and the copy is put back once the cache answers.
A Redis that comes back after an outage may still hold copies older than the database (the
bumps made meanwhile never reached it): `resync_versions` runs on recovery and writes the
database's values over them, so entries cached before the outage stop matching.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from .models import CacheVersion

KEY = "booking:availability-version"
# Bumped by `cms.page_cache` when any page or what is shown around pages changes; defined here
# so that the apps below `cms` can cache under it too.
PAGES_KEY = "pagecache:pages-version"


# Bumped after every committed change to attendance, outcomes or schools (attendance/apps.py
# and the bulk writers that bypass signals: the importer, anonymisation): the yearly report
# is kept under it (attendance.services.reports.shared_fiscal_year_report).
ATTENDANCE_KEY = "attendance:version"


def shared_caching_enabled() -> bool:
    """Whether what is the same for every reader (routes, site data, report figures) may be
    shared through the cache. Off in the test settings, where query counts measure the real
    work; tests of the sharing turn it on (`PAGE_CACHE_ENABLED`)."""
    return getattr(settings, "PAGE_CACHE_ENABLED", True)


def _stored(key: str) -> int:
    value = CacheVersion.objects.filter(key=key).values_list("value", flat=True).first()
    return 1 if value is None else value


def read_version(key: str) -> int:
    """The cache's copy, or the database's value (from 1) while the cache has none."""
    version = cache.get(key)
    if version is None:
        version = _stored(key)
        cache.add(key, version, timeout=None)
    return version


def _increment(key: str) -> int | None:
    """Add one and read the new value in one statement (it runs after every booking change);
    None when the row does not exist yet. PostgreSQL and SQLite >= 3.35 both have RETURNING."""
    table = connection.ops.quote_name(CacheVersion._meta.db_table)
    column = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + 1 WHERE {column} = %s RETURNING value",  # noqa: S608
            [key],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def bump_version(key: str) -> None:
    with transaction.atomic():
        value = _increment(key)
        if value is None:
            # The first bump: continue from the cache's copy, if any, so that no value cached
            # before this table existed comes round again.
            current = cache.get(key)
            start = current if isinstance(current, int) else 1
            try:
                with transaction.atomic():
                    value = CacheVersion.objects.create(key=key, value=start + 1).value
            except IntegrityError:  # created meanwhile by another process
                value = _increment(key)
        # Written while the row is locked: copies reach the cache in the database's order.
        cache.set(key, value, timeout=None)


def resync_versions(**kwargs) -> None:
    """Copy every version from the database into the cache (a signal receiver, hence **kwargs):
    run when the cache answers again after an outage."""
    with transaction.atomic():
        rows = CacheVersion.objects.select_for_update().order_by("key")
        for key, value in rows.values_list("key", "value"):
            cache.set(key, value, timeout=None)


def availability_version() -> int:
    return read_version(KEY)


def bump_availability() -> None:
    transaction.on_commit(lambda: bump_version(KEY))


def bump_attendance(**kwargs) -> None:
    """Retire the shared report figures once the change commits (a signal receiver too)."""
    transaction.on_commit(lambda: bump_version(ATTENDANCE_KEY))


def read_under_versions(key: str, versions) -> tuple[bool, object, list[int]]:
    """(found, value, versions now) for what `keep_under_versions` kept under `key`: found only
    while none of the `versions` has moved since. The versions now are what to keep a value
    computed next under: read before computing, a change committed meanwhile makes it stale at
    once. One cache round trip when everything is there."""
    found = cache.get_many([key, *versions])
    current = [found.get(version) for version in versions]
    entry = found.get(key)
    # Anything else under the key (a value kept in another shape by an earlier release) is a
    # miss, not an error.
    fresh = isinstance(entry, tuple) and len(entry) == 2 and None not in current
    if fresh and entry[0] == current:
        return True, entry[1], current
    current = [
        value if value is not None else read_version(version)
        for value, version in zip(current, versions, strict=True)
    ]
    return False, None, current


def keep_under_versions(key: str, value, versions_now: list[int], *, timeout: int) -> None:
    cache.set(key, (versions_now, value), timeout=timeout)


def cached_under_versions(key: str, compute, *, timeout: int, versions=(PAGES_KEY, KEY)):
    """`compute()`, shared between requests while none of the `versions` has moved (and for
    `timeout` seconds at most). Everything the value depends on must be in the key or the
    versions: what is the same for every visitor under a plain key, one person's value under
    a key that names them (cms/admin_sidebar.py)."""
    found, value, current = read_under_versions(key, versions)
    if not found:
        value = compute()
        keep_under_versions(key, value, current, timeout=timeout)
    return value
