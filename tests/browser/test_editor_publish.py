"""Staff publish a programme in Wagtail's editor, with a weekly schedule set in
django-recurrence's widget, and students find it in the programme list.

The admin runs in Japanese, as staff use it: elements are found by name, id and class, never by
their visible text.
"""

import datetime as dt

import pytest
import recurrence
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from programs.models import ProgramPage
from tests.browser.support import log_in_to_admin, save_screenshot
from tests.factories import make_program_index, verify_address

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "publish-pass-2026"
TITLE = "匹見峡の地層観察"


# Counts autosaves in flight and notes the last edit or autosave, from Wagtail's w-autosave
# events (dispatched on the editor's form, bubbling to the document).
AUTOSAVE_WATCH = """
const watch = (window.autosaveWatch = {inFlight: 0, last: Date.now()});
const touch = () => { watch.last = Date.now(); };
for (const type of ["input", "change", "click", "keydown"]) {
  document.addEventListener(type, touch, true);
}
document.addEventListener("w-autosave:save", () => { watch.inFlight += 1; touch(); });
for (const type of ["w-autosave:success", "w-autosave:error"]) {
  document.addEventListener(type, () => { watch.inFlight -= 1; touch(); });
}
"""


def wait_for_autosave(page, quiet_ms=1500):
    """Until no autosave is running or due: Wagtail waits 500 ms after the last edit."""
    page.wait_for_function(
        "ms => autosaveWatch.inFlight === 0 && Date.now() - autosaveWatch.last > ms", arg=quiet_ms
    )


def make_moderator():
    """A member of Wagtail's "Moderators" group, which may publish pages. (A member of our
    "Editors" group would only submit the page for moderation.)"""
    user = get_user_model().objects.create_user(
        "moderator", email="moderator@example.org", password=PASSWORD
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    verify_address(user)
    return user


def log_in(page, base_url, username):
    log_in_to_admin(page, base_url, username, PASSWORD)


@pytest.mark.browser_context_args(locale="ja-JP", timezone_id="Asia/Tokyo")
def test_moderator_publishes_a_weekly_programme(page, live_server, watch):
    base = live_server.url
    index = make_program_index()
    make_moderator()

    page.add_init_script(AUTOSAVE_WATCH)
    log_in(page, base, "moderator")
    assert page.locator("html").get_attribute("lang") == "ja"

    # Page explorer → the programme index → add a child page. The index allows only programme
    # pages, so Wagtail goes straight to the programme form.
    page.goto(f"{base}/admin/pages/{index.id}/")
    page.locator(f'a[href="/admin/pages/{index.id}/add_subpage/"]').first.click()
    page.wait_for_url(f"{base}/admin/pages/add/programs/programpage/{index.id}/")

    # The recurrence widget reuses Wagtail's jQuery: only one copy on the page, and the
    # jQuery plugins Wagtail's choosers need are still there.
    assert page.evaluate("window.django.jQuery === window.jQuery")
    assert page.evaluate("typeof window.jQuery.fn.datetimepicker") == "function"
    jquery_sources = page.locator("script[src*='/jquery']").evaluate_all(
        "els => els.map(e => e.getAttribute('src'))"
    )
    assert [s for s in jquery_sources if "/static/admin/" in s] == []
    assert page.evaluate("typeof gettext") == "function"
    assert page.locator("script[src='/jsi18n/recurrence/']").count() == 1

    pickers = page.locator(".xdsoft_datetimepicker:visible")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_kind").select_option("fieldwork")
    page.locator("#id_summary").fill("益田の川で地層を観察します。")
    page.locator("#id_place").fill("匹見峡 入口駐車場")

    # Wagtail's date and time choosers still open and close (the stock recurrence media broke
    # them).
    for chooser in ("#id_starts_on", "#id_start_time"):
        page.locator(chooser).click()
        pickers.wait_for(state="visible")
        page.locator("#id_title").click()
        pickers.wait_for(state="hidden")
    page.locator("#id_start_time").fill("13:30")
    page.locator("#id_title").click()
    pickers.wait_for(state="hidden")

    # django-recurrence's widget: add a rule, make it weekly, pick Wednesday.
    widget = page.locator("div.recurrence-widget")
    widget.locator("a.add-rule").click()
    widget.locator("select[name=freq]").select_option(str(recurrence.WEEKLY))
    widget.locator(".weekly table.grid td").nth(2).click()  # Mon=0 … Sun=6
    assert page.locator("#id_schedule").input_value().strip() == "RRULE:FREQ=WEEKLY;BYDAY=WE"
    assert page.locator("#id_start_time").input_value() == "13:30"

    # Wagtail autosaves the new page as a draft while it is being typed (it became a draft page
    # with the first autosave). Publish once the last autosave is done, as a person would: a
    # publish racing the autosave that creates the page would create it a second time.
    # Wagtail's autosave may or may not have run by now (it did not on some CI runs): either
    # way, nothing may be in flight or failed when we publish.
    wait_for_autosave(page)
    state = page.locator("#w-autosave-indicator").get_attribute("data-w-autosave-state-value")
    assert state in (None, "saved")

    # Publish: Wagtail keeps "Publish" in the footer's action menu.
    page.locator("footer [data-w-dropdown-target=toggle]").click()
    page.locator("button[name=action-publish]").click()
    page.wait_for_url(f"{base}/admin/pages/{index.id}/")
    assert page.locator(".messages .success").count() == 1

    program = ProgramPage.objects.get(title=TITLE)
    assert program.live and program.kind == "fieldwork"
    assert program.place == "匹見峡 入口駐車場"
    assert program.start_time == dt.time(13, 30)
    [rule] = program.schedule.rrules
    assert rule.freq == recurrence.WEEKLY
    assert [d.number for d in rule.byday] == [recurrence.WE.number]

    # Students find it in the public list, with its next session on a Wednesday at 13:30.
    page.goto(f"{base}{index.url}")
    card = page.locator(".card", has=page.locator(".card__title a", has_text=TITLE))
    assert card.count() == 1
    start = dt.datetime.fromisoformat(card.locator("time").get_attribute("datetime"))
    assert (start.weekday(), start.time(), start.utcoffset()) == (
        2,
        dt.time(13, 30),
        dt.timedelta(hours=9),
    )

    # Wagtail's user bar (shown to the logged-in moderator) checks the page's accessibility;
    # wait until it is done, so that the issues it reports with console.error are caught.
    assert wait_for_content_checker(page) == "0"

    save_screenshot(page, "editor-publish")
    watch.assert_clean()


def wait_for_content_checker(page) -> str:
    count = "document.querySelector('wagtail-userbar')?.shadowRoot"
    count += "?.querySelector('[data-content-checker-count]')?.textContent"
    page.wait_for_function(f"() => ({count} || '') !== ''")
    return page.evaluate(f"() => {count}")


def test_recurrence_catalogue_is_served(page, live_server):
    """The widget's scripts call gettext() from this catalogue."""
    response = page.request.get(live_server.url + "/jsi18n/recurrence/")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "django.gettext = function" in response.text()
