import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rendered weeks and allauth's rate limits live in the cache: start each test clean.
    cache.clear()
    yield
    cache.clear()
