"""Redis is a cache, not a dependency: killed mid-load, hung, or absent from the start, every
page and every booking still answers, and pages are fresh once Redis is back.

Each test runs its own redis-server on a free port (never the machine's shared one) and stops it
by its PID. Nothing here is measured by the wall clock: the breaker and the log interval read
`cms.redis_cache._clock`, which the tests move by hand.
"""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.test import Client

from bench.servers import free_port
from booking.models import Booking
from cms import redis_cache
from cms.page_cache import HEADER
from core.models import CacheVersion
from tests.booking.api_helpers import api_client, post_booking, slots_url
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student, week_of
from tests.factories import make_content_page, make_program

pytestmark = pytest.mark.django_db

REDIS_SERVER = shutil.which("redis-server")
REQUIRE = os.environ.get("MANABIBA_REQUIRE_REDIS") == "1"
RETRY_AFTER = 5.0
if not REDIS_SERVER and not REQUIRE:
    pytestmark = [
        pytestmark,
        pytest.mark.skip(reason="redis-server is not installed (CI sets MANABIBA_REQUIRE_REDIS)"),
    ]


class RedisServer:
    """A private redis-server: no persistence, so a restart comes back empty."""

    def __init__(self, port: int):
        self.port = port
        self.process = None

    def start(self):
        assert REDIS_SERVER, "redis-server is not installed"
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):  # readiness only: nothing is timed
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                assert self.process.poll() is None, "redis-server exited"
                time.sleep(0.025)
        raise AssertionError(f"redis-server did not listen on {self.port}")

    def kill(self):
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def pause(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(redis_cache, "_clock", fake)
    return fake


def use_redis(settings, port, **options):
    """Point the default cache at a Redis on `port`; the page cache on, sessions as production
    keeps them. Changing CACHES resets django.core.cache.caches (Django's test signals)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cms.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": f"fault-test-{port}",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "retry_after": RETRY_AFTER,
                **options,
            },
        }
    }
    settings.PAGE_CACHE_ENABLED = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture
def redis(settings, clock):
    server = RedisServer(free_port())
    server.start()
    use_redis(settings, server.port)
    yield server
    if server.process and server.process.poll() is None:
        server.resume()
    server.kill()


@pytest.fixture
def no_redis(settings, clock):
    port = free_port()  # bound and released: nothing listens there
    use_redis(settings, port)
    return port


@pytest.fixture
def english():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def places(html: str, slot) -> str:
    start = html.rindex("<li", 0, html.index(f'id="slot-{slot.pk}"'))
    item = html[start : html.index("</li>", start)]
    return item.split('slot__places">')[1].split("</p>")[0]


class Load:
    """Rounds of the requests a live site sees, each counted by status."""

    def __init__(self, capture, slot, students):
        self.capture = capture  # runs on_commit callbacks (the version bumps) like a real commit
        self.slot = slot
        self.students = list(students)
        self.week_url = f"/space/{slot.space.slug}/?week={week_of(slot.start)}"
        day = slot.start.date()
        self.slots_url = slots_url(day, day, space=slot.space.slug)
        self.statuses = []
        self.booked = []  # (participant, id of the booking the API returned)
        self.viewer = Client()
        self.viewer.force_login(self.students[0].user)

    def get(self, client, url):
        with self.capture(execute=True):
            response = client.get(url)
        self.statuses.append(response.status_code)
        return response

    def round(self, english):
        self.get(Client(), "/")
        self.get(english, self.week_url)
        self.get(Client(), self.slots_url)
        self.get(self.viewer, "/my/")
        if self.students:
            participant = self.students.pop()
            with self.capture(execute=True):
                response = post_booking(api_client(participant.user), {"slot_id": self.slot.pk})
            self.statuses.append(response.status_code)
            if response.status_code == 201:
                self.booked.append((participant, response.json()["id"]))


def participants(n):
    return [make_student().participant for _ in range(n)]


def test_redis_killed_mid_load_then_back(
    redis, clock, english, django_capture_on_commit_callbacks, caplog
):
    make_content_page(title="アクセス", slug="access")
    slot = make_slot(make_space(), start=days_ahead(2), capacity=20)
    load = Load(django_capture_on_commit_callbacks, slot, participants(9))

    for _ in range(3):
        load.round(english)
    english.get(load.week_url)
    assert english.get(load.week_url)[HEADER] == "hit"  # Redis serves cached pages

    redis.kill()
    caplog.set_level(logging.WARNING, logger="cms.redis_cache")
    for _ in range(3):
        load.round(english)
        clock.advance(RETRY_AFTER + 1)  # the breaker lets a call through again: still dead
    down = english.get(load.week_url)
    assert down.status_code == 200 and down[HEADER] == "miss"  # rendered, and not stored:
    assert english.get(load.week_url)[HEADER] == "miss"  # never served from the cache
    assert "14 places left" in places(down.content.decode(), slot)

    redis.start()  # same port, empty
    clock.advance(RETRY_AFTER + 1)
    for _ in range(3):
        load.round(english)

    assert len(load.statuses) == 9 * 5
    assert [status for status in load.statuses if status >= 500] == []
    assert len(load.booked) == 9
    for participant, booking_id in load.booked:
        assert Booking.objects.filter(slot=slot, participant=participant).count() == 1
        assert Booking.objects.filter(pk=booking_id, participant=participant).exists()
    assert Booking.objects.filter(slot=slot).count() == 9

    # Fresh after the return: the bookings made while Redis was down and after are counted.
    first = english.get(load.week_url)
    assert first.status_code == 200 and first[HEADER] == "miss"
    assert "11 places left" in places(first.content.decode(), slot)
    again = english.get(load.week_url)
    assert again[HEADER] == "hit" and "11 places left" in places(again.content.decode(), slot)
    # The outage was logged once (one line within the interval) and the return once.
    messages = [r.getMessage() for r in caplog.records if r.name == "cms.redis_cache"]
    assert len(messages) == 2, messages
    assert "unavailable" in messages[0] and "is back" in messages[1]


def test_a_hung_redis_comes_back_with_stale_versions_and_is_resynced(
    redis, clock, english, django_capture_on_commit_callbacks
):
    """A Redis that stops answering keeps its data: the page it cached before must not be
    served as fresh once it answers again, though the bump made meanwhile never reached it."""
    slot = make_slot(make_space(), start=days_ahead(2), capacity=5)
    url = f"/space/{slot.space.slug}/?week={week_of(slot.start)}"
    assert "5 places left" in places(english.get(url).content.decode(), slot)
    assert english.get(url)[HEADER] == "hit"

    redis.pause()  # SIGSTOP: connections hang until the socket timeout
    student = make_student().participant
    with django_capture_on_commit_callbacks(execute=True):
        response = post_booking(api_client(student.user), {"slot_id": slot.pk})
    assert response.status_code == 201
    down = english.get(url)
    assert down.status_code == 200 and "4 places left" in places(down.content.decode(), slot)
    assert CacheVersion.objects.get(key="booking:availability-version").value == 2

    redis.resume()
    clock.advance(RETRY_AFTER + 1)
    back = english.get(url)
    assert back.status_code == 200 and back[HEADER] == "miss"
    assert "4 places left" in places(back.content.decode(), slot)
    assert english.get(url)[HEADER] == "hit"


def test_redis_absent_from_the_start(no_redis, index, english, django_capture_on_commit_callbacks):
    program = make_program(index, title="水の実験")
    page = make_content_page(title="アクセス", slug="access")
    slot = make_slot(make_space(), start=days_ahead(2), capacity=3)
    day = slot.start.date()
    urls = [
        "/",
        "/programs/",
        program.url,
        page.url,
        "/space/",
        f"/space/{slot.space.slug}/?week={week_of(slot.start)}",
        f"/programs/{program.pk}/sessions/",
        "/search/?q=水",
        slots_url(day, day, space=slot.space.slug),
        "/api/v1/openapi.json",
    ]
    statuses = {url: Client().get(url).status_code for url in urls}
    assert len(statuses) == len(urls)
    assert set(statuses.values()) == {200}, statuses

    student = make_student().participant
    client = api_client(student.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_booking(client, {"slot_id": slot.pk})
    assert response.status_code == 201
    assert Booking.objects.filter(slot=slot, participant=student).count() == 1
    assert client.get("/api/v1/bookings").status_code == 200
    my = Client()
    my.force_login(student.user)
    assert my.get("/my/").status_code == 200
    week = english.get(f"/space/{slot.space.slug}/?week={week_of(slot.start)}")
    assert "2 places left" in places(week.content.decode(), slot)
    # Sessions were never in the cache: the login is in the database.
    assert DbSessionStore().exists(my.cookies["sessionid"].value)


def test_failures_are_logged_once_per_interval(settings, clock, caplog):
    use_redis(settings, free_port(), retry_after=0)  # every call tries, and fails
    from django.core.cache import cache

    caplog.set_level(logging.WARNING, logger="cms.redis_cache")
    for n in range(50):
        assert cache.get(f"key-{n}") is None
        cache.set(f"key-{n}", n)
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("a", 1) is False
    with pytest.raises(ValueError):
        cache.incr("a")
    records = [r for r in caplog.records if r.name == "cms.redis_cache"]
    assert len(records) == 1
    assert "unavailable" in records[0].getMessage()

    clock.advance(30)
    cache.get("again")
    assert len([r for r in caplog.records if r.name == "cms.redis_cache"]) == 1
    clock.advance(31)
    cache.get("again")
    records = [r for r in caplog.records if r.name == "cms.redis_cache"]
    assert len(records) == 2
    assert "(104 cache calls failed" in records[1].getMessage()
