"""A programme page says what, where, when and for whom, and keeps the meeting link private."""

import datetime as dt

import pytest
import recurrence
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone

from core.models import School
from programs.schedule import local_zone
from tests.factories import make_program, make_user, weekly_rule

pytestmark = pytest.mark.django_db

SECRET_URL = "https://meet.example.com/manabiba-secret-room-4821"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def saturdays_from(day: dt.date, count: int) -> list[dt.date]:
    first = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    return [first + dt.timedelta(weeks=i) for i in range(count)]


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_programme_page_shows_what_where_who(english, index):
    school = School.objects.create(name="益田高校")
    page = make_program(
        index,
        title="理科実験「水のふしぎ」",
        kind="science",
        summary="表面張力を確かめる実験です。",
        place="ユースサポートセンター 実験室",
        age_min=15,
        age_max=18,
    )
    page.schools.add(school)
    page.save_revision().publish()

    soup = soup_of(english.get(page.url))
    article = soup.find("article", class_="program")
    assert article.h1.get_text() == "理科実験「水のふしぎ」"
    assert article.find(class_="tag").get_text(strip=True) == "Science experiment"
    assert article.find(class_="lead").get_text() == "表面張力を確かめる実験です。"
    facts = article.find("dl", class_="facts").get_text(" ", strip=True)
    assert "ユースサポートセンター 実験室" in facts
    assert "Ages 15–18" in facts
    assert "益田高校" in facts
    assert "Free" in facts


def test_online_programme_says_online_and_never_shows_meeting_link(english, index):
    page = make_program(
        index, title="オンライン自習室", kind="online", place="", meeting_url=SECRET_URL
    )
    soup = soup_of(english.get(page.url))
    facts = soup.find("dl", class_="facts").get_text(" ", strip=True)
    assert "Online" in facts
    assert "Online study" in soup.find(class_="tag").get_text()
    assert SECRET_URL not in str(soup)
    assert "secret-room" not in str(soup)


def test_meeting_link_never_appears_on_any_public_page(client, index):
    page = make_program(
        index,
        title="オンライン自習室",
        kind="online",
        place="",
        summary="家から参加できる自習室です。",
        meeting_url=SECRET_URL,
    )
    urls = [
        "/",
        page.url,
        index.url,
        index.url + "?kind=online",
        "/search/?q=オンライン",
        "/search/?q=自習室",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "オンライン自習室" in html, url  # the programme is there…
        assert "secret-room" not in html, url  # …its meeting link is not
        assert "meet.example.com" not in html, url
    # The link is not indexed for search either.
    html = client.get("/search/?q=meet.example.com").content.decode()
    assert "オンライン自習室" not in html


def test_meeting_link_stays_out_for_logged_in_staff_too(client, index):
    page = make_program(index, kind="online", place="", meeting_url=SECRET_URL)
    client.force_login(make_user(groups=["Staff"]))
    soup = soup_of(client.get(page.url))  # 200, or the absence below would prove nothing
    assert soup.find("article", class_="program").h1.get_text() == page.title
    assert soup.find("dl", class_="facts") is not None  # the page is the programme page…
    assert "secret-room" not in str(soup)  # …and its meeting link is not on it
    assert "meet.example.com" not in str(soup)


def test_next_sessions_are_listed_in_tokyo_time(english, index):
    first_day = timezone.localdate() + dt.timedelta(days=30)
    page = make_program(
        index,
        schedule=weekly_rule(recurrence.SA),
        starts_on=first_day,
        start_time=dt.time(14, 0),
        duration_minutes=90,
    )
    soup = soup_of(english.get(page.url))
    times = soup.select("ul.sessions time")
    expected = saturdays_from(first_day, 5)
    assert [t["datetime"] for t in times] == [
        dt.datetime.combine(d, dt.time(14, 0), tzinfo=local_zone()).isoformat() for d in expected
    ]
    items = [li.get_text() for li in soup.select("ul.sessions li")]
    assert items[0] == f"{expected[0]:%Y}/{expected[0].month}/{expected[0].day} (Sat) 14:00–15:30"


def test_early_morning_session_stays_on_its_day(english, index):
    first_day = timezone.localdate() + dt.timedelta(days=10)
    page = make_program(
        index, schedule=weekly_rule(recurrence.SA), starts_on=first_day, start_time=dt.time(7, 0)
    )
    soup = soup_of(english.get(page.url))
    first = soup.select_one("ul.sessions time")
    saturday = saturdays_from(first_day, 1)[0]
    assert first["datetime"] == f"{saturday.isoformat()}T07:00:00+09:00"
    assert "(Sat) 07:00" in first.get_text()


def test_programme_without_schedule_has_no_sessions(english, index):
    page = make_program(index, kind="consultation", schedule=None, start_time=None)
    soup = soup_of(english.get(page.url))
    assert soup.select("ul.sessions") == []
    assert soup.h1.get_text() == page.title


def test_draft_programme_is_not_public(client, index):
    page = make_program(index, title="下書きの実験", live=False)
    assert client.get(f"/programs/{page.slug}/").status_code == 404
