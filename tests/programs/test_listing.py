"""Which programmes the index lists, in what order, and how it pages."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
import recurrence
from bs4 import BeautifulSoup
from django.utils import timezone

from programs.listing import upcoming_programs
from programs.models import PROGRAMS_PER_PAGE
from tests.factories import make_program, weekly_rule

pytestmark = pytest.mark.django_db


def card_titles(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".card__title a")]


def pagination_links(response) -> dict[str, dict]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {a["rel"][0]: parse_qs(urlsplit(a["href"]).query) for a in soup.select(".pagination a")}


def ended_rule():
    return recurrence.Recurrence(
        rrules=[
            recurrence.Rule(recurrence.WEEKLY, byday=[recurrence.SA], until=dt.datetime(2020, 3, 1))
        ]
    )


def test_more_than_a_page_of_programmes_paginates_and_keeps_the_kind_filter(client, index):
    total = PROGRAMS_PER_PAGE + 2
    for n in range(total):
        make_program(index, title=f"実験{n:02d}", kind="science")
    make_program(index, title="川歩き", kind="fieldwork")

    first = client.get("/programs/?kind=science")
    first_titles = card_titles(first)
    assert len(first_titles) == PROGRAMS_PER_PAGE
    assert "川歩き" not in first_titles
    links = pagination_links(first)
    assert set(links) == {"next"}
    assert links["next"] == {"kind": ["science"], "page": ["2"]}

    second = client.get("/programs/?kind=science&page=2")
    second_titles = card_titles(second)
    assert len(second_titles) == total - PROGRAMS_PER_PAGE
    assert not set(first_titles) & set(second_titles)
    assert "川歩き" not in second_titles
    assert pagination_links(second) == {"prev": {"kind": ["science"], "page": ["1"]}}
    current = BeautifulSoup(second.content, "html.parser").select_one(".pagination [aria-current]")
    assert "2" in current.get_text()


def test_page_beyond_the_last_shows_the_last_page(client, index):
    for n in range(PROGRAMS_PER_PAGE + 1):
        make_program(index, title=f"実験{n:02d}")
    assert len(card_titles(client.get("/programs/?page=3"))) == 1


def test_ended_programmes_are_not_listed(client, index):
    make_program(index, title="終わった実験", starts_on=dt.date(2020, 1, 1), schedule=ended_rule())
    make_program(index, title="続く実験")
    titles = card_titles(client.get("/programs/"))
    assert titles == ["続く実験"]
    assert "終わった実験" not in client.get("/").content.decode()


def test_dated_programmes_soonest_first_then_unscheduled_by_title(client, index):
    today = timezone.localdate()
    make_program(index, title="B 相談", kind="consultation", schedule=None, start_time=None)
    make_program(index, title="A 相談", kind="consultation", schedule=None, start_time=None)
    make_program(
        index,
        title="Z 来月の実験",
        starts_on=today + dt.timedelta(days=40),
        schedule=weekly_rule(recurrence.SA),
    )
    make_program(
        index,
        title="Y 来週の実験",
        starts_on=today + dt.timedelta(days=8),
        schedule=weekly_rule(recurrence.SA),
    )
    assert card_titles(client.get("/programs/")) == [
        "Y 来週の実験",
        "Z 来月の実験",
        "A 相談",
        "B 相談",
    ]


def test_upcoming_programs_with_now_passed_in(index):
    make_program(index, title="土曜の実験", starts_on=dt.date(2026, 4, 1))
    make_program(
        index,
        title="3月で終わる実験",
        starts_on=dt.date(2026, 1, 1),
        schedule=recurrence.Recurrence(
            rrules=[
                recurrence.Rule(
                    recurrence.WEEKLY, byday=[recurrence.SA], until=dt.datetime(2026, 3, 31)
                )
            ]
        ),
    )
    make_program(index, title="相談", kind="consultation", schedule=None, start_time=None)
    make_program(index, title="下書き", live=False)
    tokyo = timezone.get_fixed_timezone(9 * 60)

    in_march = upcoming_programs(now=dt.datetime(2026, 3, 1, tzinfo=tokyo))
    assert [p.title for p in in_march] == ["3月で終わる実験", "土曜の実験", "相談"]
    assert in_march[0].next_session.start.date() == dt.date(2026, 3, 7)
    assert in_march[-1].next_session is None

    in_april = upcoming_programs(now=dt.datetime(2026, 4, 2, tzinfo=tokyo))
    assert [p.title for p in in_april] == ["土曜の実験", "相談"]

    only_consultations = upcoming_programs(
        now=dt.datetime(2026, 4, 2, tzinfo=tokyo), kind="consultation"
    )
    assert [p.title for p in only_consultations] == ["相談"]


@pytest.mark.parametrize(
    "query",
    ["?page=0", "?page=", "?kind=science&page=abc", "?kind[]=x", "?q=x&page=2"],
)
def test_index_survives_more_bad_query_strings(client, index, query):
    make_program(index, title="水の実験")
    response = client.get("/programs/" + query)
    assert response.status_code == 200
    assert card_titles(response) == ["水の実験"]


def test_a_nul_in_the_query_string_is_a_400_with_a_reason(client, index):
    # Not a mistyped link: a control character is refused at the edge (cms/bad_input.py).
    response = client.get("/programs/?kind=%00")
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert response.content.decode().startswith("送られた内容に制御文字")  # Japanese first
