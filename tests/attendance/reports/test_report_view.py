"""The coordinators' attendance report in the admin: figures, charts, year choice, exports and
their audit log, and who may open it."""

import csv
import io
import json

import openpyxl
import pytest
from django.urls import resolve, reverse
from django.utils import timezone, translation
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from attendance.reports.views import EXPORT_REPORT, AttendanceReportView
from tests.factories import make_user

from .helpers import NOW, SECRET_EMAIL, SECRET_NICKNAME, SECRET_REFERENCE, make_report_data

pytestmark = pytest.mark.django_db

URL = "/admin/reports/attendance/"


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def data():
    return make_report_data()


@pytest.fixture
def coordinator_client(client):
    client.force_login(make_user("coord", groups=["Coordinators"], admin_language="en"))
    return client


@pytest.fixture
def staff_client(client):
    """Staff read every figure exact; a coordinator reads small cells suppressed
    (test_suppression_recovery.py)."""
    client.force_login(make_user("staff", groups=["Staff"], admin_language="en"))
    return client


def figure(html: str, element_id: str) -> str:
    marker = f'id="{element_id}">'
    start = html.index(marker) + len(marker)
    return html[start : html.index("<", start)]


def row_cells(html: str, table_id: str, key: str) -> dict:
    """The numbers of one row of a breakdown table, by data-figure."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    row = table[table.index(f'data-key="{key}"') :]
    row = row[: row.index("</tr>")]
    cells = {}
    for part in row.split('data-figure="')[1:]:
        name, rest = part.split('">', 1)
        cells[name] = rest[: rest.index("</td>")].strip()
    return cells


def menu_links(html: str) -> dict[str, tuple[str, str]]:
    """Wagtail's sidebar menu, from the JSON props of the admin page: name -> (url, submenu)."""
    props = html[html.index('id="wagtail-sidebar-props"') :]
    props = json.loads(props[props.index(">") + 1 : props.index("</script>")])
    links = {}

    def walk(items, submenu=""):
        for item in items:
            options = item["_args"][0]
            if item["_type"] == "wagtail.sidebar.SubMenuItem":
                walk(item["_args"][1], options["name"])
            elif isinstance(options.get("url"), str) and isinstance(options["name"], str):
                # (telepath packs repeated values as {"_val": …}: none of ours are)
                links[options["name"]] = (options["url"], submenu)

    for module in props["modules"]:
        if module["_type"] == "wagtail.sidebar.MainMenuModule":
            walk(module["_args"][0])
    return links


def test_the_reports_menu_leads_a_coordinator_to_the_report(coordinator_client, data):
    match = resolve(URL)
    assert match.url_name == "attendance_report"
    assert match.func.view_class is AttendanceReportView
    menu = coordinator_client.get(reverse("wagtailadmin_home"))
    assert menu.status_code == 200
    url, submenu = menu_links(menu.content.decode())["attendance-report"]
    assert (url, submenu) == (URL, "reports")
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert figure(response.content.decode(), "figure-total-visits") == "4"


def test_headline_figures_and_breakdowns(staff_client, data):
    response = staff_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert figure(html, "figure-total-visits") == "4"
    assert figure(html, "figure-unique") == "3"
    assert figure(html, "figure-continuing") == "1"
    assert figure(html, "figure-new") == "2"
    assert figure(html, "figure-no-shows") == "1"
    assert figure(html, "figure-sessions") == "3"
    assert figure(html, "figure-program-sessions") == "0"
    assert "4 / 12 (33%)" in html

    assert row_cells(html, "report-month", "2026-04") == {
        "visits": "2",
        "unique": "2",
        "continuing": "1",
        "new": "1",
        "no_shows": "0",
        "seat_use": "2 / 4 (50%)",
    }
    june = row_cells(html, "report-month", "2026-06")
    assert (june["visits"], june["no_shows"], june["seat_use"]) == ("0", "1", "0 / 4 (0%)")
    assert row_cells(html, "report-month", "2027-03")["seat_use"] == "—"

    space = row_cells(html, "report-kind", "study_space")
    assert (space["visits"], space["unique"], space["new"]) == ("4", "3", "2")
    assert "Open study space" in html and "Science experiment" in html  # translated labels

    masuda = row_cells(html, "report-school", "益田高校")
    assert (masuda["visits"], masuda["unique"], masuda["continuing"], masuda["new"]) == (
        "2",
        "1",
        "1",
        "0",
    )
    shoyo = row_cells(html, "report-school", "翔陽高校")
    assert (shoyo["visits"], shoyo["new"], shoyo["no_shows"]) == ("1", "1", "1")
    none = row_cells(html, "report-school", "none")
    assert (none["visits"], none["new"]) == ("1", "1")
    assert "No school" in html

    outcomes = html[html.index('id="report-outcomes"') :]
    outcomes = outcomes[: outcomes.index("</table>")]
    assert "Returned to school</th><td" in outcomes
    assert outcomes.count('class="num">1<') == 1  # one participant returned to school


