import datetime

import pytest
from django.urls import reverse

from karabakh_site.core.models import Publishable
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    PlaceFactory,
    TimelineEntryFactory,
    TopicFactory,
)
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


def entry(title, date, precision=TimelineEntry.Precision.DAY, **kwargs):
    return TimelineEntryFactory(title=title, date=date, date_precision=precision, **kwargs)


def test_the_timeline_is_chronological_grouped_by_year_and_hides_drafts(client):
    entry("Ceasefire", datetime.date(1994, 5, 12))
    entry("War begins", datetime.date(1988, 2, 20))
    entry("Draft event", datetime.date(1990, 1, 1), status=Publishable.Status.DRAFT)

    html = client.get(reverse("timeline:list")).text
    html = html[html.index("<main") :]

    assert html.index('id="year-1988"') < html.index("War begins") < html.index('id="year-1994"')
    assert html.index('id="year-1994"') < html.index("Ceasefire")
    assert "Draft event" not in html
    assert 'id="year-1990"' not in html


def test_dates_are_shown_at_their_precision(client):
    entry("A year", datetime.date(1921, 7, 5), TimelineEntry.Precision.YEAR)
    entry("A month", datetime.date(1994, 5, 12), TimelineEntry.Precision.MONTH)
    entry("A day", datetime.date(2023, 9, 19))
    entry("Roughly", datetime.date(1988, 3, 1), TimelineEntry.Precision.YEAR, approximate=True)

    html = client.get(reverse("timeline:list")).text

    assert '<time class="event-date" datetime="1921">1921</time>' in html
    assert '<time class="event-date" datetime="1994-05">May 1994</time>' in html
    assert '<time class="event-date" datetime="2023-09-19">19 September 2023</time>' in html
    assert "c. 1988" in html


def test_places_show_their_names_in_other_languages_marked_with_their_language(client):
    entry("Shusha taken", datetime.date(1992, 5, 8), place=PlaceFactory())

    html = client.get(reverse("timeline:list")).text

    assert "Shusha / Shushi" in html
    assert 'Armenian: <span lang="hy">Շուշի</span>' in html
    assert '<span lang="az">Şuşa</span>' in html
    assert '<span lang="ru">Шуша</span>' in html


def test_each_entry_lists_its_sources_with_anchors_its_markers_use(client):
    event = entry("Offensive", datetime.date(2023, 9, 19))
    source = event.citations.get().source

    html = client.get(reverse("timeline:list")).text

    assert f'href="#{event.slug}-source-1"' in html
    assert f'id="{event.slug}-source-1"' in html
    assert source.title in html


def test_the_timeline_filters_by_category_and_topic(client):
    topic = TopicFactory(slug="talks")
    talks = entry("Talks", datetime.date(2020, 1, 1), category=TimelineEntry.Category.DIPLOMATIC)
    talks.topics.add(topic)
    entry("Battle", datetime.date(2020, 2, 1), category=TimelineEntry.Category.MILITARY)

    by_category = client.get(reverse("timeline:list"), {"category": "military"}).text
    by_topic = client.get(reverse("timeline:list"), {"topic": "talks"}).text

    assert "Battle" in by_category and "Talks" not in by_category
    assert "Talks" in by_topic and "Battle" not in by_topic


def test_a_period_filter_matches_entries_whose_period_overlaps_it(client):
    entry("May 1994 event", datetime.date(1994, 5, 1), TimelineEntry.Precision.MONTH)
    entry("Year 1994 event", datetime.date(1994, 1, 1), TimelineEntry.Precision.YEAR)
    entry("April 1994 day", datetime.date(1994, 4, 30))
    entry(
        "Long war",
        datetime.date(1991, 1, 1),
        TimelineEntry.Precision.YEAR,
        end_date=datetime.date(1993, 1, 1),
    )

    response = client.get(
        reverse("timeline:list"), {"date_after": "1994-05-31", "date_before": "1994-06-15"}
    )

    titles = [e.title for e in response.context["entries"]]
    assert titles == ["Year 1994 event", "May 1994 event"]
    long_war = client.get(
        reverse("timeline:list"), {"date_after": "1993-06-01", "date_before": "1993-06-30"}
    )
    assert [e.title for e in long_war.context["entries"]] == ["Long war"]


@pytest.mark.parametrize(
    "params",
    [
        {"date_after": "1994-13-01"},
        {"date_before": "yesterday"},
        {"category": "sporting"},
        {"topic": "missing"},
        {"date_after": "1995-01-01", "date_before": "1994-01-01"},
    ],
)
def test_unreadable_filters_give_a_400_page(client, params):
    response = client.get(reverse("timeline:list"), params)

    assert response.status_code == 400
    assert "could not be read" in response.text


