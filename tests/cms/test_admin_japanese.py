"""The admin screens the project adds speak Japanese to staff whose admin language is Japanese.

Every admin URL whose view is the project's own (the check-in desk, participant records, the
reach-out list, the attendance report, closures, study spaces, participants, the outreach
screens) is read from the resolver, as in tests/attendance/reports/admin_walk.py, filled with
one world of objects and opened as desk staff, a coordinator and an outreach lead, all with
Japanese as their admin language. A new screen is walked without touching this file. On every
page that opens, the visible text (and the words a screen reader or a tooltip gives) must hold

- no msgid of the project's catalogue left as it is (a string outside gettext, evaluated
  before the language was chosen, or missing from locale/ja), and
- none of the everyday English words of an interface (Save, Cancel, Download …).

Wagtail's own chrome is Wagtail's catalogue's business; but our catalogue must not rename it
either: its add screens keep Wagtail's 「新規作成」.
"""

import csv
import gettext as gnu_gettext
import io
import re
from pathlib import Path

import openpyxl
import pytest
import wagtail
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.attendance.reports.admin_walk import admin_patterns, body_text, parameters
from tests.attendance.reports.helpers import NOW
from tests.cms.admin_japanese_world import build_world
from tests.factories import make_user
from tests.test_translations import messages as po_messages

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("cms", "ministry", "outreach", "attendance", "booking", "programs", "core")
JA_PO = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po"
# Project URLs that never render a screen of their own for a GET, and why.
NOT_SCREENS = {
    "admin_login": "leads to the one login (allauth), tested in tests/cms/accounts",
    "safe_image_chosen": "Wagtail's chooser step (JSON for its modal), tests/cms/test_images",
}
# Words of an interface that a Japanese screen must not show in English. Whole words, case as
# written: "CSV", a school's name or a code such as C-T00001 are fine.
# fmt: off
ENGLISH_WORDS = (
    "Save", "Cancel", "Download", "Delete", "Edit", "Back", "Submit", "Search",
    "Export", "Next", "Previous", "Yes", "No", "Add", "Close", "Closed",
    "Open", "Filter", "Name", "Date", "Status", "Total", "Show", "Hide",
    "Confirm", "Remove", "Update", "Create", "Send", "Reply", "New", "Assign",
    "Accept", "Decline", "Notes", "Note", "None", "Today", "Required", "Optional",
    "Error", "Warning", "Participant", "Participants", "School", "Month", "Year", "Visits",
    "Outcome", "Outcomes", "Case", "Cases", "Request", "Requests", "Referral", "Referrals",
    "Meeting", "Meetings", "Report", "Reports", "Closure", "Closures", "Reason", "Place",
    "Places", "Booking", "Bookings", "Check-in", "Check", "Consent", "Guardian", "Reached",
    "Contact", "Contacts", "Plan", "Goals", "Actions", "Action", "Staff", "Lead",
    "Committee", "Minutes", "Agenda", "Kind", "Fiscal", "Figures", "Waiting", "Walk-in",
    "Nickname", "Reference", "Phone", "Email", "Anonymous", "Received", "Ongoing", "Contacted",
)
# fmt: on
ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_WORDS)) + r")(?![\w-])")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}")
# Attributes whose words people meet: tooltips, screen readers, hints, buttons.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return build_world()


def is_project_view(name: str | None, pattern) -> bool:
    callback = pattern.callback
    view = getattr(callback, "view_class", None) or callback
    module = getattr(view, "__module__", "") or ""
    namespace = (name or "").split(":")[0]
    return module.split(".")[0] in PROJECT_APPS or any(
        namespace.startswith(prefix)
        for prefix in ("booking_", "attendance_", "outreach_", "wagtailsnippets_booking_")
    )


def lookup(table: dict, name: str):
    """The value of the longest key that `name` starts with."""
    keys = sorted((k for k in table if name.startswith(k)), key=len, reverse=True)
    return table[keys[0]] if keys else None


def project_admin_urls(world) -> tuple[list[tuple[str, str]], dict]:
    urls, skipped = [], {}
    for _route, name, pattern in admin_patterns():
        if not is_project_view(name, pattern):
            continue
        if name in NOT_SCREENS:
            skipped[name] = NOT_SCREENS[name]
            continue
        kwargs = {}
        for param in parameters(pattern):
            value = {
                "pk": lookup(world["by_pk"], name),
                "code": lookup(world["by_code"], name),
                "user_id": world["user_id"],
            }.get(param)
            if value is None:
                break
            kwargs[param] = value
        else:
            urls.append((name, reverse(name, kwargs=kwargs)))
            continue
        skipped[name] = f"cannot fill {parameters(pattern)}"
    report = reverse("attendance_report")
    urls += [
        ("attendance_report", f"{report}?fiscal_year=2026&export=csv"),
        ("attendance_report", f"{report}?fiscal_year=2026&export=xlsx"),
        ("attendance_report", f"{report}?fiscal_year=not-a-year"),
    ]
    return urls, skipped


def translated_msgids() -> list[tuple[str, re.Pattern]]:
    """The project's English msgids that Japanese changes, each as a pattern matching the whole
    of a text (placeholders match anything). Ones of a single word under four letters, or
    without a word of their own besides placeholders, are left to ENGLISH_WORDS."""
    found = []
    for entry in po_messages(JA_PO):
        msgid = " ".join(entry["msgid"].split())
        if not entry["msgstr"] or entry["msgstr"][0] == entry["msgid"]:
            continue
        literal = PLACEHOLDER.sub(" ", msgid)
        words = re.findall(r"[A-Za-z]{2,}", literal)
        if not words or (len(words) == 1 and len(words[0]) < 4) or "<" in msgid:
            continue
        parts = [re.escape(part) for part in PLACEHOLDER.split(msgid)]
        found.append((msgid, re.compile(r"\s*" + r".+?".join(parts) + r"\s*", re.S)))
    return found


