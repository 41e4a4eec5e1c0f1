"""cms.redis_cache: Django's Redis backend with one redis-py client per connection pool."""

import socket
import threading

import pytest

from cms.redis_cache import RedisCache

REDIS = ("127.0.0.1", 6379)


def redis_running() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.2).close()
    except OSError:
        return False
    return True


def make_cache() -> RedisCache:
    return RedisCache(f"redis://{REDIS[0]}:{REDIS[1]}/15", {"KEY_PREFIX": "manabiba-test"})


def test_one_client_is_reused_for_every_call():
    backend = make_cache()._cache
    first = backend.get_client(write=True)
    assert backend.get_client() is first
    assert backend.get_client("any-key", write=True) is first


def test_threads_share_the_client_and_its_pool():
    backend = make_cache()._cache
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(backend.get_client())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1
    assert seen[0].connection_pool is backend._get_connection_pool(False)


@pytest.mark.skipif(not redis_running(), reason="no Redis on 127.0.0.1:6379")
def test_cache_operations_on_a_real_redis():
    cache = make_cache()
    cache.delete("counter")
    cache.set("page", {"html": "学び場"}, timeout=30)
    assert cache.get("page") == {"html": "学び場"}
    cache.set("counter", 1, timeout=None)
    assert cache.incr("counter") == 2
    with pytest.raises(ValueError):
        cache.incr("never-set")
    cache.delete_many(["page", "counter"])
    assert cache.get("page") is None
