import datetime
import html

import feedparser
import pytest
from django.urls import reverse

from karabakh_site.core.models import Publishable
from tests.factories import ArticleFactory, CorrectionFactory, TopicFactory
from tests.markup import PLAIN_TEXT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["articles:feed-rss", "articles:feed-atom"])
def test_the_article_feeds_list_published_articles_newest_first(client, name):
    older = ArticleFactory(title="Older")
    newer = ArticleFactory(title="Newer")
    newer.topics.add(TopicFactory(name="Diplomacy"))
    ArticleFactory(title="Draft", status=Publishable.Status.DRAFT)

    feed = feedparser.parse(client.get(reverse(name)).content)

    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["Newer", "Older"]
    assert feed.entries[0].link == f"http://testserver{newer.get_absolute_url()}"
    assert feed.entries[1].link == f"http://testserver{older.get_absolute_url()}"
    assert feed.entries[0].tags[0].term == "Diplomacy"
    assert feed.entries[0].published_parsed is not None


def test_the_corrections_feed_links_each_correction_to_its_article(client):
    article = ArticleFactory(title="Corrected")
    old = CorrectionFactory(article=article, date=datetime.date(2025, 1, 1), text="First fix.")
    new = CorrectionFactory(article=article, date=datetime.date(2025, 3, 1), text="Second fix.")
    CorrectionFactory(article=ArticleFactory(status=Publishable.Status.DRAFT), text="Hidden fix.")

    response = client.get(reverse("articles:corrections-feed"))
    feed = feedparser.parse(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert [entry.summary for entry in feed.entries] == ["Second fix.", "First fix."]
    assert feed.entries[0].link == (
        f"http://testserver{article.get_absolute_url()}#correction-{new.pk}"
    )
    assert feed.entries[1].link.endswith(f"#correction-{old.pk}")
    assert feed.entries[0].title == "Correction to “Corrected”"
    assert feed.feed.author == "Karabakh Archive"


@pytest.mark.parametrize("items", [1, 25])
@pytest.mark.usefixtures("uncached")
def test_the_article_feed_runs_the_same_queries_for_one_or_many_articles(
    client, django_assert_num_queries, items
):
    for _ in range(items):
        ArticleFactory().topics.add(TopicFactory())
    with django_assert_num_queries(3):
        client.get(reverse("articles:feed-rss"))
    with django_assert_num_queries(2):
        client.get(reverse("articles:corrections-feed"))


def entries_by_link(feed):
    return {entry.link: entry for entry in feed.entries}


def test_the_rss_feed_sends_titles_as_text_and_standfirsts_as_escaped_html(client):
    articles = [ArticleFactory(title=text, standfirst=text) for text in PLAIN_TEXT]

    feed = feedparser.parse(client.get(reverse("articles:feed-rss")).content)

    assert not feed.bozo
    entries = entries_by_link(feed)
    for article in articles:
        entry = entries[f"http://testserver{article.get_absolute_url()}"]
        assert entry.title == article.title
        # An RSS description is HTML: a reader that renders it shows the standfirst as written.
        assert entry.summary_detail.type == "text/html"
        assert html.unescape(entry.summary) == article.standfirst
        assert "<" not in entry.summary


@pytest.mark.parametrize("name", ["articles:feed-atom", "articles:corrections-feed"])
def test_the_atom_feeds_declare_plain_text_summaries_as_text(client, name):
    for text in PLAIN_TEXT:
        CorrectionFactory(article=ArticleFactory(title=text, standfirst=text), text=text)

    response = client.get(reverse(name))
    feed = feedparser.parse(response.content)

    assert not feed.bozo
    assert b'type="html"' not in response.content
    assert len(feed.entries) == len(PLAIN_TEXT)
    for entry in feed.entries:
        assert entry.title_detail.type == "text/plain"
        assert entry.summary_detail.type == "text/plain"
    if name == "articles:feed-atom":
        assert {(e.title, e.summary) for e in feed.entries} == {(t, t) for t in PLAIN_TEXT}
    else:
        assert {(e.title, e.summary) for e in feed.entries} == {
            (f"Correction to “{text}”", text) for text in PLAIN_TEXT
        }
