"""Done when (issue #10): the site on two app servers through the faults of a first year.

Two gunicorn instances under production settings share this test's PostgreSQL database, a Redis
of the test's own (`redis-server --save ""`), an S3 bucket (moto's server) and the mail outbox.
An editor uploads an image and publishes it on the home page through the first server; the
second serves the page with the image from the bucket. Students, signed in through the site's
own form, book over real HTTP against both servers while Redis is killed; then a mail worker
is killed mid-send and another one empties the outbox into a local SMTP sink.

Counted: responses by status (no 5xx), bookings the clients were told about against the rows
(none lost, none made up), and mails per idempotency key (exactly one per booking). Every
process the test starts is stopped by its PID.
"""

import datetime as dt
import functools
import os
import signal
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from bs4 import BeautifulSoup
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from time_machine import escape_hatch
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import querydict_from_html

from bench.servers import free_port
from booking.models import Booking, SentMail
from booking.services.notifications import mail_key
from tests.booking import test_mail_faults as mail_faults
from tests.booking.conftest import database_left_as_found  # noqa: F401 (a fixture)
from tests.booking.web.factories import make_slot, make_space, make_student
from tests.cms import test_redis_faults as redis_faults
from tests.cms.test_images import png_bytes
from tests.cms.test_object_storage import BUCKET, CREDENTIALS, bucket, keys, s3_endpoint  # noqa: F401
from tests.cms.two_servers import (
    SETTINGS_MODULE,
    Tally,
    Visitor,
    start_app_servers,
    stop_all,
    wait_healthy,
)
from tests.factories import get_home, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two app servers need one database both can reach: set DATABASE_URL to PostgreSQL",
    ),
    pytest.mark.skipif(
        not redis_faults.REDIS_SERVER and not redis_faults.REQUIRE,
        reason="redis-server is not installed (CI sets MANABIBA_REQUIRE_REDIS)",
    ),
]

PASSWORD = "two-servers-pass-123"
STUDENTS = 10
SLOT_HOURS = (16, 17, 18)  # three one-hour slots, each tried by every student
CAPACITY = 6  # 18 places for 30 attempts: every slot fills, a third of the answers are "full"
HOLD_AT = 3  # the sink holds the third mail while the first worker is killed
TOKYO = ZoneInfo("Asia/Tokyo")


def real_now() -> dt.datetime:
    """The app servers read the real clock, not the one the suite pins (tests/conftest.py)."""
    return escape_hatch.datetime.datetime.now(TOKYO)


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed as production hashes it (the suite uses MD5): with production's own
    iterations, so that the servers do not hash it again at every first login."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def with_password(user):
    """A user who can sign in on the servers, with a confirmed address (allauth asks)."""
    user.password = password_hash()
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def server_env(tmp_path, smtp_port: int, endpoint: str, redis_port: int) -> dict:
    env = mail_faults.worker_env(
        tmp_path,
        smtp_port,
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        WAGTAILADMIN_BASE_URL="http://127.0.0.1",
        LOG_LEVEL="WARNING",
        MAIL_LEASE_SECONDS="1",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        CACHE_KEY_PREFIX=f"two-servers-{redis_port}",
        **CREDENTIALS,
    )
    env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    return env


def publish_home_with_an_image(editor: Visitor, port: int) -> int:
    """Upload through the admin's multiple upload, then publish the home page with it as its
    hero image through the page editor. Returns the image's id."""
    upload = editor.request(
        port,
        "POST",
        reverse("wagtailimages:add_multiple"),
        form={"csrfmiddlewaretoken": editor.csrf_token},
        files={"files[]": ("hero.png", png_bytes((640, 400)), "image/png")},
    )
    assert upload.status == 200 and upload.json()["success"] is True, upload.text[:2000]
    image_id = upload.json()["image_id"]

    edit_url = reverse("wagtailadmin_pages:edit", args=[get_home().pk])
    form = editor.get(port, edit_url)
    assert form.status == 200
    data = querydict_from_html(form.text, form_id="page-edit-form")
    data["hero_image"] = str(image_id)
    data["action-publish"] = "action-publish"
    data.setdefault("body-count", "0")  # the StreamField's count is written by JavaScript
    published = editor.post_form(port, edit_url, dict(data.lists()))
    assert published.status == 302, published.text[:2000]
    return image_id


def check_the_image_from_the_other_server(port: int, image_id: int, store, endpoint: str):
    home = Visitor().get(port, "/")
    assert home.status == 200
    hero = BeautifulSoup(home.body, "html.parser").select_one("img.hero__image")
    assert hero is not None
    image = get_image_model().objects.get(pk=image_id)
    rendition = image.renditions.get(filter_spec="fill-1200x500")
    stored = keys(store)
    assert image.file.name in stored and rendition.file.name in stored
    assert hero["src"] == f"{endpoint}/{BUCKET}/{rendition.file.name}"
    with urllib.request.urlopen(hero["src"], timeout=10) as served:  # noqa: S310
        assert served.status == 200
        assert served.read()[:8] == b"\x89PNG\r\n\x1a\n"


