"""On a phone: a new student signs up, confirms their email, logs in, books a study-space seat,
sees it in My bookings and cancels; a second student waiting for that full seat is promoted.

Pages run in Japanese, as students see them: elements are found by name, id and class, not by
their visible text.
"""

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from booking.models import Booking
from core.time import local_date
from tests.booking.web.factories import days_ahead, make_slot, make_space, make_student
from tests.browser.support import PHONE, BrowserWatch, save_screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "takatsu-gawa-2026"


def sign_up(page, base):
    page.goto(base + "/accounts/signup/")
    page.locator("input[name=email]").fill("hana@example.org")
    page.locator("input[name=nickname]").fill("はな")
    page.locator("select[name=school]").select_option("none")
    page.locator("input[name=birth_year]").fill("2009")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").tap()
    page.wait_for_url(base + "/accounts/confirm-email/")


def confirm_email(page, base):
    [message] = [m for m in mail.outbox if m.to == ["hana@example.org"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert link.startswith(base)
    page.goto(link)
    page.locator("form.account-form button[type=submit]").tap()
    page.wait_for_url(base + "/my/")


def log_in(page, base, login, password):
    """From the login page the week view sent us to; back to the week afterwards."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    page.locator("form.account-form button[type=submit]").tap()


@pytest.mark.browser_context_args(**PHONE)
def test_sign_up_book_cancel_and_the_waiting_list_moves_up(page, browser, live_server, watch):
    base = live_server.url
    space = make_space(name="市民学習スペース", slug="shimin")
    slot = make_slot(space, start=days_ahead(1, 16), capacity=1)
    day = local_date(slot.start)
    monday = day - dt.timedelta(days=day.weekday())
    week = f"{base}/space/shimin/?week={monday.isoformat()}"
    slot_box = page.locator(f"#slot-{slot.pk}")

    # A new student signs up and confirms the address from the mail.
    sign_up(page, base)
    confirm_email(page, base)
    assert page.locator("html").get_attribute("lang") == "ja"
    page.locator("form.logout button[type=submit]").tap()
    page.wait_for_url(base + "/")

    # The study space list (linked from every page's menu), the space, the slot's week.
    page.goto(base + "/space/")
    page.locator("a[href='/space/shimin/']").first.tap()
    page.wait_for_url(base + "/space/shimin/")
    assert page.locator(".nav a[href='/space/']").count() == 1
    page.goto(week)
    # "Book" while logged out leads to the login page…
    assert "slot--open" in slot_box.get_attribute("class")
    slot_box.locator("a.button").tap()
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=.*"))
    log_in(page, base, "hana@example.org", PASSWORD)
    # …and back to the same week, where booking is one tap.
    page.wait_for_url(week)
    slot_box.locator("form button[type=submit]").tap()
    page.wait_for_url(base + "/my/")
    card = page.locator(".booking--confirmed")
    assert card.count() == 1
    # The booking just made comes first, marked.
    assert "booking--just-booked" in page.locator(".bookings .booking").first.get_attribute("class")
    booking = Booking.objects.get(participant__user__username="hana")
    assert booking.status == Booking.Status.CONFIRMED
    assert card.locator(".code").inner_text() == booking.code
    assert card.locator(".qr svg").count() == 1
    assert (
        page.locator("#feed-url")
        .input_value()
        .endswith(f"/my/feed/{booking.participant.feed_token}.ics")
    )

    # A second student, on their own phone, finds the seat full and joins the waiting list.
    sora = make_student("sora", password=PASSWORD, nickname="そら")
    EmailAddress.objects.create(user=sora, email=sora.email, verified=True, primary=True)
    context = browser.new_context(**PHONE)
    other = context.new_page()
    other_watch = BrowserWatch(other, base)
    other.goto(week)
    other_slot = other.locator(f"#slot-{slot.pk}")
    assert "slot--full" in other_slot.get_attribute("class")
    other_slot.locator("a.button").tap()
    log_in(other, base, "sora", PASSWORD)
    other.wait_for_url(week)
    other_slot.locator("form button[type=submit]").tap()
    other.wait_for_url(base + "/my/")
    assert other.locator(".booking--waitlisted").count() == 1
    assert "1" in other.locator(".booking--waitlisted .booking__status").inner_text()
    assert "はな" not in other.content()

    # The first student cancels; the waiting student is promoted and told.
    page.reload()
    # Cancelling asks once: the first tap opens the question, the second confirms.
    cancel_box = page.locator(f"#booking-{booking.code} details.booking__cancel")
    confirm = cancel_box.locator("form button[type=submit]")
    assert not confirm.is_visible()
    cancel_box.locator("summary").tap()
    with page.expect_navigation(url=base + "/my/"):
        confirm.tap()
    assert page.locator(".booking--confirmed").count() == 0
    assert page.locator(f"#booking-{booking.code}.booking--cancelled").count() == 1

    other.reload()
    assert other.locator(".booking--confirmed").count() == 1
    assert other.locator(".booking--waitlisted").count() == 0
    promoted = [m for m in mail.outbox if m.to == [sora.email]]
    assert len(promoted) == 2  # waiting list, then promoted

    save_screenshot(page, "booking-flow-first")
    save_screenshot(other, "booking-flow-second")
    watch.assert_clean()
    other_watch.assert_clean()
    context.close()
