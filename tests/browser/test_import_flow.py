"""A staff member imports last years' attendance through the admin: a CSV saved by Excel on a
Japanese Windows (Shift_JIS / CP932, Japanese headers, 令和 and 2025/5/10 dates, kinds in
Japanese) and an Excel workbook (real date cells and text such as R7.6.1). Each time they see
the preview, confirm, and see the result; then the attendance report of fiscal year 2025 shows
exactly the visits of both files.

The admin runs in Japanese, as staff use it: elements are found by name and id, never by
their visible text.

The rows, worked out by hand (fiscal year 2025 = 2025-04-01 … 2026-03-31):

CSV: 5 rows, one repeated → 4 visits to add, 3 new participants (P-101, P-102, P-103)
    P-101 益田高校 2025-05-10 study_space   FY2025, May
    P-101 益田高校 2025-05-17 study_space   FY2025, May
    P-102 —        2025-05-10 science       FY2025, May
    P-101 益田高校 2025-05-10 study_space   repeated in the file
    P-103 —        2025-03-20 online        FY2024
XLSX: 4 rows, one already imported by the CSV → 3 to add, 1 new participant (P-104)
    P-104 —        2025-06-01 fieldwork     FY2025, June (a date cell)
    P-101 益田高   2025-06-01 study_space   FY2025, June ("R7.6.1", the school's short name)
    P-102 —        2025-06-02 online        FY2025, June ("R7.6.2")
    P-101 益田高校 2025-05-17 study_space   already present
Fiscal year 2025: 6 visits (3 in May, 3 in June; study space 3, science 1, online 1,
fieldwork 1), 3 participants (P-101, P-102, P-104), all new, none continuing (P-103 came in
FY2024 only).
"""

import datetime as dt
import io

import openpyxl
import pytest
from playwright.sync_api import expect

from attendance.models import Attendance, AttendanceImport
from core.models import School
from tests.browser.support import log_in_to_admin, save_screenshot
from tests.factories import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "import-last-years-2026"
DESKTOP = {
    "viewport": {"width": 1280, "height": 900},
    "locale": "ja-JP",
    "timezone_id": "Asia/Tokyo",
}

CSV_TEXT = (
    "参加者,学校,日付,区分\r\n"
    "P-101,益田高校,2025/5/10,学習スペース\r\n"
    "P-101,益田高校,令和7年5月17日,学習スペース\r\n"
    "P-102,,2025/5/10,理科実験\r\n"
    "P-101,益田高校,2025/5/10,学習スペース\r\n"
    "P-103,,令和7年3月20日,オンライン学習\r\n"
)


