"""The Japanese catalogue is complete, compiled, and used by the site.

How to refresh after adding or changing interface strings (English, wrapped in gettext_lazy /
{% translate %} / {% blocktranslate %}):

1. `make messages`: updates locale/{ja,en}/LC_MESSAGES/django.po and compiles the .mo files.
2. Translate every new, empty or "#, fuzzy" entry in locale/ja/LC_MESSAGES/django.po into short,
   gentle, plain Japanese (terms as in docs/domain.md), keep placeholders such as
   %(counter)s exactly, give plurals only msgstr[0] (nplurals=1), and delete the "fuzzy" flags.
   The English catalogue keeps empty msgstr: the English source strings are used as they are.
3. `.venv/bin/python manage.py compilemessages --ignore ".venv/*"` again, then commit both the
   .po and the .mo files (a fresh clone then works without gettext).

`msgfmt --statistics -o /dev/null locale/ja/LC_MESSAGES/django.po` shows what is left to do.
"""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import get_home, make_program, make_program_index

LOCALE = Path(settings.BASE_DIR) / "locale"
JA_PO = LOCALE / "ja" / "LC_MESSAGES" / "django.po"
MSGFMT = shutil.which("msgfmt")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


def parse_po(path: Path) -> list[dict]:
    """A tiny .po reader: one dict per entry with 'flags', 'msgid', 'msgid_plural' and
    'msgstr' (a list: one item, or one per plural form). Obsolete (#~) entries are ignored."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line or line.startswith("#~"):
            if line == "":
                finish()
                entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgid": "", "msgid_plural": None, "msgstr": []}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")', line)
        if match:
            key, value = match.group(1), ast.literal_eval(match.group(2))
            if key.startswith("msgstr"):
                entry["msgstr"].append(value)
            else:
                entry[key] = value
        else:  # continuation of the previous string
            value = ast.literal_eval(line)
            if key.startswith("msgstr"):
                entry["msgstr"][-1] += value
            else:
                entry[key] += value
    return entries


def messages(path: Path) -> list[dict]:
    return [entry for entry in parse_po(path) if entry["msgid"]]


def header(path: Path) -> str:
    return next(entry for entry in parse_po(path) if entry["msgid"] == "")["msgstr"][0]


def test_catalogues_exist_for_every_language():
    for code, _name in settings.LANGUAGES:
        assert (LOCALE / code / "LC_MESSAGES" / "django.po").is_file(), code
        assert (LOCALE / code / "LC_MESSAGES" / "django.mo").is_file(), code


def test_japanese_catalogue_is_complete():
    entries = messages(JA_PO)
    assert len(entries) > 50, "the catalogue looks empty: run `make messages`"
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"]) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated in {JA_PO}: {untranslated}"
    assert not fuzzy, f"fuzzy (check, then delete the flag) in {JA_PO}: {fuzzy}"
    assert "fuzzy" not in next(e for e in parse_po(JA_PO) if e["msgid"] == "")["flags"]


def test_japanese_catalogue_has_one_plural_form_and_keeps_placeholders():
    assert "Plural-Forms: nplurals=1; plural=0;" in header(JA_PO)
    for entry in messages(JA_PO):
        if entry["msgid_plural"] is not None:
            assert len(entry["msgstr"]) == 1, f"give only msgstr[0]: {entry['msgid']!r}"
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in entry["msgstr"]:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (entry["msgid"], text)


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_committed_mo_matches_po(tmp_path, code):
    """The .mo must be compiled from the current .po (`make messages` does both)."""
    if MSGFMT is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    po = LOCALE / code / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    # The same call as Django's compilemessages.
    subprocess.run([MSGFMT, "--check-format", "-o", fresh, po], check=True, capture_output=True)
    with fresh.open("rb") as f1, po.with_suffix(".mo").open("rb") as f2:
        expected, committed = gettext.GNUTranslations(f1), gettext.GNUTranslations(f2)
    # Compare what the files say, not their bytes: gettext versions may lay them out differently.
    assert committed._catalog == expected._catalog, (
        f"{po.with_suffix('.mo')} is out of date: run compilemessages and commit it"
    )


@pytest.mark.django_db
def test_home_page_speaks_japanese_then_english_after_switching(client):
    index = make_program_index(get_home())
    make_program(index, title="水の実験", kind="science")

    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html
    for text in ("本文へスキップ", "すべてのプログラムを見る", "言語", "学び場は、益田市が"):
        assert text in html
    assert "Skip to main content" not in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    for text in ("Skip to main content", "See all programmes", "Language", "Everything here is"):
        assert text in html
    assert "本文へスキップ" not in html


def test_our_report_column_does_not_rename_wagtails_new():
    """Wagtail's "New" (its add screens read 「新規: プログラム」-like titles) must not become our
    report column 「新規参加者数」: the column has its own context."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("ja"):
        assert pgettext("report column", "New") == "新規参加者数"
        assert gettext("New") != "新規参加者数"
