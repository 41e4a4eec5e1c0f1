"""The Content-Security-Policy holds in a real browser: no page, the Wagtail admin and the
recurrence widget included, needs an inline script or anything from another site."""

import pytest

from tests.booking.web.factories import make_space
from tests.browser.support import log_in_to_admin
from tests.factories import make_program, make_program_index, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "policy-pass-2026"

# Every violation the browser reports, whether or not it also logs a console error.
VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def visit(page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    # Only the admin allows inline scripts (Wagtail's own widgets write them: cms/csp.py).
    assert ("'unsafe-inline'" in policy) == ("/admin/" in url), url
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.cspViolations")


@pytest.mark.browser_context_args(locale="ja-JP", timezone_id="Asia/Tokyo")
def test_no_page_breaks_the_policy(page, live_server, watch):
    base = live_server.url
    index = make_program_index()
    programme = make_program(index, title="磁石の実験")
    space = make_space(name="市民学習スペース", slug="shimin")
    make_user("chief", is_superuser=True, password=PASSWORD)
    page.add_init_script(VIOLATIONS)

    violations = {}
    for url in ["/", programme.url, f"/space/{space.slug}/", "/accounts/login/"]:
        violations[url] = visit(page, base + url)

    log_in_to_admin(page, base, "chief", PASSWORD)
    editor = f"/admin/pages/{programme.pk}/edit/"
    for url in ["/admin/", editor, "/admin/checkin/"]:
        violations[url] = visit(page, base + url)
    # The public site as a signed-in editor: Wagtail's user bar.
    violations["user bar"] = visit(page, base + programme.url)

    # In the editor, the recurrence widget and Wagtail's date chooser work.
    page.goto(base + editor)
    page.locator(".recurrence-widget").first.wait_for()
    page.locator("#id_starts_on").click()
    page.locator(".xdsoft_datetimepicker >> visible=true").first.wait_for()

    # Setting up the second factor: a QR code as a data: image, after the password again.
    page.goto(base + "/accounts/2fa/totp/activate/")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url(base + "/accounts/2fa/totp/activate/")
    page.wait_for_load_state("networkidle")
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    violations["second factor"] = page.evaluate("window.cspViolations")

    assert len(violations) == 9
    assert {url: found for url, found in violations.items() if found} == {}
    watch.assert_clean()
