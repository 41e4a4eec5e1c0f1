import os

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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
