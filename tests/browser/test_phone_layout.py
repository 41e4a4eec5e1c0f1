"""On a 390 px phone no menu item or button breaks inside a word (プログラ/ム, 学習スペー/ス,
わたしの予/約, 前の/週): the menu wraps by whole items, anonymous or logged in, and the week
view's buttons keep their words on one line."""

import pytest
from django.conf import settings
from django.test import Client

from tests.booking.web.factories import make_slot, make_space, make_student
from tests.browser.support import PHONE, save_screenshot
from tests.factories import make_program, make_program_index

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# For each element: its text, and the number of lines its text takes (distinct tops of the
# boxes of its text), beside its height and line height for the failure message.
LINES = """
els => els.map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()]
    .filter(r => r.width > 0)
    .map(r => Math.round(r.top)));
  const style = getComputedStyle(el);
  return {
    text: el.innerText.trim(),
    lines: tops.size,
    height: el.getBoundingClientRect().height,
    lineHeight: parseFloat(style.lineHeight),
  };
})
"""
SELECTORS = (
    ".nav a",
    ".week-nav a",
    ".week-nav__today a",
    ".lang-switch button",
    ".slot .button",
    "main button",
)


def broken_words(page) -> tuple[list[dict], list[dict]]:
    """Every element of SELECTORS on the page, and those whose text takes more than a line."""
    measured = []
    for selector in SELECTORS:
        measured += page.locator(selector).evaluate_all(LINES)
    measured = [m for m in measured if m["text"]]
    return measured, [m for m in measured if m["lines"] != 1]


def log_in_as(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


@pytest.fixture
def site():
    index = make_program_index()
    make_program(index, title="水の実験", kind="science")
    space = make_space(name="学習スペース", slug="phone-space")
    make_slot(space, capacity=3)
    return space


# The brief's phone (390 px, as tests/browser/support.py's PHONE) and the narrowest common one,
# 360 px (most Android phones), where the week's links used to break first.
CASES = [
    pytest.param("ja", 390, False, id="ja-390-anonymous"),
    pytest.param("ja", 390, True, id="ja-390-student"),
    pytest.param("ja", 360, True, id="ja-360-student"),
    pytest.param("en", 360, True, id="en-360-student"),
]
MENU = {
    "ja": {"プログラム", "学習スペース", "検索", "相談する"},
    "en": {"Programmes", "Study space", "Search", "Talk to us"},
}
MINE = {"ja": "わたしの予約", "en": "My bookings"}
WEEK_LINKS = {"ja": ("前の週", "次の週"), "en": ("Previous week", "Next week")}


@pytest.mark.browser_context_args(**PHONE)
@pytest.mark.parametrize(("language", "width", "logged_in"), CASES)
def test_menu_and_week_buttons_keep_their_words_whole(
    page, context, live_server, site, language, width, logged_in
):
    page.set_viewport_size({"width": width, "height": 800})
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    if logged_in:
        log_in_as(context, live_server, make_student())
    # A week whose title is at its longest (12/28（月）–1/3（日）) leaves the links least room.
    for path in ("/", site.week_url, f"{site.week_url}?week=2026-12-28"):
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.evaluate("window.innerWidth") == width
        # A Japanese font, as on any phone: without one the glyphs are narrow boxes and
        # nothing would ever be short of room.
        assert page.evaluate(FULL_WIDTH_GLYPH) >= 15, "apt-get install fonts-ipaexfont-gothic"
        measured, broken = broken_words(page)
        texts = [m["text"] for m in measured]
        # What must be there: the whole menu, and on the week view its navigation.
        assert MENU[language] <= set(texts), texts
        assert (MINE[language] in texts) == logged_in, texts
        if path.startswith(site.week_url):
            for link in WEEK_LINKS[language]:
                assert any(link in text for text in texts), texts
        assert broken == [], f"{path}: split across lines: {broken}"
        # Nothing wider than the phone: the menu wraps by item instead.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    save_screenshot(page, f"phone-layout-{language}-{width}-{'student' if logged_in else 'anon'}")


# The width of あ at 16 px: about 16 with a Japanese font, far less with the fallback box.
FULL_WIDTH_GLYPH = """() => {
  const probe = document.createElement("span");
  probe.style.cssText = "font-size:16px;position:absolute;white-space:nowrap";
  probe.textContent = "あ";
  document.body.appendChild(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return width;
}"""
