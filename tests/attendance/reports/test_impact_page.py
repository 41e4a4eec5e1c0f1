"""The public impact page: this fiscal year's headline totals, small counts shown as "<3",
nothing personal; editors can place it once, under the home page."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from attendance.services.impact import public_headline
from cms.models import ContentPage, HomePage, ImpactPage
from tests.factories import get_home, make_user

from .helpers import NOW, SECRET_EMAIL, SECRET_NICKNAME, SECRET_REFERENCE, make_report_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def make_impact_page(**fields) -> ImpactPage:
    page = get_home().add_child(
        instance=ImpactPage(
            title="学び場の1年",
            slug="impact",
            intro="今年度の利用のようすをお知らせします。",
            **fields,
        )
    )
    page.save_revision().publish()
    return page


def figures(html: str) -> list[str]:
    """The three numbers, in order, from the page's figure list."""
    block = html[html.index('class="figures"') : html.index("</dl>")]
    return [part.split("</dd>")[0] for part in block.split("<dd>")[1:]]


def test_headline_of_the_current_fiscal_year():
    make_report_data()
    # 4 visits, 3 people, no programme sessions held in fiscal year 2026 (to NOW).
    assert public_headline(now=NOW) == {
        "fiscal_year": 2026,
        "total_visits": "4",
        "unique_participants": "3",
        "program_sessions_held": "<3",
    }


def test_page_renders_the_totals_and_hides_small_counts(client):
    make_report_data()
    page = make_impact_page()
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "今年度の利用のようすをお知らせします。" in html
    assert "2026" in html
    visits, people, sessions = figures(html)
    assert "4" in visits and "3" in people
    assert "&lt;3" in sessions and "0" not in sessions


def test_every_count_below_three_is_suppressed(client):
    from attendance.models import Attendance

    make_report_data()
    # Keep only two visits of one person in fiscal year 2026.
    Attendance.objects.filter(fiscal_year=2026, participant__reference="P-B").delete()
    Attendance.objects.filter(fiscal_year=2026, participant__reference="P-C").delete()
    html = client.get(make_impact_page().url).content.decode()
    visits, people, sessions = figures(html)
    assert all("&lt;3" in value for value in (visits, people, sessions))
    assert ">2<" not in html and ">1<" not in html


def test_an_empty_year_shows_nothing_identifiable(client):
    response = client.get(make_impact_page().url)
    assert response.status_code == 200
    values = figures(response.content.decode())
    assert len(values) == 3  # visits, people, programme sessions: all() of nothing is True
    assert all("&lt;3" in value for value in values)


def test_no_personal_data_on_the_page(client):
    make_report_data()
    html = client.get(make_impact_page().url).content.decode()
    for secret in (SECRET_NICKNAME, SECRET_REFERENCE, SECRET_EMAIL, "ビー", "シー", "P-B"):
        assert secret not in html


def test_programme_sessions_count_only_programmes():
    from booking.models import Slot
    from tests.factories import make_program, make_program_index

    program = make_program(make_program_index())
    for day in (5, 6, 7):
        start = NOW.replace(day=day - 4, hour=10)  # 1–3 June 2026, ended before NOW
        Slot.objects.create(
            program=program, start=start, end=start + timezone.timedelta(hours=1), capacity=5
        )
    assert public_headline(now=NOW)["program_sessions_held"] == "3"


def test_editors_can_place_it_once_under_the_home_page(client):
    assert ImpactPage.parent_page_types == ["cms.HomePage"]
    assert "cms.ImpactPage" in HomePage.subpage_types
    assert ImpactPage not in ContentPage.allowed_subpage_models()
    assert ImpactPage.can_create_at(get_home())
    editor = make_user("impact-editor", groups=["Editors"])
    client.force_login(editor)
    home = get_home()
    add_url = reverse("wagtailadmin_pages:add", args=["cms", "impactpage", home.pk])
    assert client.get(add_url).status_code == 200
    make_impact_page()
    assert not ImpactPage.can_create_at(Page.objects.get(pk=home.pk).specific)
