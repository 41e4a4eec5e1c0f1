"""bench/run.py is never run by the test suite (timing belongs in the benchmark); this keeps its
argument parsing and its report from rotting."""

import json

import pytest

from bench import load, run


def measurement(name, seconds, statuses, wall):
    m = load.Measurement(name, wall_seconds=wall)
    m.outcomes = [load.Outcome(status, s) for status, s in zip(statuses, seconds, strict=True)]
    return m


def test_defaults_and_overrides():
    args = run.parse_args([])
    assert args.database_url.endswith("/manabiba_bench")
    assert args.concurrency >= 2 and args.requests > 0
    args = run.parse_args(
        [
            "--database-url",
            "postgresql://u@127.0.0.1/other",
            "--requests",
            "10",
            "--concurrency",
            "3",
        ]
    )
    assert (args.database_url, args.requests, args.concurrency) == (
        "postgresql://u@127.0.0.1/other",
        10,
        3,
    )


@pytest.mark.parametrize(
    "argv", [["--requests", "0"], ["--concurrency", "-1"], ["--database-url", "sqlite:///x.db"]]
)
def test_bad_arguments_are_refused(argv):
    with pytest.raises(SystemExit):
        run.parse_args(argv)


def test_rows_compare_with_the_minimal_view_and_apply_the_targets(tmp_path):
    minimal = measurement(run.MINIMAL, [0.001] * 100, [200] * 100, wall=0.1)  # 1000 req/s
    fast = measurement("home page", [0.004] * 100, [200] * 100, wall=0.3)  # 333 req/s
    slow = measurement("week view", [0.02] * 100, [200] * 100, wall=1.0)  # 100 req/s
    broken = measurement("programme list", [0.001] * 100, [200] * 99 + [500], wall=0.1)
    # 200 req/s but a long tail: p99 far above 10 × p50.
    post = measurement(run.POST, [0.005] * 95 + [0.5] * 5, [201] * 100, wall=0.5)
    targets = {"home page": 0.25, "week view": 0.25, "programme list": 0.25, run.POST: 0.15}
    rows = {
        r.route: r for r in run.build_rows([minimal, fast, slow, broken, post], 1000.0, targets)
    }

    assert rows[run.MINIMAL].verdict == "ref" and rows[run.MINIMAL].ratio is None
    assert rows["home page"].ratio == pytest.approx(0.333, abs=0.001)
    assert rows["home page"].verdict == "pass"
    assert rows["week view"].verdict == "FAIL"  # 0.1 < 0.25
    assert rows["programme list"].error_rate == 0.01
    assert rows["programme list"].verdict == "FAIL"  # fast, but one 500
    assert rows[run.POST].ratio == pytest.approx(0.2) and rows[run.POST].verdict == "FAIL"
    info = run.build_rows([measurement("rendered", [0.02] * 10, [200] * 10, wall=1)], 1000.0, {})
    assert info[0].verdict == "info" and info[0].passed is None  # no target: never fails a run

    table = run.format_table(list(rows.values()))
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["route", "req/s", "p50", "ms"]
    home = next(line for line in lines if line.startswith("home page"))
    assert "333" in home and "0.333" in home and ">= 0.25" in home and home.endswith("pass")
    assert "p99 < 10x p50" in next(line for line in lines if line.startswith(run.POST))

    out = tmp_path / "results.json"
    run.write_json(out, list(rows.values()), {"concurrency": 4})
    data = json.loads(out.read_text())
    assert data["concurrency"] == 4
    assert {r["route"]: r["result"] for r in data["results"]}["week view"] == "FAIL"


def test_percentiles():
    m = measurement("x", [i / 1000 for i in range(1, 101)], [200] * 100, wall=1.0)
    assert m.percentile_ms(0.5) == pytest.approx(50.5, abs=0.6)
    assert m.percentile_ms(0.99) == pytest.approx(99, abs=1.1)
    assert m.rps == 100


def test_requests_are_split_evenly_over_rounds():
    assert [run.split(2000, 5, i) for i in range(5)] == [400] * 5
    assert [run.split(7, 3, i) for i in range(3)] == [3, 2, 2]
    assert run.parse_args(["--rounds", "3"]).rounds == 3


def make_plan(students, quota):
    from bench.seed import Plan

    return Plan(
        program_index="/p/",
        program_page="/p/x/",
        content_page="/c/",
        space_week="/space/s/",
        program_week="/programs/7/sessions/",
        slots_month="/api",
        students=students,
        slot_quota=quota,
        roster="/admin/checkin/slot/3/",
        staff_sessions={"Staff": "s1", "Coordinators": "s2", "Editors": "s3", None: "s4"},
    )


def test_logged_in_routes_carry_each_role_s_session_and_a_target():
    from bench.seed import Student

    student = Student(
        participant_id=1, session_key="mine", csrf_secret="c", free_places=1, held_slots=frozenset()
    )
    routes = {name: rest for name, *rest in run.logged_in_routes(make_plan([student], {}))}
    assert len(routes) == 15
    path, target, headers = routes["student: My bookings"]
    assert (path, target) == ("/my/", run.STUDENT_TARGET)
    assert "=mine" in headers["Cookie"]
    path, target, headers = routes["staff: check-in roster (40)"]
    assert (path, target) == ("/admin/checkin/slot/3/", run.ROSTER_TARGET)
    assert headers["Cookie"].endswith("=s1")
    assert routes["superuser: admin dashboard"][2]["Cookie"].endswith("=s4")
    rendered = {name for name in routes if name.endswith(", rendered")}
    assert rendered == {
        "staff: check-in roster (40), rendered",
        "staff: admin dashboard, rendered",
    }
    # Rendered in full (a parameter the admin's copies never keep), for information.
    assert tuple(routes["staff: check-in roster (40), rendered"][:2]) == (
        "/admin/checkin/slot/3/?rendered=1",
        None,
    )
    assert all(
        target >= 0.08 for name, (_path, target, _h) in routes.items() if name not in rendered
    )


def test_booking_plan_never_fills_a_slot_or_books_a_slot_twice():
    from bench.seed import Student

    students = [
        Student(
            participant_id=n,
            session_key="s",
            csrf_secret="c",
            free_places=2,
            held_slots=frozenset({1}) if n == 0 else frozenset(),
        )
        for n in range(4)
    ]
    plan = make_plan(students, {1: 2, 2: 3, 3: 9})
    items = run.booking_items(plan, round_no=0)
    assert len(items) == 8  # every free place is used
    pairs = [(student.participant_id, slot) for student, slot in items]
    assert len(set(pairs)) == len(pairs)  # nobody books the same slot twice
    assert (0, 1) not in pairs  # nor a slot they already hold
    for slot, places in plan.slot_quota.items():
        assert sum(1 for _p, s in pairs if s == slot) <= places
