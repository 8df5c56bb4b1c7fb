"""Dates at their precision: "1921", "May 1994", "19 September 2023", "c. 1988"."""

import calendar
import datetime

DAY, MONTH, YEAR = "day", "month", "year"


def normalise(date: datetime.date, precision: str) -> datetime.date:
    """The first day of the period a date stands for."""
    if precision == YEAR:
        return date.replace(month=1, day=1)
    if precision == MONTH:
        return date.replace(day=1)
    return date


def period_end(date: datetime.date, precision: str) -> datetime.date:
    """The last day of the period a date stands for ("May 1994" ends on 31 May 1994)."""
    if precision == YEAR:
        return date.replace(month=12, day=31)
    if precision == MONTH:
        return date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return date


def format_date(date: datetime.date, precision: str) -> str:
    if precision == YEAR:
        return f"{date.year}"
    if precision == MONTH:
        return f"{date:%B} {date.year}"
    return f"{date.day} {date:%B} {date.year}"


def format_span(
    start: datetime.date,
    end: datetime.date | None,
    precision: str,
    *,
    approximate: bool = False,
) -> str:
    """A date or range at its precision, sharing what the two ends share ("19–20 September 2023")."""
    prefix = "c. " if approximate else ""
    if end is None or format_date(start, precision) == format_date(end, precision):
        return prefix + format_date(start, precision)
    if precision == DAY and (start.year, start.month) == (end.year, end.month):
        text = f"{start.day}–{end.day} {end:%B} {end.year}"
    elif precision == DAY and start.year == end.year:
        text = f"{start.day} {start:%B} – {end.day} {end:%B} {end.year}"
    elif precision == MONTH and start.year == end.year:
        text = f"{start:%B}–{end:%B} {end.year}"
    elif precision == YEAR:
        text = f"{start.year}–{end.year}"
    else:
        text = f"{format_date(start, precision)} – {format_date(end, precision)}"
    return prefix + text
