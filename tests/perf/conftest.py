import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def page_cache(settings):
    """The page cache is off in the test settings (query counts measure real work); these
    tests switch it on, each with an empty cache."""
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()
