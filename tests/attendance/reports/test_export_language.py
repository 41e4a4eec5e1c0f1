"""The attendance report's exports as a Japanese coordinator opens them: the CSV in UTF-8 with
a byte-order mark and in Shift_JIS (CP932) for Japanese Excel, and the XLSX, every value a
person reads in Japanese (only the machine keys, in their own column, stay as they are)."""

import csv
import io
import re

import openpyxl
import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from attendance.reports.views import EXPORT_REPORT, ExportLogFormatter
from core.models import School
from tests.factories import make_user

from .helpers import NOW
from .small_cells import URL, body_of, make_small_cells

pytestmark = pytest.mark.django_db

LATIN = re.compile(r"[a-z]")  # English words; an acronym (PBL) is Japanese usage too


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def japanese_coordinator(client):
    make_small_cells()
    client.force_login(make_user("coord-ja", groups=["Coordinators"], admin_language="ja"))
    return client


def assert_japanese(table: list[list]) -> None:
    """No English word in any cell but the Key column (the third)."""
    header, *rows = table
    assert len(rows) == 1 + 12 + 6 + 4 + 6  # the year, months, kinds, schools, outcomes
    assert not [h for h in header if LATIN.search(str(h))], header
    english = [
        (row[1], row[2], value)
        for row in rows
        for n, value in enumerate(row)
        if n != 2 and value is not None and LATIN.search(str(value))
    ]
    assert english == []
    labels = {row[3] for row in rows}
    # Existing translations: the whole year, a month, the school-less, a small cell.
    assert {"年間", "2026年4月", "学校なし"} <= labels
    assert "3未満" in {str(value) for row in rows for value in row}
    assert {row[1] for row in rows} == {"年間", "月", "支援の種類", "学校", "成果"}


def test_the_utf8_csv_is_japanese(japanese_coordinator):
    response = japanese_coordinator.get(URL, {"fiscal_year": "2026", "export": "csv"})
    body = body_of(response)
    assert body.startswith("\ufeff".encode())
    assert 'filename="attendance-report-2026.csv"' in response["Content-Disposition"]
    assert_japanese(list(csv.reader(io.StringIO(body.decode("utf-8-sig")))))


def test_the_shift_jis_csv_is_japanese_and_audited_with_its_encoding(japanese_coordinator):
    response = japanese_coordinator.get(
        URL, {"fiscal_year": "2026", "export": "csv", "encoding": "cp932"}
    )
    body = body_of(response)
    assert not body.startswith(b"\xef\xbb\xbf")  # no UTF-8 mark in a Shift_JIS file
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert 'filename="attendance-report-2026-sjis.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(body.decode("cp932"))))
    assert_japanese(table)
    assert "翔陽高校" in {row[3] for row in table}
    entry = ModelLogEntry.objects.get(action=EXPORT_REPORT)
    assert entry.data == {
        "report": "attendance",
        "fiscal_year": 2026,
        "format": "csv",
        "encoding": "cp932",
    }
    assert "CSV (Shift_JIS)" in ExportLogFormatter().format_message(entry)


def test_a_name_with_characters_shift_jis_lacks_is_written_near_enough(japanese_coordinator):
    School.objects.filter(name="翔陽高校").update(name="𠮷田—高校〜㋿")
    response = japanese_coordinator.get(
        URL, {"fiscal_year": "2026", "export": "csv", "encoding": "cp932"}
    )
    table = list(csv.reader(io.StringIO(body_of(response).decode("cp932"))))
    schools = [row[3] for row in table if row[1] == "学校"]
    assert len(schools) == 4
    # 𠮷 has no Shift_JIS code; — and 〜 are written as Windows has them; ㋿ is 令和.
    assert "?田―高校～令和" in schools


def test_the_xlsx_is_japanese(japanese_coordinator):
    response = japanese_coordinator.get(URL, {"fiscal_year": "2026", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body_of(response))).active
    assert_japanese([list(row) for row in sheet.iter_rows(values_only=True)])


def test_another_encoding_asked_for_is_utf8(japanese_coordinator):
    response = japanese_coordinator.get(
        URL, {"fiscal_year": "2026", "export": "csv", "encoding": "latin-1"}
    )
    assert body_of(response).startswith("\ufeff".encode())
    assert "encoding" not in ModelLogEntry.objects.get(action=EXPORT_REPORT).data
