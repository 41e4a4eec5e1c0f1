"""A small closed-loop load generator: N threads, one keep-alive HTTP connection each, a fixed
number of requests in all, on loopback only.

gunicorn's sync workers close the connection after every response; `http.client` then opens a
new one for the next request, which is what a browser behind a proxy costs too.
"""

from __future__ import annotations

import http.client
import itertools
import json
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"
REQUEST_TIMEOUT = 30


@dataclass
class Outcome:
    status: int
    seconds: float


@dataclass
class Measurement:
    """What one route measured: every request's status and duration, and the wall time."""

    name: str
    wall_seconds: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return len(self.outcomes)

    @property
    def rps(self) -> float:
        return self.requests / self.wall_seconds if self.wall_seconds else 0.0

    def percentile_ms(self, q: float) -> float:
        if not self.outcomes:
            return 0.0
        ordered = sorted(o.seconds for o in self.outcomes)
        if len(ordered) == 1:
            return ordered[0] * 1000
        cuts = statistics.quantiles(ordered, n=100, method="inclusive")
        return cuts[round(q * 100) - 1] * 1000

    def statuses(self) -> dict[str, int]:
        return dict(sorted(Counter(str(o.status) for o in self.outcomes).items()))

    def error_rate(self, ok: set[int]) -> float:
        if not self.outcomes:
            return 1.0
        return sum(o.status not in ok for o in self.outcomes) / len(self.outcomes)


class Client:
    """One connection, with the request helper the scenarios use."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection(LOOPBACK, port, timeout=REQUEST_TIMEOUT)

    def request(self, method: str, path: str, *, headers=None, body=None) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else None
        hdrs = {"Host": LOOPBACK, **(headers or {})}
        if payload is not None:
            hdrs["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=payload, headers=hdrs)
            response = self.conn.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException, TimeoutError):
            # The server closed a kept-alive connection: reconnect once.
            self.conn.close()
            self.conn.request(method, path, body=payload, headers=hdrs)
            response = self.conn.getresponse()
            data = response.read()
        return response.status, data

    def close(self) -> None:
        self.conn.close()


# A scenario step sends one or more requests and records each with `record(status, seconds)`.
Step = Callable[[Client, int, Callable[[str, int, float], None]], None]


def run(
    port: int,
    steps: Step,
    *,
    names: list[str],
    iterations: int,
    concurrency: int,
    time_limit: float,
) -> dict[str, Measurement]:
    """Run `steps` `iterations` times spread over `concurrency` threads (stopping early at
    `time_limit` seconds). Each step may record requests under several route names."""
    results = {name: Measurement(name) for name in names}
    lock = threading.Lock()
    counter = itertools.count()
    deadline = time.monotonic() + time_limit

    def record(name: str, status: int, seconds: float) -> None:
        with lock:
            results[name].outcomes.append(Outcome(status, seconds))

    def worker() -> None:
        client = Client(port)
        try:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter)
                if n >= iterations:
                    return
                try:
                    steps(client, n, record)
                except OSError as exc:
                    with lock:
                        results[names[0]].failures[type(exc).__name__] += 1
                    client.close()
                    client = Client(port)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + REQUEST_TIMEOUT)
    wall = time.perf_counter() - started
    for measurement in results.values():
        measurement.wall_seconds = wall
    return results


def timed(client: Client, method: str, path: str, **kwargs) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    status, data = client.request(method, path, **kwargs)
    return status, data, time.perf_counter() - started


def get_step(path: str, name: str, *, headers: dict[str, str] | None = None) -> Step:
    def step(client: Client, n: int, record) -> None:
        status, _data, seconds = timed(client, "GET", path, headers=headers)
        record(name, status, seconds)

    return step
