"""The four columns: which header names we accept, and how a typed value becomes a reference,
a school, a date and a kind of support. Everything a person typed is NFKC-normalised first
(`core.text.nfkc`), so full-width `２０２５／５／１０` and `Ｐ－９００１` read as half-width.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation

from core.models import School
from core.text import nfkc
from programs.kinds import SupportKind

EXPECTED_HEADER = ["participant", "school", "date", "kind"]
KINDS = [kind.value for kind in SupportKind]

# The names a column may have in the header (compared after NFKC and lower-casing). Kept
# small on purpose: a column we do not know (a name, say) is refused, never guessed at.
HEADER_NAMES = {
    "participant": ["participant", "参加者", "参加者番号"],
    "school": ["school", "学校", "学校名"],
    "date": ["date", "日付", "利用日"],
    "kind": ["kind", "区分", "種別"],
}
_HEADER_LOOKUP = {name: column for column, names in HEADER_NAMES.items() for name in names}

# Reiwa began on 2019-05-01 (令和元年); Heisei ended the day before.
REIWA_START = dt.date(2019, 5, 1)
ERAS = {"r": 2018, "令和": 2018, "h": 1988, "平成": 1988}
_TIME = r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
_WESTERN = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}")
_WESTERN_KANJI = re.compile(r"(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日")
_ERA = re.compile(r"(令和|平成|[rh])\s*(\d{1,2}|元)([-/.])(\d{1,2})\3(\d{1,2})")
_ERA_KANJI = re.compile(r"(令和|平成|[rh])\s*(\d{1,2}|元)年\s*(\d{1,2})月\s*(\d{1,2})日")


def header_columns(cells: list) -> list[str] | None:
    """The column names in the file's order, or None when the header is not ours (each of
    the four exactly once; empty cells after them are ignored)."""
    names = [nfkc(str(cell or "")).strip().lower() for cell in cells]
    while names and not names[-1]:
        names.pop()
    columns = [_HEADER_LOOKUP.get(name) for name in names]
    if None in columns or sorted(columns) != sorted(EXPECTED_HEADER):
        return None
    return columns


def parse_date(text: str) -> dt.date | None:
    """The date written in `text` (already NFKC-normalised and stripped), or None."""
    lowered = text.lower()
    try:
        if match := _WESTERN.fullmatch(lowered):
            return dt.date(int(match[1]), int(match[3]), int(match[4]))
        if match := _WESTERN_KANJI.fullmatch(lowered):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _ERA.fullmatch(lowered):
            return _era_date(match[1], match[2], match[4], match[5])
        if match := _ERA_KANJI.fullmatch(lowered):
            return _era_date(match[1], match[2], match[3], match[4])
    except ValueError:
        return None
    return None


def _era_date(era: str, year: str, month: str, day: str) -> dt.date | None:
    number = 1 if year == "元" else int(year)
    if number < 1:
        return None
    date = dt.date(ERAS[era] + number, int(month), int(day))
    reiwa = ERAS[era] == ERAS["r"]
    # 平成31年5月1日 and 令和元年4月30日 never existed.
    if (reiwa and date < REIWA_START) or (not reiwa and date >= REIWA_START):
        return None
    return date


def kind_lookup() -> dict[str, str]:
    """Typed kind → code: the code itself, and each kind's label in Japanese and in English as
    the translation catalogue has them (NFKC, case-insensitive), so a renamed label follows."""
    lookup = {}
    for language in ("en", "ja"):
        with translation.override(language):
            for kind in SupportKind:
                lookup[nfkc(str(kind.label)).strip().casefold()] = kind.value
    for kind in SupportKind:
        lookup[kind.value] = kind.value
    return lookup


def kind_names() -> str:
    """The kinds as a person may write them, for a message: codes and labels."""
    return ", ".join(f"{kind.value} ({kind.label})" for kind in SupportKind)


def school_lookup() -> dict[str, int]:
    """Partner schools by name and by short name, NFKC (a full name wins over another's
    short name)."""
    lookup: dict[str, int] = {}
    schools = list(School.objects.values_list("id", "name", "short_name"))
    for pk, _name, short_name in schools:
        if short_name.strip():
            lookup[nfkc(short_name).strip()] = pk
    for pk, name, _short in schools:
        lookup[nfkc(name).strip()] = pk
    return lookup
