import datetime
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse

from karabakh_site.core.models import Publishable
from tests.factories import TimelineEntryFactory
from tests.markup import PLAIN_TEXT
from timeline.models import TimelineEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["timeline:feed-rss", "timeline:feed-atom"])
def test_the_timeline_feeds_list_published_entries_with_their_dates(client, name):
    entry = TimelineEntryFactory(
        title="Ceasefire",
        date=datetime.date(1994, 5, 12),
        date_precision=TimelineEntry.Precision.MONTH,
    )
    TimelineEntryFactory(title="Draft event", status=Publishable.Status.DRAFT)

    response = client.get(reverse(name))
    feed = feedparser.parse(response.content)

    assert response.status_code == 200
    assert not feed.bozo
    assert [item.title for item in feed.entries] == ["May 1994: Ceasefire"]
    assert feed.entries[0].link == f"http://testserver{entry.get_absolute_url()}"
    assert feed.feed.link == "http://testserver/en/timeline/"


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_timeline_feed_runs_the_same_queries_for_one_or_many_entries(
    client, django_assert_num_queries, items
):
    for _ in range(items):
        TimelineEntryFactory()
    with django_assert_num_queries(3):
        client.get(reverse("timeline:feed-atom"))


def test_the_atom_feed_names_an_author_as_atom_requires(client):
    TimelineEntryFactory()

    feed = feedparser.parse(client.get(reverse("timeline:feed-atom")).content)

    assert feed.feed.author == "Karabakh Archive"


ATOM = "{http://www.w3.org/2005/Atom}"


def descriptions(content: bytes) -> dict[str, str]:
    """Each item's description by title, exactly as the feed carries it: before a feed reader's
    own sanitising, which would hide markup the site let through."""
    root = ElementTree.fromstring(content)
    if root.tag == f"{ATOM}feed":
        items, title, description = root.iter(f"{ATOM}entry"), f"{ATOM}title", f"{ATOM}summary"
    else:
        items, title, description = root.iter("item"), "title", "description"
    return {item.findtext(title): item.findtext(description) for item in items}


@pytest.mark.parametrize("name", ["timeline:feed-rss", "timeline:feed-atom"])
def test_the_timeline_feeds_show_titles_as_written_and_only_stored_html_as_html(client, name):
    entries = [TimelineEntryFactory(title=text, summary=f"{text}[^1]") for text in PLAIN_TEXT]

    response = client.get(reverse(name))
    feed = feedparser.parse(response.content)

    assert not feed.bozo
    parsed = {entry.link: entry for entry in feed.entries}
    carried = descriptions(response.content)
    for entry in entries:
        item = parsed[f"http://testserver{entry.get_absolute_url()}"]
        assert item.title == f"{entry.display_date}: {entry.title}"
        assert item.summary_detail.type == "text/html"
        assert carried[item.title] == entry.summary_html
        for tag in ("<img", "<script", "<svg"):
            assert tag not in entry.summary_html