class Rush:
    """Students booking at once over both servers, each in its own thread: three rounds of
    pages and one booking attempt each, alternating servers. Even students book through the
    JSON API, odd ones through the booking form. Every answer goes to the tally."""

    ROUND = 5  # requests per round

    def __init__(self, ports, space, slots, tally: Tally):
        self.ports, self.space, self.slots, self.tally = ports, space, slots, tally
        day = slots[0].start.astimezone(TOKYO).date()
        self.week = f"/space/{space.slug}/?week={day.isoformat()}"
        self.slots_api = "/api/v1/slots?" + urlencode(
            {"start": day, "end": day, "space": space.slug}
        )
        self.start = threading.Event()

    def student(self, n: int, visitor: Visitor, participant_id: int) -> None:
        passer_by = Visitor()  # pages anyone sees: the page cache (Redis) serves them
        tally = self.tally
        self.start.wait()
        first = n % len(self.slots)  # students start on different slots
        for round_no, slot in enumerate(self.slots[first:] + self.slots[:first]):
            here, there = self.ports[(n + round_no) % 2], self.ports[(n + round_no + 1) % 2]
            try:
                tally.record(here, "GET /", passer_by.get(here, "/"), {200})
                tally.record(there, "GET week", visitor.get(there, self.week), {200})
                tally.record(here, "GET slots", passer_by.get(here, self.slots_api), {200})
                self.book(n, visitor, there, participant_id, slot)
                tally.record(here, "GET /my/", visitor.get(here, "/my/"), {200})
            except OSError as exc:  # no answer at all: as bad as a 500
                with tally.lock:
                    tally.unexpected.append(f"student {n}, round {round_no}: {exc!r}")

    def book(self, n, visitor, port, participant_id, slot) -> None:
        key = (participant_id, slot.pk)
        if n % 2 == 0:
            reply = visitor.request(port, "POST", "/api/v1/bookings", payload={"slot_id": slot.pk})
            self.tally.record(port, "POST /api/v1/bookings", reply, {201, 409})
            booked, refused = reply.status == 201, reply.status == 409
            booking_id = reply.json()["id"] if booked else None
        else:
            reply = visitor.post_form(port, f"/slots/{slot.pk}/book/", {})
            self.tally.record(port, "POST book form", reply, {302})
            # Booked: off to My bookings; refused: back to the week, with the reason.
            booked = reply.status == 302 and reply.location == "/my/"
            refused = reply.status == 302 and reply.location == self.space.week_url
            booking_id = None  # the form does not say which
        with self.tally.lock:
            if booking_id is not None:
                self.tally.booking_ids[key] = booking_id
            if booked:
                self.tally.told_booked.add(key)
                self.tally.booked_after_kill += self.tally.killed.is_set()
            elif refused:
                self.tally.told_refused.add(key)

    def run(self, visitors, participant_ids, redis, *, kill_after: int) -> None:
        """Kill Redis by its PID once `kill_after` requests are answered."""
        threads = [
            threading.Thread(target=self.student, args=(n, visitor, participant_id))
            for n, (visitor, participant_id) in enumerate(
                zip(visitors, participant_ids, strict=True)
            )
        ]
        for thread in threads:
            thread.start()
        self.start.set()
        while self.tally.requests < kill_after and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        redis.kill()
        self.tally.killed.set()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)


def sign_in(students, ports) -> list[Visitor]:
    """Each student signs in on one server; the session then holds on both."""
    visitors = [Visitor() for _ in students]
    with ThreadPoolExecutor(4) as pool:
        logins = [
            pool.submit(visitor.log_in, ports[n % 2], student.username, PASSWORD, "/my/")
            for n, (visitor, student) in enumerate(zip(visitors, students, strict=True))
        ]
    for login in logins:
        login.result()  # raises what the login's assertion raised
    return visitors


def kill_a_worker_mid_send_then_drain(env, sink, log, stack) -> None:
    """The first worker is killed while the SMTP server holds its third mail (accepted, not yet
    answered QUIT). A second worker sends the rest; past the lease, the hourly command queues
    the killed one's mail again, and the second worker finds it already sent."""
    first = mail_faults.start_worker(env, log)
    stack.callback(mail_faults.stop, first)
    wait_for(sink.holding.is_set, first, log)
    os.kill(first.pid, signal.SIGKILL)
    assert first.wait(timeout=30) == -signal.SIGKILL
    sink.released.set()
    second = mail_faults.start_worker(env, log)
    stack.callback(mail_faults.stop, second)
    time.sleep(1.2)  # past the one-second lease
    recovery = mail_faults.run_python(["manage.py", "resend_failed_mail"], env)
    assert recovery.returncode == 0, recovery.stderr
    assert recovery.stdout.splitlines() == [
        "Mails queued again: 0",
        "Stalled mails queued again: 1",
    ]
    wait_for(outbox_empty, second, log)
    mail_faults.stop(second)


