"""Breakdown charts: valid PNGs in the Japanese font, and a suppressed cell drawn as no bar, so
that no length gives its value away."""

import io

from PIL import Image

from ministry.documents.charts import PREVIOUS_COLOUR, THIS_COLOUR, breakdown_chart
from ministry.documents.content import Breakdown
from ministry.documents.fonts import report_font

COLUMNS = ["今期の延べ", "前年の延べ", "今期の実人数", "前年の実人数"]


def chart(rows) -> Image.Image:
    png = breakdown_chart(
        Breakdown("学校別", COLUMNS, rows),
        font=report_font(),
        this_label="今期",
        previous_label="前年同期",
    )
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def pixels_of(image: Image.Image, colour: str) -> int:
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(count for count, pixel in image.getcolors(1 << 20) if pixel == rgb)


def test_a_chart_is_a_png():
    image = chart([("益田高校", [12, 9, 5, 4]), ("翔陽高校", [3, 2, 3, 2])])
    assert image.size == (960, 630)
    # 15 visits this period against 11: more of its colour, both drawn.
    assert pixels_of(image, THIS_COLOUR) > pixels_of(image, PREVIOUS_COLOUR) > 0


def test_a_suppressed_cell_has_no_bar():
    visible = chart([("益田高校", [12, 9, 5, 4]), ("翔陽高校", [4, 9, 3, 3])])
    hidden = chart([("益田高校", [12, 9, 5, 4]), ("翔陽高校", ["3未満", 9, 3, 3])])
    withheld = chart([("益田高校", ["非公表", 9, 5, 4]), ("翔陽高校", ["3未満", 9, 3, 3])])
    legend_only = chart([("益田高校", [0, 9, 5, 4]), ("翔陽高校", [0, 9, 3, 3])])
    # The hidden bars draw nothing of their series' colour: only the legend's patch is left.
    assert pixels_of(withheld, THIS_COLOUR) == pixels_of(legend_only, THIS_COLOUR) > 0
    assert pixels_of(legend_only, THIS_COLOUR) < pixels_of(hidden, THIS_COLOUR)
    assert pixels_of(hidden, THIS_COLOUR) < pixels_of(visible, THIS_COLOUR)
