"""What the browser tests watch for, and the screenshots they leave."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

# A student's phone (iPhone-sized, touch, Japanese, Japan time): the viewport most visitors have.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ja-JP",
    "timezone_id": "Asia/Tokyo",
}

# Schemes that never leave the browser: inline images and the like.
LOCAL_SCHEMES = {"data", "blob", "about"}


def save_screenshot(page, name: str) -> Path:
    """A full-page picture of a flow's final state, for a person to look at: browser-NAME.png
    in $BROWSER_SCREENSHOT_DIR, by default the system's temporary folder."""
    folder = Path(os.environ.get("BROWSER_SCREENSHOT_DIR", tempfile.gettempdir()))
    path = folder / f"browser-{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def log_in_to_admin(page, base_url: str, username: str, password: str) -> None:
    """Staff sign in where everyone does: the admin's login address leads to allauth's form."""
    page.goto(base_url + "/admin/login/")
    page.wait_for_url(f"{base_url}/accounts/login/?next=%2Fadmin%2F")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url(base_url + "/admin/")


class BrowserWatch:
    """JavaScript errors and requests seen by one Playwright page."""

    def __init__(self, page, live_server_url: str):
        self.server = urlsplit(live_server_url)
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught exception: {exc}"))
        page.on("console", self._on_console)
        page.on("request", lambda request: self.requests.append(request.url))

    def _on_console(self, message) -> None:
        # Nothing is ignored: this includes "Failed to load resource" for a missing script,
        # stylesheet or catalogue. Warnings and info messages are not errors.
        if message.type == "error":
            self.errors.append(f"console.error: {message.text} ({message.location})")

    def third_party_requests(self) -> list[str]:
        """Requests to anything but the live server: students' browsers must not reveal
        their visit to a CDN, font service or analytics."""
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if (parts.scheme, parts.netloc) != (self.server.scheme, self.server.netloc):
                foreign.append(url)
        return foreign

    def assert_clean(self) -> None:
        assert self.errors == [], "JavaScript errors:\n" + "\n".join(self.errors)
        assert self.third_party_requests() == []
