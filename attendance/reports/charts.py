"""Bar charts for the admin report, laid out on the server and drawn as inline SVG by
`templates/attendance/reports/bar_chart.html`: no JavaScript, nothing loaded from elsewhere.

Each chart is only a picture of a table printed beside it, which stays the accessible source
of the numbers; the SVG carries a title and a description for screen readers.

A value given as text is a suppressed cell ("<3", "withheld"): it gets no bar, only its label,
and the scale is set by the numbers shown, so no length anywhere stands for a hidden value.
"""

from dataclasses import dataclass, field

ROW_HEIGHT = 26
BAR_HEIGHT = 18
LABEL_WIDTH = 190
BAR_SPACE = 260
VALUE_WIDTH = 50

COLUMN_WIDTH = 40
COLUMN_SPACE = 150
AXIS_LABEL_HEIGHT = 24
VALUE_LABEL_HEIGHT = 16


@dataclass
class Bar:
    label: str
    value: int | str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    label_x: float = 0
    label_y: float = 0
    value_x: float = 0
    value_y: float = 0

    @property
    def drawn(self) -> bool:
        return not isinstance(self.value, str)


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    orientation: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    baseline: float = 0

    @property
    def title_id(self) -> str:
        return f"chart-{self.slug}-title"

    @property
    def description_id(self) -> str:
        return f"chart-{self.slug}-desc"


def _scale(values: list, space: float) -> float:
    top = max((value for value in values if not isinstance(value, str)), default=0)
    return space / top if top else 0


def _length(value, scale: float) -> float:
    return 0 if isinstance(value, str) else value * scale


def horizontal_bars(slug: str, title: str, description: str, data) -> Chart:
    """One bar per (label, value), label on the left, value at the end of the bar."""
    data = list(data)
    scale = _scale([value for _, value in data], BAR_SPACE)
    chart = Chart(
        slug=slug,
        title=title,
        description=description,
        orientation="horizontal",
        width=LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH,
        height=max(len(data), 1) * ROW_HEIGHT + 4,
        baseline=LABEL_WIDTH,
    )
    for index, (label, value) in enumerate(data):
        top = index * ROW_HEIGHT + 2
        width = _length(value, scale)
        chart.bars.append(
            Bar(
                label=str(label),
                value=value,
                x=LABEL_WIDTH,
                y=top + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                width=round(width, 1),
                height=BAR_HEIGHT,
                label_x=LABEL_WIDTH - 8,
                label_y=top + ROW_HEIGHT / 2,
                value_x=round(LABEL_WIDTH + width + 6, 1),
                value_y=top + ROW_HEIGHT / 2,
            )
        )
    return chart


def vertical_bars(slug: str, title: str, description: str, data) -> Chart:
    """One column per (label, value), label under the column, value above it."""
    data = list(data)
    scale = _scale([value for _, value in data], COLUMN_SPACE)
    baseline = VALUE_LABEL_HEIGHT + COLUMN_SPACE
    chart = Chart(
        slug=slug,
        title=title,
        description=description,
        orientation="vertical",
        width=max(len(data), 1) * COLUMN_WIDTH,
        height=baseline + AXIS_LABEL_HEIGHT,
        baseline=baseline,
    )
    for index, (label, value) in enumerate(data):
        left = index * COLUMN_WIDTH
        height = _length(value, scale)
        chart.bars.append(
            Bar(
                label=str(label),
                value=value,
                x=left + 6,
                y=round(baseline - height, 1),
                width=COLUMN_WIDTH - 12,
                height=round(height, 1),
                label_x=left + COLUMN_WIDTH / 2,
                label_y=baseline + 16,
                value_x=left + COLUMN_WIDTH / 2,
                value_y=round(baseline - height - 4, 1),
            )
        )
    return chart
