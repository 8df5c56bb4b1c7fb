import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import PlaceFactory, TimelineEntryFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def test_the_database_keeps_the_end_date_after_the_start():
    entry = TimelineEntryFactory(date=datetime.date(2023, 9, 19))
    with pytest.raises(IntegrityError), transaction.atomic():
        TimelineEntry.objects.filter(pk=entry.pk).update(end_date=datetime.date(2023, 9, 18))


def test_an_end_date_before_the_start_is_a_form_error_with_a_message():
    entry = TimelineEntryFactory.build(
        date=datetime.date(2023, 9, 19), end_date=datetime.date(2023, 9, 19)
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean(exclude=["period_start", "period_end"])
    assert error.value.message_dict["end_date"] == ["The end date must be after the start date."]


@pytest.mark.parametrize(
    "date, end_date, precision, approximate, expected",
    [
        (datetime.date(1921, 7, 5), None, "year", False, "1921"),
        (datetime.date(1994, 5, 12), None, "month", False, "May 1994"),
        (datetime.date(2023, 9, 19), None, "day", False, "19 September 2023"),
        (datetime.date(1988, 1, 1), None, "year", True, "c. 1988"),
        (
            datetime.date(2023, 9, 19),
            datetime.date(2023, 9, 20),
            "day",
            False,
            "19–20 September 2023",
        ),
        (datetime.date(1988, 1, 1), datetime.date(1994, 1, 1), "year", False, "1988–1994"),
        (
            datetime.date(2024, 4, 17),
            datetime.date(2024, 6, 12),
            "day",
            False,
            "17 April – 12 June 2024",
        ),
    ],
)
def test_dates_are_shown_at_their_precision(date, end_date, precision, approximate, expected):
    entry = TimelineEntryFactory(
        date=date, end_date=end_date, date_precision=precision, approximate=approximate
    )
    assert entry.display_date == expected


def test_the_stored_period_covers_the_whole_month_of_a_month_precision_date():
    entry = TimelineEntryFactory(date=datetime.date(1994, 5, 12), date_precision="month")
    assert entry.date == datetime.date(1994, 5, 1)
    assert (entry.period_start, entry.period_end) == (
        datetime.date(1994, 5, 1),
        datetime.date(1994, 5, 31),
    )


def test_a_place_shows_both_communities_english_names():
    place = PlaceFactory()
    assert place.display_name == "Shusha / Shushi"
    assert ("Armenian", "hy", "Շուշի") in place.other_names
