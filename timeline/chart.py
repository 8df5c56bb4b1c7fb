"""The events-per-year bar chart above the timeline, laid out on the server as SVG geometry."""

from dataclasses import dataclass

PLOT_HEIGHT = 120
BAR_WIDTH = 28
GAP = 10
TOP = 20
LABEL_SPACE = 34


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: int
    y: int
    height: int
    label_x: int
    href: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    baseline: int
    max_count: int


def events_per_year(counts: dict[int, int], href=lambda year: f"#year-{year}") -> Chart:
    """One bar per year that has entries, in order, each linking to ``href(year)``."""
    max_count = max(counts.values(), default=0)
    bars = []
    for index, year in enumerate(sorted(counts)):
        count = counts[year]
        height = max(2, round(PLOT_HEIGHT * count / max_count))
        x = GAP + index * (BAR_WIDTH + GAP)
        bars.append(
            Bar(
                year=year,
                count=count,
                x=x,
                y=TOP + PLOT_HEIGHT - height,
                height=height,
                label_x=x + BAR_WIDTH // 2,
                href=href(year),
            )
        )
    width = GAP + len(bars) * (BAR_WIDTH + GAP)
    return Chart(
        bars=bars,
        width=max(width, 200),
        height=TOP + PLOT_HEIGHT + LABEL_SPACE,
        baseline=TOP + PLOT_HEIGHT,
        max_count=max_count,
    )
