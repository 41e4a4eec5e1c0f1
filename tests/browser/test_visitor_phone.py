"""A student on a phone finds a programme: home → programme list → filter by kind → programme."""

import datetime as dt

import pytest
import recurrence
from django.utils import timezone

from programs.schedule import local_zone, upcoming_sessions
from tests.browser.support import PHONE, save_screenshot
from tests.factories import make_program, make_program_index

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def weekly(*days):
    return recurrence.Recurrence(rrules=[recurrence.Rule(recurrence.WEEKLY, byday=list(days))])


@pytest.mark.browser_context_args(**PHONE)
def test_student_on_a_phone_filters_by_kind_and_opens_a_programme(page, live_server, watch):
    index = make_program_index()
    make_program(index, title="水の実験", kind="science", schedule=weekly(recurrence.SA))
    river = make_program(
        index,
        title="高津川フィールドワーク",
        kind="fieldwork",
        schedule=weekly(recurrence.SU),
        start_time=dt.time(10, 0),
        place="高津川河川敷",
    )
    make_program(
        index, title="商店街の空き店舗調査", kind="fieldwork", schedule=weekly(recurrence.WE)
    )
    make_program(index, title="町おこしPBL", kind="pbl", schedule=weekly(recurrence.TU))
    make_program(index, title="オンライン自習室", kind="online", place="")
    make_program(index, title="学習相談", kind="consultation", schedule=None, start_time=None)
    make_program(index, title="下書きの野外活動", kind="fieldwork", live=False)

    page.goto(live_server.url + "/")
    page.locator(".hero a.button").tap()
    page.wait_for_url(f"{live_server.url}{index.url}")
    titles = page.locator(".card__title a")
    assert titles.count() == 6

    # The filter is a plain GET form: choose a kind and press "Show".
    page.locator("#kind-filter").select_option("fieldwork")
    page.locator("form.filter button[type=submit]").tap()
    page.wait_for_url("**/programs/?kind=fieldwork")
    assert page.locator("#kind-filter").input_value() == "fieldwork"
    assert sorted(titles.all_inner_texts()) == ["商店街の空き店舗調査", "高津川フィールドワーク"]
    tags = page.locator(".card .tag")
    assert all("tag--fieldwork" in c for c in tags.evaluate_all("els => els.map(e => e.className)"))

    page.locator(".card__title a", has_text="高津川フィールドワーク").tap()
    page.wait_for_url(f"{live_server.url}{river.url}")
    assert page.locator("h1").inner_text() == "高津川フィールドワーク"
    assert "高津川河川敷" in page.locator("dl.facts").inner_text()

    # Next sessions: five Sundays at 10:00 in Masuda, the first being the next one to come.
    times = page.locator("ul.sessions time")
    assert times.count() == 5
    starts = [
        dt.datetime.fromisoformat(t)
        for t in times.evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    ]
    for start in starts:
        local = start.astimezone(local_zone())
        assert (local.weekday(), local.time()) == (6, dt.time(10, 0))
    assert starts[0] == upcoming_sessions(river, now=timezone.now(), limit=1)[0].start
    assert starts == sorted(starts) and len(set(starts)) == 5

    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    save_screenshot(page, "visitor-phone")
    watch.assert_clean()
