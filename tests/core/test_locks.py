"""Periodic commands run once at a time across hosts (core/locks.py), on SQLite and PostgreSQL.

"Another host" is a second thread with its own database connection (PostgreSQL: its own
session, as another host's would be; SQLite: its own open lock file).
"""

import contextlib
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connections

from booking.services.slots import SlotChanges
from core.locks import ALREADY_RUNNING, advisory_key, single_instance

pytestmark = pytest.mark.django_db

COMMANDS = [
    ("generate_slots", [], "generate_slots"),
    ("send_reminders", [], "send_reminders"),
    ("resend_failed_mail", [], "resend_failed_mail"),
    ("anonymise_participants", ["--inactive-years", "3"], "anonymise_participants"),
    ("import_attendance", ["does-not-matter.csv"], "import_attendance"),
    ("publish_scheduled_once", [], "publish_scheduled"),
]


@contextlib.contextmanager
def held_elsewhere(name):
    """Hold the lock `name` in another thread (another session) for the `with` block."""
    acquired, release = threading.Event(), threading.Event()
    got = []

    def hold():
        try:
            with single_instance(name) as ok:
                got.append(ok)
                acquired.set()
                release.wait(30)
        finally:
            acquired.set()
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert acquired.wait(30)
        assert got == [True]
        yield
    finally:
        release.set()
        thread.join(30)
    assert not thread.is_alive()


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_advisory_key_is_stable_and_fits_a_bigint():
    assert advisory_key("generate_slots") == advisory_key("generate_slots")
    assert advisory_key("generate_slots") != advisory_key("send_reminders")
    assert -(2**63) <= advisory_key("generate_slots") < 2**63


def test_second_holder_is_refused_and_the_lock_is_released_after():
    with held_elsewhere("some-job"):
        with single_instance("some-job") as ok:
            assert ok is False
        with single_instance("another-job") as ok:
            assert ok is True
    with single_instance("some-job") as ok:
        assert ok is True


@pytest.mark.parametrize("command,args,lock", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_command_exits_quietly_while_another_run_holds_its_lock(command, args, lock):
    with held_elsewhere(lock):
        output = run(command, *args)  # no CommandError: exit status 0
    assert output == f"{lock}: {ALREADY_RUNNING}\n"


def test_command_runs_normally_when_nobody_holds_the_lock():
    output = run("generate_slots")
    assert output.startswith("Slots: 0 created")
    assert ALREADY_RUNNING not in output


def test_two_generate_slots_racing_one_runs_one_exits(monkeypatch):
    """Two real runs of the command: the first is inside its work when the second starts."""
    started, release = threading.Event(), threading.Event()

    def slow_generate_slots(**kwargs):
        started.set()
        release.wait(30)
        return SlotChanges()

    monkeypatch.setattr(
        "booking.management.commands.generate_slots.generate_slots", slow_generate_slots
    )
    first = {}

    def first_run():
        try:
            first["output"] = run("generate_slots")
        except Exception as error:  # reported by the assertion below
            first["error"] = error
        finally:
            started.set()
            connections.close_all()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert started.wait(30)
        second = run("generate_slots")
    finally:
        release.set()
        thread.join(30)
    assert "error" not in first
    assert first["output"].startswith("Slots: 0 created")
    assert second == f"generate_slots: {ALREADY_RUNNING}\n"
