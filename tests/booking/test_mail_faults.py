"""Mail that survives a crashed or hung worker: the lease (`requeue_stalled_mail`), the ledger
of sent keys (`SentMail`) and EMAIL_TIMEOUT.

The PostgreSQL tests run real processes: `manage.py db_worker --backend mail` and
`manage.py resend_failed_mail` under production settings, on the test database, sending to a
local SMTP sink (aiosmtpd) that records each message it accepts by its `X-Manabiba-Key`.
"""

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager, suppress
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from bench.servers import free_port
from booking.models import SentMail
from booking.services import book
from booking.services.notifications import (
    MAX_ATTEMPTS,
    MailInFlight,
    booking_mail,
    mail_key,
    requeue_stalled_mail,
    resend_failed_mail,
)
from tests.booking.factories import NOW, make_participant, make_slot
from tests.cms.test_production_settings import production_env

ROOT = Path(__file__).resolve().parents[2]
LEASE = dt.timedelta(seconds=300)  # MAIL_LEASE_SECONDS in cms/settings/base.py


@pytest.fixture(autouse=True)
def outbox_backend(settings):
    settings.TASKS = {**settings.TASKS, "mail": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def booked():
    return book(make_slot(capacity=1).pk, make_participant(), now=NOW)


# In-process: the ledger and the lease, on SQLite and PostgreSQL alike.


@pytest.mark.django_db
def test_a_mail_carries_its_key_and_is_not_sent_again_for_the_same_key():
    booking = booked()
    key = mail_key(booking.pk, "confirmed")
    assert booking_mail.call(booking.pk, "confirmed") is True
    assert booking_mail.call(booking.pk, "confirmed", attempt=2) is False  # a retry, say

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.extra_headers == {
        "Message-ID": f"<{key}@127.0.0.1>",  # WAGTAILADMIN_BASE_URL's host in tests
        "X-Manabiba-Key": key,
    }
    assert sent.message()["Message-ID"] == f"<{key}@127.0.0.1>"
    row = SentMail.objects.get()
    assert (row.key, row.booking_id, row.event, row.status, row.sends) == (
        key,
        booking.pk,
        "confirmed",
        SentMail.Status.SENT,
        1,
    )
    assert row.sent_at is not None


@pytest.mark.django_db
def test_a_refused_mail_is_recorded_failed_and_its_retry_sends_it(settings):
    booking = booked()
    settings.EMAIL_BACKEND = "tests.booking.test_services.ExplodingBackend"
    with pytest.raises(Exception, match="the mail server is down"):
        booking_mail.call(booking.pk, "confirmed")
    assert SentMail.objects.get().status == SentMail.Status.FAILED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert booking_mail.call(booking.pk, "confirmed", attempt=2) is True
    assert len(mail.outbox) == 1
    row = SentMail.objects.get()
    assert (row.status, row.sends) == (SentMail.Status.SENT, 2)


@pytest.mark.django_db
def test_a_mail_another_run_is_sending_waits_for_the_lease():
    booking = booked()
    key = mail_key(booking.pk, "confirmed")
    SentMail.objects.create(
        key=key,
        booking=booking,
        event="confirmed",
        status=SentMail.Status.SENDING,
        claimed_at=timezone.now(),
    )
    with pytest.raises(MailInFlight):
        booking_mail.call(booking.pk, "confirmed", attempt=2)
    assert mail.outbox == []

    # Claimed longer ago than the lease: its worker is gone, this run sends it.
    SentMail.objects.update(claimed_at=timezone.now() - LEASE - dt.timedelta(seconds=1))
    assert booking_mail.call(booking.pk, "confirmed", attempt=2) is True
    assert [m.extra_headers["X-Manabiba-Key"] for m in mail.outbox] == [key]
    assert SentMail.objects.get().status == SentMail.Status.SENT


def claimed_by_a_dead_worker() -> DBTaskResult:
    task = DBTaskResult.objects.get()
    task.claim("dead-worker")
    return task


@pytest.mark.django_db
def test_a_task_running_past_the_lease_is_queued_again_and_counted():
    booking = booked()
    task = claimed_by_a_dead_worker()
    started = task.started_at
    assert requeue_stalled_mail(now=started + LEASE - dt.timedelta(seconds=1)) == 0
    assert DBTaskResult.objects.get().status == TaskResultStatus.RUNNING

    assert requeue_stalled_mail(now=started + LEASE + dt.timedelta(seconds=1)) == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs == {"args": [booking.pk, "confirmed"], "kwargs": {"attempt": 2}}
    assert task.worker_ids == ["dead-worker"]  # who held it, for the record
    assert requeue_stalled_mail(now=started + 2 * LEASE) == 0  # READY now, not RUNNING
    assert resend_failed_mail() == 0


@pytest.mark.django_db
def test_a_task_stalled_at_its_last_attempt_is_kept_failed():
    booked()
    DBTaskResult.objects.update(
        args_kwargs={"args": [0, "confirmed"], "kwargs": {"attempt": MAX_ATTEMPTS}}
    )
    task = claimed_by_a_dead_worker()
    assert requeue_stalled_mail(now=task.started_at + 2 * LEASE) == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path.endswith("MailLeaseExpired")
    assert resend_failed_mail() == 0  # given up: stays failed, with its error


@pytest.mark.django_db
def test_nothing_is_requeued_where_mail_is_sent_in_process(settings):
    settings.TASKS = {
        **settings.TASKS,
        "mail": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    assert requeue_stalled_mail(now=timezone.now() + 2 * LEASE) == 0


def test_production_reads_the_mail_timeout_and_the_lease_from_the_environment(tmp_path):
    code = "from django.conf import settings as s; print(s.EMAIL_TIMEOUT, s.MAIL_LEASE_SECONDS)"
    default = run_python(["-c", code], production_env(tmp_path))
    assert default.stdout.split() == ["20.0", "300"], default.stderr
    chosen = production_env(tmp_path, EMAIL_TIMEOUT="7.5", MAIL_LEASE_SECONDS="600")
    assert run_python(["-c", code], chosen).stdout.split() == ["7.5", "600"]


# Real processes on PostgreSQL.


class Sink:
    """An SMTP server that records, by `X-Manabiba-Key`, each message it accepts (answers 250
    to). `hold` keeps one message, the `hold_at`-th, waiting until `released` is set:
    "before_accepted" never answers its DATA (it is not accepted: a hung server);
    "after_accepted" accepts it, then never answers QUIT."""

    def __init__(self, *, hold: str | None = None, hold_at: int = 0):
        self.hold, self.hold_at = hold, hold_at
        self.accepted: list[str] = []
        self.seen = 0
        self.holding = threading.Event()
        self.released = threading.Event()

    async def _wait(self) -> None:
        self.holding.set()
        while not self.released.is_set():
            await asyncio.sleep(0.05)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        self.seen += 1
        key = message_from_bytes(envelope.content)["X-Manabiba-Key"]
        if self.hold and self.seen == self.hold_at:
            if self.hold == "before_accepted":
                await self._wait()
                return "451 4.3.0 not taken"  # to a client long gone
            session.hold_quit = True
        self.accepted.append(key)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        if getattr(session, "hold_quit", False):
            await self._wait()
        return "221 Bye"


@contextmanager
def smtp_sink(sink: Sink):
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        sink.released.set()
        controller.stop()


def worker_env(tmp_path, port: int, **overrides) -> dict:
    """Production settings on this test's database (committed rows: transactional tests),
    sending to the sink."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    url = f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return production_env(
        tmp_path,
        DATABASE_URL=url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="false",
        REDIS_URL=None,
        **overrides,
    )


def run_python(args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def start_worker(env, log: Path, *extra) -> subprocess.Popen:
    command = ["manage.py", "db_worker", "--backend", "mail", "--no-startup-delay"]
    command += ["--no-reload", "--interval", "0.2", *extra]
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen) -> None:
    """Kill by its own PID, and reap it."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def run_batch_worker(env, log: Path) -> None:
    worker = start_worker(env, log, "--batch")
    try:
        assert worker.wait(timeout=120) == 0, log.read_text()
    finally:
        stop(worker)


def statuses() -> Counter:
    return Counter(DBTaskResult.objects.values_list("status", flat=True))


# The worker processes only see committed rows: these tests are transactional, with
# serialized rollback, and `database_left_as_found` (tests/booking/conftest.py) loads the
# migrated data back afterwards for the tests that follow.
TRANSACTIONAL = ("database_left_as_found", "django_db_serialized_rollback", "transactional_db")
transactional = pytest.mark.usefixtures(*TRANSACTIONAL)


@transactional
@pytest.mark.parametrize("killed", ["before_accepted", "after_accepted"])
def test_a_worker_killed_mid_send_delivers_every_mail_exactly_once(on_postgres, tmp_path, killed):
    """SIGKILL while the third mail is in the server's hands: before the server answered its
    DATA (nothing delivered yet: the lease must bring it back), or after it answered 250 and
    before the worker marked the task done (delivered: it must not go out again)."""
    bookings = [booked() for _ in range(5)]
    keys = {mail_key(b.pk, "confirmed") for b in bookings}
    assert len(keys) == 5
    sink = Sink(hold=killed, hold_at=3)
    log = tmp_path / "workers.log"
    with smtp_sink(sink) as port:
        env = worker_env(tmp_path, port, MAIL_LEASE_SECONDS="1")
        worker = start_worker(env, log)
        try:
            assert sink.holding.wait(timeout=90), log.read_text()
            os.kill(worker.pid, signal.SIGKILL)
            assert worker.wait(timeout=30) == -signal.SIGKILL
        finally:
            stop(worker)
        sink.released.set()

        # What the dead worker left: the third task RUNNING forever without a lease.
        assert statuses() == {
            TaskResultStatus.SUCCESSFUL: 2,
            TaskResultStatus.RUNNING: 1,
            TaskResultStatus.READY: 2,
        }
        held = DBTaskResult.objects.get(status=TaskResultStatus.RUNNING)
        held_key = mail_key(*held.args_kwargs["args"])
        expected = SentMail.Status.SENDING if killed == "before_accepted" else SentMail.Status.SENT
        assert SentMail.objects.get(key=held_key).status == expected
        assert len(sink.accepted) == (2 if killed == "before_accepted" else 3)

        time.sleep(1.2)  # past the one-second lease
        recovery = run_python(["manage.py", "resend_failed_mail"], env)
        assert recovery.returncode == 0, recovery.stderr
        assert recovery.stdout.splitlines() == [
            "Mails queued again: 0",
            "Stalled mails queued again: 1",
        ]
        run_batch_worker(env, log)

    assert Counter(sink.accepted) == dict.fromkeys(keys, 1)
    assert statuses() == {TaskResultStatus.SUCCESSFUL: 5}
    ledger = dict(SentMail.objects.values_list("key", "status"))
    assert ledger == dict.fromkeys(keys, SentMail.Status.SENT)
    assert SentMail.objects.get(key=held_key).sends == (2 if killed == "before_accepted" else 1)


@transactional
def test_a_hung_mail_server_fails_the_mail_within_the_timeout_and_it_is_sent_once_later(
    on_postgres, tmp_path
):
    bookings = [booked() for _ in range(2)]
    keys = {mail_key(b.pk, "confirmed") for b in bookings}
    sink = Sink(hold="before_accepted", hold_at=1)  # takes the first DATA, never answers
    log = tmp_path / "workers.log"
    with smtp_sink(sink) as port:
        env = worker_env(tmp_path, port, EMAIL_TIMEOUT="1")
        run_batch_worker(env, log)  # returns: nothing stays RUNNING

        assert sink.holding.is_set()
        assert statuses() == {TaskResultStatus.FAILED: 1, TaskResultStatus.SUCCESSFUL: 1}
        failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
        assert failed.finished_at - failed.started_at < dt.timedelta(seconds=10)
        assert "timed out" in failed.traceback
        hung_key = mail_key(*failed.args_kwargs["args"])
        assert sink.accepted == list(keys - {hung_key})  # the mail behind it went out
        assert SentMail.objects.get(key=hung_key).status == SentMail.Status.FAILED

        sink.released.set()  # the server recovers
        recovery = run_python(["manage.py", "resend_failed_mail"], env)
        assert recovery.returncode == 0, recovery.stderr
        assert recovery.stdout.splitlines()[0] == "Mails queued again: 1"
        run_batch_worker(env, log)

    assert Counter(sink.accepted) == dict.fromkeys(keys, 1)
    assert statuses() == {TaskResultStatus.SUCCESSFUL: 2}
