"""django-recurrence's widget (the programme schedule in the page editor) speaks Japanese: every
string its scripts pass to gettext has a translation in the catalogue our own server serves,
and its English typo ("occurences") is corrected."""

import json
import re
from pathlib import Path

import recurrence
from django.conf import settings
from django.urls import reverse

WIDGET_JS = Path(recurrence.__file__).parent / "static" / "recurrence" / "js"
VENDOR = Path(settings.BASE_DIR) / "vendor_locale"
CALL = re.compile(
    r"""\b(?:gettext\(\s*'(?P<id>[^']*)'|pgettext\(\s*'(?P<ctx>[^']*)'\s*,\s*'(?P<cid>[^']*)')"""
)


def library_strings() -> set[str]:
    """Catalogue keys of every gettext / pgettext call in the widget's scripts."""
    keys = set()
    for path in WIDGET_JS.glob("*.js"):
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            if match["ctx"] is not None:
                keys.add(f"{match['ctx']}\x04{match['cid']}")
            else:
                keys.add(match["id"])
    return keys


def served_catalogue(client, language: str) -> dict:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("recurrence-jsi18n"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    text = response.content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", text, re.S).group(1))


def test_the_scan_finds_the_widgets_strings():
    strings = library_strings()
    assert len(strings) > 100
    assert {"Exclude these occurences", "Add rule", "Monday first letter\x04M"} <= strings


def test_every_widget_string_is_served_in_japanese(client):
    catalogue = served_catalogue(client, "ja")
    missing = sorted(key for key in library_strings() if not catalogue.get(key))
    assert missing == [], f"untranslated in {VENDOR}/ja/LC_MESSAGES/djangojs.po: {missing}"
    assert catalogue["Exclude these occurences"] == "この条件の日を除く"
    assert catalogue["Add rule"] == "ルールを追加"
    assert catalogue["Wednesday first letter\x04W"] == "水"
    # The widget splits these at the placeholder: it must be there exactly once.
    for key in ("Occurs %(number)s time", "Occurs %(number)s times"):
        assert catalogue[key].count("%(number)s") == 1


def test_english_gets_the_typo_fixed(client):
    catalogue = served_catalogue(client, "en")
    assert catalogue["Exclude these occurences"] == "Exclude these occurrences"
