"""The outreach figures of a fiscal year: what each count means, on focused data, and who reads
them how (a lead exact; the committee and coordinators with small cells suppressed)."""

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from core.figures import SMALL, WITHHELD, suppress_breakdown
from core.models import School
from outreach import audit
from outreach.models import Case, ConsultationRequest, Contact, Referral, StatusChange
from outreach.services.figures import (
    BREAKDOWNS,
    fiscal_year_figures,
    public_totals,
    suppressed,
)
from tests.attendance.reports.admin_walk import refused
from tests.factories import make_user

from .factories import NOW, TOKYO, make_case, make_liaison, make_request, make_role_user

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=TOKYO)


def status(case, value, on):
    case.status = value
    case.save()
    StatusChange.objects.create(case=case, status=value, changed_on=on, recorded_at=NOW)


@pytest.fixture
def year():
    """Fiscal year 2026 (and a little of 2025 and 2027 around it, which must not count)."""
    masuda = School.objects.create(name="益田高校", sort_order=1)
    meisei = School.objects.create(name="明誠高校", sort_order=2)
    liaison = make_liaison(masuda, "liaison-masuda")
    # Requests: 31 March 23:30 JST is still fiscal 2025; 1 April 00:10 is 2026.
    make_request(received_at=at(2026, 3, 31, 23), source="instagram")
    make_request(received_at=at(2026, 4, 1, 0), source="instagram")
    make_request(received_at=at(2026, 4, 20), source="instagram", writer="self")
    make_request(received_at=at(2026, 5, 2), source="facebook", channel="phone")
    make_request(received_at=at(2026, 5, 9), source="school", channel="school", writer="teacher")
    make_request(received_at=at(2027, 3, 31, 23), source="", writer="self")
    make_request(received_at=at(2027, 4, 1, 9), source="instagram")

    # Cases: one closed the year before (not active), one open all year, two opened in it.
    old = make_case(nickname="古いケース", opened_on=dt.date(2024, 5, 1), fiscal_year=0)
    status(old, Case.Status.CLOSED, dt.date(2025, 12, 1))
    old.closed_on = dt.date(2025, 12, 1)
    old.save()
    ongoing = make_case(nickname="ずっと", opened_on=dt.date(2025, 9, 1))
    back = make_case(nickname="もどった", opened_on=dt.date(2026, 6, 1), found_via="school")
    status(back, Case.Status.BACK_AT_SCHOOL, dt.date(2026, 11, 1))
    exam = make_case(
        nickname="じゅけん", opened_on=dt.date(2026, 7, 1), found_via="sns", situation="left"
    )
    status(exam, Case.Status.PREPARING_EXAM, dt.date(2027, 5, 1))  # after the year: not counted
    for case, day, reached in [
        (ongoing, dt.date(2026, 4, 10), False),
        (ongoing, dt.date(2026, 4, 17), True),
        (back, dt.date(2026, 6, 5), True),
        (exam, dt.date(2026, 7, 3), False),
        (exam, dt.date(2025, 7, 3), True),  # the year before
    ]:
        Contact.objects.create(
            case=case, kind="home_visit", happened_on=day, reached=reached, recorded_at=NOW
        )
    for school, when, state in [
        (masuda, at(2026, 5, 1), Referral.Status.ACCEPTED),
        (masuda, at(2026, 6, 1), Referral.Status.SENT),
        (masuda, at(2026, 7, 1), Referral.Status.CLOSED),
        (meisei, at(2026, 8, 1), Referral.Status.DECLINED),
        (meisei, at(2025, 8, 1), Referral.Status.ACCEPTED),
    ]:
        Referral.objects.create(
            code=f"F-{Referral.objects.count()}",
            school=school,
            referred_by=liaison,
            referred_at=when,
            nickname="紹介",
            situation="futoko",
            reason="欠席が続いています",
            consent_on=when.date(),
            consent_by="guardian",
            status=state,
        )
    return {"masuda": masuda, "meisei": meisei}