def test_the_chart_has_a_bar_per_year_linking_to_that_year_and_a_data_table(client):
    entry("One", datetime.date(1992, 1, 1))
    entry("Two", datetime.date(1992, 6, 1))
    entry("Three", datetime.date(1994, 5, 12))

    response = client.get(reverse("timeline:list"))

    bars = response.context["chart"].bars
    assert [(bar.start, bar.count) for bar in bars] == [(1992, 2), (1994, 1)]
    assert bars[0].height > bars[1].height
    html = response.text
    assert 'aria-label="1992: 2 events"' in html
    assert '<a href="#year-1994" aria-label="1994: 1 event">' in html
    assert '<th scope="row"><a href="#year-1992">1992</a></th><td>2</td>' in html


def test_the_timeline_publishes_an_item_list_of_events(client):
    entry(
        "Ceasefire", datetime.date(1994, 5, 12), TimelineEntry.Precision.MONTH, place=PlaceFactory()
    )

    data = {d["@type"]: d for d in client.get(reverse("timeline:list")).context["structured_data"]}

    event = data["ItemList"]["itemListElement"][0]["item"]
    assert event["@type"] == "Event"
    assert event["startDate"] == "1994-05"
    assert event["location"]["name"] == "Shusha / Shushi"


def test_the_entry_page_shows_the_entry_its_sources_and_published_related_articles(client):
    event = entry("Ceasefire", datetime.date(1994, 5, 12), place=PlaceFactory())
    event.related_articles.add(ArticleFactory(title="Published article"))
    event.related_articles.add(
        ArticleFactory(title="Draft article", status=Publishable.Status.DRAFT)
    )

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert "12 May 1994" in response.text
    assert event.citations.get().source.title in response.text
    assert "Published article" in response.text
    assert "Draft article" not in response.text
    types = [d["@type"] for d in response.context["structured_data"]]
    assert types == ["Event", "BreadcrumbList"]


def test_a_draft_entry_is_404_for_readers_and_previewed_for_editors(client, editor):
    draft = entry("Draft", datetime.date(2000, 1, 1), status=Publishable.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.text
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_timeline_runs_the_same_queries_for_one_or_many_entries(
    client, django_assert_num_queries, items
):
    topic = TopicFactory()
    for index in range(items):
        event = entry(f"Event {index}", datetime.date(1990 + index, 1, 1), place=PlaceFactory())
        event.topics.add(topic)
    # Count, entries with places, topics, citations with sources, per-year counts, topic and
    # place choices.
    with django_assert_num_queries(8):
        assert client.get(reverse("timeline:list")).status_code == 200


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_entry_page_runs_the_same_queries_however_much_it_shows(
    client, django_assert_num_queries, items
):
    event = TimelineEntryFactory(citations=items, place=PlaceFactory())
    for _ in range(items):
        event.topics.add(TopicFactory())
        event.related_articles.add(ArticleFactory())
        event.claims.add(ClaimFactory(positions=2))
    # The entry with its place, topics, citations with sources, related articles, claims, their
    # positions (with perspectives), the positions' sources.
    with django_assert_num_queries(8):
        assert client.get(event.get_absolute_url()).status_code == 200


def test_the_400_page_names_the_field_by_its_label_and_offers_a_way_back(client):
    response = client.get(reverse("timeline:list"), {"date_after": "someday"})

    assert response.status_code == 400
    assert "<strong>From (date_after)</strong>: Enter a valid date." in response.text
    assert 'href="/en/timeline/"' in response.text


def test_a_long_timeline_is_paged_and_each_bar_links_to_the_page_its_year_starts_on(
    client, monkeypatch
):
    from timeline.views import TimelineView

    monkeypatch.setattr(TimelineView, "paginate_by", 2)
    monkeypatch.setattr(TimelineView, "PER_PAGE", 2)
    for year, title in [(1990, "A"), (1991, "B"), (1991, "C"), (1992, "D")]:
        entry(title, datetime.date(year, 1, 1), category=TimelineEntry.Category.MILITARY)

    first = client.get(reverse("timeline:list"), {"category": "military"})
    second = client.get(reverse("timeline:list"), {"category": "military", "page": 2})

    assert [e.title for e in first.context["entries"]] == ["A", "B"]
    assert [e.title for e in second.context["entries"]] == ["C", "D"]
    links = {bar.start: bar.href for bar in first.context["chart"].bars}
    assert links == {
        1990: "#year-1990",
        1991: "#year-1991",
        1992: "?category=military&page=2#year-1992",
    }
    assert {bar.start: bar.count for bar in second.context["chart"].bars} == {
        1990: 1,
        1991: 2,
        1992: 1,
    }
    assert 'href="?category=military&amp;page=2#year-1992"' in first.text
    assert client.get(reverse("timeline:list"), {"page": 3}).status_code == 404