def texts_people_read(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "template", "noscript", "head"]):
        tag.decompose()
    # Nobody sees or hears what is hidden (Wagtail's empty counters say "None" there).
    for tag in soup.select("[hidden], [aria-hidden=true]"):
        tag.decompose()
    texts = [" ".join(text.split()) for text in soup.stripped_strings]
    for tag in soup.find_all(True):
        for attribute in READ_ATTRIBUTES:
            if tag.get(attribute):
                texts.append(" ".join(str(tag[attribute]).split()))
        if tag.name == "input" and tag.get("type") in ("submit", "button") and tag.get("value"):
            texts.append(tag["value"])
    return [text for text in texts if text]


def english_left(texts: list[str], msgids) -> list[str]:
    left = []
    for text in texts:
        left += [f"msgid {msgid!r}" for msgid, pattern in msgids if pattern.fullmatch(text)]
        left += [f"word {m!r} in {text[:80]!r}" for m in ENGLISH.findall(text)]
    return left


def export_texts(response) -> list[str]:
    """The cells of a CSV or XLSX export, but for its key column, which stays machine-readable
    on purpose (`study_space`, `employed`: attendance/reports/views.py)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        rows = list(csv.reader(io.StringIO(content.decode("utf-8").lstrip("\ufeff"))))
    else:
        book = openpyxl.load_workbook(io.BytesIO(content))
        rows = [row for sheet in book for row in sheet.iter_rows(values_only=True)]
    with translation.override("ja"):
        key = gettext("Key")
    key_column = list(rows[0]).index(key) if key in rows[0] else None
    return [
        str(cell)
        for row in rows
        for column, cell in enumerate(row)
        if column != key_column and cell not in (None, "")
    ]


# The screens the project adds, which must open for one of the roles (a screen nobody opens
# would pass by saying nothing). Others may refuse everyone here: actions that take only a POST,
# or ones no role of the three may use.
MUST_OPEN = (
    "checkin_home",
    "checkin_roster",
    "checkin_new_walk_in",
    "checkin_participant",
    "checkin_reach_out",
    "attendance_report",
    "booking_closure:index",
    "booking_closure:add",
    "booking_closure:edit",
    "wagtailsnippets_booking_studyspace:list",
    "wagtailsnippets_booking_studyspace:add",
    "wagtailsnippets_booking_studyspace:edit",
    "booking_participant:index",
    "booking_participant:edit",
    "outreach_requests",
    "outreach_request",
    "outreach_cases",
    "outreach_case",
    "outreach_case_new",
    "outreach_referrals",
    "outreach_referral",
    "outreach_review",
    "outreach_meeting",
    "outreach_meeting_new",
    "outreach_figures",
    "attendance_import_list",
    "attendance_import_upload",
    "attendance_import_detail",
    "ministry_report",
)


def test_the_walk_finds_every_screen(world):
    urls, skipped = project_admin_urls(world)
    names = {name for name, _url in urls}
    assert set(MUST_OPEN) <= names, set(MUST_OPEN) - names
    assert set(skipped) == set(NOT_SCREENS), skipped


def test_project_admin_screens_have_no_english_left(world):
    urls, _skipped = project_admin_urls(world)
    msgids = translated_msgids()
    assert len(msgids) > 100, "the catalogue looks empty: run `make messages`"
    clients = {}
    for role, user in world["users"].items():
        clients[role] = Client()
        clients[role].force_login(user)
    opened, problems = set(), []
    for name, url in sorted(set(urls)):
        for role, client in clients.items():
            response = client.get(url)
            assert response.status_code < 500, url
            if response.status_code != 200:
                continue
            opened.add(name)
            content_type = response["Content-Type"]
            if content_type.startswith("text/html"):
                texts = texts_people_read(body_text(response))
                assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", t) for t in texts), url
            elif content_type.startswith("text/csv") or "spreadsheet" in content_type:
                texts = export_texts(response)
            else:
                continue
            problems += [f"{url} ({name}, {role}): {p}" for p in english_left(texts, msgids)]
    assert set(MUST_OPEN) - opened == set()
    assert problems == [], "English left in the Japanese admin:\n" + "\n".join(sorted(problems))


def wagtails_own(msgid: str) -> str:
    """Wagtail's Japanese for `msgid`, from its own catalogue only."""
    locale = Path(wagtail.__file__).parent / "admin" / "locale"
    return gnu_gettext.translation("django", locale, ["ja"]).gettext(msgid)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/closures/new/",
        "/admin/snippets/booking/studyspace/add/",
        "/admin/participants/new/",
    ],
)
def test_add_screens_keep_wagtails_new(client, url):
    """Our catalogue once rendered Wagtail's "New" as the report column's 「新規参加者数」,
    then as a request's status 「新規」: each has its own context now."""
    client.force_login(make_user("ja-admin", is_superuser=True, admin_language="ja"))
    response = client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    title = " ".join(soup.title.get_text().split())
    new = wagtails_own("New")
    assert new == "新規作成"
    assert title.startswith(new), title
    # The breadcrumb, which Wagtail's catalogue leaves in English: vendor_locale/ja.
    texts = texts_people_read(response.content.decode())
    assert len([text for text in texts if text.startswith("新規: ")]) == 1, texts
    assert not [text for text in texts if "新規参加者数" in text or text.startswith("New")]