def rows(section):
    return {row["key"]: row["count"] for row in section}


def test_the_year_in_figures(year):
    figures = fiscal_year_figures(2026, today=dt.date(2027, 6, 1))

    assert figures["requests"]["total"] == 5
    months = rows(figures["requests"]["month"])
    assert (months[202604], months[202605], months[202703], months[202606]) == (2, 2, 1, 0)
    assert len(months) == 12
    assert rows(figures["requests"]["source"]) | {} == {
        **dict.fromkeys(rows(figures["requests"]["source"]), 0),
        "instagram": 2,
        "facebook": 1,
        "school": 1,
        "": 1,
    }
    assert rows(figures["requests"]["channel"])["form"] == 3
    assert rows(figures["requests"]["writer"])["self"] == 2

    assert figures["outreach"]["people_reached"] == 2  # ongoing and back; exam was not reached
    assert figures["outreach"]["contacts"] == 4
    assert rows(figures["outreach"]["contact_kind"])["home_visit"] == 4

    assert figures["cases"]["active"] == 3
    assert figures["cases"]["opened"] == 2
    assert rows(figures["cases"]["found_via"]) | {} == {
        **dict.fromkeys(rows(figures["cases"]["found_via"]), 0),
        "school": 1,
        "sns": 1,
    }
    assert rows(figures["cases"]["situation"])["left"] == 1
    at_year_end = rows(figures["cases"]["status"])
    assert (at_year_end["ongoing"], at_year_end["back_at_school"]) == (2, 1)
    assert at_year_end["preparing_exam"] == 0

    assert figures["referrals"]["total"] == 4
    by_school = {
        row["label"]: (row["count"], row["accepted"]) for row in figures["referrals"]["school"]
    }
    assert by_school == {"益田高校": (3, 2), "明誠高校": (1, 0)}


def test_a_year_still_running_counts_up_to_today(year):
    figures = fiscal_year_figures(2026, today=dt.date(2026, 6, 15))
    at_today = rows(figures["cases"]["status"])
    # `back` went back to school in November: on 15 June it is still ongoing.
    assert (at_today["ongoing"], at_today["back_at_school"]) == (2, 0)
    assert figures["cases"]["active"] == 2  # `exam` opens in July


def test_small_cells_are_suppressed_but_totals_are_not(year):
    with translation.override("en"):
        figures = suppressed(fiscal_year_figures(2026, today=dt.date(2027, 6, 1)))
    assert figures["requests"]["total"] == 5
    assert rows(figures["requests"]["source"])["instagram"] == "<3"
    by_school = {
        row["label"]: (row["count"], row["accepted"]) for row in figures["referrals"]["school"]
    }
    # 3 and "<3" with a total of 4 would give the 1 back: the 3 is withheld too.
    assert by_school == {"益田高校": ("withheld", "<3"), "明誠高校": ("<3", "<3")}
    assert figures["referrals"]["total"] == 4


def feasible(shown: list, total: int) -> list[tuple[int, int]]:
    """What a reader can work out of each cell from what is shown and the total."""
    bounds = [
        (0, 2) if cell == SMALL else (3, 10**6) if cell == WITHHELD else (cell, cell)
        for cell in shown
    ]
    ranges = []
    for i, (low, high) in enumerate(bounds):
        others = [b for j, b in enumerate(bounds) if j != i]
        ranges.append(
            (
                max(low, total - sum(h for _, h in others)),
                min(high, total - sum(lo for lo, _ in others)),
            )
        )
    return ranges


@pytest.mark.parametrize("seed", range(300))
def test_no_suppressed_one_can_be_worked_out_from_the_total(seed):
    rng = random.Random(seed)
    values = [rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 9, 30]) for _ in range(rng.randint(2, 12))]
    shown = suppress_breakdown(values)
    for value, cell, (low, high) in zip(values, shown, feasible(shown, sum(values)), strict=True):
        if cell in (SMALL, WITHHELD):
            assert low <= value <= high
            if value == 1 or cell == WITHHELD:
                assert low < high, (values, shown)
        else:
            assert cell == value >= 3


