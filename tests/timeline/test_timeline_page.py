import datetime

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, PlaceFactory, TimelineEntryFactory

pytestmark = pytest.mark.django_db


def entry(title, year, **kwargs):
    return TimelineEntryFactory(title=title, date=datetime.date(year, 5, 1), **kwargs)


def timeline(client, **params):
    return client.get(reverse("timeline:list"), params)


def test_event_lists_have_no_space_before_the_comma_after_the_date(client):
    entry("Lachin closed", 2023, key_event=True, place=PlaceFactory())

    html = client.get(reverse("home")).text

    assert "1 May 2023</time>, Shusha / Shushi</li>" in html
    assert "</time> ," not in html


def test_the_timeline_filters_by_place_and_key_event_as_the_api_does(client):
    lachin = PlaceFactory(slug="lachin", name_en="Lachin", name_en_alt="")
    entry("At Shusha", 1992, place=PlaceFactory())
    entry("At Lachin", 1992, place=lachin, key_event=True)

    by_place = timeline(client, place="lachin")
    key = timeline(client, key_event="true")

    assert [e.title for e in by_place.context["entries"]] == ["At Lachin"]
    assert '<option value="lachin" selected>Lachin</option>' in by_place.text
    assert [e.title for e in key.context["entries"]] == ["At Lachin"]
    assert 'name="key_event" value="true" checked' in key.text
    assert [e.title for e in timeline(client, key_event="false").context["entries"]] == [
        "At Shusha"
    ]
    assert timeline(client, place="atlantis").status_code == 400
    assert timeline(client, key_event="yes").status_code == 400


def test_sources_are_collapsed_and_not_each_a_landmark(client):
    entry("Talks", 1994)
    entry("More talks", 1994)

    html = timeline(client).text

    assert html.count('<details class="event-sources">') == 2
    assert "<details open" not in html
    assert "Sources (1)" in html
    # Every entry's list would be a region named "Sources" (axe: landmark-unique).
    assert html.count('<section class="sources">') == 2
    assert 'aria-labelledby="event-' not in html.split('class="sources"')[1][:5]


def test_the_compact_view_lists_entries_one_line_each_and_keeps_the_filters(client):
    entry("Talks", 1994, summary="A long summary of the talks.[^1]")

    compact = timeline(client, view="compact", category="military")
    main = compact.text[compact.text.index("<main") :]

    assert "Talks" in main
    assert "A long summary of the talks." not in main
    assert "event-sources" not in main
    assert '<input type="hidden" name="view" value="compact">' in main
    assert '<a href="?category=military&amp;view=compact" aria-current="page">' in main
    assert '<a href="?category=military">Full entries</a>' in main
    assert timeline(client, view="poster").status_code == 400


def test_the_period_navigator_links_each_decade_on_the_page_it_starts(client, monkeypatch):
    from timeline.views import TimelineView

    monkeypatch.setattr(TimelineView, "PER_PAGE", 2)
    for title, year in [("A", 1988), ("B", 1992), ("C", 1993), ("D", 1993), ("E", 2020)]:
        entry(title, year)

    first = timeline(client)
    second = timeline(client, page=2)

    periods = {period["label"]: period for period in first.context["periods"]}
    assert {label: p["href"] for label, p in periods.items()} == {
        "1980s": "#period-1980s",
        "1990s": "#period-1990s",
        "2020s": "?page=3#period-2020s",
    }
    assert {label: p["count"] for label, p in periods.items()} == {
        "1980s": 1,
        "1990s": 3,
        "2020s": 1,
    }
    assert [label for label, p in periods.items() if p["here"]] == ["1980s", "1990s"]
    assert 'id="period-1990s"' in first.text and 'id="period-1980s"' in first.text
    assert [e.title for e in second.context["entries"]] == ["C", "D"]
    assert "(continued)" not in second.text
    third = timeline(client, page=3)
    assert 'id="period-2020s"' in third.text


def test_a_year_split_across_pages_says_it_continues(client, monkeypatch):
    from timeline.views import TimelineView

    monkeypatch.setattr(TimelineView, "PER_PAGE", 2)
    for title in "ABC":
        entry(title, 1993)

    second = timeline(client, page=2)

    assert '1993 <span class="timeline-continued">(continued)</span>' in second.text


def test_pagination_numbers_pages_with_gaps_and_marks_the_current_one(client, monkeypatch):
    from articles.views import ArticleListView

    monkeypatch.setattr(ArticleListView, "paginate_by", 1)
    for n in range(10):
        ArticleFactory(title=f"Article {n}")

    html = client.get(reverse("articles:list"), {"page": 5}).text
    start = html.index('<nav class="pagination"')
    nav = html[start : html.index("</nav>", start)]

    assert 'aria-label="Pages"' in nav
    shown = [n for n in range(1, 11) if f'<span class="visually-hidden">Page </span>{n}</a>' in nav]
    assert shown == [1, 3, 4, 5, 6, 7, 10]
    assert nav.count("…") == 2
    assert '<a href="?page=5" aria-current="page">' in nav
    assert 'rel="prev"' in nav and 'rel="next"' in nav
