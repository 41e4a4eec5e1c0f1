"""A benchmark run's results: one row per route, its ratio to the minimal view and its verdict,
printed as a table and written as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from bench import load

TAIL_FACTOR = 10  # booking p99 must stay under 10 × p50

MINIMAL = "minimal view"
POST = "POST /api/v1/bookings"
DELETE = "DELETE /api/v1/bookings/{id}"


@dataclass(frozen=True)
class Row:
    route: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    ratio: float | None
    target: float | None
    error_rate: float
    passed: bool | None
    statuses: dict

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "ref" if self.route == MINIMAL else "info"
        return "pass" if self.passed else "FAIL"


def build_rows(
    measurements: list[load.Measurement], minimal_rps: float, targets: dict[str, float | None]
) -> list[Row]:
    ok = {POST: {201}, DELETE: {204}}
    rows = []
    for m in measurements:
        target = targets.get(m.name)
        ratio = m.rps / minimal_rps if minimal_rps else 0.0
        p50, p99 = m.percentile_ms(0.50), m.percentile_ms(0.99)
        error_rate = m.error_rate(ok.get(m.name, {200}))
        if m.name == MINIMAL or target is None:
            passed = None  # the reference, or a route measured for information only
        else:
            passed = target is not None and ratio >= target and error_rate == 0 and m.requests > 0
            if m.name in (POST, DELETE):
                passed = passed and p99 < TAIL_FACTOR * p50
        rows.append(
            Row(
                route=m.name,
                requests=m.requests,
                rps=round(m.rps, 1),
                p50_ms=round(p50, 2),
                p99_ms=round(p99, 2),
                ratio=None if m.name == MINIMAL else round(ratio, 3),
                target=target,
                error_rate=round(error_rate, 4),
                passed=passed,
                statuses=m.statuses(),
            )
        )
    return rows


def format_table(rows: list[Row]) -> str:
    header = ("route", "req/s", "p50 ms", "p99 ms", "ratio", "target", "errors", "result")
    lines = [header]
    for r in rows:
        target = "" if r.target is None else f">= {r.target:.2f}"
        if r.route in (POST, DELETE):
            target += f", p99 < {TAIL_FACTOR}x p50"
        lines.append(
            (
                r.route,
                f"{r.rps:.0f}",
                f"{r.p50_ms:.1f}",
                f"{r.p99_ms:.1f}",
                "1.000" if r.ratio is None else f"{r.ratio:.3f}",
                target,
                f"{r.error_rate:.1%}",
                r.verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        cells = [
            cell.ljust(w) if i in (0, 5) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def write_json(path: Path, rows: list[Row], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**meta, "results": [asdict(r) | {"result": r.verdict} for r in rows]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
