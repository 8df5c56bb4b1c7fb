"""The sitemaps: /sitemap.xml is an index of one sitemap per section (/sitemap-<section>.xml), each
in files of at most EveryLanguageSitemap.limit URLs (?p=2, ...), every item in every language with
its alternates, and nothing a reader cannot see, at every moment."""

import datetime
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from karabakh_site.core import services
from karabakh_site.core.models import Publishable
from karabakh_site.sitemaps import SITEMAPS, EveryLanguageSitemap
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    FAQEntryFactory,
    PlaceFactory,
    SourceFactory,
    TimelineEntryFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
SERVER = "http://testserver"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def files_in_index(client) -> dict[str, str | None]:
    """The sitemap files the index lists, each with its lastmod (None where it has none)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    return {
        entry.find("s:loc", NS).text: getattr(entry.find("s:lastmod", NS), "text", None)
        for entry in root.findall("s:sitemap", NS)
    }


def urls_in(client, url) -> list[ET.Element]:
    """The <url> elements of one sitemap file (``url`` absolute, as the index gives it)."""
    response = client.get(url.removeprefix(SERVER))
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{NS['s']}}}urlset"
    return root.findall("s:url", NS)


def whole_sitemap(client) -> dict[str, ET.Element]:
    """Every URL of every file the index lists, by its <loc>; a URL in two files fails."""
    entries = {}
    for url in files_in_index(client):
        for entry in urls_in(client, url):
            loc = entry.find("s:loc", NS).text
            assert loc not in entries, f"{loc} is in two sitemap files"
            entries[loc] = entry
    return entries


def day(moment) -> str:
    return timezone.localtime(moment).date().isoformat()


def rest(path: str) -> str:
    """/en/articles/x/ -> /articles/x/."""
    return path[3:]


def test_the_index_lists_one_sitemap_per_section_and_no_pages(client):
    article = ArticleFactory()

    listed = files_in_index(client)

    assert list(listed) == [f"{SERVER}/sitemap-{name}.xml" for name in SITEMAPS]
    assert b"<url>" not in client.get("/sitemap.xml").content
    assert parse_datetime(listed[f"{SERVER}/sitemap-articles.xml"]) == article.updated_at


def test_robots_txt_points_at_the_index(client):
    assert f"Sitemap: {SERVER}/sitemap.xml" in client.get("/robots.txt").text


def test_the_sitemaps_list_published_pages_with_lastmod_and_nothing_else(client):
    topic = TopicFactory(slug="ceasefires")
    article = ArticleFactory(title="Home article")
    article.topics.add(topic)
    event = TimelineEntryFactory(title="Key event", key_event=True)
    FAQEntryFactory(question="Home question?", slug="home-question")
    draft = ArticleFactory(status=Publishable.Status.DRAFT)
    uncited = SourceFactory()

    entries = whole_sitemap(client)

    for path in (
        "/en/",
        "/en/faq/",
        "/en/faq/home-question/",
        article.get_absolute_url(),
        event.get_absolute_url(),
        article.citations.get().source.get_absolute_url(),
        topic.get_absolute_url(),
    ):
        assert f"{SERVER}{path}" in entries, path
    assert entries[f"{SERVER}{article.get_absolute_url()}"].find("s:lastmod", NS) is not None
    assert f"{SERVER}{draft.get_absolute_url()}" not in entries
    assert f"{SERVER}{uncited.get_absolute_url()}" not in entries


def test_a_section_lists_each_item_in_every_language_with_its_alternates(client):
    article = ArticleFactory()
    path = rest(article.get_absolute_url())

    entries = {
        entry.find("s:loc", NS).text: entry
        for entry in urls_in(client, f"{SERVER}/sitemap-articles.xml")
    }

    assert set(entries) == {f"{SERVER}/{code}{path}" for code in LANGUAGES}
    for entry in entries.values():
        alternates = {
            link.get("hreflang"): link.get("href") for link in entry.findall("x:link", NS)
        }
        assert alternates == {
            **{code: f"{SERVER}/{code}{path}" for code in LANGUAGES},
            "x-default": f"{SERVER}{path}",
        }
        # A file gives days (Django's template), the index the time.
        assert entry.find("s:lastmod", NS).text == day(article.updated_at)


@pytest.mark.parametrize("limit", [8, 6])  # whole items to a file (2), and items split by one
def test_a_section_is_split_into_files_at_the_limit(client, monkeypatch, limit):
    monkeypatch.setattr(EveryLanguageSitemap, "limit", limit)
    articles = [ArticleFactory() for _ in range(5)]
    wanted = [
        f"{SERVER}/{code}{rest(a.get_absolute_url())}" for a in articles for code in LANGUAGES
    ]
    pages = -(-len(wanted) // limit)

    files = [url for url in files_in_index(client) if "/sitemap-articles.xml" in url]
    listed = [[entry.find("s:loc", NS).text for entry in urls_in(client, url)] for url in files]

    assert files == [f"{SERVER}/sitemap-articles.xml"] + [
        f"{SERVER}/sitemap-articles.xml?p={page}" for page in range(2, pages + 1)
    ]
    assert [len(urls) for urls in listed] == [limit] * (pages - 1) + [len(wanted) % limit or limit]
    # Every URL once, in a stable order across the files.
    assert [url for urls in listed for url in urls] == wanted


def test_a_sitemap_file_fetches_only_its_own_items(client, monkeypatch):
    monkeypatch.setattr(EveryLanguageSitemap, "limit", 8)
    for _ in range(25):
        ArticleFactory()

    with CaptureQueriesContext(connection) as captured:
        assert len(urls_in(client, f"{SERVER}/sitemap-articles.xml?p=3")) == 8

    listing = [q["sql"] for q in captured if '"articles_article"."slug"' in q["sql"]]
    assert len(listing) == 1 and "LIMIT 2 OFFSET 4" in listing[0]


@pytest.mark.parametrize("page", ["3", "0", "-1", "x", "1.5"])
def test_a_page_past_the_end_or_not_a_number_is_a_404(client, monkeypatch, page):
    monkeypatch.setattr(EveryLanguageSitemap, "limit", 4)
    ArticleFactory()
    ArticleFactory()

    assert client.get("/sitemap-articles.xml", {"p": 2}).status_code == 200
    assert client.get("/sitemap-articles.xml", {"p": page}).status_code == 404


def test_an_unknown_section_is_a_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_the_index_gives_each_section_the_date_of_its_newest_item(client):
    article = ArticleFactory()
    article.topics.add(TopicFactory())
    article.claims.add(ClaimFactory())
    TimelineEntryFactory(place=PlaceFactory())
    FAQEntryFactory()
    newer = ArticleFactory()

    listed = files_in_index(client)

    assert parse_datetime(listed[f"{SERVER}/sitemap-articles.xml"]) == newer.updated_at
    for url, lastmod in listed.items():
        dates = [entry.find("s:lastmod", NS) for entry in urls_in(client, url)]
        # As Django's own index: the newest of the items' dates, or none if some have none.
        newest = None if None in dates else max(d.text for d in dates)
        assert (lastmod and day(parse_datetime(lastmod))) == newest, url


def test_no_section_shows_what_readers_cannot_see(client):
    now = timezone.now()
    hidden = [
        ArticleFactory(status=Publishable.Status.DRAFT),
        ArticleFactory(status=Publishable.Status.IN_REVIEW),
        ArticleFactory(publish_at=now + datetime.timedelta(hours=1)),
        services.withdraw(ArticleFactory()),
        FAQEntryFactory(status=Publishable.Status.DRAFT),
        TimelineEntryFactory(status=Publishable.Status.DRAFT),
    ]
    draft_only_topic = TopicFactory(slug="draft-only-topic")
    hidden[0].topics.add(draft_only_topic)
    draft_only_place = PlaceFactory(slug="draft-only-place")
    TimelineEntryFactory(status=Publishable.Status.DRAFT, place=draft_only_place)
    shown = ArticleFactory()

    body = "".join(
        client.get(url.removeprefix(SERVER)).content.decode() for url in files_in_index(client)
    )

    for item in hidden:
        assert rest(item.get_absolute_url()) not in body, item.get_absolute_url()
    assert "draft-only-topic" not in body and "draft-only-place" not in body
    assert rest(shown.get_absolute_url()) in body


def test_items_join_and_leave_the_sitemap_as_the_clock_passes_their_times(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        scheduled = ArticleFactory(publish_at=start + datetime.timedelta(hours=1))
        expiring = ArticleFactory()
        expiring.withdraw_at = start + datetime.timedelta(hours=3)
        expiring.save()

        def listed():
            return {loc for loc in whole_sitemap(client) if "/articles/" in loc}

        at_start = listed()  # served once before the clock moves
        clock.move_to(start + datetime.timedelta(hours=2))
        published = listed()
        clock.move_to(start + datetime.timedelta(hours=4))
        withdrawn = listed()

    def url(article):
        return f"{SERVER}/en{rest(article.get_absolute_url())}"

    assert url(scheduled) not in at_start and url(expiring) in at_start
    assert url(scheduled) in published and url(expiring) in published
    assert url(scheduled) in withdrawn and url(expiring) not in withdrawn


def test_every_sitemap_file_runs_the_same_queries_for_one_or_many_items(client):
    def make_items():
        article = ArticleFactory()
        article.topics.add(TopicFactory())
        article.claims.add(ClaimFactory())
        TimelineEntryFactory(place=PlaceFactory())
        FAQEntryFactory()

    def queries():
        counts = {}
        for url in ["/sitemap.xml", *(f"/sitemap-{name}.xml" for name in SITEMAPS)]:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts[url] = len(captured)
        return counts

    make_items()
    one = queries()
    for _ in range(24):
        make_items()
    many = queries()

    assert many == one
    # Every answer reads the content clock first (core.page_cache). The index: then a newest
    # date and a count per item sitemap (the topics have no dates), the sections' three dates
    # and the places sitemap's two queries.
    assert one["/sitemap.xml"] <= 17
    # A file of items: the count, then its items, each listed once for all languages.
    assert one["/sitemap-articles.xml"] <= 3


@pytest.mark.parametrize("items", [1, 25])
def test_the_section_files_stay_within_their_query_budget(
    client, django_assert_max_num_queries, items
):
    for _ in range(items):
        article = ArticleFactory()
        article.topics.add(TopicFactory())
        article.claims.add(ClaimFactory())
        TimelineEntryFactory()
        FAQEntryFactory()
    # The content clock, and at most the sections' three dates (the others: a count and a list).
    for name in SITEMAPS:
        with django_assert_max_num_queries(4):
            assert client.get(f"/sitemap-{name}.xml").status_code == 200


@pytest.mark.parametrize(
    ("section", "factory", "table"),
    [
        ("articles", ArticleFactory, "articles_article"),
        ("timeline", TimelineEntryFactory, "timeline_timelineentry"),
        ("faq", FAQEntryFactory, "faq_faqentry"),
        ("sources", None, "core_source"),
    ],
)
@pytest.mark.usefixtures("uncached")
def test_a_sitemap_file_reads_its_items_urls_and_dates_not_their_text(
    client, section, factory, table
):
    # A file lists 1,250 items: their bodies, notes and search vectors took 80 MB of a worker.
    (factory or ArticleFactory)()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/sitemap-{section}.xml")
    assert response.status_code == 200 and b"<loc>" in response.content
    listing = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert listing
    for sql in listing:
        selected = sql.split(" FROM ", 1)[0]
        for column in ("body", "answer", "search_vector", "notes", "summary"):
            assert f'"{table}"."{column}"' not in selected, sql


def test_each_items_url_is_reversed_once_per_language_however_many_alternates_name_it():
    ArticleFactory()
    sitemap = SITEMAPS["articles"]()
    with mock.patch("articles.models.reverse", wraps=reverse) as reversed_:
        urls = sitemap.get_urls(site=mock.Mock(domain="example.org"), protocol="https")
    assert len(urls) == len(settings.LANGUAGES)
    assert all(len(url["alternates"]) == len(settings.LANGUAGES) + 1 for url in urls)
    assert reversed_.call_count == len(settings.LANGUAGES)
