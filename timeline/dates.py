"""Dates at their precision: "1921", "May 1994", "19 September 2023", "c. 1988"; parsed as
historians write them (parse()) and shown the same way (format_input(), format_span())."""

import calendar
import datetime
import re
from typing import NamedTuple

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

DAY, MONTH, YEAR = "day", "month", "year"

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
# "c. 1988", "ca. 1988", "circa 1988", "~1988", "about 1988": an uncertain or disputed date.
_APPROXIMATE = re.compile(
    r"^(?:circa\b|approx\.|approx\b|about\b|ca\.|ca\b|c\.|c\b|~)\s*", re.IGNORECASE
)
_ISO = re.compile(r"^(\d{3,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_WORDS = re.compile(r"^(?:(\d{1,2})\s+)?([a-z]+)\.?,?\s+(?:(\d{1,2}),?\s+)?(\d{3,4})$", re.I)
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")  # 12.05.1994, day first
UNREADABLE = _(
    "Enter a date as historians write it: 1988, May 1994, 1994-05, 12 May 1994, 1994-05-12, "
    "or any of them after “c.” for an approximate date."
)


class HistorianDate(NamedTuple):
    date: datetime.date
    precision: str
    approximate: bool


def parse(text: str) -> HistorianDate:
    """ "1988", "c. 1988", "1994-05", "May 1994", "12 May 1994", "May 12, 1994", "1994-05-12",
    "12.05.1994" → the first day of the period, its precision, and whether it is approximate.
    Raises ValueError with UNREADABLE (or what is wrong with the day) otherwise."""
    text = " ".join((text or "").split())
    approximate = bool(_APPROXIMATE.match(text))
    text = _APPROXIMATE.sub("", text)
    year = month = day = None
    if match := _ISO.match(text):
        year, month, day = (int(part) if part else None for part in match.groups())
    elif match := _WORDS.match(text):
        first_day, name, second_day, year_text = match.groups()
        month = MONTHS.get(name.lower())
        if month is None or (first_day and second_day):
            raise ValueError(UNREADABLE)
        year, day = (
            int(year_text),
            int(first_day or second_day) if first_day or second_day else None,
        )
    elif match := _NUMERIC.match(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(UNREADABLE)
    precision = DAY if day else MONTH if month else YEAR
    try:
        date = datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(gettext("There is no such day: %(text)s.") % {"text": text}) from None
    if year < 1000:
        raise ValueError(gettext("Enter the year with four digits."))
    return HistorianDate(date, precision, approximate)


def format_input(date: datetime.date | None, precision: str, approximate: bool = False) -> str:
    """What parse() reads back: the form's initial text for a stored date."""
    if date is None:
        return ""
    return ("c. " if approximate else "") + format_date(date, precision)


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


def _about(text: str, approximate: bool) -> str:
    """``text`` (a date as shown) marked approximate: "c. 1988". Parsing reads only the English
    "c." (format_input writes it), so only the display goes through the translation."""
    return pgettext("approximate date", "c. %(date)s") % {"date": text} if approximate else text


def format_span(
    start: datetime.date,
    end: datetime.date | None,
    precision: str,
    *,
    approximate: bool = False,
    end_precision: str | None = None,
    end_approximate: bool | None = None,
) -> str:
    """A date or range at its precision, sharing what the two ends share ("19–20 September 2023");
    each end keeps its own precision and "c." ("1988 – May 1994", "c. 1988 – 1994")."""
    end_precision = end_precision or precision
    end_approximate = approximate if end_approximate is None else end_approximate
    if end is None or (
        end_precision == precision
        and end_approximate == approximate
        and format_date(start, precision) == format_date(end, precision)
    ):
        return _about(format_date(start, precision), approximate)
    if end_precision != precision or end_approximate != approximate:
        return (
            f"{_about(format_date(start, precision), approximate)} – "
            f"{_about(format_date(end, end_precision), end_approximate)}"
        )
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
    return _about(text, approximate)
