"""Reports → Ministry report: who opens it, what it tells before a download, and the files.

Staff and administrators download exact figures, coordinators suppressed ones; every download
is audited with the year, the period and the format; bad input gives the form back with a
message, never a 500; a missing Japanese font names the package to install."""

import datetime as dt
from io import BytesIO
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation
from pptx import Presentation
from wagtail.models import ModelLogEntry, Site

from ministry import documents
from ministry.admin.views import file_response
from ministry.documents.fonts import FontMissing
from ministry.services import downloads
from ministry.services.downloads import EXPORT_MINISTRY_REPORT, ReportFile
from tests.factories import make_user

from .narrative_factories import make_report, save_draft, text

pytestmark = pytest.mark.django_db

URL = "/admin/reports/ministry/"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.fixture
def users():
    return {
        "student": make_user("ministry-student"),
        "editor": make_user("ministry-editor", groups=["Editors"], admin_language="en"),
        "staff": make_user("ministry-staff", groups=["Staff"], admin_language="en"),
        "coordinator": make_user(
            "ministry-coordinator", groups=["Coordinators"], admin_language="en"
        ),
        "superuser": make_user("ministry-admin", is_superuser=True, admin_language="en"),
    }


def as_user(client, user):
    client.force_login(user)
    return client


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def entries():
    return list(ModelLogEntry.objects.filter(action=EXPORT_MINISTRY_REPORT).order_by("pk"))


def test_the_url_is_the_named_admin_url():
    assert reverse("ministry_report") == URL


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert entries() == []


def test_a_student_without_admin_access_is_sent_to_their_own_page(client, users):
    response = as_user(client, users["student"]).get(URL + "?format=pdf")
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert entries() == []


def test_an_editor_is_refused_and_does_not_see_the_menu_item(client, users):
    # Wagtail answers a refusal in its admin by going back to the dashboard with a message.
    as_user(client, users["editor"])
    for query in ("", "?format=pptx"):
        response = client.get(URL + query)
        assert response.status_code == 302 and response["Location"] == "/admin/"
    home = client.get("/admin/")
    assert home.status_code == 200
    assert URL not in home.content.decode()
    assert entries() == []


