"""vendor_locale/: our translations of libraries' strings (django-recurrence's widget, a few of
Wagtail 8's admin strings), kept apart from the project's catalogue so that `make messages`
never drops them. Each is complete, keeps its placeholders and is compiled."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_translations import PLACEHOLDER, parse_po

VENDOR = Path(settings.BASE_DIR) / "vendor_locale"
CATALOGUES = sorted(VENDOR.glob("*/LC_MESSAGES/*.po"))


def test_the_vendor_catalogues_are_found():
    assert VENDOR in [Path(p) for p in settings.LOCALE_PATHS]
    assert settings.LOCALE_PATHS[0] == Path(settings.BASE_DIR) / "locale"  # ours win
    names = {str(po.relative_to(VENDOR)) for po in CATALOGUES}
    assert {"ja/LC_MESSAGES/django.po", "ja/LC_MESSAGES/djangojs.po"} <= names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(VENDOR)))
def test_each_entry_is_translated_and_keeps_its_placeholders(po):
    entries = [e for e in parse_po(po) if e["msgid"]]
    assert entries
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert entry["msgstr"] and all(entry["msgstr"]), entry["msgid"]
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in entry["msgstr"]:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (entry["msgid"], text)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(VENDOR)))
def test_committed_mo_matches_po(tmp_path, po):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    fresh = tmp_path / "fresh.mo"
    subprocess.run([msgfmt, "--check-format", "-o", fresh, po], check=True, capture_output=True)
    with fresh.open("rb") as f1, po.with_suffix(".mo").open("rb") as f2:
        expected, committed = gettext.GNUTranslations(f1), gettext.GNUTranslations(f2)
    assert committed._catalog == expected._catalog, (
        f"{po.with_suffix('.mo')} is out of date: run compilemessages and commit it"
    )
