"""The Japanese TrueType font of the PDF and the charts, found on the server itself.

Nothing is fetched from the network: the font comes from a Debian package
(fonts-ipaexfont-gothic), found at its known path or through fontconfig, or from the
MINISTRY_REPORT_FONT setting. ReportLab embeds only TrueType outlines (.ttf), so OpenType/CFF
fonts (.otf) are never chosen.
"""

import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

DEBIAN_PACKAGE = "fonts-ipaexfont-gothic"
KNOWN_PATHS = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
# The name the PDF registers the font under (any name would do; this one says what it is).
PDF_FONT_NAME = "ManabibaJapanese"


class FontMissing(RuntimeError):
    """No Japanese TrueType font: the PDF and the charts cannot be drawn."""


def fontconfig_japanese() -> list[str]:
    """TrueType files fontconfig says cover Japanese. `fc-list :lang=ja` rather than
    `fc-match`, which always answers with some font, Japanese or not."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [fc_list, ":lang=ja", "file"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return []
    files = (line.split(":")[0].strip() for line in result.stdout.splitlines())
    # Gothic (sans) before Mincho: it reads better in tables and on slides.
    return sorted(
        (f for f in files if f.lower().endswith(".ttf")),
        key=lambda f: ("mincho" in f.lower() or f.lower().endswith("m.ttf"), f),
    )


def find_japanese_font(
    configured: str | None = None,
    candidates: Iterable[str] = KNOWN_PATHS,
    fontconfig: Callable[[], list[str]] = fontconfig_japanese,
) -> Path:
    """The font file to use, or FontMissing. A configured path is used alone: if an
    administrator named a font, another one silently taking its place would hide the mistake."""
    if configured:
        path = Path(configured)
        if path.is_file() and path.suffix.lower() == ".ttf":
            return path
        raise FontMissing(
            f"MINISTRY_REPORT_FONT is {configured!r}, which is not a TrueType (.ttf) font file "
            f"on this server. Point it at one, or remove it and install the Debian package "
            f"{DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE})."
        )
    for candidate in [*candidates, *fontconfig()]:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing(
        f"No Japanese TrueType font on this server: install the Debian package {DEBIAN_PACKAGE} "
        f"(apt-get install {DEBIAN_PACKAGE}), or set MINISTRY_REPORT_FONT to a .ttf file."
    )


def report_font() -> Path:
    """The font of the documents, as this server's settings and packages give it."""
    return find_japanese_font(getattr(settings, "MINISTRY_REPORT_FONT", None))