@pytest.fixture(autouse=True)
def import_folder(settings, tmp_path):
    # The live server runs in this process: its private imports folder is this test's.
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            **settings.STORAGES["imports"],
            "OPTIONS": {
                **settings.STORAGES["imports"]["OPTIONS"],
                "location": tmp_path / "private" / "imports",
            },
        },
    }
    return tmp_path / "private" / "imports"


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["参加者", "学校", "日付", "区分"])
    sheet.append(["P-104", None, dt.date(2025, 6, 1), "フィールドワーク"])
    sheet.append(["P-101", "益田高", "R7.6.1", "学習スペース"])
    sheet.append(["P-102", None, "R7.6.2", "オンライン学習"])
    sheet.append(["P-101", "益田高校", dt.datetime(2025, 5, 17), "学習スペース"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def upload_and_check(page, base: str, name: str, mime: str, content: bytes) -> None:
    page.goto(base + "/admin/attendance-imports/")
    with page.expect_navigation():
        page.locator("#import-upload-link").click()
    page.locator("#id_file").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    with page.expect_navigation():
        page.locator("#import-upload-form button[type=submit]").click()
    page.locator("#import-preview").wait_for()


def confirm(page) -> None:
    with page.expect_navigation():
        page.locator("#import-confirm-form button[type=submit]").click()
    page.locator("#import-result").wait_for()


def test_staff_import_a_cp932_csv_and_an_xlsx_then_read_the_report(page, live_server, watch):
    base = live_server.url
    School.objects.create(name="益田高校", short_name="益田高", sort_order=1)
    make_user("importer", groups=["Staff"], password=PASSWORD)
    log_in_to_admin(page, base, "importer", PASSWORD)
    assert page.locator("a[href='/admin/attendance-imports/']").count() >= 1  # in the menu

    # The CSV, as Excel writes it on a Japanese Windows.
    upload_and_check(page, base, "出席2025.csv", "text/csv", CSV_TEXT.encode("cp932"))
    assert "CP932" in text(page, "#preview-format")
    assert text(page, "#preview-rows") == "5"
    assert text(page, "#preview-to-add") == "4"
    assert text(page, "#preview-new-participants") == "3"
    assert text(page, "#preview-already-present") == "0"
    assert text(page, "#preview-duplicates") == "1"
    assert text(page, "#preview-years tr[data-year='2024'] [data-figure=visits]") == "1"
    assert text(page, "#preview-years tr[data-year='2025'] [data-figure=visits]") == "3"
    assert not Attendance.objects.exists()  # nothing before the confirmation
    save_screenshot(page, "import-flow-preview")
    confirm(page)
    assert text(page, "#result-added") == "4"
    assert text(page, "#result-participants") == "3"

    # The workbook: real date cells and era dates as text.
    upload_and_check(
        page,
        base,
        "出席2025-06.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        xlsx_bytes(),
    )
    assert "XLSX" in text(page, "#preview-format")
    assert text(page, "#preview-rows") == "4"
    assert text(page, "#preview-to-add") == "3"
    assert text(page, "#preview-new-participants") == "1"
    assert text(page, "#preview-already-present") == "1"
    assert text(page, "#preview-years tr[data-year='2025'] [data-figure=visits]") == "3"
    confirm(page)
    assert text(page, "#result-added") == "3"
    assert list(AttendanceImport.objects.values_list("state", flat=True)) == ["imported"] * 2
    assert Attendance.objects.filter(fiscal_year=2025).count() == 6

    # The attendance report of fiscal year 2025, from the result page's link.
    with page.expect_navigation():
        page.locator("#import-report-links a[data-year='2025']").click()
    assert page.locator("#id_fiscal_year").input_value() == "2025"
    assert text(page, "#figure-total-visits") == "6"
    assert text(page, "#figure-unique") == "3"
    assert text(page, "#figure-new") == "3"
    assert text(page, "#figure-continuing") == "0"
    for month, visits in (("2025-05", "3"), ("2025-06", "3")):
        assert text(page, f"#report-month tr[data-key='{month}'] [data-figure=visits]") == visits
    for kind, visits in (("study_space", "3"), ("science", "1"), ("online", "1")):
        assert text(page, f"#report-kind tr[data-key='{kind}'] [data-figure=visits]") == visits
    assert text(page, "#report-kind tr[data-key='fieldwork'] [data-figure=visits]") == "1"
    save_screenshot(page, "import-flow-report")

    # Fiscal year 2024 has the one March visit.
    page.goto(base + "/admin/reports/attendance/?fiscal_year=2024")
    assert text(page, "#figure-total-visits") == "1"
    watch.assert_clean()


def test_the_progress_bar_moves_and_the_page_shows_the_result_when_done(page, live_server, watch):
    """The check and the import run in a worker in production: the page polls, moves its bar
    and reloads itself when the work is done. The worker is played by the test."""
    from django.utils import timezone

    from attendance.imports import progress

    base = live_server.url
    user = make_user("importer", groups=["Staff"], password=PASSWORD)
    upload = AttendanceImport.objects.create(
        uploaded_by=user,
        uploaded_at=timezone.now(),
        file_name="出席.csv",
        file_size=1234,
        state=AttendanceImport.State.IMPORTING,
        preview={"file_format": "XLSX", "rows_read": 3, "to_add": 3},
    )
    progress.reporter(upload.pk)("import", 40, 100)
    log_in_to_admin(page, base, "importer", PASSWORD)
    page.goto(f"{base}/admin/attendance-imports/{upload.pk}/")
    bar = page.locator("#import-progress")
    assert bar.get_attribute("value") == "40"

    progress.reporter(upload.pk)("import", 80, 100)
    # Playwright's wait_for_function evaluates a string, which the policy forbids: expect polls.
    expect(bar).to_have_attribute("value", "80")
    expect(page.locator("#import-progress-text")).to_have_text("80%")

    AttendanceImport.objects.filter(pk=upload.pk).update(
        state=AttendanceImport.State.IMPORTED,
        result={"rows_read": 3, "added": 3, "participants_created": 1},
    )
    page.locator("#import-result").wait_for()
    assert page.locator("#result-added").inner_text() == "3"
    assert page.locator("#import-progress").count() == 0
    watch.assert_clean()
