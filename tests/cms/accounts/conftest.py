import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # allauth's rate limits and used TOTP codes live in the cache: start each test clean.
    cache.clear()
    yield
    cache.clear()
