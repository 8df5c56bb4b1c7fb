import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from karabakh_site.core.models import Publishable
from tests.factories import ArticleFactory, PlaceFactory, TimelineEntryFactory, TopicFactory
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db

LIST = "/api/v1/timeline/"
EXPORT = "/api/v1/timeline/timelinejs/"


def slugs(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.json()
    return sorted(item["slug"] for item in response.json()["results"])


def test_it_lists_entries_with_dates_at_their_precision_and_place_names(anonymous):
    TimelineEntryFactory(
        slug="ceasefire", date=datetime.date(1994, 5, 12), date_precision="month",
        approximate=True, place=PlaceFactory(),
    )  # fmt: skip

    item = anonymous.get(LIST).json()["results"][0]

    assert item["date"] == "1994-05-01" and item["date_precision"] == "month"
    assert item["display_date"] == "c. May 1994"
    assert item["place"]["display_name"] == "Shusha / Shushi"
    assert item["url"].endswith("/api/v1/timeline/ceasefire/")
    assert item["page_url"] == "http://testserver/en/timeline/ceasefire/"


def test_date_filters_honour_precision_by_overlap(anonymous):
    TimelineEntryFactory(slug="may-1994", date=datetime.date(1994, 5, 1), date_precision="month")
    TimelineEntryFactory(slug="year-1988", date=datetime.date(1988, 1, 1), date_precision="year")
    TimelineEntryFactory(slug="day", date=datetime.date(2023, 9, 19))

    assert slugs(anonymous, date_after="1994-05-20", date_before="1994-06-30") == ["may-1994"]
    assert slugs(anonymous, date_after="1994-06-01") == ["day"]
    assert slugs(anonymous, date_before="1988-12-31") == ["year-1988"]
    assert slugs(anonymous, date_after="1988-07-01", date_before="1988-07-01") == ["year-1988"]


def test_a_range_that_ends_before_it_starts_matches_nothing(anonymous):
    TimelineEntryFactory()

    assert slugs(anonymous, date_after="2024-01-01", date_before="2023-01-01") == []


def test_it_filters_by_category_topic_place_and_key_event(anonymous):
    topic = TopicFactory(slug="exodus")
    TimelineEntryFactory(slug="a", category="humanitarian", key_event=True, place=PlaceFactory())
    TimelineEntryFactory(slug="b", category="military").topics.add(topic)

    assert slugs(anonymous, category="humanitarian") == ["a"]
    assert slugs(anonymous, topic="exodus") == ["b"]
    assert slugs(anonymous, place="shusha") == ["a"]
    assert slugs(anonymous, key_event="true") == ["a"]
    assert slugs(anonymous, key_event="false") == ["b"]
    assert anonymous.get(LIST, {"key_event": "yes"}).status_code == 400
    assert anonymous.get(LIST, {"category": "sporting"}).status_code == 400
    assert anonymous.get(LIST, {"date_after": "1994-13-01"}).status_code == 400


def test_its_detail_shows_published_related_articles_only(anonymous, as_editor):
    entry = TimelineEntryFactory(slug="event")
    entry.related_articles.add(
        ArticleFactory(slug="live"), ArticleFactory(slug="draft", status="draft")
    )

    public = anonymous.get(f"{LIST}event/").json()
    staff = as_editor.get(f"{LIST}event/").json()

    assert [article["slug"] for article in public["related_articles"]] == ["live"]
    assert sorted(article["slug"] for article in staff["related_articles"]) == ["draft", "live"]
    assert public["citations"][0]["source"]["title"]


def test_drafts_stay_out_of_the_timeline_and_its_export(anonymous):
    TimelineEntryFactory(slug="draft", status=Publishable.Status.DRAFT)

    assert slugs(anonymous) == []
    assert anonymous.get(f"{LIST}draft/").status_code == 404
    assert anonymous.get(EXPORT).json()["events"] == []


def test_the_timelinejs_export_has_events_at_their_precision_grouped_by_category(anonymous):
    TimelineEntryFactory(
        slug="war", title="War", date=datetime.date(1988, 1, 1), date_precision="year",
        end_date=datetime.date(1994, 1, 1), category="military", approximate=True,
    )  # fmt: skip
    TimelineEntryFactory(slug="day", title="Day", date=datetime.date(2023, 9, 19))

    body = anonymous.get(EXPORT).json()

    assert body["title"]["text"]["headline"]
    war, day = body["events"]
    assert war["unique_id"] == "war"
    assert war["start_date"] == {"year": 1988, "display_date": "c. 1988–1994"}
    assert war["end_date"]["year"] == 1994 and "month" not in war["end_date"]
    assert war["group"] == "Military"
    assert war["text"]["headline"] == "War"
    assert 'href="http://testserver/en/timeline/war/"' in war["text"]["text"]
    assert day["start_date"] == {
        "year": 2023,
        "month": 9,
        "day": 19,
        "display_date": "19 September 2023",
    }
    assert "end_date" not in day


def test_the_export_takes_the_list_filters(anonymous):
    TimelineEntryFactory(slug="a", category="legal")
    TimelineEntryFactory(slug="b", category="military")

    events = anonymous.get(EXPORT, {"category": "legal"}).json()["events"]

    assert [event["unique_id"] for event in events] == ["a"]


@pytest.mark.parametrize("url", [LIST + "?page_size=25", EXPORT])
def test_lists_run_the_same_number_of_queries_for_1_and_25_entries(
    anonymous, django_assert_num_queries, url
):
    topic = TopicFactory()
    place = PlaceFactory()
    TimelineEntryFactory(place=place).topics.add(topic)
    with CaptureQueriesContext(connection) as one:
        assert anonymous.get(url).status_code == 200
    for _ in range(24):
        TimelineEntryFactory(place=place).topics.add(topic)

    with django_assert_num_queries(len(one)):
        assert anonymous.get(url).status_code == 200


def test_an_editor_creates_a_published_entry_with_place_and_topics(as_editor):
    from tests.factories import SourceFactory

    PlaceFactory()
    TopicFactory(slug="exodus")
    response = as_editor.post(
        LIST,
        {
            "slug": "new", "title": "New", "date": "1994-05-17", "date_precision": "month",
            "summary": "It happened.[^1]", "category": "diplomatic", "place_slug": "shusha",
            "topics": ["exodus"], "status": "published",
            "citations": [{"source_id": SourceFactory().pk}],
        },
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.json()
    entry = TimelineEntry.objects.get(slug="new")
    assert entry.is_published and entry.date == datetime.date(1994, 5, 1)
    assert response.json()["place"]["slug"] == "shusha"
    assert response.json()["display_date"] == "May 1994"


def test_an_end_date_before_the_start_is_a_400(as_contributor):
    response = as_contributor.post(
        LIST,
        {"slug": "x", "title": "X", "date": "1994-05-17", "end_date": "1994-05-01",
         "summary": "S", "category": "legal"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert "end_date" in response.json()


def test_a_patch_of_the_start_precision_alone_moves_the_end_with_it(as_editor):
    # Clients from before the end had its own precision meant the whole range.
    entry = TimelineEntryFactory(
        date=datetime.date(1988, 2, 20), end_date=datetime.date(1994, 5, 12), date_precision="day"
    )
    assert entry.end_precision == "day"

    response = as_editor.patch(
        f"{LIST}{entry.slug}/", {"date_precision": "year", "approximate": True}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["end_precision"], response.json()["end_approximate"]) == ("year", True)
    assert response.json()["display_date"] == "c. 1988–1994"

    response = as_editor.patch(
        f"{LIST}{entry.slug}/", {"date_precision": "month", "end_precision": "day"}, format="json"
    )
    assert (response.json()["date_precision"], response.json()["end_precision"]) == ("month", "day")
