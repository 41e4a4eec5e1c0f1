"""The processes a benchmark run starts and stops: its PostgreSQL database, gunicorn and the mail
outbox worker. Used by bench/run.py and bench/report.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import load

BASE_DIR = Path(__file__).resolve().parent.parent
WORKERS = 2


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("--database-url needs a database name")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((load.LOOPBACK, 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, env: dict) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cms.wsgi",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"{load.LOOPBACK}:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env)


def start_mail_worker(env: dict) -> subprocess.Popen:
    """The mail outbox worker, as production runs it beside gunicorn (README, "Production"):
    booking requests only insert a task row; this process renders and "sends" (mail is not
    sent in the benchmark) every confirmation and cancellation mail. Like in production it
    runs at the lowest CPU priority, so that under a rush of bookings people's requests come
    first and the mail follows seconds later; the run waits for it to send everything."""
    command = [sys.executable, "manage.py", "db_worker", "--backend", "mail"]
    command += ["--no-startup-delay", "--no-reload"]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, preexec_fn=lambda: os.nice(19))


def wait_for_mail(results, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while results.objects.ready().exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"The mail worker did not empty the outbox within {timeout} s")
        time.sleep(0.2)


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            client = load.Client(port)
            status, _ = client.request("GET", "/bench/minimal/")
            client.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
