"""Dates as historians write them: "1988", "May 1994", "1994-05", "c. 1988" typed in the admin,
each end of a range with its own precision and "approximate", and the display, the API, JSON-LD
and TimelineJS following."""

import datetime
import json

import pytest
from django.urls import reverse

from karabakh_site.core import jsonld
from tests.core.test_admin_publishing import submitted
from tests.factories import TimelineEntryFactory
from timeline import dates
from timeline.models import TimelineEntry
from timeline.serializers import timelinejs_data

D = datetime.date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1988", (D(1988, 1, 1), "year", False)),
        ("c. 1988", (D(1988, 1, 1), "year", True)),
        ("circa 1988", (D(1988, 1, 1), "year", True)),
        ("1994-05", (D(1994, 5, 1), "month", False)),
        ("May 1994", (D(1994, 5, 1), "month", False)),
        ("c. May 1994", (D(1994, 5, 1), "month", True)),
        ("12 May 1994", (D(1994, 5, 12), "day", False)),
        ("May 12, 1994", (D(1994, 5, 12), "day", False)),
        ("1994-05-12", (D(1994, 5, 12), "day", False)),
    ],
)
def test_dates_are_read_as_historians_write_them(text, expected):
    assert tuple(dates.parse(text)) == expected
    assert dates.parse(dates.format_input(*expected)) == expected


@pytest.mark.parametrize("text", ["spring 1990", "88", "May", "1994-13", "31 February 2020"])
def test_unreadable_dates_are_refused_with_a_message(text):
    with pytest.raises(ValueError):
        dates.parse(text)


def test_each_end_of_a_range_has_its_own_precision_and_certainty():
    assert dates.format_span(D(1988, 1, 1), D(1994, 5, 1), "year", end_precision="month") == (
        "1988 – May 1994"
    )
    assert (
        dates.format_span(D(1988, 1, 1), D(1994, 1, 1), "year", approximate=True,
                          end_approximate=False)
        == "c. 1988 – 1994"
    )  # fmt: skip
    # One precision and certainty for both: the shared forms as before.
    assert dates.format_span(D(1988, 1, 1), D(1994, 1, 1), "year") == "1988–1994"


def add_entry(client, **fields):
    url = reverse("admin:timeline_timelineentry_add")
    data = submitted(client.get(url), TimelineEntry)
    data.update({"title": "Karabakh movement", "slug": "movement", "summary": "Rallies.", **fields})
    data["category"] = "political"
    data["status"] = "draft"
    return client.post(url, data)


@pytest.mark.django_db
def test_a_year_typed_as_1988_makes_a_year_precision_entry(client, editor):
    client.force_login(editor)

    response = add_entry(client, date="1988")

    assert response.status_code == 302
    entry = TimelineEntry.objects.get(slug="movement")
    assert (entry.date, entry.date_precision, entry.approximate) == (D(1988, 1, 1), "year", False)
    assert entry.display_date == "1988"


@pytest.mark.django_db
def test_a_range_typed_with_two_precisions_is_kept_and_shown_so(client, editor):
    client.force_login(editor)

    add_entry(client, date="c. 1988", end_date="May 1994")

    entry = TimelineEntry.objects.get(slug="movement")
    assert (entry.end_date, entry.end_precision, entry.end_approximate) == (
        D(1994, 5, 1), "month", False,
    )  # fmt: skip
    assert entry.display_date == "c. 1988 – May 1994"
    assert entry.period_end == D(1994, 5, 31)
    form = client.get(reverse("admin:timeline_timelineentry_change", args=[entry.pk]))
    assert 'value="c. 1988"' in form.content.decode()
    assert 'value="May 1994"' in form.content.decode()


@pytest.mark.django_db
def test_an_unreadable_or_backwards_date_is_a_form_error(client, editor):
    client.force_login(editor)

    unreadable = add_entry(client, date="spring 1988")
    backwards = add_entry(client, date="1994", end_date="1988")

    assert "Enter a date as historians write it" in unreadable.content.decode()
    assert "The end date must be after the start date." in backwards.content.decode()
    assert not TimelineEntry.objects.exists()


@pytest.mark.django_db
def test_an_end_left_blank_takes_the_starts_precision_and_certainty():
    entry = TimelineEntryFactory(
        date=D(1988, 3, 1), date_precision="year", approximate=True, end_date=D(1994, 6, 1)
    )
    assert (entry.end_precision, entry.end_approximate) == ("year", True)
    assert entry.display_date == "c. 1988–1994"


@pytest.mark.django_db
def test_the_api_json_ld_and_timelinejs_follow_the_ends_precision(client, rf):
    entry = TimelineEntryFactory(
        slug="movement",
        date=D(1988, 1, 1),
        date_precision="year",
        end_date=D(1994, 5, 1),
        end_precision="month",
        end_approximate=False,
    )
    body = json.loads(client.get(reverse("api:timelineentry-detail", args=["movement"])).content)
    assert (body["end_precision"], body["end_approximate"]) == ("month", False)
    assert body["display_date"] == "1988 – May 1994"

    request = rf.get("/")
    event = timelinejs_data([entry], request=request)["events"][0]
    assert event["end_date"] == {"year": 1994, "month": 5, "display_date": "1988 – May 1994"}
    data = jsonld.event(request, entry)
    assert (data["startDate"], data["endDate"]) == ("1988", "1994-05")
