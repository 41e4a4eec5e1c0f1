"""What `core.reports.FiscalYearReportView` gives every yearly report: the CSV in Shift_JIS for
Japanese Excel beside the UTF-8 one, offered on the page, named apart and audited."""

import csv
import io

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from core.reports import encode_cp932
from outreach import audit
from tests.factories import make_user
from tests.outreach.factories import make_role_user

pytestmark = pytest.mark.django_db


def test_text_shift_jis_lacks_is_written_near_enough():
    assert encode_cp932("益田高校〜①").decode("cp932") == "益田高校～①"
    assert encode_cp932("㋿—¦").decode("cp932") == "令和―￤"
    assert encode_cp932("𠮷野家").decode("cp932") == "?野家"


@pytest.mark.parametrize(
    ("url_name", "user"),
    [
        ("attendance_report", lambda: make_user("coord", groups=["Coordinators"])),
        ("outreach_figures", lambda: make_role_user("committee")),
    ],
)
def test_every_yearly_report_offers_and_writes_a_shift_jis_csv(client, url_name, user):
    client.force_login(user())
    url = reverse(url_name)
    page = client.get(url, {"fiscal_year": "2026"})
    assert page.status_code == 200
    assert "encoding=cp932" in page.content.decode()  # the third download, in the header
    response = client.get(url, {"fiscal_year": "2026", "export": "csv", "encoding": "cp932"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert "-2026-sjis.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    header, *rows = list(csv.reader(io.StringIO(body.decode("cp932"))))
    assert len(header) >= 5 and len(rows) >= 5
    assert {row[0] for row in rows} == {"2026"}


def test_the_outreach_figures_export_records_its_encoding(client):
    client.force_login(make_role_user("committee"))
    url = reverse("outreach_figures")
    client.get(url, {"fiscal_year": "2026", "export": "csv", "encoding": "cp932"})
    client.get(url, {"fiscal_year": "2026", "export": "csv"})
    entries = ModelLogEntry.objects.filter(action=audit.EXPORT_FIGURES).order_by("pk")
    assert [entry.data.get("encoding") for entry in entries] == ["cp932", None]
