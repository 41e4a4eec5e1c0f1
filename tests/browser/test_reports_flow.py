"""At the desk on a tablet, staff check in two booked students and one walk-in; then a
coordinator opens this fiscal year's attendance report, finds those three visits, and downloads
the XLSX, which the test opens and checks.

The admin runs in Japanese, as staff use it: elements are found by name, id and class, never by
their visible text.
"""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone, translation

from attendance.models import Attendance
from attendance.reports.views import DIMENSION_LABELS
from attendance.services.reports import current_fiscal_year
from booking.models import Booking, Participant, Slot, StudySpace
from core.figures import SMALL, WITHHELD, cell_label
from core.time import local_date, start_of_day
from tests.browser.support import BrowserWatch, log_in_to_admin, save_screenshot
from tests.factories import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TABLET = {
    "viewport": {"width": 820, "height": 1180},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ja-JP",
    "timezone_id": "Asia/Tokyo",
    "accept_downloads": True,
}
PASSWORD = "desk-and-report-2026"
NICKNAMES = ("ゆうき", "みなみ", "あおい")


def log_in(page, base_url, username):
    log_in_to_admin(page, base_url, username, PASSWORD)


def todays_slot() -> Slot:
    """A study-space slot that started a little while ago, today (Asia/Tokyo), so that its
    visits fall in today's month and fiscal year even just after midnight."""
    now = timezone.now()
    start = max(now - dt.timedelta(minutes=30), start_of_day(local_date(now)))
    space = StudySpace.objects.create(name="市民学習スペース", slug="desk", capacity=6)
    return Slot.objects.create(
        space=space, start=start, end=start + dt.timedelta(hours=3), capacity=6
    )


@pytest.mark.browser_context_args(**TABLET)
def test_desk_check_in_then_the_coordinator_report_and_xlsx(page, browser, live_server, watch):
    base = live_server.url
    slot = todays_slot()
    booked = [
        Participant.objects.create(reference=f"P-90{i}", nickname=name, birth_year=2000)
        for i, name in enumerate(NICKNAMES[:2])
    ]
    walk_in = Participant.objects.create(reference="P-909", nickname=NICKNAMES[2], birth_year=2000)
    bookings = [
        Booking.objects.create(
            slot=slot, participant=p, status=Booking.Status.CONFIRMED, created_at=slot.start
        )
        for p in booked
    ]
    make_user("desk", groups=["Staff"], password=PASSWORD)
    make_user("coordinator", groups=["Coordinators"], password=PASSWORD)
    fiscal_year = current_fiscal_year(local_date(slot.start))
    month = local_date(slot.start).strftime("%Y-%m")

    # Staff, at the desk: the slot's roster, one tap per booked student.
    log_in(page, base, "desk")
    roster = f"{base}/admin/checkin/slot/{slot.pk}/"
    page.goto(roster)
    for booking in bookings:
        row = page.locator(f"#booking-{booking.pk}")
        with page.expect_navigation():
            row.locator("button[formaction$='/came/']").tap()
        assert row.locator(".checkin-state--came").count() == 1
    # A walk-in: find them by nickname and register them.
    page.locator("#id_q").fill(NICKNAMES[2])
    with page.expect_navigation():
        page.locator("form.checkin-code button[type=submit]").tap()
    register = page.locator(f"form[action$='/walk-in/']:has(input[value='{walk_in.pk}'])")
    with page.expect_navigation():
        register.locator("button[type=submit]").tap()
    assert page.locator(f"li#participant-{walk_in.pk} .checkin-state--came").count() == 1
    assert Attendance.objects.filter(slot=slot).count() == 3
    save_screenshot(page, "reports-flow-desk")

    # A coordinator, on their own tablet: the report for the current fiscal year.
    context = browser.new_context(**TABLET)
    coordinator = context.new_page()
    coordinator_watch = BrowserWatch(coordinator, base)
    log_in(coordinator, base, "coordinator")
    coordinator.goto(base + "/admin/reports/attendance/")
    assert coordinator.locator("#id_fiscal_year").input_value() == str(fiscal_year)
    assert coordinator.locator("#figure-total-visits").inner_text() == "3"
    assert coordinator.locator("#figure-unique").inner_text() == "3"
    assert coordinator.locator("#figure-new").inner_text() == "3"
    month_row = coordinator.locator(f"#report-month tr[data-key='{month}']")
    assert month_row.locator("[data-figure=visits]").inner_text() == "3"
    space_row = coordinator.locator("#report-kind tr[data-key='study_space']")
    assert space_row.locator("[data-figure=visits]").inner_text() == "3"
    assert coordinator.locator("svg[role=img] title#chart-month-title").count() == 1
    html = coordinator.content()
    assert not any(name in html for name in NICKNAMES)  # aggregates only

    with coordinator.expect_download() as download_info:
        coordinator.locator("#report-xlsx").tap()
    download = download_info.value
    assert download.suggested_filename == f"attendance-report-{fiscal_year}.xlsx"
    with open(download.path(), "rb") as file:
        book = openpyxl.load_workbook(io.BytesIO(file.read()))
    header, *rows = list(book.active.iter_rows(values_only=True))
    # The 区分 column is in the coordinator's language (Japanese); the key column is not.
    with translation.override("ja"):
        dim = {key: str(label) for key, label in DIMENSION_LABELS.items()}
    records = {(r[1], r[2]): dict(zip(header, r, strict=True)) for r in rows}
    visits, unique, new = header[4], header[5], header[7]
    total = records[(dim["total"], "total")]
    assert total[header[0]] == fiscal_year
    assert (total[visits], total[unique], total[new]) == (3, 3, 3)
    assert records[(dim["month"], month)][visits] == 3
    assert records[(dim["kind"], "study_space")][visits] == 3
    assert records[(dim["school"], "none")][visits] == 3
    # A coordinator's months: the ones shown add up to the year; any other reads as withheld
    # (complementary suppression, core.figures), never as a number.
    months = [r[visits] for key, r in records.items() if key[0] == dim["month"]]
    with translation.override("ja"):
        withheld = {str(cell_label(SMALL)), str(cell_label(WITHHELD))}
    assert sum(v for v in months if isinstance(v, int)) == 3
    assert all(isinstance(v, int) or v in withheld for v in months), months
    cells = " ".join(str(v) for row in rows for v in row)
    assert not any(name in cells for name in NICKNAMES)

    save_screenshot(coordinator, "reports-flow-report")
    watch.assert_clean()
    coordinator_watch.assert_clean()
    context.close()