def wait_for(done, worker, log, timeout: float = 60) -> None:
    """Until `done()`, failing at once if the mail worker exits."""
    deadline = time.monotonic() + timeout
    while not done():
        assert worker.poll() is None, log.read_text()
        assert time.monotonic() < deadline, (mail_faults.statuses(), log.read_text())
        time.sleep(0.1)


def outbox_empty() -> bool:
    return set(mail_faults.statuses()) == {TaskResultStatus.SUCCESSFUL}


@mail_faults.transactional
def test_two_app_servers_through_redis_and_mail_worker_faults(bucket, s3_endpoint, tmp_path):  # noqa: F811
    began = time.monotonic()
    phases = {}

    def phase(name):
        phases[name] = round(time.monotonic() - began, 1)

    # A moderator publishes without a second factor at login (a superuser would need one).
    editor = with_password(make_user(groups=["Moderators"], admin_language="en"))
    students = [with_password(make_student()) for _ in range(STUDENTS)]
    space = make_space()
    day = real_now().date() + dt.timedelta(days=2)
    slots = [
        make_slot(
            space, start=dt.datetime.combine(day, dt.time(h), TOKYO), minutes=60, capacity=CAPACITY
        )
        for h in SLOT_HOURS
    ]
    sink = mail_faults.Sink(hold="after_accepted", hold_at=HOLD_AT)
    redis = redis_faults.RedisServer(free_port())
    media = [tmp_path / f"media-{n}" for n in range(2)]
    tally = Tally()

    with ExitStack() as stack:
        smtp_port = stack.enter_context(mail_faults.smtp_sink(sink))
        stack.callback(redis.kill)
        redis.start()
        env = server_env(tmp_path, smtp_port, s3_endpoint, redis.port)
        servers = start_app_servers(2, lambda n: {**env, "MEDIA_ROOT": str(media[n])})
        stack.callback(stop_all, servers)
        ports = [port for port, _process in servers]
        assert [wait_healthy(p, s)["cache"] for p, s in servers] == ["ok", "ok"]
        phase("servers up")

        # Media: uploaded and published on one server, served from the bucket by the other.
        admin = Visitor()
        admin.log_in(ports[0], editor.username, PASSWORD, "/admin/")
        image_id = publish_home_with_an_image(admin, ports[0])
        check_the_image_from_the_other_server(ports[1], image_id, bucket, s3_endpoint)
        phase("image")

        visitors = sign_in(students, ports)
        phase("logins")
        ids = [student.participant.pk for student in students]
        Rush(ports, space, slots, tally).run(
            visitors, ids, redis, kill_after=STUDENTS * len(slots) * Rush.ROUND // 4
        )
        assert [wait_healthy(p, s)["cache"] for p, s in servers] == ["unavailable"] * 2
        stop_all(servers)
        phase("bookings")

        booked = list(Booking.objects.values_list("pk", flat=True))
        assert mail_faults.statuses() == {TaskResultStatus.READY: len(booked)}
        kill_a_worker_mid_send_then_drain(env, sink, tmp_path / "workers.log", stack)
        phase("mail")

    rows = set(Booking.objects.values_list("participant_id", "slot_id"))
    lost, phantom = tally.told_booked - rows, rows - tally.told_booked
    mails = Counter(sink.accepted)
    print(
        f"\ntwo app servers: {tally.requests} requests "
        f"({', '.join(f':{p} {dict(c)}' for p, c in tally.statuses.items())}), "
        f"{tally.server_errors()} with status >= 500, {tally.answered_after_kill} after Redis "
        f"was killed; bookings told {len(tally.told_booked)} ({tally.booked_after_kill} after "
        f"the kill), refused {len(tally.told_refused)}, "
        f"in the database {len(rows)}, lost {len(lost)}, phantom {len(phantom)}; "
        f"mails delivered {sum(mails.values())} for {len(mails)} keys, most per key "
        f"{max(mails.values(), default=0)}; seconds from the start: {phases}"
    )
    assert tally.unexpected == []
    assert tally.server_errors() == 0
    assert tally.requests == STUDENTS * len(slots) * Rush.ROUND
    assert tally.answered_after_kill >= tally.requests // 2  # killed early in the load
    assert tally.booked_after_kill > 0
    assert (lost, phantom) == (set(), set())
    assert len(tally.told_booked) == len(rows) == len(slots) * CAPACITY
    assert len(tally.told_refused) == STUDENTS * len(slots) - len(rows)
    for (participant_id, slot_id), booking_id in tally.booking_ids.items():
        assert Booking.objects.filter(
            pk=booking_id, participant_id=participant_id, slot_id=slot_id
        ).exists()
    assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.CONFIRMED}
    assert mails == {mail_key(pk, "confirmed"): 1 for pk in booked}
    assert mail_faults.statuses() == {TaskResultStatus.SUCCESSFUL: len(booked)}
    assert dict(SentMail.objects.values_list("key", "status")) == {
        mail_key(pk, "confirmed"): SentMail.Status.SENT for pk in booked
    }
    assert not any(p.rglob("*.*") for p in media if p.exists()), "media written locally"
