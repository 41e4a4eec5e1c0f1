"""The chart of a breakdown as PNG bytes: this period's bars beside the previous year's.

Drawn with matplotlib's Agg canvas directly (no pyplot, so no display, no global figure state
shared between requests). A suppressed cell has no bar at all, only its label (「3未満」,
「非公表」) where the bar would start: a bar of any length, or an axis scaled to it, would give
its value back.
"""

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything draws: a server has no display

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from .content import Breakdown  # noqa: E402

THIS_COLOUR = "#2b6cb0"
PREVIOUS_COLOUR = "#a0aec0"


def breakdown_chart(
    breakdown: Breakdown,
    *,
    font: Path,
    this_label: str,
    previous_label: str,
    width_inches: float = 6.4,
    height_inches: float = 4.2,
) -> bytes:
    """Bars of the first two columns of `breakdown` (this period, the previous one), one pair
    per row, labelled in `font` (a Japanese TrueType file)."""
    prop = FontProperties(fname=str(font))
    figure = Figure(figsize=(width_inches, height_inches), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [label for label, _values in breakdown.rows]
    positions = range(len(labels))
    width = 0.4
    for offset, column, colour in ((-width / 2, 0, THIS_COLOUR), (width / 2, 1, PREVIOUS_COLOUR)):
        heights = [
            values[column] if isinstance(values[column], int) else 0
            for _l, values in breakdown.rows
        ]
        xs = [x + offset for x in positions]
        bars = axes.bar(xs, heights, width, color=colour)
        for x, bar, (_label, values) in zip(xs, bars, breakdown.rows, strict=True):
            if isinstance(values[column], str):
                bar.set_visible(False)
                axes.text(
                    x, 0, f" {values[column]}", rotation=90, ha="center", va="bottom",
                    fontproperties=prop, fontsize=7, color="#4a5568",
                )  # fmt: skip
    axes.set_xticks(list(positions))
    axes.set_xticklabels(labels, fontproperties=prop, fontsize=8, rotation=30, ha="right")
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(prop)
    # Whole numbers only: people and visits.
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.set_ylim(bottom=0)
    axes.set_title(breakdown.title, fontproperties=prop, fontsize=11)
    # Handles of their own: a hidden first bar would otherwise take its series' legend with it.
    axes.legend(
        handles=[
            Patch(color=THIS_COLOUR, label=this_label),
            Patch(color=PREVIOUS_COLOUR, label=previous_label),
        ],
        prop=prop,
        fontsize=8,
    )
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
