import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"

# The moment every test starts from, unless it pins its own: a Wednesday morning in the middle
# of a fiscal year, in Asia/Tokyo. Never the wall clock, so that the suite cannot pass or fail
# by the hour it runs. `MANABIBA_TEST_CLOCK` moves it (an ISO datetime with its offset): CI runs
# the suite a second time at 23:30 JST on 31 March, the last half hour of a fiscal year and the
# edge of a day. The clock ticks from there, as a real one would.
DEFAULT_TEST_MOMENT = "2026-06-10T10:00:00+09:00"


def test_moment() -> dt.datetime:
    text = os.environ.get("MANABIBA_TEST_CLOCK") or DEFAULT_TEST_MOMENT
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Asia/Tokyo"))
    return moment


test_moment.__test__ = False  # a helper, not a test


_traveller = time_machine.travel(test_moment(), tick=True)


def pytest_configure(config):
    # From before collection: parameters computed at import time see the pinned clock too.
    _traveller.start()


def pytest_unconfigure(config):
    _traveller.stop()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_local_caches():
    """Every test starts with empty in-process caches: Wagtail caches renditions by image id,
    and a later test's image with the same id would otherwise find an earlier test's file. A
    shared cache (REDIS_URL) is never cleared from here."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture
def index(db):
    from tests.factories import make_program_index

    return make_program_index()


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's chromium; CI sets MANABIBA_REQUIRE_BROWSER so that a missing
    browser fails there instead of skipping quietly."""
    have_chromium = os.path.exists(CHROMIUM)
    require = os.environ.get("MANABIBA_REQUIRE_BROWSER") == "1"
    for item in items:
        if "browser" in item.keywords and not have_chromium and not require:
            item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright cannot download its own browser here: drive Debian's chromium. The flags keep
    # it from calling out to Google's services, which a closed network refuses.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")