def test_charts_are_inline_svg_with_title_and_description(staff_client, data):
    html = staff_client.get(URL).content.decode()
    for slug in ("month", "kind", "school"):
        assert f'aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in html
        assert f'<title id="chart-{slug}-title">' in html
        assert f'<desc id="chart-{slug}-desc">' in html
    assert html.count('<svg role="img"') == 3
    # The month chart: twelve columns, April and May (2 visits each) the tallest.
    start = html.index('id="chart-month-title"')
    month_chart = html[start : html.index("</svg>", start)]
    assert month_chart.count("<rect") == 12
    assert 'height="150.0"' in month_chart and month_chart.count('height="150.0"') == 2
    # Nothing drawn by a script or fetched from elsewhere.
    assert "chart.js" not in html.lower() and "cdn" not in html.lower()


def test_choose_another_fiscal_year(staff_client, data):
    html = staff_client.get(URL, {"fiscal_year": "2025"}).content.decode()
    assert figure(html, "figure-total-visits") == "1"
    assert figure(html, "figure-new") == "1"
    assert '<option value="2025" selected>' in html
    assert '<option value="2026"' in html


@pytest.mark.parametrize("bad", ["abc", "1800", "99999", "2026.5", "-1", "２０２５", "9" * 400])
def test_bad_fiscal_year_shows_the_current_one_with_a_message(coordinator_client, data, bad):
    response = coordinator_client.get(URL, {"fiscal_year": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert figure(html, "figure-total-visits") == "4"
    assert "Showing fiscal year 2026" in html


@pytest.mark.parametrize("bad", ["abc", "1800"])
def test_bad_fiscal_year_export_falls_back_to_the_current_year(coordinator_client, data, bad):
    response = coordinator_client.get(URL, {"fiscal_year": bad, "export": "csv"})
    assert response.status_code == 200
    assert 'filename="attendance-report-2026.csv"' in response["Content-Disposition"]


def read_csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_export_has_every_figure_with_a_dimension_column(staff_client, data):
    response = staff_client.get(URL, {"fiscal_year": "2026", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    by_key = {(r["Dimension"], r["Key"]): r for r in rows}
    total = by_key[("Whole year", "total")]
    assert total["Fiscal year"] == "2026"
    assert (total["Total visits"], total["Unique participants"]) == ("4", "3")
    assert (total["Continuing participants"], total["New participants"]) == ("1", "2")
    assert (total["No-shows"], total["Attended (seat use)"], total["Places (seat use)"]) == (
        "1",
        "4",
        "12",
    )
    assert total["Seat use rate"] == "0.333"
    assert by_key[("Month", "2026-05")]["Total visits"] == "2"
    assert by_key[("Kind of support", "study_space")]["Label"] == "Open study space"
    assert by_key[("School", "none")]["New participants"] == "1"
    assert by_key[("Outcome", "returned_to_school")]["Unique participants"] == "1"
    assert by_key[("Outcome", "employed")]["Unique participants"] == "0"
    assert [r["Dimension"] for r in rows].count("Month") == 12
    assert [r["Dimension"] for r in rows].count("Kind of support") == 6
    assert [r["Dimension"] for r in rows].count("School") == 3
    assert [r["Dimension"] for r in rows].count("Outcome") == 6
    body = str(rows)
    for secret in (SECRET_NICKNAME, SECRET_REFERENCE, SECRET_EMAIL, "ビー", "P-B"):
        assert secret not in body


def test_xlsx_export_matches_the_page(staff_client, data):
    response = staff_client.get(URL, {"export": "xlsx"})
    assert response.status_code == 200
    assert 'filename="attendance-report-2026.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:5] == ["Fiscal year", "Dimension", "Key", "Label", "Total visits"]
    records = {(r[1], r[2]): dict(zip(header, r, strict=True)) for r in rows}
    total = records[("Whole year", "total")]
    assert total["Total visits"] == 4 and total["Unique participants"] == 3
    assert total["New participants"] == 2 and total["No-shows"] == 1
    assert total["Seat use rate"] == pytest.approx(0.333)
    assert records[("School", "益田高校")]["Continuing participants"] == 1
    cells = " ".join(str(v) for r in rows for v in r)
    assert SECRET_NICKNAME not in cells and SECRET_REFERENCE not in cells


def test_every_export_is_audit_logged_without_personal_data(coordinator_client, data):
    coordinator_client.get(URL, {"fiscal_year": "2025", "export": "xlsx"})
    coordinator_client.get(URL, {"export": "csv"})
    coordinator_client.get(URL)  # viewing is not an export
    entries = ModelLogEntry.objects.filter(action=EXPORT_REPORT).order_by("pk")
    assert [(e.data["fiscal_year"], e.data["format"]) for e in entries] == [
        (2025, "xlsx"),
        (2026, "csv"),
    ]
    assert all(e.user.username == "coord" for e in entries)
    text = str([(e.label, e.data) for e in entries])
    for secret in (SECRET_NICKNAME, SECRET_REFERENCE, SECRET_EMAIL):
        assert secret not in text
    # The admin's history shows what was exported, in words.
    formatter = registry.get_formatter(entries[0])
    with translation.override("en"):
        assert formatter.format_message(entries[0]) == (
            "Exported the attendance report of fiscal year 2025 as XLSX"
        )
    assert registry.action_exists(EXPORT_REPORT)


@pytest.mark.parametrize(
    ("groups", "superuser", "allowed"),
    [
        (["Coordinators"], False, True),
        (["Staff"], False, True),
        ([], True, True),
        (["Editors"], False, False),
        ([], False, False),
    ],
)
def test_who_may_open_the_report_and_sees_the_menu_item(client, data, groups, superuser, allowed):
    from django.contrib.auth.models import Permission

    user = make_user(groups=groups, is_superuser=superuser)
    if not groups and not superuser:  # a student with admin access would still be refused
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for params in ({}, {"export": "csv"}, {"export": "xlsx"}):
        response = client.get(URL, params)
        if allowed:
            assert response.status_code == 200
        else:
            assert response.status_code in (302, 403)
            assert not response.has_header("Content-Disposition")
    menu = client.get("/admin/").content.decode()
    assert ('"attendance-report"' in menu) == allowed
    if not allowed:
        assert not ModelLogEntry.objects.filter(action=EXPORT_REPORT).exists()


def test_anonymous_is_sent_to_the_login(client, data):
    response = client.get(URL, {"export": "xlsx"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_school_name_that_looks_like_a_formula_is_text_in_the_csv(coordinator_client, data):
    from core.models import School

    School.objects.filter(name="益田高校").update(name='=HYPERLINK("http://evil.example","x")')
    response = coordinator_client.get(URL, {"fiscal_year": "2026", "export": "csv"})
    assert response.status_code == 200
    labels = [r["Label"] for r in read_csv(response) if r["Dimension"] == "School"]
    assert '\'=HYPERLINK("http://evil.example","x")' in labels
    assert not any(label.startswith(("=", "+", "-", "@")) for label in labels)


def test_a_japanese_coordinator_reads_the_csv_in_japanese(client, data):
    client.force_login(make_user("coord-ja", groups=["Coordinators"], admin_language="ja"))
    response = client.get(URL, {"fiscal_year": "2026", "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text)))
    dimensions = {row[1] for row in rows}
    assert dimensions == {"年間", "月", "支援の種類", "学校", "成果"}
    assert header[0] != "Fiscal year"  # the headings are Japanese too