@pytest.mark.parametrize("role", ["coordinator", "staff", "superuser"])
def test_readers_of_the_narrative_open_the_page_from_the_reports_menu(client, users, role):
    as_user(client, users[role])
    home = client.get("/admin/")
    assert home.status_code == 200
    assert URL in home.content.decode()
    response = client.get(URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("#id_fiscal_year")["value"] == "2026"  # the clock's fiscal year
    assert page.select_one("#ministry-report-pptx")["value"] == "pptx"
    assert page.select_one("#ministry-report-pdf")["value"] == "pdf"
    rows = page.select("#ministry-sections tbody tr")
    assert len(rows) == 8
    assert {row["data-state"] for row in rows} == {"empty"}
    assert page.select_one("#ministry-no-report") is not None


def test_staff_need_their_second_factor_coordinators_do_not(client, users, settings):
    settings.STAFF_MFA_REQUIRED = True
    response = as_user(client, users["staff"]).get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert as_user(client, users["coordinator"]).get(URL).status_code == 200


def test_the_page_shows_what_is_published_drafted_and_empty_with_a_link_to_edit(client, users):
    report = make_report(background=[text("<p>背景</p>")], results=[text("<p>成果</p>")])
    save_draft(report, activities=[text("<p>下書き</p>")], results=[text("<p>成果（改訂）</p>")])
    response = as_user(client, users["staff"]).get(URL + "?fiscal_year=2026")
    assert response.status_code == 200
    page = soup(response)
    states = [row["data-state"] for row in page.select("#ministry-sections tbody tr")]
    assert states == ["published", "draft", "empty", "empty", "empty", "changed", "empty", "empty"]
    edit = reverse("wagtailsnippets_ministry_ministryreport:edit", args=[report.pk])
    assert page.select_one("#ministry-edit")["href"] == edit
    assert "2 of 8 sections are published." in page.get_text()


def test_coordinators_get_a_link_to_read_the_narrative_staff_one_to_write_it(client, users):
    add = reverse("wagtailsnippets_ministry_ministryreport:add")
    page = soup(as_user(client, users["staff"]).get(URL))
    assert page.select_one("#ministry-add")["href"] == add
    report = make_report(background=[text("<p>背景</p>")])
    page = soup(as_user(client, users["coordinator"]).get(URL))
    assert page.select_one("#ministry-add") is None
    inspect = reverse("wagtailsnippets_ministry_ministryreport:inspect", args=[report.pk])
    assert page.select_one("#ministry-edit")["href"] == inspect
    assert client.get(inspect).status_code == 200


def test_staff_download_the_powerpoint_with_exact_figures_and_the_narrative(
    client, users, monkeypatch
):
    make_report(background=[text("<p>不登校の生徒への学習支援を続けました。</p>")])
    seen = spy_on_documents(monkeypatch)
    response = as_user(client, users["staff"]).get(URL + "?fiscal_year=2026&format=pptx")
    assert response.status_code == 200
    assert response["Content-Type"] == PPTX
    assert "no-store" in response["Cache-Control"].split(", ")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="ministry-report-2026.pptx"; ')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "ministry-report-2026.pptx"
    deck = Presentation(BytesIO(response.content))
    slide_text = " ".join(
        shape.text_frame.text for slide in deck.slides for shape in slide.shapes
        if shape.has_text_frame
    )  # fmt: skip
    assert "不登校の生徒への学習支援を続けました。" in slide_text
    assert seen == [
        {"exact": True, "first_day": dt.date(2026, 4, 1), "last_day": dt.date(2027, 3, 31)}
    ]
    (entry,) = entries()
    assert entry.user_id == users["staff"].pk
    assert entry.content_type.model == "site"
    assert int(entry.object_id) == Site.objects.get(is_default_site=True).pk
    assert entry.data == {
        "report": "ministry",
        "fiscal_year": 2026,
        "first_day": "2026-04-01",
        "last_day": "2027-03-31",
        "format": "pptx",
    }


def test_coordinators_download_the_mid_year_pdf_with_suppressed_figures(client, users, monkeypatch):
    seen = spy_on_documents(monkeypatch)
    response = as_user(client, users["coordinator"]).get(
        URL + "?fiscal_year=2026&first_day=&last_day=2026-09-30&format=pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response.content.startswith(b"%PDF")
    assert (
        'filename="ministry-report-2026_20260401-20260930.pdf"' in response["Content-Disposition"]
    )
    assert seen == [
        {"exact": False, "first_day": dt.date(2026, 4, 1), "last_day": dt.date(2026, 9, 30)}
    ]
    (entry,) = entries()
    assert entry.user_id == users["coordinator"].pk
    assert entry.data["format"] == "pdf"
    assert (entry.data["first_day"], entry.data["last_day"]) == ("2026-04-01", "2026-09-30")


def test_the_japanese_file_name_is_sent_as_filename_star(client, users):
    response = as_user(client, users["superuser"]).get(
        URL + "?fiscal_year=2025&format=pptx", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert 'filename="ministry-report-2025.pptx"' in disposition
    starred = unquote(disposition.split("filename*=UTF-8''")[1])
    assert starred.endswith(".pptx") and "2025" in starred
    assert disposition.isascii()


def test_a_japanese_file_name_reaches_the_browser_intact():
    name = "文部科学省への報告_2026年度_20260401-20260930.pdf"
    response = file_response(
        ReportFile(
            content=b"%PDF-1.4",
            filename=name,
            ascii_filename="ministry-report-2026_20260401-20260930.pdf",
            content_type="application/pdf",
        )
    )
    disposition = response["Content-Disposition"]
    assert disposition.isascii()
    assert disposition.startswith(
        "attachment; filename=\"ministry-report-2026_20260401-20260930.pdf\"; filename*=UTF-8''"
    )
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == name
    assert response.content == b"%PDF-1.4"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("fiscal_year=2026&first_day=2026-10-01&last_day=2027-04-30", None),
        ("fiscal_year=2026&first_day=2025-10-01", None),
        ("fiscal_year=2026&first_day=2026-09-30&last_day=2026-04-01", None),
        ("fiscal_year=2026&last_day=2026-13-45", "last_day"),
        ("fiscal_year=2026&first_day=not-a-date", "first_day"),
        ("fiscal_year=1999", "fiscal_year"),
        ("fiscal_year=99999", "fiscal_year"),
        ("fiscal_year=not-a-year", "fiscal_year"),
        ("fiscal_year=2026&format=docx", "format"),
    ],
)
def test_bad_input_gives_the_form_back_with_a_message(client, users, query, field):
    format_given = "" if "format=" in query else "&format=pdf"
    response = as_user(client, users["staff"]).get(f"{URL}?{query}{format_given}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    form = response.context["form"]
    errors = form.errors.as_data().get(field or "__all__")
    assert errors, form.errors
    page = soup(response)
    if field in (None, "format"):
        shown = page.select_one("#ministry-report-errors").get_text()
    else:
        shown = page.select_one(f"#id_{field}").find_parent("div").get_text()
    with translation.override("en"):  # the admin speaks English to this user
        assert str(errors[0].messages[0]) in shown
    assert len(page.select("#ministry-sections tbody tr")) == 8
    assert entries() == []


def test_a_period_across_the_first_of_april_is_explained(client, users):
    response = as_user(client, users["staff"]).get(
        URL + "?fiscal_year=2026&first_day=2026-10-01&last_day=2027-04-30&format=pptx"
    )
    (message,) = response.context["form"].non_field_errors()
    assert "1 April" in message and "2026-04-01" in message and "2027-03-31" in message


def test_a_missing_japanese_font_names_the_package(client, users, monkeypatch):
    def no_font(document):
        raise FontMissing("no Japanese TrueType font")

    monkeypatch.setattr(documents, "build_pdf", no_font)
    response = as_user(client, users["staff"]).get(URL + "?format=pdf")
    assert response.status_code == 503
    assert "fonts-ipaexfont-gothic" in soup(response).select_one("#ministry-report-errors").text
    assert entries() == []


def spy_on_documents(monkeypatch) -> list[dict]:
    """What the download asked the figures for: the period and whether figures are exact."""
    seen = []
    original = downloads.build_report_document

    def recording(first_day, last_day, **kwargs):
        seen.append({"exact": kwargs["exact"], "first_day": first_day, "last_day": last_day})
        return original(first_day, last_day, **kwargs)

    monkeypatch.setattr(downloads, "build_report_document", recording)
    return seen
