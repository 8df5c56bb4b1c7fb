"""The events-over-time bar charts above the timeline, laid out on the server as SVG geometry.

Two charts of the same counts: one bar per year for wide screens and one per decade for narrow
ones (CSS shows one of them; no script). Both have a continuous axis, every year (or decade) from
the first to the last getting its slot, so a gap in the record shows as a gap, and a y-axis with
tick values. The SVG scales with its viewBox, so neither needs a sideways scroll.
"""

import math
from dataclasses import dataclass

PLOT_HEIGHT = 140
TOP = 16  # room for the count above the tallest bar
LEFT = 34  # room for the y-axis' tick values
RIGHT = 8
LABEL_SPACE = 26  # room for the x-axis labels under the baseline
# A year's slot: narrow for a century, wider for a short range, so the chart keeps a sensible size.
YEAR_SLOT_MIN, YEAR_SLOT_MAX, YEAR_CHART_WIDTH = 8, 36, 720
DECADE_SLOT = 30


@dataclass(frozen=True)
class Bar:
    label: str  # "1994" or "1990s"
    start: int  # the first year it counts
    count: int
    x: float
    y: float
    width: float
    height: float
    center: float
    count_y: float  # where its count is written, above it
    slot_x: float  # its whole slot, the link's target area (a year's bar is narrow)
    slot_width: float
    href: str


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class AxisLabel:
    text: str
    x: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]  # only slots with events; empty slots stay empty on the axis
    ticks: list[Tick]
    labels: list[AxisLabel]
    width: float
    height: float
    baseline: float
    left: float
    tick_x: float
    label_y: float
    plot_top: float
    plot_height: float
    max_count: int
    first: int
    last: int


def nice_step(max_count: int, most_ticks: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that needs at most ``most_ticks`` steps."""
    if max_count <= most_ticks:
        return 1
    magnitude = 10 ** math.floor(math.log10(max_count / most_ticks))
    for factor in (1, 2, 5, 10):
        if max_count / (factor * magnitude) <= most_ticks:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _layout(slots, counts, slot_width, labels, href) -> Chart:
    """Bars for ``slots`` (ordered (label, start) pairs, the whole continuous range)."""
    max_count = max(counts.values(), default=0)
    step = nice_step(max_count)
    top_value = max(step, math.ceil(max_count / step) * step)
    baseline = TOP + PLOT_HEIGHT
    bar_width = slot_width * 0.75
    bars = []
    for index, (label, start) in enumerate(slots):
        count = counts.get(start, 0)
        if not count:
            continue
        height = max(2.0, PLOT_HEIGHT * count / top_value)
        x = LEFT + index * slot_width + (slot_width - bar_width) / 2
        bars.append(
            Bar(
                label=label,
                start=start,
                count=count,
                x=round(x, 2),
                y=round(baseline - height, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
                center=round(x + bar_width / 2, 2),
                count_y=round(baseline - height - 4, 2),
                slot_x=round(LEFT + index * slot_width, 2),
                slot_width=round(slot_width, 2),
                href=href(start),
            )
        )
    ticks = [
        Tick(value=value, y=round(baseline - PLOT_HEIGHT * value / top_value, 2))
        for value in range(0, top_value + 1, step)
    ]
    return Chart(
        bars=bars,
        ticks=ticks,
        labels=labels,
        width=round(LEFT + len(slots) * slot_width + RIGHT, 2),
        height=baseline + LABEL_SPACE,
        baseline=baseline,
        left=LEFT,
        tick_x=LEFT - 6,
        label_y=baseline + 18,
        plot_top=TOP,
        plot_height=PLOT_HEIGHT,
        max_count=max_count,
        first=slots[0][1] if slots else 0,
        last=slots[-1][1] if slots else 0,
    )


def events_per_year(counts: dict[int, int], href=lambda year: f"#year-{year}") -> Chart:
    """One slot per year from the first year with entries to the last; a bar where there are
    entries, linking to ``href(year)``; decades labelled under the axis (every year when the
    range is short enough for each label to fit)."""
    if not counts:
        return _layout([], {}, YEAR_SLOT_MIN, [], href)
    first, last = min(counts), max(counts)
    years = range(first, last + 1)
    slot = min(YEAR_SLOT_MAX, max(YEAR_SLOT_MIN, YEAR_CHART_WIDTH / len(years)))
    labelled = [year for year in years if slot >= 30 or year % 10 == 0]
    if not labelled:  # a short range inside one decade with narrow slots: label its ends
        labelled = sorted({first, last})
    labels = [
        AxisLabel(text=str(year), x=round(LEFT + (year - first + 0.5) * slot, 2))
        for year in labelled
    ]
    return _layout([(str(year), year) for year in years], counts, slot, labels, href)


def decade_of(year: int) -> int:
    return year - year % 10


def events_per_decade(counts: dict[int, int], href=lambda decade: f"#period-{decade}s") -> Chart:
    """The same counts by decade, every decade from the first to the last, for narrow screens."""
    by_decade: dict[int, int] = {}
    for year, count in counts.items():
        by_decade[decade_of(year)] = by_decade.get(decade_of(year), 0) + count
    if not by_decade:
        return _layout([], {}, DECADE_SLOT, [], href)
    decades = range(min(by_decade), max(by_decade) + 1, 10)
    slots = [(f"{decade}s", decade) for decade in decades]
    # Every decade's label would crowd a long range; every other one still names the axis.
    every = 1 if len(slots) <= 8 else 2
    labels = [
        AxisLabel(text=f"{decade}s", x=LEFT + index * DECADE_SLOT + DECADE_SLOT / 2)
        for index, decade in enumerate(decades)
        if index % every == 0
    ]
    return _layout(slots, by_decade, DECADE_SLOT, labels, href)
