"""The pieces of tests/cms/test_two_app_servers.py: visitors that speak plain HTTP to real app
servers, and those servers (gunicorn, as bench/servers.py starts it for the benchmark).

A visitor keeps its own cookies and sends them to whichever server it asks: sessions live in the
database, so a login on one app server holds on the other. Production marks cookies `Secure`;
over plain HTTP on loopback a browser would drop them, this client does not.
"""

from __future__ import annotations

import http.client
import json
import secrets
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.load import LOOPBACK, REQUEST_TIMEOUT
from bench.servers import free_port, start_gunicorn, stop

SETTINGS_MODULE = "tests.cms.two_servers_settings"


@dataclass
class Reply:
    status: int
    location: str
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body; `files` maps a field to (file name, bytes, content type)."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, data, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Visitor:
    def __init__(self):
        self.cookies: dict[str, str] = {}

    @property
    def csrf_token(self) -> str:
        return self.cookies["csrftoken"]

    def request(self, port, method, path, *, form=None, payload=None, files=None) -> Reply:
        headers = {"Host": LOOPBACK}
        body = None
        if files is not None:
            body, headers["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.csrf_token
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Reply(response.status, response.getheader("Location", ""), data)

    def get(self, port, path) -> Reply:
        return self.request(port, "GET", path)

    def post_form(self, port, path, data: dict, **kwargs) -> Reply:
        form = {**data, "csrfmiddlewaretoken": self.csrf_token}
        return self.request(port, "POST", path, form=form, **kwargs)

    def log_in(self, port, login: str, password: str, next_url: str) -> None:
        """Sign in through the site's own form (allauth), as everyone does."""
        path = "/accounts/login/?" + urlencode({"next": next_url})
        assert self.get(port, path).status == 200
        reply = self.post_form(port, path, {"login": login, "password": password})
        assert (reply.status, reply.location) == (302, next_url), reply.text[:2000]


@dataclass
class Tally:
    """Every response the load got, by server, and what the clients were told about bookings."""

    killed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: dict[int, Counter] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    told_booked: set[tuple[int, int]] = field(default_factory=set)  # (participant, slot)
    booking_ids: dict[tuple[int, int], int] = field(default_factory=dict)  # from the API
    told_refused: set[tuple[int, int]] = field(default_factory=set)
    answered_after_kill: int = 0
    booked_after_kill: int = 0

    def record(self, port: int, what: str, reply: Reply, expected: set[int]) -> None:
        with self.lock:
            self.statuses.setdefault(port, Counter())[reply.status] += 1
            if self.killed.is_set():
                self.answered_after_kill += 1
            if reply.status not in expected:
                self.unexpected.append(f"{what} on :{port}: {reply.status} {reply.body[:300]!r}")

    @property
    def requests(self) -> int:
        with self.lock:
            return sum(sum(c.values()) for c in self.statuses.values())

    def server_errors(self) -> int:
        return sum(n for c in self.statuses.values() for status, n in c.items() if status >= 500)


def start_app_servers(count: int, env_for) -> list[tuple[int, subprocess.Popen]]:
    """`count` gunicorn instances (bench/servers.py), each with the environment `env_for(n)`;
    returns (port, process) pairs once every one answers /healthz."""
    servers = []
    try:
        for n in range(count):
            port = free_port()
            servers.append((port, start_gunicorn(port, env_for(n))))
        for port, process in servers:
            wait_healthy(port, process)
    except BaseException:
        stop_all(servers)
        raise
    return servers


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 60) -> dict:
    """The server's health report (/healthz), as soon as it answers 200."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"gunicorn on {port} exited with {process.returncode}"
        try:
            reply = Visitor().get(port, "/healthz")
            if reply.status == 200:
                return reply.json()
        except OSError:
            pass
        assert time.monotonic() < deadline, f"gunicorn on {port} did not answer in {timeout} s"
        time.sleep(0.2)


def stop_all(servers) -> None:
    for _port, process in servers:
        stop(process)