def test_every_figure_a_coordinator_sees_keeps_its_small_cells_hidden(year):
    figures = fiscal_year_figures(2026, today=dt.date(2027, 6, 1))
    totals = {
        "requests": figures["requests"]["total"],
        "outreach": figures["outreach"]["contacts"],
        "cases": None,
        "referrals": figures["referrals"]["total"],
    }
    checked = 0
    for section, keys in BREAKDOWNS:
        for key in keys:
            values = [row["count"] for row in figures[section][key]]
            shown = suppress_breakdown(values)
            total = totals[section] if totals[section] is not None else sum(values)
            for value, cell, (low, high) in zip(values, shown, feasible(shown, total), strict=True):
                if cell in (SMALL, WITHHELD) and value == 1:
                    assert low < high, (section, key, values, shown)
                    checked += 1
    assert checked >= 5


def test_public_totals_suppress_small_counts(year):
    totals = public_totals(today=dt.date(2027, 6, 1), fiscal_year=2026)
    assert totals == {"requests": "5", "people_reached": "<3", "cases": "3"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("committee", 200),
        ("outreach-lead", 200),
        ("outreach-staff", 403),
        ("editor", 403),
        ("desk-staff", 403),
    ],
)
def test_who_reads_the_figures(client, year, role, status):
    client.force_login(make_role_user(role))
    response = client.get(reverse("outreach_figures"), {"fiscal_year": "2026"})
    if status == 403:  # Wagtail sends a refused admin user home, with a message
        assert refused(response.status_code, response.get("Location", ""))
    else:
        assert response.status_code == status
        html = response.content.decode()
        assert 'id="figure-requests">5<' in html
        for name in ("ずっと", "もどった", "じゅけん", "紹介"):
            assert name not in html


def test_coordinators_read_small_cells_as_less_than_three_and_leads_exact(client, year):
    client.force_login(make_role_user("coordinator"))
    html = client.get(reverse("outreach_figures"), {"fiscal_year": "2026"}).content.decode()
    assert 'data-key="instagram">' in html
    instagram = html.split('data-key="instagram">', 1)[1].split("</tr>", 1)[0]
    assert 'data-figure="count">&lt;3<' in instagram

    client.force_login(make_user("coordinator-ja", groups=["Coordinators"], admin_language="ja"))
    html = client.get(reverse("outreach_figures"), {"fiscal_year": "2026"}).content.decode()
    masuda = html.split(f'data-key="{year["masuda"].pk}">', 1)[1].split("</tr>", 1)[0]
    assert 'data-figure="count">非公表<' in masuda
    assert 'data-figure="accepted">3未満<' in masuda

    client.force_login(make_role_user("outreach-lead"))
    html = client.get(reverse("outreach_figures"), {"fiscal_year": "2026"}).content.decode()
    instagram = html.split('data-key="instagram">', 1)[1].split("</tr>", 1)[0]
    assert 'data-figure="count">2<' in instagram


def test_the_csv_export_is_in_the_readers_language_and_audited(client, year):
    user = make_role_user("committee")
    client.force_login(user)
    response = client.get(
        reverse("outreach_figures"),
        {"fiscal_year": "2026", "export": "csv"},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content])
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.splitlines()
    assert len(lines) > 40
    assert any(
        line.startswith("2026,") and ",total," in line and line.endswith(",5,") for line in lines
    )
    entry = ModelLogEntry.objects.get(action=audit.EXPORT_FIGURES)
    assert entry.user_id == user.pk
    assert entry.data == {"report": "outreach", "fiscal_year": 2026, "format": "csv"}


def test_a_bad_year_falls_back_with_a_message(client, year):
    client.force_login(make_role_user("coordinator"))
    response = client.get(reverse("outreach_figures"), {"fiscal_year": "abc\u3000"})
    assert response.status_code == 200
    assert response.context["fiscal_year"] == 2026
    assert ConsultationRequest.objects.count() == 7
