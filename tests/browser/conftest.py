"""Shared pieces of the real-browser tests.

Every test here runs against pytest-django's `live_server`, so it is transactional: the database
is flushed when the test ends, which deletes what migrations created (Wagtail's root page, the
home page and Site, the role groups). The tests use serialized rollback, so Django reloads that
data when such a test starts; on top of that, the database is put back into its migrated state
right after each test here, so whatever runs next (a plain `db` test, another transactional
test without serialized rollback) still finds the home page, in any order.
"""

from __future__ import annotations

import json
import os

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIServer
from pytest_django.plugin import blocking_manager_key

from tests.browser.support import BrowserWatch

# The databases' own names, read when this file is imported, before pytest-django creates the
# test databases and renames the connections.
_ORIGINAL_DB_NAMES = {alias: db.get("NAME") for alias, db in settings.DATABASES.items()}


def _test_databases():
    """The connections to test databases that have a serialized snapshot, never a development
    or production database: the snapshot only exists once pytest-django created the test
    databases, and once the session destroyed them the connections carry their original names
    again, which the name check refuses."""
    from django.db import connections

    return [
        c
        for c in connections.all()
        if hasattr(c, "_test_serialized_contents")
        and c.settings_dict["NAME"] != _ORIGINAL_DB_NAMES.get(c.alias)
    ]


def _content_types_first(connection) -> None:
    """Reorder the snapshot so that content types load first. Saving some objects looks up
    their content type (Wagtail's tasks): loaded later, the lookup finds none, creates it under
    a new id, and the snapshot's own row then collides with it. Django reloads the snapshot
    itself for every serialized-rollback test, so this helps those tests too."""
    if getattr(connection, "_manabiba_content_types_first", False):
        return
    objects = json.loads(connection._test_serialized_contents)
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")  # stable
    connection._test_serialized_contents = json.dumps(objects)
    connection._manabiba_content_types_first = True


def _flush(config: pytest.Config) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    with config.stash[blocking_manager_key].unblock():
        for connection in _test_databases():
            _content_types_first(connection)
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=connection.alias,
                inhibit_post_migrate=True,
                # Keep the sequences above the snapshot's ids (PostgreSQL), as Django's own
                # flush after a transactional test does.
                reset_sequences=False,
            )
    # Cached content types may carry ids of rows that are now gone.
    ContentType.objects.clear_cache()


def _reload_migrated_data(config: pytest.Config) -> None:
    with config.stash[blocking_manager_key].unblock():
        for connection in _test_databases():
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    if item.get_closest_marker("browser"):
        # Serialized rollback reloads the snapshot when the test starts. Empty the tables first
        # so that rows another transactional test left behind (content types recreated under
        # new ids by post_migrate) cannot collide with it.
        _flush(item.config)
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    yield
    # After the last test the session has destroyed the test databases: nothing to restore.
    if item.get_closest_marker("browser") and nextitem is not None:
        # pytest-django has flushed the database by now: bring the migration data back for
        # whatever test comes next.
        _flush(item.config)
        _reload_migrated_data(item.config)


@pytest.fixture(scope="session")
def _django_connections(django_db_setup):
    from django.db import connections

    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(_django_connections, playwright):
    """pytest-playwright's Playwright, without losing Django's database connections.

    Starting Playwright's sync API leaves the test thread in another context (contextvars), in
    which Django's per-context `connections` are empty: the code that follows would get new
    connection objects, without the migrated-data snapshot serialized rollback reloads, and on
    SQLite a second connection to the in-memory database. Put the test's connections back."""
    from django.db import connections

    for alias, connection in _django_connections.items():
        connections[alias] = connection
    return playwright


class OneRequestAtATimeServer(WSGIServer):
    """Django's test server without threads. Django then closes each HTTP connection after its
    response, so the browser's other connections simply wait their turn."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, with two changes for SQLite's in-memory test database.

    - It starts after the test database exists. pytest-django's own fixture, requested by a test
      function, may start first (pytest sets up session fixtures before function ones), sees
      the development database's file name and so does not hand the test's connection to the
      server: each request thread then opens its own connection to the shared in-memory
      database, and two requests at once fail at once with "database table is locked"
      (Wagtail's editor autosaves while the page is being published).
    - It serves one request at a time, because all requests now share the test's one
      connection, which must not run two transactions at once.

    PostgreSQL keeps the threaded server, with a connection per thread.
    """
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    if server.thread.connections_override:
        server.thread.server_class = OneRequestAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture
def watch(page, live_server) -> BrowserWatch:
    return BrowserWatch(page, live_server.url)
