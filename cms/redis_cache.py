"""Django's Redis cache backend, for a Redis that is a cache and never a dependency.

One redis-py client per connection pool: Django's `RedisCacheClient.get_client()` builds a new
`redis.Redis` for every cache call, and redis-py's constructor fills a table of a few hundred
response callbacks each time: profiled under `bench/`, that cost more CPU than the round trip
to Redis on every page-cache hit, session read and availability bump. A `redis.Redis` holds no
connection of its own (it borrows one from the pool per command) and is safe to share between
threads, so one per pool is enough.

Redis down means slower, not broken. A call that meets a refused, dropped or timed-out
connection (`redis.exceptions.ConnectionError` / `TimeoutError`) answers like an empty cache:
`get` gives the default, `get_many` nothing, `add` False, `incr` ValueError (no such key),
writes do nothing. So every caller, ours and the libraries' (Wagtail's site root paths,
allauth's rate limits, the page cache, sessions), carries on uncached without knowing. Then:

- *Short timeouts*: `socket_connect_timeout` / `socket_timeout` in `OPTIONS` (settings/base.py),
  so a Redis that hangs costs a call a fraction of a second, not a worker.
- *A breaker*: after a failure the process leaves Redis alone for `retry_after` seconds (an
  `OPTIONS` key, default 5) and then tries again on the next call: a hung Redis is not waited
  on by every call of every request, and service resumes by itself when it answers again.
- *One log line per interval*: a warning for the first failure, then at most one per
  `log_every` seconds (default 60) with the number of calls that failed or were skipped, and
  one line when Redis is back.
- *Recovery*: while failing, a call first pings Redis; when it answers again,
  `cache_recovered` is sent before the call itself runs. Writes made while it was
  unreachable never reached it, and a Redis that hung (or lost its connection to this process
  only) still holds what it had: `cms.apps` connects `core.cache.resync_versions`, which
  copies the availability and pages versions from the database (their source of truth) back
  into Redis, so no page cached before the outage is served as fresh.

Why not django-redis (`IGNORE_EXCEPTIONS`): it logs every ignored exception (one line per call,
thousands a minute under load), has no breaker, so a hung Redis costs its timeout on every call,
and gives no way to learn that Redis is back, which the versions need. State is per process
(module level, keyed by the server list), shared by the per-thread backend instances Django
creates.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.dispatch import Signal
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Sent (sender: the server list, as a tuple) on the first call that succeeds after a failure.
cache_recovered = Signal()

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
DEFAULT_RETRY_AFTER = 5.0
DEFAULT_LOG_EVERY = 60.0

# The clock for the breaker and the log interval; tests replace it (time-machine leaves
# time.monotonic alone).
_clock = time.monotonic


class Health:
    """Whether one Redis answers, for this process."""

    def __init__(self, name: str, retry_after: float, log_every: float):
        self.name = name
        self.retry_after = retry_after
        self.log_every = log_every
        self.failing = False
        self.retry_at = 0.0
        self.next_log = 0.0
        self.unreported = 0
        self.failures = 0
        self._lock = threading.Lock()

    def skip(self) -> bool:
        """True while the breaker is open: the call is not even tried."""
        if self.failing and _clock() < self.retry_at:
            with self._lock:
                self.unreported += 1
                self.failures += 1
            return True
        return False

    def failed(self, error: Exception) -> None:
        now = _clock()
        with self._lock:
            self.failing = True
            self.retry_at = now + self.retry_after
            self.unreported += 1
            self.failures += 1
            if now < self.next_log:
                return
            self.next_log = now + self.log_every
            count, self.unreported = self.unreported, 0
        logger.warning(
            "Redis cache %s unavailable, serving without it (%d cache calls failed or skipped "
            "since the last report): %s",
            self.name,
            count,
            error,
        )

    def succeeded(self) -> bool:
        """Return True if this call ends an outage."""
        if not self.failing:
            return False
        with self._lock:
            if not self.failing:
                return False
            self.failing = False
            failures, self.failures, self.unreported = self.failures, 0, 0
            self.next_log = 0.0
        logger.warning("Redis cache %s is back after %d failed cache calls", self.name, failures)
        return True


_health: dict[tuple, Health] = {}
_health_lock = threading.Lock()


def health_of(servers, retry_after=DEFAULT_RETRY_AFTER, log_every=DEFAULT_LOG_EVERY) -> Health:
    key = (tuple(servers), retry_after, log_every)
    with _health_lock:
        if key not in _health:
            _health[key] = Health(",".join(servers), retry_after, log_every)
        return _health[key]


def _tolerant(fallback):
    """Run a client call; if Redis cannot be reached, answer `fallback(*args)` instead."""

    def decorate(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            health = self._health
            if health.skip():
                return fallback(*args, **kwargs)
            try:
                if health.failing:
                    # Probe before the real call, so that the receivers of cache_recovered
                    # have put things right before this call reads anything.
                    self.get_client(write=True).ping()
                    if health.succeeded():
                        self._recovered()
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                health.failed(error)
                return fallback(*args, **kwargs)

        return call

    return decorate


def _missing(key, delta=1):
    raise ValueError(f"Key {key!r} not found (Redis cache unavailable).")


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *args, retry_after=DEFAULT_RETRY_AFTER, log_every=None, **kw):
        super().__init__(servers, *args, **kw)
        self._clients = {}
        self._health = health_of(
            servers,
            float(retry_after),
            float(DEFAULT_LOG_EVERY if log_every is None else log_every),
        )

    def _recovered(self):
        for receiver, response in cache_recovered.send_robust(sender=tuple(self._servers)):
            if isinstance(response, Exception):
                logger.error("cache_recovered receiver %r failed: %r", receiver, response)

    def _get_connection_pool(self, write):
        # Django fills its pool table unlocked: two threads starting at once could each build a
        # pool (and so a client) of their own.
        with _health_lock:
            return super()._get_connection_pool(write)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client

    add = _tolerant(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _tolerant(lambda key, default: default)(RedisCacheClient.get)
    set = _tolerant(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _tolerant(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _tolerant(lambda key: False)(RedisCacheClient.delete)
    get_many = _tolerant(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _tolerant(lambda key: False)(RedisCacheClient.has_key)
    incr = _tolerant(_missing)(RedisCacheClient.incr)
    set_many = _tolerant(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _tolerant(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _tolerant(lambda: False)(RedisCacheClient.clear)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    @property
    def health(self) -> Health:
        return self._cache._health
