from timeline.chart import (
    DECADE_SLOT,
    PLOT_HEIGHT,
    events_per_decade,
    events_per_year,
    nice_step,
)

COUNTS = {1921: 1, 1923: 1, 1988: 2, 1993: 10, 1994: 2, 2016: 1, 2025: 4}


def test_every_year_from_the_first_to_the_last_has_a_slot_so_gaps_show():
    chart = events_per_year(COUNTS)

    bars = {bar.start: bar for bar in chart.bars}
    slot = bars[1921].slot_width
    assert bars[1923].slot_x - bars[1921].slot_x == 2 * slot
    assert bars[1988].slot_x - bars[1923].slot_x == 65 * slot
    assert bars[1994].slot_x - bars[1993].slot_x == slot
    assert chart.width >= chart.left + (2025 - 1921 + 1) * slot
    assert (chart.first, chart.last) == (1921, 2025)
    # Only years with events are bars (and links); the empty ones are gaps on the axis.
    assert [bar.start for bar in chart.bars] == sorted(COUNTS)


def test_the_year_axis_labels_the_decades():
    chart = events_per_year(COUNTS)

    assert [label.text for label in chart.labels] == [str(y) for y in range(1930, 2030, 10)]
    first = chart.bars[0]
    label_1930 = chart.labels[0]
    assert label_1930.x == first.slot_x + (1930 - 1921 + 0.5) * first.slot_width


def test_a_short_range_labels_every_year_in_wider_slots():
    chart = events_per_year({1992: 1, 1994: 3})

    assert [label.text for label in chart.labels] == ["1992", "1993", "1994"]
    assert chart.bars[0].slot_width > 8


def test_the_y_axis_has_round_tick_values_and_bars_are_drawn_to_its_scale():
    chart = events_per_year(COUNTS)

    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8, 10]
    assert chart.ticks[0].y == chart.baseline
    assert chart.ticks[-1].y == chart.plot_top
    tallest = max(chart.bars, key=lambda bar: bar.count)
    assert tallest.height == PLOT_HEIGHT
    four = next(bar for bar in chart.bars if bar.count == 4)
    assert four.y == next(tick.y for tick in chart.ticks if tick.value == 4)


def test_tick_steps_are_one_two_or_five_times_a_power_of_ten():
    assert [nice_step(n) for n in (1, 5, 6, 10, 11, 23, 30, 260)] == [1, 1, 2, 2, 5, 5, 10, 100]


def test_the_decade_chart_sums_the_years_and_keeps_empty_decades_on_the_axis():
    chart = events_per_decade(COUNTS)

    assert [(bar.label, bar.count) for bar in chart.bars] == [
        ("1920s", 2),
        ("1980s", 2),
        ("1990s", 12),
        ("2010s", 1),
        ("2020s", 4),
    ]
    assert chart.width >= chart.left + 11 * DECADE_SLOT  # 1920s to 2020s
    bars = {bar.label: bar for bar in chart.bars}
    assert bars["1980s"].slot_x - bars["1920s"].slot_x == 6 * DECADE_SLOT
    assert bars["1990s"].href == "#period-1990s"


def test_no_events_make_an_empty_chart():
    assert events_per_year({}).bars == []
    assert events_per_decade({}).bars == []
